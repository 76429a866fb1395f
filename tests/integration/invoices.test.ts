import { describe, expect, test } from 'vitest'
import { validateDraft } from '#app/models/invoice/invoices.server.ts'
import { parseIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember } from '#tests/factories/member.ts'

const d = (iso: string) => parseIsoDate(iso)!

async function draft({ memberId, unitCents = 800, kind = 'INVOICE' as const }: { memberId: number; unitCents?: number; kind?: 'INVOICE' | 'CREDIT_NOTE' }) {
  return prisma.invoice.create({
    data: { memberId, kind, lines: { create: [{ label: 'VPN', unitCents, quantityHundredths: 100 }] } },
    select: { id: true },
  })
}

describe('validation and numbering', () => {
  test('concurrent validations get gapless, distinct numbers; each month restarts; credit notes have their own series', async () => {
    const member = await insertMember()
    const drafts = await Promise.all(Array.from({ length: 12 }, () => draft({ memberId: member.id })))
    const numbers = await Promise.all(drafts.map(({ id }) => validateDraft({ id, today: d('2031-03-15'), paymentDelayDays: 30 })))
    expect([...numbers].sort()).toEqual(Array.from({ length: 12 }, (_, i) => `2031-03-${String(i + 1).padStart(6, '0')}`))
    const april = await draft({ memberId: member.id })
    expect(await validateDraft({ id: april.id, today: d('2031-04-01'), paymentDelayDays: 30 })).toBe('2031-04-000001')
    const credit = await draft({ memberId: member.id, unitCents: -800, kind: 'CREDIT_NOTE' })
    expect(await validateDraft({ id: credit.id, today: d('2031-04-02'), paymentDelayDays: 30 })).toBe('AV-2031-04-000001')
    const row = await prisma.invoice.findUniqueOrThrow({ where: { id: april.id }, select: { date: true, dueDate: true, totalCents: true, validated: true } })
    expect(row).toEqual({ date: d('2031-04-01'), dueDate: d('2031-05-01'), totalCents: 800, validated: true })
  })

  test('a refused validation takes no number; a zero total is refused with Coin\'s message', async () => {
    const member = await insertMember()
    const zero = await draft({ memberId: member.id, unitCents: 0 })
    await expect(validateDraft({ id: zero.id, today: d('2032-01-10'), paymentDelayDays: 30 })).rejects.toMatchObject({ code: 'INVOICE_ZERO_TOTAL', message: 'invoiceZeroTotal' })
    const ok = await draft({ memberId: member.id })
    expect(await validateDraft({ id: ok.id, today: d('2032-01-10'), paymentDelayDays: 30 })).toBe('2032-01-000001')
    await expect(validateDraft({ id: ok.id, today: d('2032-01-10'), paymentDelayDays: 30 })).rejects.toMatchObject({ code: 'INVOICE_ALREADY_VALIDATED' })
  })
})

describe('what the database itself refuses', () => {
  test('a validated invoice and its lines cannot be changed, even with raw SQL', async () => {
    const member = await insertMember()
    const { id } = await draft({ memberId: member.id })
    const number = await validateDraft({ id, today: d('2033-06-01'), paymentDelayDays: 30 })
    for (const sql of [
      `UPDATE "Invoice" SET "totalCents" = 1 WHERE id = ${id}`,
      `UPDATE "Invoice" SET number = '2033-06-999999' WHERE id = ${id}`,
      `UPDATE "Invoice" SET date = '2033-06-02' WHERE id = ${id}`,
      `UPDATE "Invoice" SET "memberId" = NULL WHERE id = ${id}`,
      `UPDATE "InvoiceLine" SET "unitCents" = 1 WHERE "invoiceId" = ${id}`,
      `INSERT INTO "InvoiceLine" ("invoiceId", label, "unitCents") VALUES (${id}, 'extra', 100)`,
      `DELETE FROM "InvoiceLine" WHERE "invoiceId" = ${id}`,
      `DELETE FROM "Invoice" WHERE id = ${id}`,
    ]) {
      await expect(prisma.$executeRawUnsafe(sql), sql).rejects.toThrow(/validated/)
    }
    // Its status may still change (paid, disputed).
    await prisma.invoice.update({ where: { id }, data: { status: 'CLOSED' } })
    expect(await prisma.invoice.findUniqueOrThrow({ where: { id }, select: { number: true, totalCents: true, status: true } })).toEqual({ number, totalCents: 800, status: 'CLOSED' })
  })

  test('a subscription period is never billed twice: overlapping lines are refused', async () => {
    const member = await insertMember()
    const offer = await prisma.offer.create({ data: { name: 'VPN', reference: 'VPN-INV', periodFeeCents: 800 }, select: { id: true } })
    const subscription = await prisma.subscription.create({ data: { memberId: member.id, offerId: offer.id, subscriptionDate: d('2030-01-01') }, select: { id: true } })
    const line = (from: string, to: string) => ({ label: 'VPN', unitCents: 800, subscriptionId: subscription.id, periodFrom: d(from), periodTo: d(to) })
    await prisma.invoice.create({ data: { memberId: member.id, lines: { create: [line('2030-01-01', '2030-01-31')] } } })
    await expect(prisma.invoice.create({ data: { memberId: member.id, lines: { create: [line('2030-01-31', '2030-02-28')] } } })).rejects.toThrow(/InvoiceLine_no_double_billing/)
    await prisma.invoice.create({ data: { memberId: member.id, lines: { create: [line('2030-02-01', '2030-02-28')] } } })
  })
})
