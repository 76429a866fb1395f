import { Prisma } from '#app/generated/prisma/client.ts'
import { normalizeSearchWord } from '#app/models/member/list.server.ts'
import { displayName } from '#app/models/member/username.ts'
import { prisma } from '#app/utils/db.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { escapeLike } from '#app/utils/like.ts'
import { formatCidr, formatHost, parseIp } from './address.ts'
import { allocateSubnet, assignSubnet, releaseSubnet } from './allocate.server.ts'
import type { SubnetListQuery } from './ip.schema.ts'

export const SUBNETS_PAGE_SIZE = 50

type SubnetRow = {
  id: number; network: string; comment: string; delegateReverseDns: boolean; entryCount: number
  subscriptionId: number | null; offerName: string | null
  memberId: number | null; username: string | null; type: string | null; organizationName: string | null
  nickname: string | null; firstName: string | null; lastName: string | null
}

/**
 * What a search of a pool's subnets matches: the start of the network as printed (`10.0.3`
 * finds 10.0.3.x and 10.0.30.x); a network or address typed in full also finds the subnets
 * overlapping it (an address finds the subnet holding it); else the comment, or the subscriber
 * (every word in their names, username or email, as the members search does).
 */
function searchCondition(q: string) {
  if (!q) return Prisma.sql`true`
  const prefix = Prisma.sql`host(s.network) LIKE ${`${escapeLike(q.toLowerCase())}%`}`
  if (parseIp(q)) return Prisma.sql`(s.network && ${q}::inet OR ${prefix})`
  const words = q.split(/\s+/).map(normalizeSearchWord).filter(Boolean).slice(0, 8)
  const member = words.length
    ? Prisma.join(words.map((word) => Prisma.sql`m."searchText" LIKE ${`%${escapeLike(word)}%`}`), ' AND ')
    : Prisma.sql`false`
  return Prisma.sql`(${prefix} OR s.comment ILIKE ${`%${escapeLike(q)}%`} OR (${member}))`
}

/**
 * One page of a pool's subnets in address order, with their subscriber, filtered (`assigned` to
 * a configuration, or `setAside` by staff) and searched (see searchCondition); with the total.
 */
export async function listPoolSubnets(poolId: number, { filter, q, page }: SubnetListQuery) {
  const where = Prisma.sql`s."poolId" = ${poolId}
    AND ${filter === 'assigned' ? Prisma.sql`s."configurationId" IS NOT NULL` : filter === 'setAside' ? Prisma.sql`s."configurationId" IS NULL` : Prisma.sql`true`}
    AND ${searchCondition(q)}`
  const from = Prisma.sql`FROM "IpSubnet" s
    LEFT JOIN "ServiceConfiguration" c ON c.id = s."configurationId"
    LEFT JOIN "Subscription" sub ON sub.id = c."subscriptionId"
    LEFT JOIN "Member" m ON m.id = sub."memberId"
    LEFT JOIN "Offer" o ON o.id = sub."offerId"`
  const [[{ total }], rows] = await Promise.all([
    prisma.$queryRaw<{ total: number }[]>`SELECT count(*)::int AS total ${from} WHERE ${where}`,
    prisma.$queryRaw<SubnetRow[]>`
      SELECT s.id, s.network::text AS network, s.comment, s."delegateReverseDns",
        (SELECT count(*)::int FROM "ReverseDnsEntry" e WHERE e."subnetId" = s.id) AS "entryCount",
        sub.id AS "subscriptionId", o.name AS "offerName", m.id AS "memberId", m.username, m.type::text AS type,
        m."organizationName", m.nickname, m."firstName", m."lastName"
      ${from} WHERE ${where}
      ORDER BY s.network LIMIT ${SUBNETS_PAGE_SIZE} OFFSET ${(page - 1) * SUBNETS_PAGE_SIZE}`,
  ])
  return {
    total,
    pageCount: Math.max(1, Math.ceil(total / SUBNETS_PAGE_SIZE)),
    subnets: rows.map((r) => ({
      id: r.id,
      network: formatCidr(r.network),
      comment: r.comment,
      delegateReverseDns: r.delegateReverseDns,
      entryCount: r.entryCount,
      subscription: r.subscriptionId === null ? null : { id: r.subscriptionId, offerName: r.offerName ?? '' },
      member: r.memberId === null
        ? null
        : { id: r.memberId, username: r.username ?? '', name: displayName({ type: r.type ?? '', organizationName: r.organizationName ?? '', nickname: r.nickname ?? '', firstName: r.firstName ?? '', lastName: r.lastName ?? '', username: r.username ?? '' }) },
    })),
  }
}

/** The configuration of a subscription named by staff (IP_NO_CONFIGURATION when it has none). */
async function configurationOf(tx: Prisma.TransactionClient, subscriptionId: number) {
  const configuration = await tx.serviceConfiguration.findUnique({ where: { subscriptionId }, select: { id: true } })
  if (!configuration) throw new DomainError({ code: 'IP_NO_CONFIGURATION', message: 'ip:errors.noConfiguration', status: 400, values: { subscription: String(subscriptionId) } })
  return configuration.id
}

/**
 * Staff gives out a subnet from a pool page: the network typed (assignSubnet; a prefix length
 * typed apart completes an address, and must agree with a network), or else the first free
 * block of the prefix length or the pool's default (allocateSubnet); for the configuration of a
 * subscription, or set aside with a comment. One transaction.
 */
export function addSubnet({ poolId, network, prefixLength, subscriptionId, comment, actorId }: {
  poolId: number; network?: string; prefixLength?: number; subscriptionId?: number; comment: string; actorId: number
}) {
  return prisma.$transaction(async (tx) => {
    const configurationId = subscriptionId === undefined ? null : await configurationOf(tx, subscriptionId)
    const target = { poolId, configurationId, comment, actorId }
    if (network === undefined) return allocateSubnet(tx, { ...target, prefixLength })
    const typedLength = parseIp(network)?.prefixLength ?? null
    if (prefixLength !== undefined && typedLength !== null && typedLength !== prefixLength) {
      throw new DomainError({ code: 'IP_PREFIX_MISMATCH', message: 'ip:errors.prefixLengthMismatch', status: 400 })
    }
    // An address and a prefix length typed apart make one network: 10.0.0.0 and 24 → 10.0.0.0/24.
    return assignSubnet(tx, { ...target, network: prefixLength !== undefined && typedLength === null ? `${network.trim()}/${prefixLength}` : network })
  })
}

/** Releases a subnet of a pool (one transaction); null when it is not, or no longer, there. */
export function releasePoolSubnet({ poolId, subnetId, actorId }: { poolId: number; subnetId: number; actorId: number }) {
  return prisma.$transaction(async (tx) => {
    const subnet = await tx.ipSubnet.findFirst({ where: { id: subnetId, poolId }, select: { id: true } })
    return subnet ? releaseSubnet(tx, subnet.id, { actorId }) : null
  })
}

/** A subnet of a pool with what its page shows, or null. */
export async function getPoolSubnet({ poolId, subnetId }: { poolId: number; subnetId: number }) {
  const subnet = await prisma.ipSubnet.findFirst({
    where: { id: subnetId, poolId },
    select: {
      id: true, network: true, comment: true, delegateReverseDns: true,
      pool: { select: { id: true, name: true, network: true } },
      nameServers: { orderBy: { dnsName: 'asc' }, select: { id: true, dnsName: true } },
      reverseEntries: { orderBy: { ip: 'asc' }, select: { id: true, ip: true, name: true, ttl: true } },
      configuration: { select: { subscription: { select: { id: true, offer: { select: { name: true } }, member: { select: { id: true, username: true, type: true, organizationName: true, nickname: true, firstName: true, lastName: true } } } } } },
    },
  })
  if (!subnet) return null
  const subscription = subnet.configuration?.subscription ?? null
  return {
    id: subnet.id,
    network: formatCidr(subnet.network),
    comment: subnet.comment,
    delegateReverseDns: subnet.delegateReverseDns,
    pool: { ...subnet.pool, network: formatCidr(subnet.pool.network) },
    nameServers: subnet.nameServers,
    entries: subnet.reverseEntries.map((e) => ({ ...e, ip: formatHost(e.ip) })),
    subscription: subscription && {
      id: subscription.id,
      offerName: subscription.offer.name,
      member: { id: subscription.member.id, username: subscription.member.username, name: displayName(subscription.member) },
    },
  }
}
