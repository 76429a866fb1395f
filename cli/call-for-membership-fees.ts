import { callForMembershipFees, type FeeCallResult } from '#app/models/email/reminders.server.ts'
import { summarizeReminderRun } from '#app/models/email/reminder-rules.ts'
import { getEnv } from '#app/utils/env.server.ts'

/** The output of a run: one line per member called, the skipped ones with why, a summary line. */
export function formatFeeCalls(result: FeeCallResult, { dryRun }: { dryRun: boolean }) {
  const lines = result.recipients.map((r) => `${r.name} <${r.email}>: ${r.detail}`)
  if (result.skipped.length) lines.push('Skipped:', ...result.skipped.map((s) => `  ${s.name}: ${s.reason}`))
  lines.push(summarizeReminderRun({ sent: result.recipients.length, skipped: result.skipped, dryRun, noun: ['member', 'members'], verb: 'called' }))
  return lines.map((line) => `${line}\n`).join('')
}

/**
 * `coin call_for_membership_fees`: calls the members whose latest fee ends at one of the
 * FEE_REMINDER_OFFSETS from `date`, except those called less than 3 weeks ago. Returns the text
 * to print and the result.
 */
export async function runCallForMembershipFees({ date, dryRun = false, now = new Date() }: { date: Date; dryRun?: boolean; now?: Date }) {
  const result = await callForMembershipFees({ date, now, dryRun, offsets: getEnv().FEE_REMINDER_OFFSETS })
  return { result, text: formatFeeCalls(result, { dryRun }) }
}
