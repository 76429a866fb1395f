import { prisma } from '#app/utils/db.server.ts'
import { formatReverseZone } from './zone.ts'

/**
 * The BIND zone fragment of a pool's reverse DNS (see formatReverseZone): PTR records of its
 * subnets' entries and NS delegations of the subnets that ask for one. Null for an unknown pool.
 */
export async function reverseDnsZone(poolId: number) {
  const pool = await prisma.ipPool.findUnique({ where: { id: poolId }, select: { name: true, network: true } })
  if (!pool) return null
  const subnets = await prisma.ipSubnet.findMany({
    where: { poolId, OR: [{ delegateReverseDns: true }, { reverseEntries: { some: {} } }] },
    orderBy: { network: 'asc' },
    select: {
      network: true,
      delegateReverseDns: true,
      nameServers: { select: { dnsName: true } },
      reverseEntries: { orderBy: { ip: 'asc' }, select: { ip: true, name: true, ttl: true } },
    },
  })
  return formatReverseZone({
    pool,
    subnets: subnets.map((s) => ({ network: s.network, delegateReverseDns: s.delegateReverseDns, nameServers: s.nameServers.map((ns) => ns.dnsName), entries: s.reverseEntries })),
  })
}
