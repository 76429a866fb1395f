import { addDays, addMonths } from '#app/utils/dates.ts'

/** Days before the end of a fee when the member is told it expires soon. */
export const EXPIRING_SOON_DAYS = 30

/** Default end of a fee: one year after its start, minus one day (1 Jan 2025 → 31 Dec 2025). */
export function defaultFeeEnd(start: Date) {
  return addDays(addMonths(start, 12), -1)
}

export type FeeStatus = 'none' | 'upToDate' | 'expiringSoon' | 'expired'

/**
 * Where a member stands at a date, from the end of their latest fee: up to date when a fee covers
 * the date, expiring soon when it ends within 30 days, expired after it, none without any fee.
 */
export function feeStatus(latestEnd: Date | null, date: Date): FeeStatus {
  if (!latestEnd) return 'none'
  if (latestEnd < date) return 'expired'
  if (latestEnd < addDays(date, EXPIRING_SOON_DAYS)) return 'expiringSoon'
  return 'upToDate'
}
