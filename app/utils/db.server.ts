import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import { PrismaClient } from '#app/generated/prisma/client.ts'
import { getEnv } from './env.server.ts'
import { logger } from './logger.server.ts'

/**
 * A client on DATABASE_URL with DATABASE_POOL_SIZE connections; a query taking SLOW_QUERY_MS or
 * longer is logged as a warning (its SQL, never its parameters).
 */
function createClient() {
  const connectionString = process.env.DATABASE_URL
  if (!connectionString) throw new Error('DATABASE_URL is not set: start Coin through the `coin` command')
  const { DATABASE_POOL_SIZE, SLOW_QUERY_MS } = getEnv()
  const pool = new pg.Pool({ connectionString, max: DATABASE_POOL_SIZE })
  const client = new PrismaClient({
    adapter: new PrismaPg(pool, { disposeExternalPool: true }),
    log: [{ level: 'query', emit: 'event' }],
  })
  client.$on('query', (e) => {
    if (e.duration >= SLOW_QUERY_MS) logger.warn({ durationMs: Math.round(e.duration), query: e.query }, 'slow query')
  })
  return { client, pool }
}

type Client = ReturnType<typeof createClient>['client']
const globalForPrisma = globalThis as unknown as { coinPrisma?: ReturnType<typeof createClient> }

const connection = () => (globalForPrisma.coinPrisma ??= createClient())

/** The one Prisma client of this process, created on first use. */
export const prisma: Client = new Proxy({} as Client, {
  get(_target, property) {
    const { client } = connection()
    const value: unknown = Reflect.get(client, property)
    return typeof value === 'function' ? value.bind(client) : value
  },
})

/**
 * The connection pool under `prisma`, for the queries Prisma makes costly: megabytes of
 * parameters, binary data above all (Prisma's raw queries carry parameters as JSON, bytes as
 * base64, and node-postgres writes a bytea[] as hex text; a plain bytea parameter is sent as it
 * is). Its queries are not in the slow-query log.
 */
export function databasePool() {
  return connection().pool
}

/** Closes the pool, for commands and tests that end. */
export async function disconnectDb() {
  await globalForPrisma.coinPrisma?.client.$disconnect()
  globalForPrisma.coinPrisma = undefined
}
