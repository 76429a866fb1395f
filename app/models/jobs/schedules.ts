import type { Env } from '#app/utils/env.server.ts'

export const JOB_NAMES = ['charge-subscriptions', 'call-for-membership-fees', 'remind-unpaid-invoices', 'purge-expired-sessions', 'suspend-ended-services', 'refresh-feeds'] as const
export type JobName = (typeof JOB_NAMES)[number]

/** Each scheduled job and its cron (in TZ; some set by the environment). The worker runs them. */
export function jobSchedules(env: Env): { name: JobName; cron: string }[] {
  return [
    { name: 'charge-subscriptions', cron: env.CHARGE_SUBSCRIPTIONS_CRON },
    { name: 'call-for-membership-fees', cron: env.CALL_FOR_MEMBERSHIP_FEES_CRON },
    { name: 'remind-unpaid-invoices', cron: env.REMIND_UNPAID_INVOICES_CRON },
    { name: 'purge-expired-sessions', cron: '17 * * * *' },
    { name: 'suspend-ended-services', cron: '7 0 * * *' },
    { name: 'refresh-feeds', cron: '*/30 * * * *' },
  ]
}

/** The time zone of the schedules and of "today". */
export const scheduleTimeZone = () => process.env.TZ || 'Europe/Paris'
