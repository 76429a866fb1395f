import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import pino from 'pino'
import { bulkVpnAction, deleteVpnAccount, getVpnAccount, resetVpnPassword, updateVpnAccount } from '#app/backends/vpn/accounts.server.ts'
import { canBind, putEntry, readEntry, removeEntry } from '#app/integrations/ldap/client.server.ts'
import { syncDueLdapEntries } from '#app/models/ldap/ldap-sync.server.ts'
import { changePassword } from '#app/models/member/profile.server.ts'
import { createOffer } from '#app/models/offer/offers.server.ts'
import { createSubscription, resignSubscription } from '#app/models/subscription/subscriptions.server.ts'
import { parseIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { init } from '#app/utils/env.server.ts'
import { loader as overviewLoader } from '#app/routes/admin._index.tsx'
import { loader as memberLoader } from '#app/routes/admin.members.$memberId._index.tsx'
import { startLdapSync } from '#jobs/sync-ldap.ts'
import { insertMember, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, unwrap } from '#tests/routes/request.ts'
import { ADMIN_DN, ADMIN_PASSWORD, MEMBERS_BASE_DN, slapdMissing, startSlapd, VPN_BASE_DN, type Slapd } from '#tests/setup/slapd.ts'
import { coin } from './run-coin.ts'

// The VPN backend and the members kept in a real slapd, through the paths Coin really takes: a
// change queues its entry in the changing transaction, the worker's sync writes it.
const missing = slapdMissing()

describe.skipIf(missing)('VPN accounts and members in LDAP', () => {
  let ldap: Slapd
  let env: Record<string, string>
  let offerId: number
  const inAMinute = () => new Date(Date.now() + 16 * 60_000)
  beforeAll(async () => {
    ldap = await startSlapd()
    env = {
      COIN_MODULES: 'vpn', LDAP_URL: ldap.url, LDAP_BIND_DN: ADMIN_DN, LDAP_BIND_PASSWORD: ADMIN_PASSWORD,
      VPN_CONF_BASE_DN: VPN_BASE_DN, LDAP_MEMBERS_BASE_DN: MEMBERS_BASE_DN, LDAP_TIMEOUT_MS: '2000',
    }
    init({ ...process.env, ...env })
    const v4 = await prisma.ipPool.create({ data: { name: 'v4', network: '192.0.2.0/24', defaultPrefixLength: 32 } })
    const v6 = await prisma.ipPool.create({ data: { name: 'v6', network: '2001:db8:7::/48', defaultPrefixLength: 56 } })
    ;({ id: offerId } = await createOffer({
      name: 'VPN', reference: 'VPNL', description: '', backend: 'vpn', poolIds: [v4.id, v6.id], billingPeriodMonths: 1, periodFee: 800, initialFee: 0,
      nonBillable: false, visibleToMembers: true, active: true,
    }))
  })
  afterAll(async () => {
    init()
    await ldap?.close()
  })

  async function subscribeVpn(memberId: number) {
    const { id } = await createSubscription({ memberId, offerId, subscriptionDate: parseIsoDate('2026-12-01')!, resignDate: null, commitmentMonths: 0, comments: '', actorId: null })
    const configuration = await prisma.serviceConfiguration.findUniqueOrThrow({ where: { subscriptionId: id }, select: { id: true, vpn: { select: { login: true } } } })
    return { configurationId: configuration.id, dn: `cn=${configuration.vpn!.login},${VPN_BASE_DN}` }
  }

  test('the entry is written attribute by attribute; a member binds with the generated password; deactivating flips dialupAccess', async () => {
    const member = await insertMember({ username: 'claire.martin' })
    const { configurationId, dn } = await subscribeVpn(member.id)
    expect((await getVpnAccount({ configurationId }))?.status).toMatchObject({ state: 'pending' })
    // The account (a member inserted by the factory queues nothing; the member form does).
    expect(await syncDueLdapEntries()).toMatchObject({ synced: 1, failed: 0 })
    const entry = await readEntry(dn, ldap.settings())
    expect(entry).toEqual({
      objectClass: ['person', 'organizationalPerson', 'inetOrgPerson', 'top', 'radiusprofile'],
      cn: ['claire-martin-vpn1'],
      sn: ['claire-martin-vpn1'],
      dialupAccess: ['no'],
      radiusFramedIPAddress: ['192.0.2.0'],
      postalAddress: ['2001:db8:7::1'],
      radiusFramedRoute: ['192.0.2.0/32'],
      registeredAddress: ['2001:db8:7::/56'],
    })
    expect((await getVpnAccount({ configurationId }))?.status).toMatchObject({ state: 'synced' })

    const password = await resetVpnPassword({ configurationId, memberId: member.id })
    await bulkVpnAction({ action: 'activate', ids: [configurationId], actorId: member.id })
    await syncDueLdapEntries()
    expect((await readEntry(dn, ldap.settings()))?.dialupAccess).toEqual(['yes'])
    expect(await canBind(dn, password!, ldap.settings())).toBe(true)
    expect(await canBind(dn, 'not-the-password', ldap.settings())).toBe(false)

    await bulkVpnAction({ action: 'deactivate', ids: [configurationId], actorId: member.id })
    await syncDueLdapEntries()
    expect((await readEntry(dn, ldap.settings()))?.dialupAccess).toEqual(['no'])
  })

  test("members are POSIX entries whose {ARGON2} password is their Coin password; a password change reaches LDAP", async () => {
    const member = await insertMember({ username: 'paul', firstName: 'Paul', lastName: 'Durand', password: 'first password 123' })
    // What existed before LDAP was switched on is queued when the worker starts.
    const stop = startLdapSync({ log: pino({ level: 'silent' }), intervalMs: 60_000 })
    await stop()
    expect(await prisma.ldapSync.findUnique({ where: { key: `member:${member.id}` } })).toMatchObject({ state: expect.stringMatching(/PENDING|SYNCED/) })
    // A member inserted directly queues nothing; the member form and the password change do.
    expect(await changePassword({ memberId: member.id, currentPassword: 'first password 123', newPassword: 'second password 456' })).toBe(true)
    await syncDueLdapEntries()
    const dn = `uid=paul,${MEMBERS_BASE_DN}`
    expect(await readEntry(dn, ldap.settings())).toMatchObject({ uid: ['paul'], sn: ['Durand'], givenName: ['Paul'], uidNumber: [String(10000 + member.id)], homeDirectory: ['/home/paul'] })
    expect(await canBind(dn, 'second password 456', ldap.settings())).toBe(true)
    expect(await canBind(dn, 'first password 123', ldap.settings())).toBe(false)
    const { cookie } = await loginAsStaff()
    const page = await memberLoader({ request: makeRequest(`/admin/members/${member.id}`, { cookie }), params: { memberId: String(member.id) }, context: {} })
    expect(page.ldap).toMatchObject({ state: 'synced' })
  })

  test('LDAP down: staff still save, the entry shows failed with the reason, and converges when LDAP returns', async () => {
    const member = await insertMember()
    const { configurationId, dn } = await subscribeVpn(member.id)
    await syncDueLdapEntries()
    await ldap.stop()
    try {
      await bulkVpnAction({ action: 'activate', ids: [configurationId], actorId: member.id })
      const round = await syncDueLdapEntries()
      expect(round.failed).toBeGreaterThan(0)
      expect(round.error).toMatch(/unreachable/)
      const status = (await getVpnAccount({ configurationId }))?.status
      expect(status).toMatchObject({ state: 'failed', message: expect.stringMatching(/LDAP unreachable at ldap:\/\/127\.0\.0\.1/) })
      expect(await prisma.vpnConfiguration.findUniqueOrThrow({ where: { configurationId }, select: { activated: true } })).toEqual({ activated: true })
      // The admin overview says so, with LDAP's answer.
      const { cookie } = await loginAsStaff()
      const overview = unwrap(await overviewLoader({ request: makeRequest('/admin', { cookie }), params: {}, context: {} })).data
      expect(overview.ldapTrouble).toMatchObject({ failed: 1, error: expect.stringMatching(/LDAP unreachable/) })
    } finally {
      await ldap.start()
    }
    // Retried after its backoff: the round of a minute later writes it.
    expect(await syncDueLdapEntries()).toMatchObject({ synced: 0, failed: 0 })
    expect(await syncDueLdapEntries({ now: inAMinute })).toMatchObject({ failed: 0 })
    expect((await readEntry(dn, ldap.settings()))?.dialupAccess).toEqual(['yes'])
    expect((await getVpnAccount({ configurationId }))?.status).toMatchObject({ state: 'synced', message: null })
    const { cookie } = await loginAsStaff()
    expect((unwrap(await overviewLoader({ request: makeRequest('/admin', { cookie }), params: {}, context: {} })).data).ldapTrouble).toBeNull()
  })

  test('an ended subscription says dialupAccess "no" without touching the flag; a new login moves the entry', async () => {
    const member = await insertMember({ username: 'eve' })
    const staff = await insertMember()
    const { configurationId, dn } = await subscribeVpn(member.id)
    await bulkVpnAction({ action: 'activate', ids: [configurationId], actorId: staff.id })
    await syncDueLdapEntries({ now: inAMinute })
    const subscriptionId = (await prisma.serviceConfiguration.findUniqueOrThrow({ where: { id: configurationId } })).subscriptionId
    await resignSubscription({ id: subscriptionId, resignDate: parseIsoDate('2026-12-02')!, confirmEarly: false, staffId: staff.id })
    await syncDueLdapEntries({ now: inAMinute })
    expect((await readEntry(dn, ldap.settings()))?.dialupAccess).toEqual(['no'])
    expect(await getVpnAccount({ configurationId })).toMatchObject({ activated: true, suspended: true })
    await resignSubscription({ id: subscriptionId, resignDate: parseIsoDate('2999-12-31')!, confirmEarly: false, staffId: staff.id })
    await syncDueLdapEntries({ now: inAMinute })
    expect((await readEntry(dn, ldap.settings()))?.dialupAccess).toEqual(['yes'])

    await updateVpnAccount({ configurationId, login: 'eve-maison', activated: true, ipv4Endpoint: null, ipv6Endpoint: null, comment: '' })
    await syncDueLdapEntries({ now: inAMinute })
    expect(await readEntry(dn, ldap.settings())).toBeNull()
    expect(await readEntry(`cn=eve-maison,${VPN_BASE_DN}`, ldap.settings())).toMatchObject({ cn: ['eve-maison'], dialupAccess: ['yes'] })
  })

  test('deleting the account removes its entry', async () => {
    const member = await insertMember()
    const staff = await insertMember()
    const { configurationId, dn } = await subscribeVpn(member.id)
    await syncDueLdapEntries({ now: inAMinute })
    expect(await readEntry(dn, ldap.settings())).not.toBeNull()
    await deleteVpnAccount({ configurationId, actorId: staff.id })
    expect(await syncDueLdapEntries({ now: inAMinute })).toMatchObject({ removed: 1 })
    expect(await readEntry(dn, ldap.settings())).toBeNull()
    expect(await prisma.ipSubnet.count({ where: { configurationId } })).toBe(0)
    expect(await prisma.ldapSync.count({ where: { key: `vpn:${configurationId}` } })).toBe(0)
  })

  test('coin ldap_sync --check reports a hand-made drift; coin ldap_sync repairs it', { timeout: 120_000 }, async () => {
    const member = await insertMember()
    const { dn } = await subscribeVpn(member.id)
    // First everything in step (the members the factory inserted were never queued).
    expect((await coin(['ldap_sync'], env)).code).toBe(0)
    expect((await coin(['ldap_sync', '--check'], env)).stdout).toMatch(/ 0 drifted\n$/)
    await putEntry(dn, { dialupAccess: ['yes'], radiusFramedRoute: ['10.9.9.9/32'] }, ldap.settings())
    const stray = `cn=stray-vpn1,${VPN_BASE_DN}`
    await putEntry(stray, { objectClass: ['person', 'top', 'radiusprofile'], cn: ['stray-vpn1'], sn: ['stray-vpn1'] }, ldap.settings())
    // An entry that is not a VPN account (an admin's, say) is not Coin's: never reported nor removed.
    const foreign = `cn=operator,${VPN_BASE_DN}`
    await putEntry(foreign, { objectClass: ['person', 'top'], cn: ['operator'], sn: ['operator'] }, ldap.settings())
    const gone = await prisma.vpnConfiguration.findFirstOrThrow({ where: { login: { not: dn.slice(3, dn.indexOf(',')) } }, select: { login: true } })
    await removeEntry(`cn=${gone.login},${VPN_BASE_DN}`, ldap.settings())

    const check = await coin(['ldap_sync', '--check'], env)
    expect(check.code).toBe(1)
    expect(check.stdout).toContain(`different ${dn} (dialupAccess, radiusFramedRoute)`)
    expect(check.stdout).toContain(`extra     ${stray}`)
    expect(check.stdout).toContain(`missing   cn=${gone.login},${VPN_BASE_DN}`)
    expect(check.stdout).toMatch(/\d+ entries checked, 3 drifted\n$/)
    expect(check.stderr).toContain('coin: LDAP differs from the database in 3 entries (run coin ldap_sync to repair)')
    expect((await readEntry(dn, ldap.settings()))?.dialupAccess).toEqual(['yes'])

    const repair = await coin(['ldap_sync'], env)
    expect(repair.code).toBe(0)
    expect(repair.stdout).toMatch(/3 repaired/)
    expect((await readEntry(dn, ldap.settings()))?.dialupAccess).toEqual(['no'])
    expect(await readEntry(stray, ldap.settings())).toBeNull()
    expect(await readEntry(foreign, ldap.settings())).not.toBeNull()
    const again = await coin(['ldap_sync', '--check'], env)
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/ 0 drifted\n$/)
  })

  test('coin ldap_sync says LDAP is off without LDAP_URL, and names an LDAP that does not answer', async () => {
    const off = await coin(['ldap_sync', '--check'], { LDAP_URL: '' })
    expect(off.code).toBe(1)
    expect(off.stderr).toContain('coin: LDAP is off')
    await ldap.stop()
    try {
      const down = await coin(['ldap_sync', '--check'], env)
      expect(down.code).toBe(1)
      expect(down.stderr).toMatch(/coin: LDAP unreachable at ldap:\/\/127\.0\.0\.1:\d+/)
      expect(down.stderr).not.toContain(ADMIN_PASSWORD)
    } finally {
      await ldap.start()
    }
  })
})
