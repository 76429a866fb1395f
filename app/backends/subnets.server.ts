import type { Prisma } from '#app/generated/prisma/client.ts'
import { allocateSubnet } from '#app/models/ip/allocate.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'

/** Subnets for the backends that take addresses from their offer's pools (VPN, DSL). */

type Tx = Prisma.TransactionClient

/**
 * Gives a configuration a subnet of each IP family it has none of, from the offer's pools of
 * that family in name order (the next pool when one is full). An offer without pools of a family
 * gives none: staff assign one by hand. Returns how many subnets were added.
 */
export async function allocateMissingSubnets(tx: Tx, { configurationId, offerId, actorId }: { configurationId: number; offerId: number; actorId: number | null }) {
  const pools = await tx.$queryRaw<{ id: number; family: number }[]>`
    SELECT p.id, family(p.network) AS family FROM "IpPool" p JOIN "_IpPoolToOffer" o ON o."A" = p.id
    WHERE o."B" = ${offerId} ORDER BY p.name, p.id`
  const present = await tx.$queryRaw<{ family: number }[]>`SELECT DISTINCT family(network) AS family FROM "IpSubnet" WHERE "configurationId" = ${configurationId}`
  const has = new Set(present.map((p) => p.family))
  let added = 0
  for (const family of [4, 6]) {
    if (has.has(family)) continue
    const candidates = pools.filter((p) => p.family === family)
    let lastError: unknown = null
    for (const pool of candidates) {
      try {
        await allocateSubnet(tx, { poolId: pool.id, configurationId, actorId })
        added++
        lastError = null
        break
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'IP_POOL_FULL') throw error
        lastError = error
      }
    }
    if (lastError) throw lastError
  }
  return added
}
