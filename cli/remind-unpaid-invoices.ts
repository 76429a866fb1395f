import { remindUnpaidInvoices, type UnpaidReminderResult } from '#app/models/email/reminders.server.ts'
import { summarizeReminderRun } from '#app/models/email/reminder-rules.ts'

/** The output of a run: one line per invoice reminded, the skipped ones with why, a summary line. */
export function formatUnpaidReminders(result: UnpaidReminderResult, { dryRun }: { dryRun: boolean }) {
  const lines = result.recipients.map((r) => `${r.name} <${r.email}>: ${r.detail}`)
  if (result.skipped.length) lines.push('Skipped:', ...result.skipped.map((s) => `  ${s.name}: ${s.reason}`))
  lines.push(summarizeReminderRun({ sent: result.recipients.length, skipped: result.skipped, dryRun, noun: ['invoice', 'invoices'], verb: 'reminded' }))
  return lines.map((line) => `${line}\n`).join('')
}

/**
 * `coin remind_unpaid_invoices`: reminds members of the validated open invoices due more than
 * 4 weeks before `date`, each at most once every 3 weeks. Returns the text to print and the result.
 */
export async function runRemindUnpaidInvoices({ date, dryRun = false, now = new Date() }: { date: Date; dryRun?: boolean; now?: Date }) {
  const result = await remindUnpaidInvoices({ date, now, dryRun })
  return { result, text: formatUnpaidReminders(result, { dryRun }) }
}
