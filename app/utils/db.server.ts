import { PrismaPg } from '@prisma/adapter-pg'
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
  const client = new PrismaClient({
    adapter: new PrismaPg({ connectionString, max: DATABASE_POOL_SIZE }),
    log: [{ level: 'query', emit: 'event' }],
  })
  client.$on('query', (e) => {
    if (e.duration >= SLOW_QUERY_MS) logger.warn({ durationMs: Math.round(e.duration), query: e.query }, 'slow query')
  })
  return client
}

type Client = ReturnType<typeof createClient>
const globalForPrisma = globalThis as unknown as { coinPrisma?: Client }

/** The one Prisma client of this process, created on first use. */
export const prisma: Client = new Proxy({} as Client, {
  get(_target, property) {
    const client = (globalForPrisma.coinPrisma ??= createClient())
    const value: unknown = Reflect.get(client, property)
    return typeof value === 'function' ? value.bind(client) : value
  },
})

/** Closes the pool, for commands and tests that end. */
export async function disconnectDb() {
  await globalForPrisma.coinPrisma?.$disconnect()
  globalForPrisma.coinPrisma = undefined
}
