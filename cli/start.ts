import { fork, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { getEnv } from '#app/utils/env.server.ts'
import { prisma, disconnectDb } from '#app/utils/db.server.ts'
import { verifyPassword } from '#app/utils/password.server.ts'
import { DEMO_ADMIN, seedBase, seedDemo } from '#prisma/seed.ts'
import { buildIsStale, buildWeb } from './build.ts'
import { migrateDatabase, openDatabase, PROJECT_ROOT } from './database.ts'

const say = (message: string) => process.stdout.write(`${message}\n`)

/**
 * Runs `coin web` or `coin worker` as a child process. They run in production mode (React's fast
 * server renderer for the production build), with the session secret this start resolved.
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

/** `coin start`: database, migrations, demo data on the first start, build, web and worker. */
export async function start() {
  const began = Date.now()
  const env = getEnv()
  const database = await openDatabase({ adoptOrphan: true })
  say(`Database: ${database.description}`)
  const children: ChildProcess[] = []
  let stopping = false
  const stop = async (code = 0) => {
    if (stopping) return
    stopping = true
    say('Stopping Coin…')
    await Promise.all(
      children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((resolve) => { c.once('exit', resolve); c.kill('SIGTERM') })),
    )
    await disconnectDb()
    await database.close()
    process.exit(code)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
  try {
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
    await Promise.all([waitForMessage(web, 'listening'), waitForMessage(worker, 'ready')])
    for (const child of children) child.on('exit', () => void stop(1))
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
