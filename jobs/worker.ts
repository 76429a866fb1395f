import PgBoss from 'pg-boss'
import type { Logger } from 'pino'
import { jobSchedules, scheduleTimeZone, type JobName } from '#app/models/jobs/schedules.ts'
import { init, type Env } from '#app/utils/env.server.ts'
import { logger } from '#app/utils/logger.server.ts'
import * as callForMembershipFees from './call-for-membership-fees.ts'
import * as chargeSubscriptions from './charge-subscriptions.ts'
import { startEmailDelivery } from './deliver-emails.ts'
import * as purgeExpiredSessions from './purge-expired-sessions.ts'
import * as remindUnpaidInvoices from './remind-unpaid-invoices.ts'

const JOBS = {
  'charge-subscriptions': chargeSubscriptions,
  'call-for-membership-fees': callForMembershipFees,
  'remind-unpaid-invoices': remindUnpaidInvoices,
  'purge-expired-sessions': purgeExpiredSessions,
} satisfies Record<JobName, { run: (options: { now: Date; log: Logger }) => Promise<unknown> }>

/** Each scheduled job: its queue name, cron and function. */
export const schedules = (env: Env) => jobSchedules(env).map((schedule) => ({ ...schedule, job: JOBS[schedule.name] }))

/**
 * Starts the job worker: pg-boss on the same PostgreSQL, one queue and schedule per job (pg-boss
 * creates one job per slot, so two workers run each slot once), and the outbox delivery loop.
 * A job's summary is its pg-boss output, which `coin jobs` shows. Returns a stop function that
 * lets the job and the email in hand finish.
 */
export async function startWorker({ databaseUrl, cronMonitorIntervalSeconds }: { databaseUrl: string; cronMonitorIntervalSeconds?: number }) {
  const env = init()
  const boss = new PgBoss({
    connectionString: databaseUrl, schema: 'pgboss', application_name: 'coin-worker',
    // Tests look at schedules every second instead of every 30.
    ...(cronMonitorIntervalSeconds ? { cronMonitorIntervalSeconds, cronWorkerIntervalSeconds: cronMonitorIntervalSeconds } : {}),
  })
  let stopping = false
  boss.on('error', (error: Error & { code?: string }) => {
    // While Coin stops, PostgreSQL may close connections first (Ctrl-C reaches both): not an error.
    if (stopping) return
    logger.error({ code: error.code, message: error.message }, 'job queue error')
  })
  await boss.start()
  const tz = scheduleTimeZone()
  for (const { name, cron, job } of schedules(env)) {
    await boss.createQueue(name)
    await boss.schedule(name, cron, {}, { tz })
    await boss.work(name, async () => job.run({ now: new Date(), log: logger.child({ job: name }) }))
  }
  const stopDelivery = startEmailDelivery({ log: logger.child({ job: 'deliver-emails' }) })
  logger.info({ schedules: schedules(env).map((s) => `${s.name} ${s.cron}`), tz }, 'worker started')
  return async () => {
    stopping = true
    await Promise.all([stopDelivery(), boss.stop({ graceful: true, wait: true, timeout: 30_000 })])
  }
}
