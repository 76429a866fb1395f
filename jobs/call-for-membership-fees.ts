import type { Logger } from 'pino'
import { callForMembershipFees, sendReminderReport } from '#app/models/email/reminders.server.ts'
import { today } from '#app/utils/dates.ts'
import { getEnv } from '#app/utils/env.server.ts'

/**
 * The daily call for membership fees (CALL_FOR_MEMBERSHIP_FEES_CRON, 03:42 by default): members
 * whose latest fee ends at one of the FEE_REMINDER_OFFSETS from today (in TZ). Idempotent: each
 * call records `lastFeeReminderAt`, and nobody is called twice within 3 weeks. The summary goes to
 * REMINDER_REPORT_EMAIL, in French, when it is set and the run called or skipped someone.
 */
export async function run({ now = new Date(), log }: { now?: Date; log: Logger }) {
  const date = today(now)
  const result = await callForMembershipFees({ date, now, offsets: getEnv().FEE_REMINDER_OFFSETS })
  await sendReminderReport({ job: 'call-for-membership-fees', date, dryRun: false, result })
  log.info({ called: result.recipients.length, skipped: result.skipped.length }, 'members called for their membership fee')
  return result
}
