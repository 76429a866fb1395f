import type { Prisma } from '#app/generated/prisma/client.ts'
import { addDays } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { formatInvoiceNumber, invoiceTotalCents } from './rules.ts'

type Tx = Prisma.TransactionClient

/**
 * The next number of a series in the month of `date`, taken from the month's counter row. The
 * row stays locked until the transaction ends, and a rolled-back transaction gives its number
 * back: numbers are never shared nor skipped.
 */
export async function allocateInvoiceNumber(tx: Tx, { kind, date }: { kind: 'INVOICE' | 'CREDIT_NOTE'; date: Date }) {
  const series = kind === 'CREDIT_NOTE' ? 'AV' : 'FA'
  const month = date.toISOString().slice(0, 7)
  const [row] = await tx.$queryRaw<{ lastIndex: number }[]>`
    INSERT INTO "InvoiceCounter" (series, month, "lastIndex") VALUES (${series}, ${month}, 1)
    ON CONFLICT (series, month) DO UPDATE SET "lastIndex" = "InvoiceCounter"."lastIndex" + 1
    RETURNING "lastIndex"`
  return formatInvoiceNumber(date, row.lastIndex - 1, series === 'AV' ? 'AV-' : '')
}

/**
 * Validates a draft (Coin's `validate()`): dated `today`, due `paymentDelayDays` later unless a
 * due date is set, numbered in the same transaction, total frozen. A zero total is refused, as
 * in Coin. Returns the number.
 */
export function validateInvoice({ id, today, paymentDelayDays }: { id: number; today: Date; paymentDelayDays: number }) {
  return prisma.$transaction(async (tx) => {
    const [draft] = await tx.$queryRaw<{ kind: 'INVOICE' | 'CREDIT_NOTE'; validated: boolean; dueDate: Date | null }[]>`
      SELECT kind, validated, "dueDate" FROM "Invoice" WHERE id = ${id} FOR UPDATE`
    if (!draft) throw new DomainError({ code: 'INVOICE_NOT_FOUND', message: 'notFound', status: 404 })
    if (draft.validated) throw new DomainError({ code: 'INVOICE_ALREADY_VALIDATED', message: 'invoiceAlreadyValidated' })
    const lines = await tx.invoiceLine.findMany({ where: { invoiceId: id }, select: { unitCents: true, quantityHundredths: true, vatBasisPoints: true } })
    const totalCents = invoiceTotalCents(lines)
    if (totalCents === 0) throw new DomainError({ code: 'INVOICE_ZERO_TOTAL', message: 'invoiceZeroTotal' })
    const number = await allocateInvoiceNumber(tx, { kind: draft.kind, date: today })
    await tx.invoice.update({
      where: { id },
      data: { validated: true, validatedAt: new Date(), number, date: today, dueDate: draft.dueDate ?? addDays(today, paymentDelayDays), totalCents },
    })
    return number
  })
}
