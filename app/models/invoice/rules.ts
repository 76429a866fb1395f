import { addDays, addMonths } from '#app/utils/dates.ts'

/**
 * Billing rules of Coin (§2.6 of the reference), as pure functions on integers: money in cents,
 * quantities in hundredths (1.00 = 100), VAT rates in basis points (20 % = 2000).
 */

/**
 * Invoice numbers: YYYY-MM-NNNNNN, a six-digit sequence restarting every month (credit notes:
 * AV-YYYY-MM-NNNNNN). The number following `lastIndex` (the highest index of the month, or null
 * for the first of the month): 2025-03 and 41 give 2025-03-000042.
 */
export function formatInvoiceNumber(date: Date, lastIndex: number | null, prefix = '') {
  const index = (lastIndex ?? 0) + 1
  if (index > 999_999) throw new RangeError('more than 999,999 invoices in one month')
  const month = String(date.getUTCMonth() + 1).padStart(2, '0')
  return `${prefix}${date.getUTCFullYear()}-${month}-${String(index).padStart(6, '0')}`
}

/** Divides two non-negative integers, rounding half up (0.5 cent goes up). */
function divideHalfUp(numerator: bigint, denominator: bigint) {
  return Number((numerator * 2n + denominator) / (denominator * 2n))
}

function divideHalfEven(numerator: bigint, denominator: bigint) {
  const quotient = numerator / denominator
  const twice = (numerator % denominator) * 2n
  return Number(twice > denominator || (twice === denominator && quotient % 2n === 1n) ? quotient + 1n : quotient)
}

export type LineAmounts = { unitCents: number; quantityHundredths: number; vatBasisPoints?: number; halfEven?: boolean }

/**
 * A line's total in cents: unit price × quantity × (1 + VAT), rounded half up to the cent once,
 * at the end (Coin's `InvoiceDetail.total()`); half to even for lines imported from the original
 * Coin, whose Python Decimal rounded so. An invoice's total is the sum of its lines' totals, so
 * what the PDF shows per line always adds up to the total.
 */
export function lineTotalCents({ unitCents, quantityHundredths, vatBasisPoints = 0, halfEven = false }: LineAmounts) {
  const sign = unitCents < 0 ? -1 : 1
  const exact = BigInt(Math.abs(unitCents)) * BigInt(quantityHundredths) * BigInt(10_000 + vatBasisPoints)
  return sign * (halfEven ? divideHalfEven : divideHalfUp)(exact, 100n * 10_000n)
}

/** The VAT part of a line, in cents: the line total minus the same line without VAT. */
export function lineVatCents(line: LineAmounts) {
  return lineTotalCents(line) - lineTotalCents({ ...line, vatBasisPoints: 0 })
}

/** True when some line carries VAT: the invoice then shows VAT per rate and the ISP's VAT number instead of the exemption mention. */
export const chargesVat = (lines: { vatBasisPoints?: number }[]) => lines.some((line) => (line.vatBasisPoints ?? 0) > 0)

/**
 * The totals of each VAT rate, lowest rate first: base excluding VAT and VAT, each the sum of its
 * lines' integer cents, so base + VAT over all rates is the invoice's total.
 */
export function vatBreakdown(lines: LineAmounts[]) {
  const byRate = new Map<number, { vatBasisPoints: number; baseCents: number; vatCents: number }>()
  for (const line of lines) {
    const rate = line.vatBasisPoints ?? 0
    const row = byRate.get(rate) ?? { vatBasisPoints: rate, baseCents: 0, vatCents: 0 }
    const vat = lineVatCents(line)
    row.baseCents += lineTotalCents(line) - vat
    row.vatCents += vat
    byRate.set(rate, row)
  }
  return [...byRate.values()].sort((a, b) => a.vatBasisPoints - b.vatBasisPoints)
}

export function invoiceTotalCents(lines: LineAmounts[]) {
  return lines.reduce((sum, line) => sum + lineTotalCents(line), 0)
}

const daysBetweenInclusive = (from: Date, to: Date) => Math.round((to.getTime() - from.getTime()) / 86_400_000) + 1

export type BilledPeriod = { from: Date; to: Date; quantityHundredths: number }

/**
 * What `charge_subscriptions` bills for a subscription in the month of `date` (§2.6.5): the
 * billing period starts on the first of the month and lasts `billingPeriodMonths`; it is clamped
 * to the subscription and resign dates; the quantity is the prorata of days, in hundredths,
 * rounded half up (subscribed on 15 January, 3-month period: 76 / 90 days = 0.84). Null when
 * nothing, or a single day, is left to bill.
 */
export function billedPeriod(
  s: { subscriptionDate: Date; resignDate: Date | null },
  date: Date,
  billingPeriodMonths: number,
): BilledPeriod | null {
  const start = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1))
  const end = addDays(addMonths(start, billingPeriodMonths), -1)
  const from = s.subscriptionDate > start ? s.subscriptionDate : start
  const to = s.resignDate && s.resignDate < end ? s.resignDate : end
  // As in Coin, a period of a single day (starting on the month's last day, or resigned on its
  // first) is not billed: it would make a few-cent invoice of its own.
  if (from >= to) return null
  const quantityHundredths = divideHalfUp(BigInt(daysBetweenInclusive(from, to)) * 100n, BigInt(daysBetweenInclusive(start, end)))
  return { from, to, quantityHundredths }
}

/** True when two periods (both ends included) share at least one day: the double-billing guard. */
export function periodsOverlap(a: { from: Date; to: Date }, b: { from: Date; to: Date }) {
  return a.to >= b.from && a.from <= b.to
}

type Payment = { id: number; date: Date; unallocatedCents: number; forcedInvoiceId?: number | null; refusedInvoiceIds?: number[] }
type OpenInvoice = { id: number; date: Date; remainingCents: number; disputed?: boolean }

/**
 * Coin's reconciliation (§2.6.4): the oldest payment with money left pays its forced invoice if
 * that is still open, else the oldest open invoice, for as much as both allow; repeat while both
 * remain. Returns the allocations to record. Unlike Coin, what a payment has left once its forced
 * invoice is paid goes on to the oldest open invoices instead of staying aside for ever. A
 * disputed invoice takes only the payments forced onto it, and a payment never pays an invoice
 * staff took it off (`refusedInvoiceIds`).
 */
export function allocateFifo(payments: Payment[], invoices: OpenInvoice[]) {
  const byDate = <T extends { date: Date; id: number }>(a: T, b: T) => a.date.getTime() - b.date.getTime() || a.id - b.id
  const pay = payments.filter((p) => p.unallocatedCents > 0).map((p) => ({ ...p })).sort(byDate)
  const open = invoices.filter((i) => i.remainingCents > 0).map((i) => ({ ...i })).sort(byDate)
  const allocations: { paymentId: number; invoiceId: number; amountCents: number }[] = []
  for (const payment of pay) {
    const allowed = (i: OpenInvoice) => i.remainingCents > 0 && !payment.refusedInvoiceIds?.includes(i.id)
    while (payment.unallocatedCents > 0) {
      const forced = payment.forcedInvoiceId ? open.find((i) => i.id === payment.forcedInvoiceId && allowed(i)) : undefined
      const target = forced ?? open.find((i) => allowed(i) && !i.disputed)
      if (!target) break
      const amountCents = Math.min(payment.unallocatedCents, target.remainingCents)
      allocations.push({ paymentId: payment.id, invoiceId: target.id, amountCents })
      payment.unallocatedCents -= amountCents
      target.remainingCents -= amountCents
    }
  }
  return allocations
}
