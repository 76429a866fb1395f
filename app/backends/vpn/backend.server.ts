import type { Prisma } from '#app/generated/prisma/client.ts'
import type { HookContext, ServiceBackend } from '#app/backends/registry.server.ts'
import { allocateMissingSubnets } from '#app/backends/subnets.server.ts'
import { ldapStatuses, markLdapDirty } from '#app/models/ldap/sync-queue.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { vpnLoginCandidates } from './login.ts'

/**
 * The VPN backend (COIN_MODULES=vpn; Coin's vpn app): an OpenVPN account per subscription, kept
 * in LDAP for OpenVPN/FreeRADIUS (entry layout in docs/ldap.md). Creating one picks a login,
 * takes an IPv4 subnet and an IPv6 prefix from the offer's pools and sets the endpoints; every
 * change queues the LDAP entry's sync.
 */

type Tx = Prisma.TransactionClient

/** The first login of `vpnLoginCandidates` nobody has, or VPN_LOGINS_EXHAUSTED. */
async function freeLogin(tx: Tx, memberId: number) {
  const { username } = await tx.member.findUniqueOrThrow({ where: { id: memberId }, select: { username: true } })
  const candidates = vpnLoginCandidates(username)
  const taken = new Set((await tx.vpnConfiguration.findMany({ where: { login: { in: candidates } }, select: { login: true } })).map((v) => v.login))
  const login = candidates.find((c) => !taken.has(c))
  if (!login) throw new DomainError({ code: 'VPN_LOGINS_EXHAUSTED', message: 'vpn:errors.loginsExhausted' })
  return login
}

/**
 * Fills the empty endpoints as Coin does: IPv4 = the address of the first IPv4 subnet, IPv6 =
 * `prefix::1` of the first IPv6 subnet (the prefix itself for a /128). Returns whether anything
 * changed.
 */
export async function generateEndpoints(tx: Tx, configurationId: number, { v4 = true, v6 = true } = {}) {
  const vpn = await tx.vpnConfiguration.findUnique({ where: { configurationId }, select: { ipv4Endpoint: true, ipv6Endpoint: true } })
  if (!vpn) return false
  const [first] = await tx.$queryRaw<{ v4: string | null; v6: string | null }[]>`
    SELECT
      (SELECT host(network) FROM "IpSubnet" WHERE "configurationId" = ${configurationId} AND family(network) = 4 ORDER BY id LIMIT 1) AS v4,
      (SELECT host(CASE WHEN masklen(network) = 128 THEN network ELSE network + 1 END) FROM "IpSubnet"
        WHERE "configurationId" = ${configurationId} AND family(network) = 6 ORDER BY id LIMIT 1) AS v6`
  const data: { ipv4Endpoint?: string; ipv6Endpoint?: string } = {}
  if (v4 && !vpn.ipv4Endpoint && first?.v4) data.ipv4Endpoint = first.v4
  if (v6 && !vpn.ipv6Endpoint && first?.v6) data.ipv6Endpoint = first.v6
  if (Object.keys(data).length === 0) return false
  await tx.vpnConfiguration.update({ where: { configurationId }, data })
  return true
}

/** The endpoints that lie in none of the configuration's subnets (Coin's check_endpoints). */
export async function endpointsOutsideSubnets(tx: Tx, configurationId: number, endpoints: (string | null)[]) {
  const given = endpoints.filter((e): e is string => Boolean(e))
  if (given.length === 0) return []
  const rows = await tx.$queryRaw<{ ip: string }[]>`
    SELECT e AS ip FROM unnest(${given}::text[]) AS e
    WHERE NOT EXISTS (SELECT 1 FROM "IpSubnet" s WHERE s."configurationId" = ${configurationId} AND e::inet <<= s.network)`
  return rows.map((r) => r.ip)
}

/** Clears the endpoints no subnet of the configuration holds any more (Coin's check_endpoints(delete=True)). */
async function clearStrayEndpoints(tx: Tx, configurationId: number) {
  const vpn = await tx.vpnConfiguration.findUnique({ where: { configurationId }, select: { ipv4Endpoint: true, ipv6Endpoint: true } })
  if (!vpn) return
  const stray = new Set(await endpointsOutsideSubnets(tx, configurationId, [vpn.ipv4Endpoint, vpn.ipv6Endpoint]))
  if (stray.size === 0) return
  await tx.vpnConfiguration.update({
    where: { configurationId },
    data: {
      ...(vpn.ipv4Endpoint && stray.has(vpn.ipv4Endpoint) ? { ipv4Endpoint: null } : {}),
      ...(vpn.ipv6Endpoint && stray.has(vpn.ipv6Endpoint) ? { ipv6Endpoint: null } : {}),
    },
  })
}

async function create({ tx, configurationId, memberId, offerId, actorId }: HookContext) {
  // One creation at a time per member: two would pick the same free login.
  await tx.$queryRaw`SELECT id FROM "Member" WHERE id = ${memberId} FOR UPDATE`
  const existing = await tx.vpnConfiguration.findUnique({ where: { configurationId }, select: { configurationId: true } })
  if (!existing) {
    await allocateMissingSubnets(tx, { configurationId, offerId, actorId })
    await tx.vpnConfiguration.create({ data: { configurationId, login: await freeLogin(tx, memberId) } })
  }
  await generateEndpoints(tx, configurationId)
  await markLdapDirty(tx, 'vpn', [configurationId])
}

async function subnetChanged({ tx, configurationId }: HookContext) {
  await clearStrayEndpoints(tx, configurationId)
  await generateEndpoints(tx, configurationId)
  await markLdapDirty(tx, 'vpn', [configurationId])
}

async function queueSync({ tx, configurationId }: HookContext) {
  await markLdapDirty(tx, 'vpn', [configurationId])
}

export const vpnBackend: ServiceBackend = {
  kind: 'vpn',
  module: 'vpn',
  usesSubnets: true,
  create,
  update: queueSync,
  // A suspended account keeps its activation flag: its entry says dialupAccess "no" while the
  // configuration is suspended (desired-entries.server.ts), and "yes" again if the suspension is lifted.
  suspend: queueSync,
  delete: queueSync,
  subnetChanged,
  status: (ids) => ldapStatuses('vpn', ids),
  adminPath: (id) => `/admin/vpn/${id}`,
  memberPath: (id) => `/vpn/${id}`,
}
