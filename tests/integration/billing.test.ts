import { describe, expect, test } from 'vitest'
import { chargeSubscriptions } from '#app/models/invoice/charge.server.ts'
import { createCreditNote } from '#app/models/invoice/invoices.server.ts'
import { getInvoicePdf } from '#app/models/invoice/pdf.server.ts'
import { validateDraft } from '#app/models/invoice/invoices.server.ts'
import { cancelAllocation, deletePayment, getMemberBalance, recordPayment } from '#app/models/payment/payments.server.ts'
import { parseIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember } from '#tests/factories/member.ts'

const d = (iso: string) => parseIsoDate(iso)!

async function invoice(memberId: number, unitCents: number, today: string) {
  const { id } = await prisma.invoice.create({ data: { memberId, lines: { create: [{ label: 'VPN', unitCents }] } }, select: { id: true } })
  await validateDraft({ id, today: d(today), paymentDelayDays: 30 })
  return id
}

const statusOf = async (id: number) => (await prisma.invoice.findUniqueOrThrow({ where: { id }, select: { status: true } })).status

describe('payments and reconciliation', () => {
  test('oldest invoice first; a partial payment leaves the next open; overpayment is credit that pays the next invoice', async () => {
    const member = await insertMember()
    const first = await invoice(member.id, 800, '2030-01-31')
    const second = await invoice(member.id, 2900, '2030-02-28')
    expect(await getMemberBalance(member.id)).toBe(-3700)
    await recordPayment({ memberId: member.id, method: 'TRANSFER', amountCents: 1000, date: d('2030-03-02') })
    expect([await statusOf(first), await statusOf(second)]).toEqual(['CLOSED', 'OPEN'])
    expect(await getMemberBalance(member.id)).toBe(-2700)
    await recordPayment({ memberId: member.id, method: 'CHEQUE', amountCents: 3000, date: d('2030-03-05') })
    expect(await statusOf(second)).toBe('CLOSED')
    expect(await getMemberBalance(member.id)).toBe(300)
    // The 3 € of credit pays part of the next invoice as soon as it is validated.
    const third = await invoice(member.id, 800, '2030-03-31')
    const paid = await prisma.paymentAllocation.aggregate({ where: { invoiceId: third }, _sum: { amountCents: true } })
    expect(paid._sum.amountCents).toBe(300)
    expect(await getMemberBalance(member.id)).toBe(-500)
  })

  test('a forced invoice is paid first; an invoice of another member is refused and nothing is recorded', async () => {
    const member = await insertMember()
    const other = await insertMember()
    const old = await invoice(member.id, 800, '2030-04-01')
    const recent = await invoice(member.id, 800, '2030-04-02')
    const foreign = await invoice(other.id, 800, '2030-04-02')
    await recordPayment({ memberId: member.id, method: 'CASH', amountCents: 800, date: d('2030-04-03'), forcedInvoiceId: recent })
    expect([await statusOf(old), await statusOf(recent)]).toEqual(['OPEN', 'CLOSED'])
    await expect(recordPayment({ memberId: member.id, method: 'CASH', amountCents: 800, date: d('2030-04-03'), forcedInvoiceId: foreign }))
      .rejects.toMatchObject({ code: 'INVOICE_OF_ANOTHER_MEMBER' })
    expect(await prisma.payment.count({ where: { memberId: member.id } })).toBe(1)
  })

  test('deleting a payment or an allocation reopens what it paid', async () => {
    const member = await insertMember()
    const id = await invoice(member.id, 800, '2030-05-01')
    const payment = await recordPayment({ memberId: member.id, method: 'TRANSFER', amountCents: 800, date: d('2030-05-02') })
    expect(await statusOf(id)).toBe('CLOSED')
    await deletePayment({ id: payment.id })
    expect(await statusOf(id)).toBe('OPEN')
    expect(await getMemberBalance(member.id)).toBe(-800)
    await recordPayment({ memberId: member.id, method: 'TRANSFER', amountCents: 800, date: d('2030-05-03') })
    const allocation = await prisma.paymentAllocation.findFirstOrThrow({ where: { invoiceId: id } })
    await cancelAllocation({ id: allocation.id, paymentId: allocation.paymentId })
    expect(await statusOf(id)).toBe('OPEN')
    expect(await getMemberBalance(member.id)).toBe(0) // the money is credit, the invoice still due
  })

  test('a credit note lowers what is due, releases money already paid as credit, and has its own number', async () => {
    const member = await insertMember()
    const paid = await invoice(member.id, 2900, '2030-06-01')
    const open = await invoice(member.id, 800, '2030-06-02')
    await recordPayment({ memberId: member.id, method: 'TRANSFER', amountCents: 2900, date: d('2030-06-03') })
    expect(await statusOf(paid)).toBe('CLOSED')
    await expect(createCreditNote({ invoiceId: paid, amountCents: 3000, reason: '', today: d('2030-06-10'), paymentDelayDays: 30 })).rejects.toMatchObject({ code: 'CREDIT_TOO_LARGE' })
    const note = await createCreditNote({ invoiceId: paid, amountCents: 1000, reason: 'Panne de 10 jours', today: d('2030-06-10'), paymentDelayDays: 30 })
    expect(note.number).toBe('AV-2030-06-000001')
    // 10 € released from the paid invoice: 8 € pay the open one, 2 € remain as credit.
    expect([await statusOf(paid), await statusOf(open)]).toEqual(['CLOSED', 'CLOSED'])
    expect(await getMemberBalance(member.id)).toBe(200)
  })
})

async function offer(overrides: { reference: string; billingPeriodMonths?: number; periodFeeCents?: number; initialFeeCents?: number; nonBillable?: boolean }) {
  return prisma.offer.create({ data: { name: overrides.reference, periodFeeCents: 800, ...overrides }, select: { id: true } })
}

describe('charge_subscriptions', () => {
  test('one validated invoice per member with its PDF; running it again creates nothing; a dry run records nothing', async () => {
    const vpn = await offer({ reference: 'CHG-VPN' })
    const adsl = await offer({ reference: 'CHG-ADSL', billingPeriodMonths: 3, periodFeeCents: 9000, initialFeeCents: 5000 })
    const free = await offer({ reference: 'CHG-HOST', nonBillable: true })
    const a = await insertMember({ firstName: 'Élodie', lastName: 'Dupré' })
    const b = await insertMember()
    await prisma.subscription.createMany({
      data: [
        { memberId: a.id, offerId: vpn.id, subscriptionDate: d('2034-12-01') },
        { memberId: a.id, offerId: adsl.id, subscriptionDate: d('2035-01-15') },
        { memberId: b.id, offerId: vpn.id, subscriptionDate: d('2034-06-01'), resignDate: d('2035-01-10') },
        { memberId: b.id, offerId: free.id, subscriptionDate: d('2034-06-01') },
      ],
    })
    const options = { date: d('2035-01-20'), today: d('2035-01-31'), paymentDelayDays: 30 }
    const dry = await chargeSubscriptions({ ...options, dryRun: true })
    expect(dry).toMatchObject({ invoices: 2, totalCents: 800 + 5000 + 7560 + 256, pdfs: 0 })
    expect(await prisma.invoice.count({ where: { memberId: { in: [a.id, b.id] } } })).toBe(0)

    const run = await chargeSubscriptions(options)
    expect(run).toMatchObject({ invoices: 2, lines: 4, totalCents: 13616, firstNumber: '2035-01-000001', lastNumber: '2035-01-000002' })
    // The run also renders the PDFs any earlier validation left missing (here, the tests above).
    expect(await prisma.invoice.count({ where: { validated: true, pdfSha256: null } })).toBe(0)
    expect(run.skipped.nonBillable).toBe(1)
    const invoices = await prisma.invoice.findMany({ where: { memberId: { in: [a.id, b.id] } }, select: { id: true, number: true, date: true, dueDate: true, validated: true, pdfSha256: true }, orderBy: { number: 'asc' } })
    expect(invoices.map((i) => [i.number, i.validated, i.date, i.dueDate])).toEqual([
      ['2035-01-000001', true, d('2035-01-31'), d('2035-03-02')],
      ['2035-01-000002', true, d('2035-01-31'), d('2035-03-02')],
    ])
    const pdf = await getInvoicePdf(invoices[0].id)
    expect(Buffer.from(pdf!.pdf.subarray(0, 5)).toString()).toBe('%PDF-')

    const again = await chargeSubscriptions(options)
    expect(again).toMatchObject({ invoices: 0, pdfs: 0 })
    expect(again.skipped.alreadyBilled).toBe(3)
    // February: the quarterly ADSL was billed to March; only the VPN of member a is due.
    const february = await chargeSubscriptions({ ...options, date: d('2035-02-01'), today: d('2035-02-01') })
    expect(february).toMatchObject({ invoices: 1, totalCents: 800, firstNumber: '2035-02-000001' })
  })

  test('two runs at once bill each subscription once, with gapless numbers', async () => {
    const vpn = await offer({ reference: 'CHG-CONC' })
    const members = await Promise.all(Array.from({ length: 30 }, () => insertMember()))
    await prisma.subscription.createMany({ data: members.map((m) => ({ memberId: m.id, offerId: vpn.id, subscriptionDate: d('2036-01-01') })) })
    const options = { date: d('2036-03-01'), today: d('2036-03-01'), paymentDelayDays: 30, batchSize: 7, render: async () => new Uint8Array([37, 80, 68, 70]) }
    const [one, two] = await Promise.all([chargeSubscriptions(options), chargeSubscriptions(options)])
    const ours = await prisma.invoice.groupBy({ by: ['memberId'], where: { memberId: { in: members.map((m) => m.id) } }, _count: true })
    expect(ours.map((g) => g._count)).toEqual(Array(30).fill(1))
    // Other tests' subscriptions run too: all the month's numbers, whoever took them, follow each other.
    const numbers = (await prisma.invoice.findMany({ where: { number: { startsWith: '2036-03-' } }, select: { number: true } })).map((i) => i.number).sort()
    expect(numbers).toHaveLength(one.invoices + two.invoices)
    expect(numbers).toEqual(numbers.map((_, i) => `2036-03-${String(i + 1).padStart(6, '0')}`))
  })
})
