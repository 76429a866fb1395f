import { deleteConfiguration } from '#app/backends/registry.server.ts'
import { allocateMissingSubnets } from '#app/backends/subnets.server.ts'
import type { Prisma } from '#app/generated/prisma/client.ts'
import { sshaHash } from '#app/integrations/ldap/entries.ts'
import { listConfigurationSubnets } from '#app/models/ip/configuration-subnets.server.ts'
import { ldapStatuses, markLdapDirty } from '#app/models/ldap/sync-queue.server.ts'
import { memberSearchWhere, normalizeSearchWord } from '#app/models/member/list.server.ts'
import { displayName } from '#app/models/member/username.ts'
import { prisma } from '#app/utils/db.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { escapeLike } from '#app/utils/like.ts'
import { endpointsOutsideSubnets, generateEndpoints } from './backend.server.ts'
import { generateVpnPassword } from './password.server.ts'
import type { VpnBulkAction, VpnEditInput, VpnListQuery } from './vpn.schema.ts'

/** The VPN accounts' queries and changes for the member and admin pages. */

export const VPN_PAGE_SIZE = 50

const memberSelect = { id: true, username: true, type: true, firstName: true, lastName: true, nickname: true, organizationName: true } satisfies Prisma.MemberSelect

const accountSelect = {
  configurationId: true, login: true, activated: true, ipv4Endpoint: true, ipv6Endpoint: true, passwordHash: true,
  configuration: {
    select: {
      comment: true,
      suspendedAt: true,
      subscription: { select: { id: true, subscriptionDate: true, resignDate: true, offer: { select: { id: true, name: true } }, member: { select: memberSelect } } },
    },
  },
} satisfies Prisma.VpnConfigurationSelect

type AccountRow = Prisma.VpnConfigurationGetPayload<{ select: typeof accountSelect }>

function present({ configuration, passwordHash, ...vpn }: AccountRow) {
  const { subscription } = configuration
  return {
    ...vpn,
    hasPassword: passwordHash !== null,
    /** The subscription has ended: the account gives no access whatever `activated` says. */
    suspended: configuration.suspendedAt !== null,
    comment: configuration.comment,
    subscription: { id: subscription.id, subscriptionDate: subscription.subscriptionDate, resignDate: subscription.resignDate, offer: subscription.offer },
    member: { id: subscription.member.id, username: subscription.member.username, name: displayName(subscription.member) },
  }
}

function listWhere({ q, activated }: Pick<VpnListQuery, 'q' | 'activated'>): Prisma.VpnConfigurationWhereInput {
  const words = q.split(/\s+/).filter(Boolean).slice(0, 8)
  return {
    ...(activated === 'yes' ? { activated: true } : activated === 'no' ? { activated: false } : {}),
    // Each word in the login, the comment, or the member's names, username and email.
    AND: words.map((word) => ({
      OR: [
        { login: { contains: escapeLike(word), mode: 'insensitive' } },
        { configuration: { comment: { contains: escapeLike(word), mode: 'insensitive' } } },
        { configuration: { subscription: { member: memberSearchWhere({ q: normalizeSearchWord(word), status: undefined }) } } },
      ],
    })),
  }
}

/** One page of the admin list, with each account's LDAP status. */
export async function listVpnAccounts(query: VpnListQuery) {
  const where = listWhere(query)
  const [total, rows] = await Promise.all([
    prisma.vpnConfiguration.count({ where }),
    prisma.vpnConfiguration.findMany({ where, orderBy: { login: 'asc' }, skip: (query.page - 1) * VPN_PAGE_SIZE, take: VPN_PAGE_SIZE, select: accountSelect }),
  ])
  const statuses = await ldapStatuses('vpn', rows.map((r) => r.configurationId))
  return {
    total,
    pageCount: Math.max(1, Math.ceil(total / VPN_PAGE_SIZE)),
    accounts: rows.map((row) => ({ ...present(row), status: statuses.get(row.configurationId) ?? null })),
  }
}

/** The account, limited to one member's accounts when `memberId` is given (a member's page). */
const accountWhere = (configurationId: number, memberId: number | undefined): Prisma.VpnConfigurationWhereInput =>
  ({ configurationId, ...(memberId === undefined ? {} : { configuration: { subscription: { memberId } } }) })

/**
 * One account with its subnets and LDAP status; `memberId` limits it to that member's own
 * accounts, so another member's id is not found, and leaves out LDAP's messages (which name
 * servers and DNs: for staff).
 */
export async function getVpnAccount({ configurationId, memberId }: { configurationId: number; memberId?: number }) {
  const row = await prisma.vpnConfiguration.findFirst({ where: accountWhere(configurationId, memberId), select: accountSelect })
  if (!row) return null
  const [subnets, statuses] = await Promise.all([listConfigurationSubnets(prisma, [configurationId]), ldapStatuses('vpn', [configurationId])])
  const status = statuses.get(configurationId) ?? null
  return { ...present(row), subnets, status: status && memberId !== undefined ? { ...status, message: null } : status }
}

/** The member's VPN accounts, for their subscriptions page. */
export function listMemberVpnAccounts(memberId: number) {
  return prisma.vpnConfiguration.findMany({
    where: { configuration: { subscription: { memberId } } },
    orderBy: { login: 'asc' },
    select: { configurationId: true, login: true, activated: true, configuration: { select: { subscriptionId: true } } },
  })
}

/**
 * Gives the account a new random password and returns it, the only time it is readable: only its
 * {SSHA} hash is stored (and written to LDAP). `memberId` limits it to that member's accounts.
 */
export async function resetVpnPassword({ configurationId, memberId }: { configurationId: number; memberId?: number }) {
  const password = generateVpnPassword()
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.vpnConfiguration.updateMany({ where: accountWhere(configurationId, memberId), data: { passwordHash: sshaHash(password) } })
    if (count === 0) return null
    await markLdapDirty(tx, 'vpn', [configurationId])
    return password
  })
}

/**
 * Staff edit an account: login, activation, endpoints, comment. An endpoint of the wrong family,
 * or in none of the account's subnets, is refused on its field (Coin's check_endpoints); a login
 * another account has, on the login. A new login moves the LDAP entry (the old one is removed).
 */
export async function updateVpnAccount({ configurationId, login, activated, ipv4Endpoint, ipv6Endpoint, comment }: VpnEditInput & { configurationId: number }) {
  return prisma.$transaction(async (tx) => {
    if (await tx.vpnConfiguration.count({ where: { login: { equals: login, mode: 'insensitive' }, configurationId: { not: configurationId } } }) > 0) {
      throw new DomainError({ code: 'VPN_LOGIN_TAKEN', message: 'vpn:errors.loginTaken', status: 400 })
    }
    const outside = new Set(await endpointsOutsideSubnets(tx, configurationId, [ipv4Endpoint, ipv6Endpoint]))
    if (ipv4Endpoint && outside.has(ipv4Endpoint)) throw new DomainError({ code: 'IPV4_ENDPOINT_OUTSIDE', message: 'vpn:errors.endpointOutside', status: 400 })
    if (ipv6Endpoint && outside.has(ipv6Endpoint)) throw new DomainError({ code: 'IPV6_ENDPOINT_OUTSIDE', message: 'vpn:errors.endpointOutside', status: 400 })
    const { count } = await tx.vpnConfiguration.updateMany({ where: { configurationId }, data: { login, activated, ipv4Endpoint, ipv6Endpoint } })
    if (count === 0) throw new DomainError({ code: 'VPN_NOT_FOUND', message: 'notFound', status: 404 })
    await tx.serviceConfiguration.update({ where: { id: configurationId }, data: { comment } })
    await markLdapDirty(tx, 'vpn', [configurationId])
  })
}

/**
 * Coin's admin actions on several accounts: activate, deactivate (each entry re-synced), and
 * "assign IPv4 and IPv6 addresses" (subnets from the offer's pools where one is missing, then
 * the empty endpoints). Returns how many accounts changed.
 */
export async function bulkVpnAction({ action, ids, actorId }: { action: VpnBulkAction; ids: number[]; actorId: number }) {
  return prisma.$transaction(async (tx) => {
    if (action === 'activate' || action === 'deactivate') {
      const activated = action === 'activate'
      const changed = await tx.vpnConfiguration.findMany({ where: { configurationId: { in: ids }, activated: !activated }, select: { configurationId: true } })
      const changedIds = changed.map((c) => c.configurationId)
      await tx.vpnConfiguration.updateMany({ where: { configurationId: { in: changedIds } }, data: { activated } })
      await markLdapDirty(tx, 'vpn', changedIds)
      return changedIds.length
    }
    const accounts = await tx.vpnConfiguration.findMany({
      where: { configurationId: { in: ids } },
      select: { configurationId: true, configuration: { select: { subscription: { select: { offerId: true } } } } },
    })
    let changed = 0
    for (const { configurationId, configuration } of accounts) {
      const added = await allocateMissingSubnets(tx, { configurationId, offerId: configuration.subscription.offerId, actorId })
      const filled = await generateEndpoints(tx, configurationId)
      if (added > 0 || filled) {
        changed++
        await markLdapDirty(tx, 'vpn', [configurationId])
      }
    }
    return changed
  }, { timeout: 60_000 })
}

/** Staff ask for the account's LDAP entry to be written again now (after fixing LDAP, say). */
export function requeueVpnSync(configurationId: number) {
  return prisma.$transaction((tx) => markLdapDirty(tx, 'vpn', [configurationId]))
}

/** Deletes the account and its configuration (its subnets are released; its LDAP entry goes). */
export function deleteVpnAccount({ configurationId, actorId }: { configurationId: number; actorId: number }) {
  return prisma.$transaction((tx) => deleteConfiguration(tx, { configurationId, actorId }))
}
