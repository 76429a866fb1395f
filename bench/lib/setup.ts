// The benchmarks' fixture: a throw-away embedded PostgreSQL in a temp folder, migrated and seeded
// with 10,000 members, a staff session, and the production build served in this process on
// 127.0.0.1 (random port). App modules are imported only after the environment is set, since the
// app reads its configuration once, on first use.
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import type { Server } from 'node:http'
import net, { type AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fakerFR as faker } from '@faker-js/faker'
import { usernameBase, usernameCandidate } from '#app/models/member/username.ts'

export const ROOT = path.resolve(import.meta.dirname, '..', '..')
export const SERVER_BUILD = path.join(ROOT, 'build', 'server', 'index.js')
export const MEMBER_COUNT = 10_000
export const FAKER_SEED = 20261125

export const log = (message: string) => process.stdout.write(`${message}\n`)

// ---------------------------------------------------------------------------------------------
// Cleanup, whatever the way out: normal end, error, Ctrl-C or the time limit.

const cleanups: { name: string; run: () => Promise<unknown> | unknown }[] = []
let cleaning: Promise<void> | undefined

export function onCleanup(name: string, run: () => Promise<unknown> | unknown) {
  cleanups.push({ name, run })
}

/** Runs the cleanups, last registered first, each bounded to 30 s; runs once. */
export function cleanup() {
  cleaning ??= (async () => {
    for (const { name, run } of [...cleanups].reverse()) {
      try {
        await Promise.race([run(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 30_000).unref())])
      } catch (error) {
        process.stderr.write(`cleanup: ${name}: ${error instanceof Error ? error.message : String(error)}\n`)
      }
    }
  })()
  return cleaning
}

/**
 * Runs `main` with cleanup on every way out and a time limit; exits the process with 0 when
 * `main` resolved, 1 when it threw or ran out of time, 130 on SIGINT/SIGTERM.
 */
export async function runBounded(main: () => Promise<void>, timeLimitMs: number): Promise<never> {
  const watchdog = setTimeout(() => {
    process.stderr.write(`\nTime limit of ${Math.round(timeLimitMs / 1000)} s reached: stopping.\n`)
    void cleanup().finally(() => process.exit(1))
  }, timeLimitMs)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping.\n`)
      void cleanup().finally(() => process.exit(130))
    })
  }
  let code = 0
  try {
    await main()
  } catch (error) {
    process.stderr.write(`\nBENCHMARK FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    code = 1
  }
  await cleanup()
  clearTimeout(watchdog)
  process.exit(code)
}

/** Exits with a message when there is no production build to serve. */
export function requireBuild() {
  if (!fs.existsSync(SERVER_BUILD)) {
    process.stderr.write(`No production build at ${path.relative(process.cwd(), SERVER_BUILD)}: run \`npm run build\` first.\n`)
    process.exit(1)
  }
}

// ---------------------------------------------------------------------------------------------
// Data

const DOMAINS = [
  'free.fr', 'orange.fr', 'laposte.net', 'gmail.com', 'sfr.fr', 'wanadoo.fr', 'yahoo.fr', 'outlook.fr',
  'proton.me', 'hotmail.fr', 'riseup.net', 'ilico.org', 'fdn.fr', 'bbox.fr',
]
const ascii = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '')
const day = (d: Date) => new Date(d.toISOString().slice(0, 10))

type NewMember = {
  username: string; email: string; type: 'NATURAL_PERSON' | 'LEGAL_ENTITY'; firstName: string; lastName: string
  nickname: string; organizationName: string; homePhone: string; mobilePhone: string; address: string
  postalCode: string; city: string; status: 'PENDING' | 'MEMBER' | 'NOT_MEMBER'; dateJoined: Date
  resignDate: Date | null; comments: string; sendMembershipFeesEmail: boolean
}

/**
 * Plausible members of a French associative ISP, the same ones on every run (fixed seed): 4 %
 * organisations, 5 % with a nickname, 78 % members, 6 % pending, 16 % former members. Usernames
 * follow Coin's own rule (initials + last name, then a number).
 */
export function fakeMembers(count: number): NewMember[] {
  faker.seed(FAKER_SEED)
  const usernames = new Set<string>()
  const emails = new Set<string>()
  const members: NewMember[] = []
  for (let i = 0; i < count; i++) {
    const legal = faker.number.float() < 0.04
    const type = legal ? 'LEGAL_ENTITY' : 'NATURAL_PERSON'
    const firstName = legal ? '' : faker.person.firstName()
    const lastName = legal ? '' : faker.person.lastName()
    const organizationName = legal ? faker.company.name() : ''
    const nickname = !legal && faker.number.float() < 0.05 ? faker.internet.username({ firstName, lastName }).slice(0, 30) : ''
    const base = usernameBase({ type, organizationName, nickname, firstName, lastName }) || 'membre'
    let username = base
    for (let n = 2; usernames.has(username); n++) username = usernameCandidate(base, n)
    usernames.add(username)
    const local = legal ? ascii(organizationName).slice(0, 20) || 'contact' : `${ascii(firstName)}.${ascii(lastName)}`
    const domain = faker.helpers.arrayElement(DOMAINS)
    let email = `${local}@${domain}`
    for (let n = 2; emails.has(email); n++) email = `${local}${n}@${domain}`
    emails.add(email)
    const roll = faker.number.float()
    const status = roll < 0.78 ? 'MEMBER' : roll < 0.84 ? 'PENDING' : 'NOT_MEMBER'
    const dateJoined = day(faker.date.between({ from: '2011-01-01', to: '2026-11-01' }))
    const resignDate = status === 'NOT_MEMBER' ? day(faker.date.between({ from: dateJoined, to: '2026-11-20' })) : null
    members.push({
      username, email, type, firstName, lastName, nickname, organizationName,
      homePhone: faker.number.float() < 0.3 ? faker.phone.number().slice(0, 25) : '',
      mobilePhone: faker.number.float() < 0.8 ? faker.phone.number().slice(0, 25) : '',
      address: faker.location.streetAddress(),
      postalCode: faker.location.zipCode(),
      city: faker.location.city().slice(0, 200),
      status, dateJoined, resignDate,
      comments: faker.number.float() < 0.1 ? faker.lorem.sentence() : '',
      sendMembershipFeesEmail: faker.number.float() < 0.95,
    })
  }
  return members
}

// ---------------------------------------------------------------------------------------------

export type SearchTerm = { label: string; q: string; matches: number }

/**
 * A throw-away embedded PostgreSQL in a temp folder with a migrated `coin_bench` database, and the
 * environment a production process has (NODE_ENV, a random SESSION_SECRET, COIN_DATA_DIR, the
 * DATABASE_URL), set before any app module is imported. Registered for cleanup().
 */
export async function openBenchDatabase({ logLevel, env = {} }: { logLevel: string; env?: Record<string, string> }) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coin-bench-'))
  onCleanup('temp folder', () => fs.rmSync(dataDir, { recursive: true, force: true }))
  fs.chmodSync(dataDir, 0o755) // run as root, PostgreSQL runs as the `postgres` user and must reach it
  Object.assign(process.env, { NODE_ENV: 'production', LOG_LEVEL: logLevel, SESSION_SECRET: randomBytes(32).toString('base64url'), PUBLIC_URL: 'http://127.0.0.1', COIN_DATA_DIR: dataDir, ...env })
  delete process.env.DATABASE_URL

  const { openEmbeddedCluster, withDatabase } = await import('../../cli/embedded-postgres.ts')
  const { createDatabaseIfMissing, migrateDatabase } = await import('../../cli/database.ts')
  const pgLog: string[] = []
  const cluster = await openEmbeddedCluster(dataDir, { onLog: (m) => pgLog.push(m) }).catch((error: unknown) => {
    process.stderr.write(pgLog.slice(-20).join('\n') + '\n')
    throw error
  })
  onCleanup('PostgreSQL', () => (cluster.owned ? cluster.stop() : undefined))
  await createDatabaseIfMissing(cluster.url, 'coin_bench')
  const databaseUrl = withDatabase(cluster.url, 'coin_bench')
  process.env.DATABASE_URL = databaseUrl
  await migrateDatabase(databaseUrl)
  return { dataDir, databaseUrl }
}

/**
 * Starts PostgreSQL, migrates, seeds, opens a staff session and starts the web app. Everything
 * started is registered for cleanup().
 */
export async function startFixture() {
  const { buildIsStale } = await import('../../cli/build.ts')
  const buildStale = buildIsStale()
  if (buildStale) log('Warning: a source file is newer than build/: `npm run build` to measure the current code.')

  let stepStart = Date.now()
  const { dataDir, databaseUrl } = await openBenchDatabase({ logLevel: 'warn', env: { TRUST_PROXY: 'false' } })
  log(`PostgreSQL started and migrated in ${((Date.now() - stepStart) / 1000).toFixed(1)} s (${dataDir})`)

  const { prisma, disconnectDb } = await import('#app/utils/db.server.ts')
  onCleanup('Prisma', disconnectDb)
  const { logger } = await import('#app/utils/logger.server.ts')
  const { seedBase } = await import('#prisma/seed.ts')
  const { createSession } = await import('#app/utils/session.server.ts')
  const { memberSearchWhere } = await import('#app/models/member/list.server.ts')
  const { createApp } = await import('../../cli/web.ts')

  // The app logs every query over 200 ms as a warning; under load that floods the terminal.
  // Count them instead (and show the first), other warnings pass.
  const slowQueries = { count: 0, first: undefined as unknown }
  const warn = logger.warn.bind(logger) as (...args: unknown[]) => void
  ;(logger as unknown as { warn: (...args: unknown[]) => void }).warn = (...args: unknown[]) => {
    if (args[1] === 'slow query') {
      slowQueries.count++
      slowQueries.first ??= args[0]
      return
    }
    warn(...args)
  }

  // Seed
  stepStart = Date.now()
  await seedBase({ ispName: 'FAI Banc d’essai' })
  const members = fakeMembers(MEMBER_COUNT)
  for (let i = 0; i < members.length; i += 1000) await prisma.member.createMany({ data: members.slice(i, i + 1000) })
  const staff = await prisma.member.create({
    data: {
      username: 'bench.staff', email: 'staff@bench.invalid', firstName: 'Banc', lastName: 'Essai',
      roles: ['MEMBER', 'STAFF'], status: 'MEMBER',
    },
    select: { id: true },
  })
  // What autovacuum does soon after a bulk load; without statistics the plans would be guesses.
  await prisma.$executeRawUnsafe('VACUUM ANALYZE "Member"')
  const cookie = (
    await createSession({ memberId: staff.id, request: new Request('http://127.0.0.1/login', { headers: { 'user-agent': 'coin-bench' } }) })
  ).split(';')[0]!
  log(`Seeded ${MEMBER_COUNT.toLocaleString('en')} members + 1 staff account in ${((Date.now() - stepStart) / 1000).toFixed(1)} s`)

  // Search terms taken from the data: the most common last name, part of an email address, a
  // first and last name, and an email domain (a broad search).
  const [common] = await prisma.member.groupBy({
    by: ['lastName'], where: { type: 'NATURAL_PERSON' }, _count: { _all: true },
    orderBy: [{ _count: { lastName: 'desc' } }, { lastName: 'asc' }], take: 1,
  })
  const sample = (
    await prisma.member.findMany({ where: { type: 'NATURAL_PERSON' }, orderBy: { id: 'asc' }, skip: 4321, take: 50, select: { email: true, firstName: true, lastName: true } })
  ).filter((m) => /^[\p{L}-]+$/u.test(m.firstName) && /^[\p{L}-]+$/u.test(m.lastName))
  const terms: SearchTerm[] = []
  for (const [label, q] of [
    ['common last name', common!.lastName],
    ['partial email', sample[0]!.email.split('@')[0]!.slice(0, 8)],
    ['two words', `${sample[1]!.firstName} ${sample[1]!.lastName}`],
    ['email domain', 'laposte'],
  ] as const) {
    terms.push({ label, q, matches: await prisma.member.count({ where: memberSearchWhere({ q, status: undefined }) }) })
  }
  for (const t of terms) log(`  search "${t.q}" (${t.label}): ${t.matches} members`)

  const baseUrl = WEB_PROCESSES > 0 ? await startWebProcesses(databaseUrl) : await startInProcess(createApp)
  return { dataDir, databaseUrl, baseUrl, cookie, staffId: staff.id, terms, prisma, slowQueries, buildStale }
}

/**
 * With `--web-processes N`, the app is served by `coin web` in its own processes (WEB_CONCURRENCY=N),
 * as in production; otherwise in this process (the default, which lets the profile see inside it).
 */
export const WEB_PROCESSES = (() => {
  const i = process.argv.indexOf('--web-processes')
  return i === -1 ? 0 : Math.max(1, Number(process.argv[i + 1]) || 1)
})()

async function startInProcess(createApp: () => Promise<import('express').Express>) {
  const app = await createApp()
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
    s.once('error', reject)
  })
  onCleanup('web server', () => new Promise<void>((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  }))
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  log(`Web app (build/) listening on ${baseUrl}, in this process`)
  return baseUrl
}

async function startWebProcesses(databaseUrl: string) {
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
  const child = spawn(process.execPath, [path.resolve('bin/coin.js'), 'web'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', WEB_CONCURRENCY: String(WEB_PROCESSES) },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  onCleanup('coin web', () => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  }))
  const baseUrl = `http://127.0.0.1:${port}`
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`coin web exited with code ${child.exitCode}`)
    if (await fetch(`${baseUrl}/login`).then((r) => r.ok, () => false)) {
      log(`coin web (${WEB_PROCESSES} process${WEB_PROCESSES > 1 ? 'es' : ''}) listening on ${baseUrl}`)
      return baseUrl
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('coin web did not answer within 20 s')
}

/** The commit measured, with `+changes` when the working tree differs from it. */
export function gitCommit() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim()
    return dirty ? `${head}+changes` : head
  } catch {
    return 'unknown'
  }
}

/** The whole number given as `name N` on the command line (at least 1), else `fallback`. */
export function numberArg(name: string, fallback: number) {
  const i = process.argv.indexOf(name)
  const value = i === -1 ? fallback : Number(process.argv[i + 1])
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} expects a whole number ≥ 1`)
  return value
}

/** `uptime`'s line (time, users, load average), or the load average alone without the command. */
export function uptimeLine() {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim()
  } catch {
    return `load average: ${os.loadavg().map((n) => n.toFixed(2)).join(', ')}`
  }
}

/** The machine measured on: CPUs, memory, Node. */
export function machineDescription() {
  return `${os.cpus().length} CPU (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`
}
