import { Prisma } from '#app/generated/prisma/client.ts'
import { prisma } from '#app/utils/db.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { formatCidr, MAX_PREFIX_LENGTH } from './address.ts'
import type { PoolInput } from './ip.schema.ts'
import { lockPool, nameList, readNetwork, sqlState, type Db } from './network.server.ts'

/**
 * How full a pool is. IPv4 pools count addresses; IPv6 pools count blocks of the pool's default
 * size (a /32 handing out /56s holds 16,777,216 of them; a /64 given out in it counts 1/256),
 * since their address counts (2^96 for a /32) tell staff nothing. `used` and `capacity` are
 * exact decimal strings computed by PostgreSQL in numeric (`used` may have two decimals in
 * blocks); `ratio` is used / capacity, for the bar.
 */
export type PoolUsage = { unit: 'address' | 'block'; used: string; capacity: string; ratio: number }

type PoolRow = {
  id: number; name: string; network: string; defaultPrefixLength: number; description: string
  family: number; subnetCount: number; usedAddresses: string; capacityAddresses: string
  usedBlocks: string; capacityBlocks: string; ratio: number
}

/** Pools with their subnet count and usage, in SQL: one pass over each pool's subnets (index only). */
async function selectPools(db: Db, where: Prisma.Sql) {
  const rows = await db.$queryRaw<PoolRow[]>`
    SELECT p.id, p.name, p.network::text AS network, p."defaultPrefixLength", p.description, family(p.network) AS family,
      coalesce(u.count, 0)::int AS "subnetCount",
      round(coalesce(u.used, 0))::text AS "usedAddresses",
      round(2::numeric ^ (m.bits - masklen(p.network)))::text AS "capacityAddresses",
      round(coalesce(u.used, 0) / 2::numeric ^ (m.bits - p."defaultPrefixLength"), 2)::text AS "usedBlocks",
      round(2::numeric ^ (p."defaultPrefixLength" - masklen(p.network)))::text AS "capacityBlocks",
      (coalesce(u.used, 0) / 2::numeric ^ (m.bits - masklen(p.network)))::float8 AS ratio
    FROM "IpPool" p
    CROSS JOIN LATERAL (SELECT CASE family(p.network) WHEN 4 THEN 32 ELSE 128 END AS bits) m
    LEFT JOIN LATERAL (
      SELECT sum(c.n)::int AS count, sum(c.n * 2::numeric ^ (m.bits - c.len)) AS used
      FROM (SELECT masklen(s.network) AS len, count(*) AS n FROM "IpSubnet" s WHERE s."poolId" = p.id GROUP BY 1) c
    ) u ON true
    WHERE ${where}
    ORDER BY p.name, p.id`
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    network: formatCidr(r.network),
    family: r.family === 4 ? (4 as const) : (6 as const),
    defaultPrefixLength: r.defaultPrefixLength,
    description: r.description,
    subnetCount: r.subnetCount,
    usage: (r.family === 4
      ? { unit: 'address', used: r.usedAddresses, capacity: r.capacityAddresses, ratio: r.ratio }
      : { unit: 'block', used: r.usedBlocks, capacity: r.capacityBlocks, ratio: r.ratio }) satisfies PoolUsage,
  }))
}

/** Every pool with its usage, by name. */
export function listPools(db: Db = prisma) {
  return selectPools(db, Prisma.sql`true`)
}

/** One pool with its usage and the offers whose configurations get their subnets from it, or null. */
export async function getPool(id: number, db: Db = prisma) {
  const [pool] = await selectPools(db, Prisma.sql`p.id = ${id}`)
  if (!pool) return null
  const offers = await db.offer.findMany({ where: { pools: { some: { id } } }, orderBy: { name: 'asc' }, select: { id: true, name: true, reference: true } })
  return { ...pool, offers }
}

/** A pool named by staff on the command line: by exact name first, else by id. */
export function findPool(nameOrId: string, db: Db = prisma) {
  const text = nameOrId.trim()
  return db.ipPool
    .findUnique({ where: { name: text }, select: { id: true, name: true, network: true } })
    .then((pool) => pool ?? (/^\d{1,9}$/.test(text) ? db.ipPool.findUnique({ where: { id: Number(text) }, select: { id: true, name: true, network: true } }) : null))
}

/** The checks a pool's fields pass before it is written; returns the network as PostgreSQL reads it. */
async function checkPool(tx: Db, input: PoolInput, id: number | null) {
  const { network, family, prefixLength } = await readNetwork(tx, input.network)
  const max = MAX_PREFIX_LENGTH[family]
  if (input.defaultPrefixLength < prefixLength || input.defaultPrefixLength > max) {
    throw new DomainError({ code: 'IP_DEFAULT_SIZE', message: 'ip:errors.defaultSizeRange', status: 400, values: { min: String(prefixLength), max: String(max) } })
  }
  const named = await tx.ipPool.findFirst({ where: { name: input.name, ...(id === null ? {} : { id: { not: id } }) }, select: { id: true } })
  if (named) throw new DomainError({ code: 'IP_POOL_NAME_TAKEN', message: 'ip:errors.poolNameTaken', status: 400 })
  const others = await tx.$queryRaw<{ name: string; network: string }[]>`
    SELECT p.name, p.network::text AS network FROM "IpPool" p
    WHERE p.network && ${network}::inet AND p.id <> ${id ?? 0}::int ORDER BY p.network LIMIT 10`
  if (others.length > 0) {
    throw new DomainError({ code: 'IP_POOL_OVERLAP', message: 'ip:errors.poolOverlap', status: 400, values: { pools: nameList(others.map((p) => `${p.name} (${formatCidr(p.network)})`)) } })
  }
  return network
}

/** What the database refused when a race got past the checks, as the checks would have said it. */
function poolWriteFailed(error: unknown): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
    throw new DomainError({ code: 'IP_POOL_NAME_TAKEN', message: 'ip:errors.poolNameTaken', status: 400, cause: error })
  }
  if (sqlState(error) === '23P01') throw new DomainError({ code: 'IP_POOL_OVERLAP', message: 'ip:errors.poolOverlapRace', status: 409, cause: error })
  throw error
}

/**
 * Creates a pool. Refused: a network that is not one (IP_INVALID, IP_HOST_BITS), a default size
 * outside [pool prefix, 32 or 128] (IP_DEFAULT_SIZE), a name already used (IP_POOL_NAME_TAKEN),
 * a network overlapping another pool, named (IP_POOL_OVERLAP).
 */
export function createPool(input: PoolInput) {
  return prisma
    .$transaction(async (tx) => {
      const network = await checkPool(tx, input, null)
      return tx.ipPool.create({ data: { ...input, network }, select: { id: true } })
    })
    .catch(poolWriteFailed)
}

/**
 * Changes a pool, with the checks of `createPool`; a new network that would leave some of the
 * pool's subnets outside is refused naming them (IP_POOL_SHRINK).
 */
export function updatePool(id: number, input: PoolInput) {
  return prisma
    .$transaction(async (tx) => {
      await lockPool(tx, id)
      const network = await checkPool(tx, input, id)
      const outside = await tx.$queryRaw<{ network: string; total: number }[]>`
        SELECT s.network::text AS network, (count(*) OVER ())::int AS total FROM "IpSubnet" s
        WHERE s."poolId" = ${id} AND NOT s.network <<= ${network}::inet ORDER BY s.network LIMIT 5`
      if (outside.length > 0) {
        throw new DomainError({
          code: 'IP_POOL_SHRINK', message: 'ip:errors.poolShrink', status: 400,
          values: { subnets: nameList(outside.map((s) => formatCidr(s.network)), outside[0].total) },
        })
      }
      return tx.ipPool.update({ where: { id }, data: { ...input, network }, select: { id: true } })
    })
    .catch(poolWriteFailed)
}

/** Deletes a pool that has no subnet left (else IP_POOL_HAS_SUBNETS, with their count). */
export function deletePool(id: number) {
  return prisma.$transaction(async (tx) => {
    await lockPool(tx, id)
    const count = await tx.ipSubnet.count({ where: { poolId: id } })
    if (count > 0) throw new DomainError({ code: 'IP_POOL_HAS_SUBNETS', message: 'ip:errors.poolHasSubnets', values: { count: String(count) } })
    await tx.ipPool.delete({ where: { id } })
  })
}
