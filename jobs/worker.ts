import PgBoss from 'pg-boss'
import { init, type Env } from '#app/utils/env.server.ts'
import { logger } from '#app/utils/logger.server.ts'
import * as chargeSubscriptions from './charge-subscriptions.ts'
import * as purgeExpiredSessions from './purge-expired-sessions.ts'

/** Each scheduled job: its queue name, cron (in TZ; some set by the environment) and function. */
export function schedules(env: Env) {
  return [
    { name: 'purge-expired-sessions', cron: '17 * * * *', job: purgeExpiredSessions },
    { name: 'charge-subscriptions', cron: env.CHARGE_SUBSCRIPTIONS_CRON, job: chargeSubscriptions },
  ]
}

/**
 * Starts the job worker: pg-boss on the same PostgreSQL, one queue and schedule per job.
 * Returns a stop function that lets the job in hand finish.
 */
export async function startWorker({ databaseUrl }: { databaseUrl: string }) {
  const env = init()
  const boss = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss', application_name: 'coin-worker' })
  let stopping = false
  boss.on('error', (error: Error & { code?: string }) => {
    // While Coin stops, PostgreSQL may close connections first (Ctrl-C reaches both): not an error.
    if (stopping) return
    logger.error({ code: error.code, message: error.message }, 'job queue error')
  })
  await boss.start()
  const tz = process.env.TZ || 'Europe/Paris'
  for (const { name, cron, job } of schedules(env)) {
    await boss.createQueue(name)
    await boss.schedule(name, cron, {}, { tz })
    await boss.work(name, async () => {
      await job.run({ now: new Date(), log: logger.child({ job: name }) })
    })
  }
  logger.info({ schedules: schedules(env).map((s) => `${s.name} ${s.cron}`) }, 'worker started')
  return async () => {
    stopping = true
    await boss.stop({ graceful: true, wait: true, timeout: 30_000 })
  }
}
