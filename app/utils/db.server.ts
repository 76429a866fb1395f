import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaClient } from '#app/generated/prisma/client.ts'
import { logger } from './logger.server.ts'

const SLOW_QUERY_MS = 200

function createClient() {
  const connectionString = process.env.DATABASE_URL
  if (!connectionString) throw new Error('DATABASE_URL is not set: start Coin through the `coin` command')
  const client = new PrismaClient({
    adapter: new PrismaPg({ connectionString, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) }),
    log: [{ level: 'query', emit: 'event' }],
  })
  client.$on('query', (e) => {
    if (e.duration > SLOW_QUERY_MS) logger.warn({ durationMs: e.duration, query: e.query }, 'slow query')
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
