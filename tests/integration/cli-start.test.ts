import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

/**
 * `coin start` as a user runs it (`npm start`): embedded PostgreSQL in its own data directory, web
 * and worker as child processes, at the default log level.
 */

let dataDir: string
let port: number
const started: ChildProcess[] = []
/** The start the later tests work with. */
let current: ReturnType<typeof startCoin>

function freePort() {
  return new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

function alive(pid: number) {
  try {
    process.kill(pid, 0)
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z'
  } catch {
    return false
  }
}

function startCoin() {
  // The embedded database, the default mode and log level: not the test process's own settings.
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', COIN_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' }
  delete env.DATABASE_URL
  delete env.LOG_LEVEL
  // Its own process group, as a terminal gives it: a Ctrl-C there reaches every process of the group.
  const child = spawn(process.execPath, ['bin/coin.js', 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  started.push(child)
  let output = ''
  child.stdout!.on('data', (c) => (output += c))
  child.stderr!.on('data', (c) => (output += c))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, exited, output: () => output }
}

async function status(pathname: string, cookie = '') {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${pathname}`, { headers: { cookie }, redirect: 'manual', signal: AbortSignal.timeout(5_000) })
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() }
  } catch {
    return { status: 0, retryAfter: null, body: '' }
  }
}

async function until<T>(what: string, probe: () => Promise<T> | T, ok: (value: T) => boolean, timeoutMs: number, output: () => string) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (ok(value)) return value
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms. Output:\n${output()}`)
    await sleep(100)
  }
}

const record = () => JSON.parse(fs.readFileSync(path.join(dataDir, 'coin-start.json'), 'utf8')) as { start: { pid: number }; children: { pid: number; role: string }[] }
const postmasterPid = () => Number(fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0])

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coin-start-test-'))
  fs.chmodSync(dataDir, 0o755) // as root, PostgreSQL runs as the `postgres` user and must reach it
  port = await freePort()
})

afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT')
  await Promise.all(started.map((child) => (child.exitCode === null && child.signalCode === null ? new Promise((resolve) => child.on('exit', resolve)) : null)))
  fs.rmSync(dataDir, { recursive: true, force: true })
}, 60_000)

describe('coin start', { timeout: 240_000 }, () => {
  test('SIGKILL of the start alone: web and worker end with it, and the next start answers /login', async () => {
    const first = startCoin()
    await until('first start, GET /login', () => status('/login'), (r) => r.status === 200, 180_000, first.output)
    // The worker starts once the web server has served its first page; the start is ready when both are.
    await until('first start ready', first.output, (text) => text.includes('Coin is running at'), 60_000, first.output)
    const { start, children } = record()
    expect(start.pid).toBe(first.child.pid)
    expect(children.map((c) => c.role).sort()).toEqual(['web', 'worker'])

    first.child.kill('SIGKILL')
    await first.exited
    // Without their parent, web and worker stop by themselves and free the port.
    await until('web and worker after their parent died', () => children.filter((c) => alive(c.pid)).map((c) => c.role), (left) => left.length === 0, 40_000, first.output)

    const second = (current = startCoin())
    const login = await until('second start, GET /login', () => status('/login'), (r) => r.status === 200, 120_000, second.output)
    expect(login.body).toContain('<form')
    expect(second.output()).not.toMatch(/already in use|EADDRINUSE/)
    // The worker starts once the web server listens; the start is ready when both are.
    await until('second start ready', second.output, (text) => text.includes('Coin is running at'), 60_000, second.output)
    expect(record().start.pid).toBe(second.child.pid)
    expect(record().children.map((c) => c.role).sort()).toEqual(['web', 'worker'])
  })

  test('a second start of the same data directory is refused while the first runs', async () => {
    const other = startCoin()
    expect(await other.exited).toBe(1)
    expect(other.output()).toContain(`Coin is already running from ${dataDir}`)
    expect((await status('/login')).status).toBe(200)
  })

  test('the embedded PostgreSQL killed under coin start is restarted, and pages answer again', async () => {
    const { child: running, output } = current
    // The demo admin logs in (the start printed the login).
    const login = await fetch(`http://127.0.0.1:${port}/login`, {
      method: 'POST', redirect: 'manual',
      headers: { origin: `http://127.0.0.1:${port}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ identifier: 'admin', password: 'admin-demo', redirectTo: '/admin/members' }),
    })
    expect(login.status).toBe(302)
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
    expect((await status('/admin/members', cookie)).status).toBe(200)

    const before = postmasterPid()
    process.kill(before, 'SIGKILL')
    // While it is down, pages say so: 503, a maintenance page, Retry-After.
    const down = await until('GET /admin/members while PostgreSQL is down', () => status('/admin/members', cookie), (r) => r.status === 503, 10_000, output)
    expect(down.retryAfter).toBe('10')
    expect(down.body).toContain('Maintenance en cours')
    await until('PostgreSQL restarted', () => (fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid')) ? postmasterPid() : 0), (pid) => pid !== 0 && pid !== before && alive(pid), 60_000, output)
    await until('GET /admin/members after the restart', () => status('/admin/members', cookie), (r) => r.status === 200, 30_000, output)
    expect(running.exitCode).toBe(null)
    await until('the restart logged', output, (text) => text.includes('the embedded PostgreSQL is running again'), 10_000, output)
    expect(output()).toContain('the embedded PostgreSQL stopped unexpectedly: restarting it')
  })

  test('Ctrl-C stops everything: web, worker and PostgreSQL, with no error on the way', async () => {
    const { children } = record()
    const postgres = postmasterPid()
    // What a terminal does: SIGINT to the whole group, so PostgreSQL gets it as soon as Coin does.
    process.kill(-current.child.pid!, 'SIGINT')
    expect(await current.exited).toBe(0)
    const stopping = current.output().slice(current.output().lastIndexOf('Stopping Coin'))
    expect(stopping).not.toMatch(/"level":(50|60)|\n\s+at |the (worker|web server) stopped/)
    expect([...children.map((c) => c.role), 'postgres'].filter((_, i) => alive([...children.map((c) => c.pid), postgres][i]))).toEqual([])
    expect(fs.existsSync(path.join(dataDir, 'coin-start.json'))).toBe(false)
  })

  test("Ctrl-C just after a start, with the worker's connections open: no error, no stack trace", async () => {
    const again = startCoin()
    await until('start ready', again.output, (text) => text.includes('Coin is running at'), 120_000, again.output)
    process.kill(-again.child.pid!, 'SIGINT')
    expect(await again.exited).toBe(0)
    const stopping = again.output().slice(again.output().lastIndexOf('Stopping Coin'))
    expect(stopping).not.toMatch(/"level":(50|60)|\n\s+at |the (worker|web server) stopped/)
  })
})
