import pino from 'pino'
import { expect, test } from 'vitest'
import { prisma } from '#app/utils/db.server.ts'
import { run as purgeExpiredSessions } from '#jobs/purge-expired-sessions.ts'
import { startWorker } from '#jobs/worker.ts'
import { insertMember } from '#tests/factories/member.ts'

const log = pino({ level: 'silent' })

test('purge-expired-sessions deletes expired sessions and old login attempts, and is idempotent', async () => {
  const member = await insertMember()
  const now = new Date('2026-06-01T12:00:00Z')
  await prisma.session.createMany({
    data: [
      { id: 'a'.repeat(64), memberId: member.id, expiresAt: new Date('2026-06-01T11:59:59Z') },
      { id: 'b'.repeat(64), memberId: member.id, expiresAt: new Date('2026-06-02T00:00:00Z') },
    ],
  })
  await prisma.loginAttempt.createMany({
    data: [
      { identifier: 'x', ipAddress: '192.0.2.1', success: false, at: new Date('2026-05-31T11:00:00Z') },
      { identifier: 'x', ipAddress: '192.0.2.1', success: false, at: new Date('2026-06-01T11:00:00Z') },
    ],
  })
  expect(await purgeExpiredSessions({ now, log })).toEqual({ sessions: 1, loginAttempts: 1 })
  expect(await purgeExpiredSessions({ now, log })).toEqual({ sessions: 0, loginAttempts: 0 })
  expect((await prisma.session.findMany({ select: { id: true } })).map((s) => s.id)).toEqual(['b'.repeat(64)])
})

test('the worker registers its schedules in PostgreSQL and stops cleanly', async () => {
  const stop = await startWorker({ databaseUrl: process.env.DATABASE_URL! })
  try {
    const rows = await prisma.$queryRaw<{ name: string; cron: string; timezone: string }[]>`SELECT name, cron, timezone FROM pgboss.schedule ORDER BY name`
    expect(rows).toEqual([
      { name: 'call-for-membership-fees', cron: '42 3 * * *', timezone: 'Europe/Paris' },
      { name: 'charge-subscriptions', cron: '59 23 * * *', timezone: 'Europe/Paris' },
      { name: 'purge-expired-sessions', cron: '17 * * * *', timezone: 'Europe/Paris' },
      { name: 'remind-unpaid-invoices', cron: '12 10 * * *', timezone: 'Europe/Paris' },
    ])
  } finally {
    await stop()
  }
}, 60_000)

test('two workers on one schedule run each slot once, and coin jobs reports the run', { timeout: 90_000 }, async () => {
  const { init } = await import('#app/utils/env.server.ts')
  const saved = process.env.CHARGE_SUBSCRIPTIONS_CRON
  process.env.CHARGE_SUBSCRIPTIONS_CRON = '* * * * *'
  init()
  const workers = await Promise.all([1, 2].map(() => startWorker({ databaseUrl: process.env.DATABASE_URL!, cronMonitorIntervalSeconds: 1 })))
  try {
    type Run = { state: string; slot: string }
    const runs = () => prisma.$queryRaw<Run[]>`
      SELECT state::text AS state, to_char(singleton_on, 'HH24:MI') AS slot FROM pgboss.job WHERE name = 'charge-subscriptions'
      UNION ALL SELECT state::text, to_char(singleton_on, 'HH24:MI') FROM pgboss.archive WHERE name = 'charge-subscriptions'`
    const deadline = Date.now() + 60_000
    while (!(await runs()).some((r) => r.state === 'completed') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500))
    await new Promise((resolve) => setTimeout(resolve, 3_000)) // both workers had time to pick it up twice
    const all = await runs()
    expect(all.filter((r) => r.state === 'completed').length).toBeGreaterThan(0)
    // At most one run a minute slot, whichever worker ran it.
    expect(new Set(all.map((r) => r.slot)).size).toBe(all.length)
    const { listJobs } = await import('#cli/jobs.ts')
    expect(await listJobs()).toMatch(/charge-subscriptions +\* \* \* \* \* +\S+ \S+ UTC +ok /)
  } finally {
    await Promise.all(workers.map((stop) => stop()))
    if (saved === undefined) delete process.env.CHARGE_SUBSCRIPTIONS_CRON
    else process.env.CHARGE_SUBSCRIPTIONS_CRON = saved
    init()
  }
})
