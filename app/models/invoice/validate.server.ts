import type { Prisma } from '#app/generated/prisma/client.ts'
import { lockMember } from '#app/models/payment/payments.server.ts'
import { addDays } from '#app/utils/dates.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { formatInvoiceNumber, invoiceTotalCents } from './rules.ts'

type Tx = Prisma.TransactionClient
export type InvoiceKindName = 'INVOICE' | 'CREDIT_NOTE'

export const seriesOf = (kind: InvoiceKindName) => (kind === 'CREDIT_NOTE' ? 'AV' : 'FA')
const prefixOf = (kind: InvoiceKindName) => (kind === 'CREDIT_NOTE' ? 'AV-' : '')
const monthOf = (date: Date) => date.toISOString().slice(0, 7)

/**
 * Takes `count` consecutive numbers of a series in the month of `date` from the month's counter
 * row. The row stays locked until the transaction ends, and a rolled-back transaction gives its
 * numbers back: numbers are never shared nor skipped.
 */
export async function allocateInvoiceNumbers(tx: Tx, { kind, date, count }: { kind: InvoiceKindName; date: Date; count: number }) {
  const [row] = await tx.$queryRaw<{ lastIndex: number }[]>`
    INSERT INTO "InvoiceCounter" (series, month, "lastIndex") VALUES (${seriesOf(kind)}, ${monthOf(date)}, ${count})
    ON CONFLICT (series, month) DO UPDATE SET "lastIndex" = "InvoiceCounter"."lastIndex" + ${count}
    RETURNING "lastIndex"`
  const first = row.lastIndex - count
  return Array.from({ length: count }, (_, i) => formatInvoiceNumber(date, first + i, prefixOf(kind)))
}

/** The next number of a series in the month of `date`. */
export async function allocateInvoiceNumber(tx: Tx, { kind, date }: { kind: InvoiceKindName; date: Date }) {
  const [number] = await allocateInvoiceNumbers(tx, { kind, date, count: 1 })
  return number
}

/**
 * Validates a draft inside `tx` (Coin's `validate()`): dated `today`, due `paymentDelayDays`
 * later unless a due date is set, numbered in the same transaction, total frozen, then the
 * member's account is reconciled (credit pays the new invoice). A zero total is refused, as in
 * Coin. Returns the number and the member.
 */
export async function validateInvoiceIn(tx: Tx, { id, today, paymentDelayDays }: { id: number; today: Date; paymentDelayDays: number }) {
  const [draft] = await tx.$queryRaw<{ kind: InvoiceKindName; validated: boolean; dueDate: Date | null; memberId: number | null }[]>`
    SELECT kind::text AS kind, validated, "dueDate", "memberId" FROM "Invoice" WHERE id = ${id} FOR UPDATE`
  if (!draft) throw new DomainError({ code: 'INVOICE_NOT_FOUND', message: 'notFound', status: 404 })
  if (draft.validated) throw new DomainError({ code: 'INVOICE_ALREADY_VALIDATED', message: 'invoiceAlreadyValidated' })
  const lines = await tx.invoiceLine.findMany({ where: { invoiceId: id }, select: { unitCents: true, quantityHundredths: true, vatBasisPoints: true } })
  const totalCents = invoiceTotalCents(lines)
  if (totalCents === 0) throw new DomainError({ code: 'INVOICE_ZERO_TOTAL', message: 'invoiceZeroTotal' })
  if (draft.memberId !== null) await lockMember(tx, draft.memberId)
  const number = await allocateInvoiceNumber(tx, { kind: draft.kind, date: today })
  await tx.invoice.update({
    where: { id },
    data: {
      validated: true, validatedAt: new Date(), number, date: today, dueDate: draft.dueDate ?? addDays(today, paymentDelayDays), totalCents,
      // A credit note pays nothing and is owed nothing: it is settled as soon as it exists.
      ...(draft.kind === 'CREDIT_NOTE' ? { status: 'CLOSED' as const } : {}),
    },
  })
  return { number, memberId: draft.memberId, kind: draft.kind }
}
