import type { Logger } from 'pino'
import { remindUnpaidInvoices, sendReminderReport } from '#app/models/email/reminders.server.ts'
import { today } from '#app/utils/dates.ts'

/**
 * The daily reminders of unpaid invoices (REMIND_UNPAID_INVOICES_CRON): validated open invoices
 * due more than 4 weeks before today (in TZ). Idempotent: each reminder records `lastReminderAt`,
 * and an invoice is reminded at most once every 3 weeks. The summary goes to
 * REMINDER_REPORT_EMAIL, in French, when it is set and the run reminded or skipped an invoice.
 */
export async function run({ now = new Date(), log }: { now?: Date; log: Logger }) {
  const date = today(now)
  const result = await remindUnpaidInvoices({ date, now })
  await sendReminderReport({ job: 'remind-unpaid-invoices', date, dryRun: false, result })
  log.info({ reminded: result.recipients.length, skipped: result.skipped.length }, 'unpaid invoices reminded')
  return result
}
