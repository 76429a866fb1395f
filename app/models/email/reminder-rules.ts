import { addDays, addMonths, toIsoDate, today } from '#app/utils/dates.ts'
import { formatEuros } from '#app/utils/money.ts'

/**
 * When members are reminded: calls for membership fees around the end of their latest fee, and
 * reminders of unpaid invoices. Pure rules; dates are calendar dates at UTC midnight.
 */

/** Coin's reminder schedule: one month before the fee ends, the day it ends, 1, 2 and 3 months after. */
export const DEFAULT_FEE_REMINDER_OFFSETS = '-1m,0,+1m,+2m,+3m'

/** At most one call for fees, and one reminder per invoice, every 3 weeks. */
export const THREE_WEEKS_DAYS = 21

/** An invoice is reminded once it has been due for more than 4 weeks. */
export const UNPAID_AFTER_DAYS = 28

/** The farthest offset accepted: two years either way. */
const MAX_OFFSET_MONTHS = 24

const OFFSET = /^([+-]?)(\d{1,2})m$/

/**
 * Parses `FEE_REMINDER_OFFSETS`: comma-separated month offsets of the fee end relative to the run
 * date. `-1m`: the fee ends one month after the run date; `0`: it ends that day; `+2m`: it ended
 * two months before. Returns months (`-1`, `0`, `2`), each once, in the order given. Throws an
 * Error with a one-line message naming the first wrong item.
 */
export function parseOffsets(text: string): number[] {
  const items = text.split(',').map((item) => item.trim())
  const offsets: number[] = []
  for (const item of items) {
    const match = item === '0' ? ['0', '', '0'] : OFFSET.exec(item)
    if (!match) throw new Error(`"${item}": expected offsets like -1m, 0, +1m`)
    const months = Number(match[2]) * (match[1] === '-' ? -1 : 1)
    if (Math.abs(months) > MAX_OFFSET_MONTHS) throw new Error(`"${item}": expected offsets between -${MAX_OFFSET_MONTHS}m and +${MAX_OFFSET_MONTHS}m`)
    // -0m and +0m are 0.
    const offset = months === 0 ? 0 : months
    if (!offsets.includes(offset)) offsets.push(offset)
  }
  return offsets
}

export type FeeWhen = 'before' | 'at' | 'after'

/** Where the run date stands from the fee end: before it, on it, or after it (no fee: after). */
export function feeWhen(endDate: Date | null, date: Date): FeeWhen {
  if (!endDate) return 'after'
  const diff = endDate.getTime() - date.getTime()
  return diff > 0 ? 'before' : diff === 0 ? 'at' : 'after'
}

/**
 * Whether a fee ending on `endDate` is called on `date`: when the end date moved by one of the
 * offsets, in calendar months, lands on the date. The result names that offset and the wording.
 *
 * This is Coin's rule (`end_date == date - offset months`) read from the end date, which matters
 * at the end of months: adding months clamps the day to the month's length, so a fee ending on
 * 31 January is called with +1m on 28 February (29 in a leap year), and one ending on 30 April is
 * called with -1m on 30 March only. Read from the run date instead, as Coin did, a fee ending on
 * the 29th–31st would miss the reminders falling in shorter months (28 February has no "minus one
 * month" landing on 31 January) and some would get two. This way every fee end gets exactly one
 * day per offset.
 */
export function feeReminderCase(endDate: Date, date: Date, offsets: readonly number[]): { offset: number; when: FeeWhen } | null {
  const offset = offsets.find((months) => addMonths(endDate, months).getTime() === date.getTime())
  return offset === undefined ? null : { offset, when: feeWhen(endDate, date) }
}

/**
 * The anti-resend guard: true while less than 3 weeks have passed since `lastAt` (exactly 3 weeks
 * later, a new reminder may go). A date in the future also counts as recent.
 */
export function remindedRecently(lastAt: Date | null, now: Date, days = THREE_WEEKS_DAYS) {
  return lastAt !== null && now.getTime() < lastAt.getTime() + days * 86_400_000
}

/** The latest instant a previous reminder may have been sent for a new one to go at `now`. */
export function guardCutoff(now: Date, days = THREE_WEEKS_DAYS) {
  return new Date(now.getTime() - days * 86_400_000)
}

/**
 * Coin's `reminder_needed` for an unpaid invoice (the caller checks it is validated, open, has a
 * member and something left to pay): due more than 4 weeks before `date` (the 29th day after the
 * due date is the first; `date` defaults to the day of `now` in the ISP's time zone) and not
 * reminded in the 3 weeks before `now`.
 */
export function reminderNeeded({ dueDate, lastReminderAt }: { dueDate: Date | null; lastReminderAt: Date | null }, now: Date, date = today(now)) {
  if (!dueDate) return false
  return dueDate.getTime() < addDays(date, -UNPAID_AFTER_DAYS).getTime() && !remindedRecently(lastReminderAt, now)
}

export type ReportLanguage = 'fr' | 'en'

/** A calendar date as each language writes it in a line of detail: 2025-03-31, 31/03/2025. */
const dayOf = (date: Date, language: ReportLanguage) =>
  language === 'fr' ? new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC' }).format(date) : toIsoDate(date)

/**
 * The line describing a call for fees, in command output (English) and in the report (the ISP's
 * language): "before: the fee ends on 2025-03-31".
 */
export function describeFeeCall({ when, feeEndDate }: { when: FeeWhen; feeEndDate: Date | null }, language: ReportLanguage = 'en') {
  if (!feeEndDate) return language === 'fr' ? 'aucune cotisation enregistrée' : 'no fee recorded'
  const end = dayOf(feeEndDate, language)
  if (language === 'fr') {
    return when === 'before' ? `avant : la cotisation se termine le ${end}` : when === 'at' ? `le jour même : la cotisation se termine aujourd’hui, ${end}` : `après : la cotisation s’est terminée le ${end}`
  }
  return when === 'before' ? `before: the fee ends on ${end}` : when === 'at' ? `at: the fee ends today, ${end}` : `after: the fee ended on ${end}`
}

/** The line describing an invoice reminder: "2025-01-000042 due 2025-01-31, €12.50 left". */
export function describeUnpaidReminder({ number, dueDate, remainingCents }: { number: string; dueDate: Date; remainingCents: number }, language: ReportLanguage = 'en') {
  return language === 'fr'
    ? `${number} échue le ${dayOf(dueDate, language)}, reste ${formatEuros(remainingCents, 'fr')}`
    : `${number} due ${toIsoDate(dueDate)}, ${formatEuros(remainingCents, 'en')} left`
}

/** "already reminded on 2025-03-01" (the day in the ISP's time zone): a skip by the 3-week guard. */
export const recentlyRemindedReason = (lastAt: Date, language: ReportLanguage = 'en') =>
  language === 'fr' ? `déjà relancé le ${dayOf(today(lastAt), language)}` : `already reminded on ${toIsoDate(today(lastAt))}`

const SKIP_REASONS_FR: Record<SkipCode, string> = {
  recent: 'relancé il y a moins de 3 semaines',
  notMember: 'n’est pas membre',
  unknown: 'membre introuvable',
  changed: 'modifié entre-temps par une autre exécution ou par l’équipe',
}

/**
 * Why someone was left out, in the report's language: the English reason the run gave, or its
 * French wording from the skip's code (and the date of the last reminder, the invoice number).
 */
export function describeSkip({ code, reason, lastAt, number }: { code: SkipCode; reason: string; lastAt?: Date | null; number?: string }, language: ReportLanguage) {
  if (language === 'en') return reason
  const why = code === 'recent' && lastAt ? recentlyRemindedReason(lastAt, 'fr') : SKIP_REASONS_FR[code]
  return number ? `${number} : ${why}` : why
}

/** Why someone was left out: the 3-week guard, not a member, no such id, or changed by another run meanwhile. */
export type SkipCode = 'recent' | 'notMember' | 'unknown' | 'changed'

const SKIP_LABELS: Record<SkipCode, string> = {
  recent: 'reminded less than 3 weeks ago',
  notMember: 'not a member',
  unknown: 'no such member',
  changed: 'changed meanwhile',
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

/**
 * The last line of a run's output: "3 members called, 1 skipped (reminded less than 3 weeks
 * ago). Dry run: nothing sent." `noun` and `verb` name what was done: members, called.
 */
export function summarizeReminderRun({ sent, skipped, dryRun, noun, verb }: {
  sent: number; skipped: { code: SkipCode }[]; dryRun: boolean; noun: [one: string, many: string]; verb: string
}) {
  const done = `${count(sent, ...noun)} ${dryRun ? `would be ${verb}` : verb}`
  const codes = [...new Set(skipped.map((s) => s.code))]
  const reasons = codes.length === 1
    ? SKIP_LABELS[codes[0]]
    : codes.map((code) => `${skipped.filter((s) => s.code === code).length} ${SKIP_LABELS[code]}`).join(', ')
  const left = skipped.length ? `, ${skipped.length} skipped (${reasons})` : ''
  return `${done}${left}.${dryRun ? ' Dry run: nothing sent.' : ''}`
}
