import { fork } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import PgBoss from 'pg-boss'
import pino from 'pino'
import { afterAll, expect, test } from 'vitest'
import { parseIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { run as purgeExpiredSessions } from '#jobs/purge-expired-sessions.ts'
import { startWorker } from '#jobs/worker.ts'
import { loader as jobsLoader } from '#app/routes/admin.jobs.tsx'
import { insertMember, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest } from '#tests/routes/request.ts'

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
      { name: 'refresh-feeds', cron: '*/30 * * * *', timezone: 'Europe/Paris' },
      { name: 'remind-unpaid-invoices', cron: '12 10 * * *', timezone: 'Europe/Paris' },
      { name: 'suspend-ended-services', cron: '7 0 * * *', timezone: 'Europe/Paris' },
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

/** `coin worker` as its own process, as `coin start` or systemd runs it, at the default log level. */
/** The spawned workers' data folder: the emails they send are written there, not in the developer's `.data`. */
const workerDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coin-worker-test-'))
afterAll(() => fs.rmSync(workerDataDir, { recursive: true, force: true }))

async function spawnWorker() {
  const child = fork(path.resolve('bin/coin.js'), ['worker'], { env: { ...process.env, LOG_LEVEL: 'info', COIN_DATA_DIR: workerDataDir }, execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
  let output = ''
  child.stdout!.on('data', (c) => (output += c))
  child.stderr!.on('data', (c) => (output += c))
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m: { type?: string }) => m?.type === 'ready' && resolve())
    void exited.then(([code]) => reject(new Error(`coin worker exited (${code}): ${output}`)))
  })
  return { child, exited, output: () => output }
}

test('SIGTERM during a billing run: the run stops at a batch boundary, its job is completed (not failed), and a queued job bills the rest', { timeout: 180_000 }, async () => {
  const MEMBERS = 300
  const offer = await prisma.offer.create({ data: { name: 'VPN', reference: 'TERM-VPN', periodFeeCents: 800 }, select: { id: true } })
  await prisma.member.createMany({ data: Array.from({ length: MEMBERS }, (_, i) => ({ username: `term${i}`, email: `term${i}@example.org`, firstName: 'Zoé', lastName: `Dupré ${i}` })) })
  const members = await prisma.member.findMany({ where: { username: { startsWith: 'term' } }, select: { id: true } })
  await prisma.subscription.createMany({ data: members.map((m) => ({ memberId: m.id, offerId: offer.id, subscriptionDate: parseIsoDate('2038-05-01')!, resignDate: parseIsoDate('2038-05-31')! })) })
  // The last member (billed by the job that finishes the run) subscribes to an offer priced 9 999 999,99 €.
  const huge = await prisma.offer.create({ data: { name: 'Fibre dorée', reference: 'TERM-HUGE', periodFeeCents: 999_999_999 }, select: { id: true } })
  const rich = await insertMember()
  await prisma.subscription.create({ data: { memberId: rich.id, offerId: huge.id, subscriptionDate: parseIsoDate('2038-05-01')!, resignDate: parseIsoDate('2038-05-31')! } })
  const billed = () => prisma.invoice.count({ where: { number: { startsWith: '2038-05-' } } })

  const first = await spawnWorker()
  const boss = new PgBoss({ connectionString: process.env.DATABASE_URL!, schema: 'pgboss', supervise: false, schedule: false })
  await boss.start()
  try {
    const jobId = await boss.send('charge-subscriptions', { date: '2038-05-01' })
    while ((await billed()) === 0) await sleep(20)
    first.child.kill('SIGTERM')
    const [code] = await first.exited
    expect(code).toBe(0)
    const afterStop = await billed()
    expect(afterStop).toBeGreaterThan(0)
    expect(afterStop).toBeLessThan(MEMBERS)

    type Row = { id: string; state: string; data: { date?: string }; output: { interrupted?: boolean; invoices?: number } | null }
    const jobs = () => prisma.$queryRaw<Row[]>`SELECT id::text, state::text, data, output FROM pgboss.job WHERE name = 'charge-subscriptions' AND data ? 'date' ORDER BY created_on`
    const [stopped, resumed] = await jobs()
    expect(stopped).toMatchObject({ id: jobId, state: 'completed', output: { interrupted: true, invoices: afterStop } })
    expect(resumed).toMatchObject({ state: 'created', data: { date: '2038-05-01' } })
    expect(first.output()).toContain('billing run interrupted by the worker stopping')
    // Every invoice the stopped run committed has its PDF.
    expect(await prisma.invoice.count({ where: { number: { startsWith: '2038-05-' }, pdfSha256: null } })).toBe(0)

    const second = await spawnWorker()
    try {
      while ((await jobs())[1].state !== 'completed') await sleep(200)
    } finally {
      second.child.kill('SIGTERM')
      await second.exited
    }
    expect((await jobs())[1].output).toMatchObject({ interrupted: false, invoices: MEMBERS - afterStop, notBilled: [{ memberId: rich.id, username: rich.username, reason: 'lineTooLarge' }] })
    expect(await prisma.invoice.count({ where: { memberId: rich.id } })).toBe(0)
    // Staff see who was not billed on the jobs page and in `coin jobs`.
    const { cookie } = await loginAsStaff()
    const page = await jobsLoader({ request: makeRequest('/admin/jobs', { cookie }), params: {}, context: {} })
    const charge = page.jobs.find((j) => j.name === 'charge-subscriptions')!
    expect(charge).toMatchObject({ state: 'completed', interrupted: false, notBilled: [{ memberId: rich.id, username: rich.username, reason: 'lineTooLarge' }] })
    const { listJobs } = await import('#cli/jobs.ts')
    const listing = await listJobs()
    expect(listing).toContain('charge-subscriptions could not bill 1 member(s); everyone else was billed:')
    expect(listing).toContain(`  ${rich.username}: a line is over the cap of 1,000,000 € per line (check the offer's price) (/admin/members/${rich.id})`)
    const numbers = await prisma.invoice.findMany({ where: { number: { startsWith: '2038-05-' } }, select: { number: true }, orderBy: { number: 'asc' } })
    expect(numbers.map((i) => i.number)).toEqual(Array.from({ length: MEMBERS }, (_, i) => `2038-05-${String(i + 1).padStart(6, '0')}`))
  } finally {
    await boss.stop({ graceful: false })
  }
})
