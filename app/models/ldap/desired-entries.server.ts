import { memberEntry, vpnEntry, type LdapEntry } from '#app/integrations/ldap/entries.ts'
import { listConfigurationSubnets } from '#app/models/ip/configuration-subnets.server.ts'
import { groupBy } from '#app/utils/collections.ts'
import { prisma } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import type { LdapKind } from './sync-queue.server.ts'

/**
 * What LDAP should hold, read from the database: the entry of each entity asked, or no entry
 * (a deleted configuration, a deactivated member). The sync writes these; the drift check
 * compares them with LDAP. `ids` null: every entity of the kind.
 */
export async function desiredEntries(kind: LdapKind, ids: number[] | null): Promise<Map<number, LdapEntry>> {
  return kind === 'vpn' ? desiredVpnEntries(ids) : desiredMemberEntries(ids)
}

async function desiredVpnEntries(ids: number[] | null) {
  const baseDn = getEnv().VPN_CONF_BASE_DN
  const accounts = await prisma.vpnConfiguration.findMany({
    where: ids ? { configurationId: { in: ids } } : {},
    select: { configurationId: true, login: true, passwordHash: true, activated: true, ipv4Endpoint: true, ipv6Endpoint: true, configuration: { select: { suspendedAt: true } } },
  })
  const subnets = await listConfigurationSubnets(prisma, accounts.map((a) => a.configurationId))
  const byConfiguration = groupBy(subnets, (s) => s.configurationId)
  return new Map(accounts.map(({ configuration, ...account }) => {
    const own = byConfiguration.get(account.configurationId) ?? []
    const cidrs = (family: number) => own.filter((s) => s.family === family).map((s) => s.cidr)
    // The subscription has ended: no access, whatever the account's flag says.
    const activated = account.activated && configuration.suspendedAt === null
    return [account.configurationId, vpnEntry({ ...account, activated, ipv4Subnets: cidrs(4), ipv6Subnets: cidrs(6) }, baseDn)]
  }))
}

async function desiredMemberEntries(ids: number[] | null) {
  const env = getEnv()
  const members = await prisma.member.findMany({
    // A deactivated account keeps no entry: nobody binds with it elsewhere either.
    where: { ...(ids ? { id: { in: ids } } : {}), isActive: true },
    select: { id: true, username: true, firstName: true, lastName: true, organizationName: true, email: true, password: { select: { hash: true } } },
  })
  const options = { uidBase: env.LDAP_MEMBERS_UID_BASE, gid: env.LDAP_MEMBERS_GID }
  return new Map(members.map(({ password, ...member }) =>
    // Only an argon2id hash goes to LDAP as {ARGON2}; a Django hash (imported) waits for the login that replaces it.
    [member.id, memberEntry({ ...member, passwordHash: password?.hash.startsWith('$argon2') ? password.hash : null }, env.LDAP_MEMBERS_BASE_DN ?? '', options)]))
}
