import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { getEnv } from '#app/utils/env.server.ts'
import { logger } from '#app/utils/logger.server.ts'
import { openEmbeddedCluster, withDatabase, type EmbeddedCluster } from './embedded-postgres.ts'
import { runPrisma } from './prisma.ts'

export const EMBEDDED_DATABASE = 'coin'
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..')

export type OpenDatabase = {
  url: string
  /** Describes where the data is, for messages (never the password). */
  description: string
  close: () => Promise<void>
  /** The embedded cluster when this process runs it (and so watches it), else undefined. */
  cluster?: EmbeddedCluster
}

/**
 * The database every command uses: DATABASE_URL when set, otherwise the embedded PostgreSQL of
 * COIN_DATA_DIR (joined when another Coin process runs it, started for this command otherwise).
 * With `adoptOrphan`, a server left running by a killed Coin is stopped at exit like one we started.
 * Sets process.env.DATABASE_URL for the code that follows.
 */
export async function openDatabase({ adoptOrphan = false }: { adoptOrphan?: boolean } = {}): Promise<OpenDatabase> {
  const env = getEnv()
  if (env.DATABASE_URL) {
    const u = new URL(env.DATABASE_URL)
    return { url: env.DATABASE_URL, description: `${u.hostname}:${u.port || 5432}${u.pathname}`, close: async () => {} }
  }
  const cluster = await openEmbeddedCluster(env.COIN_DATA_DIR, { adoptOrphan, onLog: (m) => logger.debug({ postgres: m.trim() }) })
  await createDatabaseIfMissing(cluster.url, EMBEDDED_DATABASE)
  const url = withDatabase(cluster.url, EMBEDDED_DATABASE)
  process.env.DATABASE_URL = url
  return {
    url,
    description: `embedded PostgreSQL in ${path.join(env.COIN_DATA_DIR, 'postgres')}${cluster.owned ? '' : ' (already running; left running at exit)'}`,
    close: cluster.stop,
    ...(cluster.owned ? { cluster } : {}),
  }
}

export async function createDatabaseIfMissing(serverUrl: string, name: string) {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`)
  } finally {
    await client.end()
  }
}

const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'prisma', 'migrations')

/** Names of the migrations in prisma/migrations that the database has not applied yet. */
export async function pendingMigrations(url: string) {
  const folders = fs
    .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(MIGRATIONS_DIR, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const exists = await client.query("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS ok")
    if (!exists.rows[0]?.ok) return folders
    const { rows } = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    )
    const applied = new Set(rows.map((r) => r.migration_name))
    return folders.filter((f) => !applied.has(f))
  } finally {
    await client.end()
  }
}

/** Applies pending migrations with `prisma migrate deploy`; returns how many were applied. */
export async function migrateDatabase(url: string) {
  const pending = await pendingMigrations(url)
  if (pending.length === 0) return 0
  const result = await runPrisma(['migrate', 'deploy'], { databaseUrl: url })
  if (result.code !== 0) {
    throw new Error(`prisma migrate deploy failed:\n${result.stderr || result.stdout}`)
  }
  return pending.length
}
