/**
 * The months a chart covers: `from` and `to` as YYYY-MM, both included, by default the last 24
 * months up to this one. Pure, shared by the page's form and the image routes.
 */

import { MONTH_PATTERN } from '#app/utils/request.schema.ts'

export const DEFAULT_MONTHS = 24
export const MAX_MONTHS = 120

export type MonthRange = { from: string; to: string; months: string[] }
export type RangeProblem = { field: 'from' | 'to'; message: 'rangeInvalidMonth' | 'rangeReversed' | 'rangeTooLong' }

const index = (month: string) => {
  const [y, m] = month.split('-').map(Number)
  return y * 12 + (m - 1)
}
const monthOf = (i: number) => `${String(Math.floor(i / 12)).padStart(4, '0')}-${String((i % 12) + 1).padStart(2, '0')}`

/** Months between two YYYY-MM, both included. */
export function monthsBetween(from: string, to: string) {
  return Array.from({ length: index(to) - index(from) + 1 }, (_, i) => monthOf(index(from) + i))
}

/**
 * The range asked for by `from` and `to` (either may be empty), ending by default with the month
 * of `today`; a problem naming the field when a month is not YYYY-MM (year 1900 onwards), when
 * `from` is after `to`, or when the range passes 10 years.
 */
export function parseMonthRange(params: { from?: string | null; to?: string | null }, today: Date): MonthRange | RangeProblem {
  const current = today.toISOString().slice(0, 7)
  const read = (field: 'from' | 'to') => {
    const text = params[field]?.trim() ?? ''
    if (text === '') return null
    return MONTH_PATTERN.test(text) ? text : undefined
  }
  const to = read('to')
  if (to === undefined) return { field: 'to', message: 'rangeInvalidMonth' }
  const from = read('from')
  if (from === undefined) return { field: 'from', message: 'rangeInvalidMonth' }
  const end = to ?? (from && index(from) > index(current) ? from : current)
  const start = from ?? monthOf(index(end) - (DEFAULT_MONTHS - 1))
  if (index(start) > index(end)) return { field: 'from', message: 'rangeReversed' }
  if (index(end) - index(start) + 1 > MAX_MONTHS) return { field: 'from', message: 'rangeTooLong' }
  return { from: start, to: end, months: monthsBetween(start, end) }
}

export const isRangeProblem = (value: MonthRange | RangeProblem): value is RangeProblem => 'message' in value
