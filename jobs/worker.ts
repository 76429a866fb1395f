import PgBoss from 'pg-boss'
import type { Logger } from 'pino'
import { isFeedCacheEmpty } from '#app/models/feeds/cache.server.ts'
import { jobSchedules, scheduleTimeZone, type JobName } from '#app/models/jobs/schedules.ts'
import { init, type Env } from '#app/utils/env.server.ts'
import { isDatabaseUnreachable } from '#app/utils/maintenance.server.ts'
import { logger } from '#app/utils/logger.server.ts'
import * as callForMembershipFees from './call-for-membership-fees.ts'
import * as chargeSubscriptions from './charge-subscriptions.ts'
import { startEmailDelivery } from './deliver-emails.ts'
import * as purgeExpiredSessions from './purge-expired-sessions.ts'
import * as refreshFeeds from './refresh-feeds.ts'
import * as remindUnpaidInvoices from './remind-unpaid-invoices.ts'
import * as suspendEndedServices from './suspend-ended-services.ts'
import { startLdapSync } from './sync-ldap.ts'
import { startMaillistSync } from './sync-maillists.ts'

type JobOptions = { now: Date; log: Logger; signal: AbortSignal; data: object | null }
type JobModule = {
  run: (options: JobOptions) => Promise<unknown>
  /** The data of a job to queue after this run (one stopped early), or null. */
  resumeData?: (summary: unknown, data: object | null, now: Date) => object | null
}

const JOBS = {
  'charge-subscriptions': chargeSubscriptions,
  'call-for-membership-fees': callForMembershipFees,
  'remind-unpaid-invoices': remindUnpaidInvoices,
  'purge-expired-sessions': purgeExpiredSessions,
  'suspend-ended-services': suspendEndedServices,
  'refresh-feeds': refreshFeeds,
} satisfies Record<JobName, JobModule>

/** Each scheduled job: its queue name, cron and function. */
export const schedules = (env: Env) => jobSchedules(env).map((schedule) => ({ ...schedule, job: JOBS[schedule.name] }))

/**
 * Starts the job worker: pg-boss on the same PostgreSQL, one queue and schedule per job (pg-boss
 * creates one job per slot, so two workers run each slot once), and the outbox delivery loop.
 * A job's summary is its pg-boss output, which `coin jobs` shows. Returns a stop function: it
 * aborts the running jobs' signal, so a billing run ends at its next batch boundary (well within
 * pg-boss's 30 s grace) and queues a job that finishes it, and lets the email in hand finish.
 */
export async function startWorker({ databaseUrl, cronMonitorIntervalSeconds }: { databaseUrl: string; cronMonitorIntervalSeconds?: number }) {
  const env = init()
  const boss = new PgBoss({
    connectionString: databaseUrl, schema: 'pgboss', application_name: 'coin-worker',
    // Tests look at schedules every second instead of every 30.
    ...(cronMonitorIntervalSeconds ? { cronMonitorIntervalSeconds, cronWorkerIntervalSeconds: cronMonitorIntervalSeconds } : {}),
  })
  let stopping = false
  // A terminal's Ctrl-C reaches this worker, `coin start` and PostgreSQL at once: the database may
  // go before `coin start` asks this worker to stop, which is no error worth showing.
  const quietOnInterrupt = () => (stopping = true)
  process.once('SIGINT', quietOnInterrupt)
  const stopSignal = new AbortController()
  boss.on('error', (error: Error & { code?: string }) => {
    // While Coin stops, PostgreSQL may close connections first (Ctrl-C reaches both): not an error.
    if (stopping) return
    if (isDatabaseUnreachable(error)) logger.warn({ code: error.code, message: error.message }, 'job queue: database out of reach, retrying')
    else logger.error({ code: error.code, message: error.message }, 'job queue error')
  })
  // pg-boss marks a job failed without waiting for it; with the database gone (a terminal's Ctrl-C
  // reaches PostgreSQL too, or it restarts) that promise rejects unhandled, which would end the
  // worker and with it Coin. The job stays active in the database and is retried once it expires.
  const onUnhandledRejection = (reason: unknown) => {
    if (!isDatabaseUnreachable(reason)) throw reason
    if (!stopping) logger.warn({ message: reason instanceof Error ? reason.message : String(reason) }, 'job queue: database out of reach, retrying')
  }
  process.on('unhandledRejection', onUnhandledRejection)
  await boss.start()
  const tz = scheduleTimeZone()
  for (const { name, cron, job } of schedules(env)) {
    await boss.createQueue(name)
    await boss.schedule(name, cron, {}, { tz })
    const jobModule: JobModule = job
    await boss.work<object>(name, async ([queued]) => {
      const now = new Date()
      const data = queued?.data ?? null
      const summary = await jobModule.run({ now, log: logger.child({ job: name }), signal: stopSignal.signal, data })
      const resume = jobModule.resumeData?.(summary, data, now)
      if (resume) {
        const id = await boss.send(name, resume)
        logger.warn({ job: name, resumedBy: id, data: resume }, 'job stopped early; queued a job that finishes it')
      }
      return summary
    })
  }
  // The dashboard's news feeds are fetched at once on a fresh install, not half an hour later.
  if (env.FEEDS.length && (await isFeedCacheEmpty())) await boss.send('refresh-feeds', {}, { singletonKey: 'startup', singletonSeconds: 60 })
  const stopDelivery = startEmailDelivery({ log: logger.child({ job: 'deliver-emails' }), signal: stopSignal.signal })
  const stopLdapSync = startLdapSync({ log: logger.child({ job: 'sync-ldap' }), signal: stopSignal.signal })
  const stopMaillistSync = startMaillistSync({ log: logger.child({ job: 'sync-maillists' }), signal: stopSignal.signal })
  logger.info({ schedules: schedules(env).map((s) => `${s.name} ${s.cron}`), tz }, 'worker started')
  return async () => {
    stopping = true
    stopSignal.abort()
    await Promise.all([stopDelivery(), stopLdapSync(), stopMaillistSync(), boss.stop({ graceful: true, wait: true, timeout: 30_000 })])
    process.off('SIGINT', quietOnInterrupt)
    process.off('unhandledRejection', onUnhandledRejection)
  }
}
