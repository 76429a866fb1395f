/**
 * Calendar dates. A date without time is a Date at UTC midnight (what Prisma returns for
 * @db.Date), so arithmetic never crosses a daylight-saving change.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** Parses YYYY-MM-DD into a UTC-midnight Date; null when it is not a real calendar date. */
export function parseIsoDate(text: string): Date | null {
  const match = ISO_DATE.exec(text.trim())
  if (!match) return null
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
  return toIsoDate(date) === text.trim() ? date : null
}

export function toIsoDate(date: Date) {
  return date.toISOString().slice(0, 10)
}

export function addDays(date: Date, days: number) {
  return new Date(date.getTime() + days * 86_400_000)
}

/** Adds calendar months; the day is clamped to the month's length (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: Date, months: number) {
  const y = date.getUTCFullYear()
  const m = date.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate()
  return new Date(Date.UTC(y, m, Math.min(date.getUTCDate(), lastDay)))
}

/** Today's date in the ISP's time zone (Europe/Paris unless TZ says otherwise), at UTC midnight. */
export function today(now = new Date(), timeZone = process.env.TZ || 'Europe/Paris') {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
  return parseIsoDate(parts)!
}
