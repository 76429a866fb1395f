import type { Prisma } from '#app/generated/prisma/client.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { formatCidr, parseIp, type IpFamily } from './address.ts'

export type Db = Prisma.TransactionClient

/** How many subnets or pools a message names before it only counts the rest. */
const NAMED = 5

/** Networks named in a message: the first few, then how many more (`10.0.0.0/24, 10.0.1.0/24 … (+3)`). */
export function nameList(names: string[], total = names.length) {
  const shown = names.slice(0, NAMED).join(', ')
  return total > NAMED ? `${shown} … (+${total - NAMED})` : shown
}

/** The SQLSTATE of a failed query made through Prisma (raw or not), or null. */
export function sqlState(error: unknown): string | null {
  if (!error || typeof error !== 'object') return null
  const meta = 'meta' in error ? (error.meta as { driverAdapterError?: { cause?: { originalCode?: string; code?: string } }; code?: string } | undefined) : undefined
  const cause = meta?.driverAdapterError?.cause
  return cause?.originalCode ?? cause?.code ?? meta?.code ?? null
}

/**
 * Makes the other writers of a pool's subnets wait until this transaction ends (the free-range
 * triggers take the same lock): allocations in one pool happen one after the other, each seeing
 * the ones before it.
 */
export async function lockPool(db: Db, poolId: number) {
  await db.$executeRaw`SELECT coin_ip_lock_pool(${poolId}::int)`
}

export type Network = { network: string; family: IpFamily; prefixLength: number }

/**
 * A network typed by staff, read by PostgreSQL, as a CIDR (`10.0.0.0/24`; a lone address is a
 * /32 or /128). Not an address: IP_INVALID; host bits set: IP_HOST_BITS, with Coin's message
 * naming the network meant.
 */
export async function readNetwork(db: Db, text: string): Promise<Network> {
  const parsed = parseIp(text)
  if (!parsed) throw new DomainError({ code: 'IP_INVALID', message: 'ip:errors.addressInvalid', status: 400 })
  const [row] = await db.$queryRaw<{ typed: string; network: string; family: number; prefixLength: number }[]>`
    SELECT t.v::text AS typed, network(t.v)::text AS network, family(t.v) AS family, masklen(t.v) AS "prefixLength"
    FROM (SELECT ${text.trim()}::inet AS v) t`
  if (row.typed !== row.network) {
    throw new DomainError({ code: 'IP_HOST_BITS', message: 'ip:errors.hostBits', status: 400, values: { value: text.trim(), network: formatCidr(row.network) } })
  }
  return { network: row.network, family: row.family === 4 ? 4 : 6, prefixLength: row.prefixLength }
}
