import { fork, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { getEnv } from '#app/utils/env.server.ts'
import { logger } from '#app/utils/logger.server.ts'
import { buildIsStale, buildWeb } from './build.ts'
import { migrateDatabase, openDatabase, PROJECT_ROOT } from './database.ts'
import type { EmbeddedCluster } from './embedded-postgres.ts'
import { describeProcess, forgetStart, recordStart, stopLeftovers } from './processes.ts'

const say = (message: string) => process.stdout.write(`${message}\n`)

/** Waits before each new try to start a PostgreSQL that died: about half a minute in all. */
const RESTART_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000, 16_000]

/**
 * Runs `coin web` or `coin worker` as a child process. They run in production mode (React's fast
 * server renderer for the production build), with the session secret this start resolved. Forked
 * before the database is ready, each loads its code meanwhile and runs once `go` gives it the
 * database (bin/coin.js). Each ends by itself when this process dies (bin/coin.js watches the IPC
 * channel).
 */
function forkPiece(command: 'web' | 'worker') {
  const child = fork(path.join(PROJECT_ROOT, 'bin', 'coin.js'), [command], {
    // Production code on one machine: the local address stands for PUBLIC_URL unless it is set.
    env: { MALLOC_ARENA_MAX: '2', ...process.env, NODE_ENV: 'production', SESSION_SECRET: getEnv().SESSION_SECRET, PUBLIC_URL: getEnv().PUBLIC_URL, COIN_PREFORKED: '1' },
    stdio: 'inherit',
  })
  return Object.assign(child, { go: (databaseUrl: string) => child.send({ type: 'go', databaseUrl }) })
}

/** Whether the base rows and any member exist: one query, so a usual start needs neither Prisma nor the seed code. */
async function seededState(url: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query<{ base: boolean; members: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM "IspSettings" WHERE id = 1) AS base, EXISTS (SELECT 1 FROM "Member") AS members',
    )
    return rows[0]
  } finally {
    await client.end()
  }
}

function waitForMessage(child: ChildProcess, type: string) {
  return new Promise<void>((resolve, reject) => {
    child.on('message', (m: { type?: string }) => m?.type === type && resolve())
    child.on('exit', (code) => reject(new Error(`the ${type === 'listening' ? 'web server' : 'worker'} stopped (exit code ${code})`)))
  })
}

/**
 * Watches the embedded PostgreSQL this start runs: when its server dies, starts it again, a few
 * times with growing waits, logging each try; gives up by calling `onGiveUp`. Meanwhile the web
 * process answers 503 (maintenance) and the worker's queue retries. Returns a function that stops
 * watching.
 */
function superviseDatabase(cluster: EmbeddedCluster, onGiveUp: () => void) {
  let restarting: Promise<void> | null = null
  let stopped = false
  const check = async () => {
    logger.error('the embedded PostgreSQL stopped unexpectedly: restarting it')
    for (const [attempt, delay] of RESTART_DELAYS_MS.entries()) {
      await sleep(delay)
      if (stopped) return
      try {
        await cluster.restart()
        logger.warn({ attempt: attempt + 1 }, 'the embedded PostgreSQL is running again')
        return
      } catch (error) {
        logger.error({ attempt: attempt + 1, of: RESTART_DELAYS_MS.length, err: error }, 'the embedded PostgreSQL did not restart')
      }
    }
    logger.fatal('the embedded PostgreSQL could not be restarted: stopping Coin')
    onGiveUp()
  }
  const timer = setInterval(() => {
    if (restarting || stopped || cluster.isRunning()) return
    restarting = check().finally(() => (restarting = null))
  }, 1_000)
  // Stopping waits for a restart in progress, so the server it starts is stopped with the rest.
  return async () => {
    stopped = true
    clearInterval(timer)
    await restarting
  }
}

/** The demo admin's login while it still has the demo password (the start then prints it), else null. */
async function demoLogin(url: string) {
  const [{ DEMO_ADMIN }, { verifyPassword }] = await Promise.all([import('#prisma/seed.ts'), import('#app/utils/password.server.ts')])
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query<{ hash: string }>(
      'SELECT p.hash FROM "Password" p JOIN "Member" m ON m.id = p."memberId" WHERE m.username = $1', [DEMO_ADMIN.username],
    )
    return rows[0] && (await verifyPassword(DEMO_ADMIN.password, rows[0].hash)) ? DEMO_ADMIN : null
  } finally {
    await client.end()
  }
}

/** `coin start`: database, migrations, demo data on the first start, build, web and worker. */
export async function start() {
  const began = Date.now()
  const env = getEnv()
  const children: ChildProcess[] = []
  let stopping = false
  let closeDatabase = async () => {}
  let stopSupervising = async () => {}
  let disconnectDb = async () => {}
  const stop = async (code = 0) => {
    if (stopping) return
    stopping = true
    say('Stopping Coin…')
    await stopSupervising()
    await Promise.all(
      children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((resolve) => { c.once('exit', resolve); c.kill('SIGTERM') })),
    )
    forgetStart(env.COIN_DATA_DIR)
    await disconnectDb()
    await closeDatabase()
    process.exit(code)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
  try {
    const leftovers = await stopLeftovers(env.COIN_DATA_DIR)
    for (const p of leftovers) say(`Stopped the ${p.role} process ${p.pid} a killed Coin start had left running.`)
    if (buildIsStale()) {
      say('Building the web app (first start or changed sources)…')
      await buildWeb()
    }
    // The web server loads its code while the database starts and is checked; the worker, which
    // no page waits for, starts once the web server listens (both cores go to the web server first).
    const web = forkPiece('web')
    children.push(web)
    recordStart(env.COIN_DATA_DIR, [describeProcess(web.pid!, 'web')])
    const listening = waitForMessage(web, 'listening')
    listening.catch(() => {}) // awaited below; a web server dying earlier is reported there
    const database = await openDatabase({ adoptOrphan: true })
    closeDatabase = database.close
    say(`Database: ${database.description}`)
    const applied = await migrateDatabase(database.url)
    if (applied) say(`Applied ${applied} migration(s).`)
    const seeded = await seededState(database.url)
    if (!seeded.base || !seeded.members) {
      const [{ seedBase, seedDemo }, db] = await Promise.all([import('#prisma/seed.ts'), import('#app/utils/db.server.ts')])
      disconnectDb = db.disconnectDb
      await seedBase()
      if (!seeded.members && (await seedDemo())) say('Loaded the demo data (first start).')
    }
    web.go(database.url)
    await listening
    const worker = forkPiece('worker')
    children.push(worker)
    recordStart(env.COIN_DATA_DIR, [describeProcess(web.pid!, 'web'), describeProcess(worker.pid!, 'worker')])
    worker.go(database.url)
    await waitForMessage(worker, 'ready')
    for (const child of children) child.on('exit', () => void stop(1))
    if (database.cluster) stopSupervising = superviseDatabase(database.cluster, () => void stop(1))
    const shownHost = env.HOST === '0.0.0.0' || env.HOST === '127.0.0.1' ? 'localhost' : env.HOST
    say('')
    say(`Coin is running at http://${shownHost}:${env.PORT}  (ready in ${((Date.now() - began) / 1000).toFixed(1)} s)`)
    // Only a hint: the database being unreachable just then does not stop Coin.
    const demo = await demoLogin(database.url).catch(() => null)
    if (demo) say(`Admin login: ${demo.username} / ${demo.password}`)
    say('Press Ctrl-C to stop.')
  } catch (error) {
    // Stopped while starting (Ctrl-C): the pieces ending is the stop itself, not an error.
    if (stopping) return
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    await stop(1)
  }
}
