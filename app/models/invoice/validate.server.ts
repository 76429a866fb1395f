import type { Prisma } from '#app/generated/prisma/client.ts'
import { getIspIdentity, type IspIdentity } from '#app/models/isp/settings.server.ts'
import { lockMember } from '#app/models/payment/payments.server.ts'
import { addDays } from '#app/utils/dates.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { sha256 } from './pdf.server.ts'
import { formatInvoiceNumber, invoiceTotalCents } from './rules.ts'
import { buyerOf, sellerOf } from './snapshot.ts'

type Tx = Prisma.TransactionClient
export type InvoiceKindName = 'INVOICE' | 'CREDIT_NOTE'

export const seriesOf = (kind: InvoiceKindName) => (kind === 'CREDIT_NOTE' ? 'AV' : 'FA')
const prefixOf = (kind: InvoiceKindName) => (kind === 'CREDIT_NOTE' ? 'AV-' : '')
const monthOf = (date: Date) => date.toISOString().slice(0, 7)

const numbersExhausted = (cause?: unknown) => new DomainError({ code: 'INVOICE_NUMBERS_EXHAUSTED', message: 'invoiceNumbersExhausted', cause })

/**
 * Takes `count` consecutive numbers of a series in the month of `date`. The month's counter row
 * is locked until the transaction ends, and the numbers follow both the counter and the highest
 * number of that series and month already stored (an invoice imported or inserted by hand), so
 * a number is never shared; a rolled-back transaction gives its numbers back, so none is skipped.
 */
export async function allocateInvoiceNumbers(tx: Tx, { kind, date, count }: { kind: InvoiceKindName; date: Date; count: number }) {
  const prefix = `${prefixOf(kind)}${monthOf(date)}-`
  // When another transaction holds the counter, this one waits and then adds to the counter as
  // that one left it: what it stored meanwhile is counted even though `stored` did not see it.
  const [row] = await tx.$queryRaw<{ lastIndex: number }[]>`
    WITH stored AS (
      SELECT COALESCE(max(right(number, 6)::int), 0) AS top FROM "Invoice"
      WHERE number LIKE ${`${prefix}%`} AND number ~ ${`^${prefix}[0-9]{6}$`})
    INSERT INTO "InvoiceCounter" (series, month, "lastIndex")
    SELECT ${seriesOf(kind)}, ${monthOf(date)}, top + ${count} FROM stored
    ON CONFLICT (series, month) DO UPDATE
      SET "lastIndex" = GREATEST("InvoiceCounter"."lastIndex", EXCLUDED."lastIndex" - ${count}) + ${count}
    RETURNING "lastIndex"`.catch((error: unknown) => {
    throw String(error).includes('InvoiceCounter_check') ? numbersExhausted(error) : error
  })
  const first = row.lastIndex - count
  return Array.from({ length: count }, (_, i) => formatInvoiceNumber(date, first + i, prefixOf(kind)))
}

/** The next number of a series in the month of `date`. */
export async function allocateInvoiceNumber(tx: Tx, { kind, date }: { kind: InvoiceKindName; date: Date }) {
  const [number] = await allocateInvoiceNumbers(tx, { kind, date, count: 1 })
  return number
}

/** Keeps the ISP's current logo by its hash (once) and returns the hash, or null without a logo. */
async function keepLogo(tx: Tx, isp: IspIdentity) {
  if (!isp.logo || !isp.logoMimeType) return null
  const sha = sha256(isp.logo)
  await tx.$executeRaw`INSERT INTO "IspLogo" (sha256, bytes, "mimeType") VALUES (${sha}, ${Buffer.from(isp.logo)}, ${isp.logoMimeType}) ON CONFLICT DO NOTHING`
  return sha
}

/**
 * Captures, on drafts about to be validated, what they say about their member (buyer) and the
 * ISP (seller), as they are now: from then on the invoice reads only these.
 */
export async function captureIdentities(tx: Tx, ids: number[], isp?: IspIdentity) {
  if (ids.length === 0) return
  const identity = isp ?? (await getIspIdentity(tx))
  const seller = sellerOf(identity, await keepLogo(tx, identity))
  const rows = await tx.invoice.findMany({
    where: { id: { in: ids } },
    select: { id: true, member: { select: { type: true, firstName: true, lastName: true, organizationName: true, username: true, address: true, postalCode: true, city: true, country: true, email: true, language: true } } },
  })
  await tx.$executeRaw`
    UPDATE "Invoice" i SET seller = ${JSON.stringify(seller)}::jsonb, buyer = v.buyer
    FROM unnest(${rows.map((r) => r.id)}::int[], ${rows.map((r) => (r.member ? JSON.stringify(buyerOf(r.member)) : null))}::jsonb[]) AS v(id, buyer)
    WHERE i.id = v.id AND NOT i.validated`
}

/**
 * A unique violation on the number can only come from a number written outside the counter
 * while this transaction ran (an import): say so in words, never as a database error.
 */
export function refusingTakenNumbers<T>(work: Promise<T>) {
  return work.catch((error: unknown) => {
    if (String(error).includes('Invoice_number_key') || (error as { code?: string }).code === 'P2002') {
      throw new DomainError({ code: 'INVOICE_NUMBER_TAKEN', message: 'invoiceNumberTaken', cause: error })
    }
    throw error
  })
}

/**
 * Validates a draft inside `tx` (Coin's `validate()`): dated `today`, due `paymentDelayDays`
 * later unless a due date is set, numbered in the same transaction, total frozen, buyer and
 * seller captured. A zero total is refused, as in Coin. The caller reconciles the member's
 * account. Returns the number, the member and the kind.
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
  await captureIdentities(tx, [id])
  const number = await allocateInvoiceNumber(tx, { kind: draft.kind, date: today })
  const dueDate = draft.dueDate ?? addDays(today, paymentDelayDays)
  await refusingTakenNumbers(tx.invoice.update({
    where: { id },
    data: {
      validated: true, validatedAt: new Date(), number, date: today, dueDate, totalCents,
      // A credit note pays nothing and is owed nothing: it is settled as soon as it exists.
      ...(draft.kind === 'CREDIT_NOTE' ? { status: 'CLOSED' as const } : {}),
    },
  }))
  return { number, memberId: draft.memberId, kind: draft.kind, totalCents, dueDate }
}
