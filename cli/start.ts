import { fork, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { getEnv } from '#app/utils/env.server.ts'
import { prisma, disconnectDb } from '#app/utils/db.server.ts'
import { logger } from '#app/utils/logger.server.ts'
import { verifyPassword } from '#app/utils/password.server.ts'
import { DEMO_ADMIN, seedBase, seedDemo } from '#prisma/seed.ts'
import { buildIsStale, buildWeb } from './build.ts'
import { migrateDatabase, openDatabase, PROJECT_ROOT } from './database.ts'
import type { EmbeddedCluster } from './embedded-postgres.ts'
import { describeProcess, forgetStart, recordStart, stopLeftovers } from './processes.ts'

const say = (message: string) => process.stdout.write(`${message}\n`)

/** Waits before each new try to start a PostgreSQL that died: about half a minute in all. */
const RESTART_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000, 16_000]

/**
 * Runs `coin web` or `coin worker` as a child process. They run in production mode (React's fast
 * server renderer for the production build), with the session secret this start resolved. Each
 * ends by itself when this process dies (bin/coin.js watches the IPC channel).
 */
function forkPiece(command: 'web' | 'worker', databaseUrl: string) {
  return fork(path.join(PROJECT_ROOT, 'bin', 'coin.js'), [command], {
    env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'production', SESSION_SECRET: getEnv().SESSION_SECRET },
    stdio: 'inherit',
  })
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

/** `coin start`: database, migrations, demo data on the first start, build, web and worker. */
export async function start() {
  const began = Date.now()
  const env = getEnv()
  const children: ChildProcess[] = []
  let stopping = false
  let closeDatabase = async () => {}
  let stopSupervising = async () => {}
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
    const database = await openDatabase({ adoptOrphan: true })
    closeDatabase = database.close
    say(`Database: ${database.description}`)
    const applied = await migrateDatabase(database.url)
    if (applied) say(`Applied ${applied} migration(s).`)
    await seedBase()
    const firstStart = (await prisma.member.count()) === 0
    if (firstStart && (await seedDemo())) say('Loaded the demo data (first start).')
    if (buildIsStale()) {
      say('Building the web app (first start or changed sources)…')
      await buildWeb()
    }
    const web = forkPiece('web', database.url)
    const worker = forkPiece('worker', database.url)
    children.push(web, worker)
    recordStart(env.COIN_DATA_DIR, [describeProcess(web.pid!, 'web'), describeProcess(worker.pid!, 'worker')])
    await Promise.all([waitForMessage(web, 'listening'), waitForMessage(worker, 'ready')])
    for (const child of children) child.on('exit', () => void stop(1))
    if (database.cluster) stopSupervising = superviseDatabase(database.cluster, () => void stop(1))
    const admin = await prisma.member.findUnique({ where: { username: DEMO_ADMIN.username }, select: { password: { select: { hash: true } } } })
    const demoLogin = admin?.password && (await verifyPassword(DEMO_ADMIN.password, admin.password.hash))
    const shownHost = env.HOST === '0.0.0.0' || env.HOST === '127.0.0.1' ? 'localhost' : env.HOST
    say('')
    say(`Coin is running at http://${shownHost}:${env.PORT}  (ready in ${((Date.now() - began) / 1000).toFixed(1)} s)`)
    if (demoLogin) say(`Admin login: ${DEMO_ADMIN.username} / ${DEMO_ADMIN.password}`)
    say('Press Ctrl-C to stop.')
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    await stop(1)
  }
}
