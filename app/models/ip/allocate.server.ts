import { subnetChanged } from '#app/backends/registry.server.ts'
import { Prisma } from '#app/generated/prisma/client.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { formatCidr, MAX_PREFIX_LENGTH } from './address.ts'
import { lockPool, nameList, readNetwork, type Db } from './network.server.ts'

/**
 * Subnets given out of pools (Coin's IPSubnet). Every function takes the caller's transaction
 * (READ COMMITTED, Prisma's default), so a backend can allocate inside a subscription's creation;
 * a configuration's backend hears of each change in it (subnetChanged, Coin's subnet_event).
 *
 * Two guarantees hold whatever the callers do: subnets never overlap (the exclusion constraint
 * IpSubnet_no_overlap) and stay inside their pool (trigger IpSubnet_inside_pool). Writers in one
 * pool queue on the pool's lock, so an allocation sees every subnet given before it. An
 * allocation that still meets a subnet where the free ranges said there was none (they were
 * not kept: triggers disabled, as a restore with session_replication_role = replica does)
 * rebuilds the pool's ranges and tries again.
 */

export type SubnetTarget = {
  poolId: number
  /** The subscription's configuration; null sets the subnet aside (staff, with a comment). */
  configurationId: number | null
  comment?: string
  /** The staff member acting, or null for Coin itself. */
  actorId?: number | null
}

export type GivenSubnet = { id: number; network: string }

const ATTEMPTS = 3

/**
 * The pool, once this transaction holds its lock: the lock first, then the row in a statement of
 * its own, whose snapshot (READ COMMITTED) sees every change committed by the writers that held
 * the lock before — the pool's own network and default size included.
 */
async function lockedPool(tx: Db, poolId: number) {
  await tx.$executeRaw`SELECT coin_ip_lock_pool(${poolId}::int)`
  const [pool] = await tx.$queryRaw<{ network: string; family: number; prefixLength: number; defaultPrefixLength: number }[]>`
    SELECT p.network::text AS network, family(p.network) AS family, masklen(p.network) AS "prefixLength", p."defaultPrefixLength"
    FROM "IpPool" p WHERE p.id = ${poolId}`
  if (!pool) throw new DomainError({ code: 'IP_POOL_NOT_FOUND', message: 'ip:errors.poolNotFound', status: 404 })
  return { ...pool, max: MAX_PREFIX_LENGTH[pool.family === 4 ? 4 : 6] }
}

/**
 * The first free block of /`length` in a pool, from its free ranges in address order: in each
 * range, the first address aligned on the block size (the range's first address when aligned,
 * else the start of the next block, computed only when that block starts inside the range, so
 * + 1 never runs past the last address), when the block ends inside the range.
 */
const firstFit = (poolId: number, length: number) => Prisma.sql`
  SELECT set_masklen(c.start, ${length}::int) AS network
  FROM (
    SELECT r."first", r."last",
      CASE
        WHEN coin_ip_first(set_masklen(r."first", ${length}::int)) = r."first" THEN r."first"
        WHEN coin_ip_last(set_masklen(r."first", ${length}::int)) < r."last" THEN coin_ip_last(set_masklen(r."first", ${length}::int)) + 1
      END AS start
    FROM "IpFreeRange" r WHERE r."poolId" = ${poolId}
  ) c
  WHERE c.start IS NOT NULL AND coin_ip_last(set_masklen(c.start, ${length}::int)) <= c."last"
  ORDER BY c."first"
  LIMIT 1`

/**
 * Gives out the first free block of `prefixLength` (the pool's default size when omitted) in
 * the pool: the lowest-addressed aligned block of that size with no subnet in it, as Coin did
 * (the pool minus its subnets, walked as CIDRs in address order, first one large enough, its
 * first block). Holes left by released subnets or by subnets of other sizes are used when a
 * block fits. It reads the pool's free ranges (IpFreeRange, kept by triggers), so its cost does
 * not grow with the number of subnets: one statement finds the block and inserts it. Refused: a
 * prefix length outside [pool, 32 or 128] (IP_PREFIX_LENGTH), a full pool (IP_POOL_FULL, Coin's
 * message).
 */
export async function allocateSubnet(tx: Db, { poolId, prefixLength, configurationId, comment = '', actorId = null }: SubnetTarget & { prefixLength?: number }): Promise<GivenSubnet> {
  const pool = await lockedPool(tx, poolId)
  const length = prefixLength ?? pool.defaultPrefixLength
  if (!Number.isInteger(length) || length < pool.prefixLength || length > pool.max) {
    throw new DomainError({ code: 'IP_PREFIX_LENGTH', message: 'ip:errors.prefixLengthRange', status: 400, values: { min: String(pool.prefixLength), max: String(pool.max) } })
  }
  for (let attempt = 1; ; attempt++) {
    // ON CONFLICT DO NOTHING: a block that meets a subnet (IpSubnet_no_overlap) inserts nothing
    // instead of failing the caller's transaction.
    const [subnet] = await tx.$queryRaw<GivenSubnet[]>`
      INSERT INTO "IpSubnet" ("poolId", network, "configurationId", comment)
      SELECT ${poolId}, fit.network, ${configurationId}::int, ${comment} FROM (${firstFit(poolId, length)}) fit
      ON CONFLICT DO NOTHING
      RETURNING id, network::text AS network`
    if (subnet) {
      if (configurationId !== null) await subnetChanged(tx, configurationId, actorId)
      return { id: subnet.id, network: formatCidr(subnet.network) }
    }
    const [offered] = await tx.$queryRaw<{ network: string }[]>`SELECT fit.network::text AS network FROM (${firstFit(poolId, length)}) fit`
    if (!offered) throw new DomainError({ code: 'IP_POOL_FULL', message: 'ip:errors.poolFull' })
    // The free ranges offered a block a subnet holds: they were not kept (see above).
    if (attempt >= ATTEMPTS) throw new Error(`pool ${poolId}: the free ranges offer ${offered.network}, which a subnet holds`)
    await tx.$executeRaw`SELECT coin_ip_rebuild_free_ranges(${poolId}::int)`
  }
}

/** The subnets overlapping a network (contained or containing), named for a message. */
async function conflicts(tx: Db, network: string) {
  const rows = await tx.$queryRaw<{ network: string; total: number }[]>`
    SELECT s.network::text AS network, (count(*) OVER ())::int AS total FROM "IpSubnet" s
    WHERE s.network && ${network}::inet ORDER BY s.network LIMIT 5`
  return rows.length === 0 ? null : nameList(rows.map((r) => formatCidr(r.network)), rows[0].total)
}

const conflictError = (subnets: string) =>
  new DomainError({ code: 'IP_SUBNET_CONFLICT', message: 'ip:errors.subnetConflict', status: 400, values: { subnets } })

/**
 * Gives out the network staff typed. Refused with Coin's messages: not a network (IP_INVALID,
 * IP_HOST_BITS naming the network meant), outside the pool (IP_OUTSIDE_POOL), overlapping
 * subnets, named (IP_SUBNET_CONFLICT).
 */
export async function assignSubnet(tx: Db, { poolId, network: typed, configurationId, comment = '', actorId = null }: SubnetTarget & { network: string }): Promise<GivenSubnet> {
  const { network } = await readNetwork(tx, typed)
  const pool = await lockedPool(tx, poolId)
  const [{ inside }] = await tx.$queryRaw<{ inside: boolean }[]>`SELECT ${network}::inet <<= ${pool.network}::inet AS inside`
  if (!inside) throw new DomainError({ code: 'IP_OUTSIDE_POOL', message: 'ip:errors.outsidePool', status: 400 })
  const inTheWay = await conflicts(tx, network)
  if (inTheWay) throw conflictError(inTheWay)
  const [subnet] = await tx.$queryRaw<GivenSubnet[]>`
    INSERT INTO "IpSubnet" ("poolId", network, "configurationId", comment)
    VALUES (${poolId}, ${network}::inet, ${configurationId}::int, ${comment})
    ON CONFLICT DO NOTHING
    RETURNING id, network::text AS network`
  // Nothing inserted: a writer that did not take the pool's lock got there in between.
  if (!subnet) throw conflictError((await conflicts(tx, network)) ?? formatCidr(network))
  if (configurationId !== null) await subnetChanged(tx, configurationId, actorId)
  return { id: subnet.id, network: formatCidr(subnet.network) }
}

/**
 * Gives a subnet back to its pool, with its reverse DNS entries and delegation. Returns what it
 * was, or null when there was no such subnet (already released).
 */
export async function releaseSubnet(tx: Db, subnetId: number, { actorId = null }: { actorId?: number | null } = {}) {
  const subnet = await tx.ipSubnet.findUnique({ where: { id: subnetId }, select: { poolId: true } })
  if (!subnet) return null
  await lockPool(tx, subnet.poolId)
  const [released] = await tx.$queryRaw<{ id: number; poolId: number; network: string; configurationId: number | null }[]>`
    DELETE FROM "IpSubnet" WHERE id = ${subnetId} RETURNING id, "poolId", network::text AS network, "configurationId"`
  if (!released) return null
  if (released.configurationId !== null) await subnetChanged(tx, released.configurationId, actorId)
  return { ...released, network: formatCidr(released.network) }
}
