import { countActiveSubscriptionsByOffer } from '#app/models/offer/offers.server.ts'
import { UsageError } from './errors.ts'
import { parseDateOption } from './options.ts'

export type OfferCountRow = { reference: string; name: string; count: number }

/**
 * The date of `offer_subscriptions_count`: `--date`, or the positional date Coin's command takes;
 * today when neither is given.
 */
export function parseCountDate({ option, argument }: { option?: string; argument?: string }) {
  if (option !== undefined && argument !== undefined) throw new UsageError('give the date once: either --date or as an argument')
  return argument !== undefined ? parseDateOption(argument, 'date') : parseDateOption(option)
}

const width = (text: string) => [...text.normalize('NFC')].length
const padEnd = (text: string, size: number) => text + ' '.repeat(size - width(text))
const padStart = (text: string, size: number) => ' '.repeat(size - width(text)) + text

/** A plain-text table: reference, name and count columns, then a total line. */
export function formatCountTable(rows: OfferCountRow[]) {
  const total = rows.reduce((sum, r) => sum + r.count, 0)
  const lines = [['Reference', 'Name', 'Count'], ...rows.map((r) => [r.reference, r.name, String(r.count)]), ['Total', '', String(total)]]
  const widths = [0, 1, 2].map((i) => Math.max(...lines.map((l) => width(l[i]))))
  return lines.map(([reference, name, count]) => `${padEnd(reference, widths[0])}  ${padEnd(name, widths[1])}  ${padStart(count, widths[2])}\n`).join('')
}

/** The `--json` output: `[{"reference","name","count"}]` on one line. */
export function formatCountJson(rows: OfferCountRow[]) {
  return `${JSON.stringify(rows.map(({ reference, name, count }) => ({ reference, name, count })))}\n`
}

/**
 * `coin offer_subscriptions_count`: active subscriptions per offer at a date (a subscription
 * counts from its first to its last day, both included), as a table or as JSON.
 */
export async function offerSubscriptionsCount({ date, json = false }: { date: Date; json?: boolean }) {
  const rows = await countActiveSubscriptionsByOffer(date)
  return json ? formatCountJson(rows) : formatCountTable(rows)
}
