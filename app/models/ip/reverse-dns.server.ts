import { Prisma } from '#app/generated/prisma/client.ts'
import { subnetChanged } from '#app/backends/registry.server.ts'
import { findMemberByIdOrUsername } from '#app/models/member/lookup.server.ts'
import { displayName } from '#app/models/member/username.ts'
import { prisma } from '#app/utils/db.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { formatCidr, formatHost } from './address.ts'
import type { DelegationInput, NameServerInput, ReverseEntryInput } from './ip.schema.ts'
import { sqlState } from './network.server.ts'

/**
 * The subnet's configuration hears of the change (Coin's subnet_event, sent when a subnet is
 * saved: its delegation too, not its PTR records, which are rows of their own).
 */
async function notify(tx: Prisma.TransactionClient, subnetId: number, actorId: number) {
  const subnet = await tx.ipSubnet.findUnique({ where: { id: subnetId }, select: { configurationId: true } })
  if (subnet?.configurationId) await subnetChanged(tx, subnet.configurationId, actorId)
}

/** Name servers (Coin's reverse_dns.NameServer) by name, with their owner and subnet count. */
export async function listNameServers() {
  const rows = await prisma.nameServer.findMany({
    orderBy: [{ dnsName: 'asc' }, { id: 'asc' }],
    select: {
      id: true, dnsName: true, description: true,
      owner: { select: { id: true, username: true, type: true, organizationName: true, nickname: true, firstName: true, lastName: true } },
      _count: { select: { subnets: true } },
    },
  })
  return rows.map(({ owner, _count, ...ns }) => ({
    ...ns,
    owner: owner && { id: owner.id, username: owner.username, name: displayName(owner) },
    subnetCount: _count.subnets,
  }))
}

export function getNameServer(id: number) {
  return prisma.nameServer.findUnique({
    where: { id },
    select: { id: true, dnsName: true, description: true, owner: { select: { id: true, username: true } }, _count: { select: { subnets: true } } },
  })
}

async function nameServerData({ dnsName, description, owner }: NameServerInput) {
  const member = owner ? await findMemberByIdOrUsername(owner) : null
  if (owner && !member) throw new DomainError({ code: 'IP_OWNER_NOT_FOUND', message: 'memberNotFound', status: 400 })
  return { dnsName, description, ownerId: member?.id ?? null }
}

/** Adds a name server; its owner, when given, is a member number or username (memberNotFound). */
export async function createNameServer(input: NameServerInput) {
  return prisma.nameServer.create({ data: await nameServerData(input), select: { id: true } })
}

export async function updateNameServer(id: number, input: NameServerInput) {
  return prisma.nameServer.update({ where: { id }, data: await nameServerData(input), select: { id: true } })
}

/**
 * Deletes a name server; the subnets delegated to it lose it (and the zone its NS records), and
 * their configurations hear of it.
 */
export function deleteNameServer(id: number, { actorId }: { actorId: number }) {
  return prisma.$transaction(async (tx) => {
    const subnets = await tx.ipSubnet.findMany({ where: { nameServers: { some: { id } } }, select: { id: true } })
    await tx.nameServer.delete({ where: { id }, select: { id: true } })
    for (const subnet of subnets) await notify(tx, subnet.id, actorId)
  })
}

/** Every name server, for choosing a subnet's. */
export function nameServerChoices() {
  return prisma.nameServer.findMany({ orderBy: [{ dnsName: 'asc' }, { id: 'asc' }], select: { id: true, dnsName: true, description: true } })
}

/**
 * Sets whether a subnet's reverse zone is delegated, and to which name servers (ids that name
 * no name server are refused: IP_NAME_SERVER_NOT_FOUND).
 */
export function setSubnetDelegation({ subnetId, delegateReverseDns, nameServerIds, actorId }: DelegationInput & { subnetId: number; actorId: number }) {
  return prisma.$transaction(async (tx) => {
    const ids = [...new Set(nameServerIds)]
    if ((await tx.nameServer.count({ where: { id: { in: ids } } })) !== ids.length) {
      throw new DomainError({ code: 'IP_NAME_SERVER_NOT_FOUND', message: 'ip:errors.nameServerNotFound', status: 400 })
    }
    await tx.ipSubnet.update({
      where: { id: subnetId },
      data: { delegateReverseDns, nameServers: { set: ids.map((id) => ({ id })) } },
      select: { id: true },
    })
    await notify(tx, subnetId, actorId)
  })
}

/**
 * Adds a PTR record to a subnet: the address must lie inside the subnet (IP_ENTRY_OUTSIDE) and
 * have no entry yet (IP_ENTRY_TAKEN); the name ends with a dot and the TTL is 60 s or more (the
 * schema sees to both).
 */
export function addReverseEntry({ subnetId, ip, name, ttl }: ReverseEntryInput & { subnetId: number }) {
  return prisma
    .$transaction(async (tx) => {
      const [subnet] = await tx.$queryRaw<{ network: string; inside: boolean }[]>`
        SELECT network::text AS network, ${ip.trim()}::inet <<= network AS inside FROM "IpSubnet" WHERE id = ${subnetId}`
      if (!subnet) throw new DomainError({ code: 'IP_SUBNET_NOT_FOUND', message: 'notFound', status: 404 })
      if (!subnet.inside) throw new DomainError({ code: 'IP_ENTRY_OUTSIDE', message: 'ip:errors.entryOutside', status: 400, values: { subnet: formatCidr(subnet.network) } })
      const [entry] = await tx.$queryRaw<{ id: number }[]>`
        INSERT INTO "ReverseDnsEntry" (ip, name, ttl, "subnetId") VALUES (set_masklen(${ip.trim()}::inet, CASE family(${ip.trim()}::inet) WHEN 4 THEN 32 ELSE 128 END), ${name}, ${ttl}, ${subnetId})
        RETURNING id`
      return entry
    })
    .catch((error: unknown) => {
      if (sqlState(error) === '23505' || (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')) {
        throw new DomainError({ code: 'IP_ENTRY_TAKEN', message: 'ip:errors.entryTaken', status: 400, values: { ip: formatHost(ip.trim()) }, cause: error })
      }
      throw error
    })
}

/** Removes a PTR record of a subnet; false when it was not there. */
export async function removeReverseEntry({ subnetId, entryId }: { subnetId: number; entryId: number }) {
  const { count } = await prisma.reverseDnsEntry.deleteMany({ where: { id: entryId, subnetId } })
  return count > 0
}
