import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { sshaHash } from '#app/integrations/ldap/entries.ts'
import { action as adminVpnAction, loader as adminVpnLoader } from '#app/routes/admin.vpn.$vpnId.tsx'
import { action as bulkAction, loader as listLoader } from '#app/routes/admin.vpn._index.tsx'
import { action as newOfferAction } from '#app/routes/admin.offers.new.tsx'
import { action as newSubscriptionAction } from '#app/routes/admin.subscriptions.new.tsx'
import { action as memberVpnAction, loader as memberVpnLoader } from '#app/routes/vpn.$vpnId.tsx'
import { loader as ovpnLoader } from '#app/routes/vpn.$vpnId[.ovpn].tsx'
import { loader as subscriptionsLoader } from '#app/routes/subscriptions.tsx'
import { prisma } from '#app/utils/db.server.ts'
import { getEnv, init } from '#app/utils/env.server.ts'
import { loginAs, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from './request.ts'

// The VPN backend through its pages, LDAP off (the LDAP side runs against slapd in
// tests/integration/vpn-ldap.test.ts).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'coin-vpn-'))
const caFile = path.join(tmp, 'ca.pem')
fs.writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nTESTCA\n-----END CERTIFICATE-----\n')

let staff: Awaited<ReturnType<typeof loginAsStaff>>
let offerId: number
beforeAll(async () => {
  init({ ...process.env, COIN_MODULES: 'vpn', OPENVPN_SERVER: 'vpn.example.net', OPENVPN_PORT: '1194', OPENVPN_PROTOCOL: 'udp', OPENVPN_CA_FILE: caFile })
  staff = await loginAsStaff()
  const v4 = await prisma.ipPool.create({ data: { name: 'vpn-v4', network: '198.51.100.0/28', defaultPrefixLength: 32 } })
  const v6 = await prisma.ipPool.create({ data: { name: 'vpn-v6', network: '2001:db8:100::/48', defaultPrefixLength: 56 } })
  const created = await newOfferAction({
    request: makeRequest('/admin/offers/new', {
      cookie: staff.cookie,
      form: { name: 'VPN', reference: 'VPNT', description: '', backend: 'vpn', billingPeriodMonths: '1', periodFee: '8,00', initialFee: '0', active: 'on', poolIds: [String(v4.id), String(v6.id)] },
    }),
    params: {}, context: {},
  })
  offerId = Number((created as Response).headers.get('location')!.match(/\/admin\/offers\/(\d+)/)![1])
})
afterAll(() => {
  init()
  fs.rmSync(tmp, { recursive: true, force: true })
})

async function subscribe(memberId: number) {
  const response = await newSubscriptionAction({
    request: makeRequest('/admin/subscriptions/new', { cookie: staff.cookie, form: { memberId: String(memberId), offerId: String(offerId), subscriptionDate: '2026-12-01', commitmentMonths: '0', comments: '' } }),
    params: {}, context: {},
  })
  expect(response).toBeInstanceOf(Response)
  const subscriptionId = Number((response as Response).headers.get('location')!.match(/\/admin\/subscriptions\/(\d+)/)![1])
  return prisma.serviceConfiguration.findUniqueOrThrow({ where: { subscriptionId }, select: { id: true, vpn: true } })
}

describe('a VPN subscription', () => {
  test('gets a login, an IPv4 /32 and an IPv6 /56 from the offer pools, and endpoints as Coin sets them', async () => {
    const { member } = await loginAs({ username: 'jean.dupont' })
    const configuration = await subscribe(member.id)
    expect(configuration.vpn).toMatchObject({ login: 'jean-dupont-vpn1', activated: false, passwordHash: null, ipv4Endpoint: '198.51.100.0', ipv6Endpoint: '2001:db8:100::1' })
    const subnets = await prisma.$queryRaw<{ cidr: string }[]>`SELECT text(network) AS cidr FROM "IpSubnet" WHERE "configurationId" = ${configuration.id} ORDER BY family(network)`
    expect(subnets.map((s) => s.cidr)).toEqual(['198.51.100.0/32', '2001:db8:100::/56'])
    // A second VPN of the same member: the next login, the next addresses.
    const second = await subscribe(member.id)
    expect(second.vpn).toMatchObject({ login: 'jean-dupont-vpn2', ipv4Endpoint: '198.51.100.1', ipv6Endpoint: '2001:db8:100:100::1' })
  })

  test('the member sees it, generates a password shown once, and downloads the client file; another member gets 404', async () => {
    const owner = await loginAs()
    const { id } = await subscribe(owner.member.id)
    const params = { vpnId: String(id) }
    const page = await memberVpnLoader({ request: makeRequest(`/vpn/${id}`, { cookie: owner.cookie }), params, context: {} })
    expect(page.vpn).toMatchObject({ configurationId: id, hasPassword: false, status: { state: 'off' } })
    expect(page.vpn.subnets.map((s) => s.cidr)).toHaveLength(2)

    const listed = await subscriptionsLoader({ request: makeRequest('/subscriptions', { cookie: owner.cookie }), params: {}, context: {} })
    expect(listed.subscriptions.map((s) => s.servicePath)).toContain(`/vpn/${id}`)

    const generated = await memberVpnAction({ request: makeRequest(`/vpn/${id}`, { cookie: owner.cookie, form: { intent: 'password' } }), params, context: {} })
    const { password } = unwrap(generated).data as { password: string }
    expect(password).toMatch(/^[A-Za-z2-9]{16}$/)
    const stored = await prisma.vpnConfiguration.findUniqueOrThrow({ where: { configurationId: id }, select: { passwordHash: true } })
    expect(stored.passwordHash).toMatch(/^\{SSHA\}/)
    expect(stored.passwordHash).not.toContain(password)
    const salt = Buffer.from(stored.passwordHash!.slice(6), 'base64').subarray(20)
    expect(sshaHash(password, salt)).toBe(stored.passwordHash)
    const after = await memberVpnLoader({ request: makeRequest(`/vpn/${id}`, { cookie: owner.cookie }), params, context: {} })
    expect(JSON.stringify(after)).not.toContain(password)
    expect(after.vpn.hasPassword).toBe(true)

    const file = await ovpnLoader({ request: makeRequest(`/vpn/${id}.ovpn`, { cookie: owner.cookie }), params, context: {} })
    expect(file.headers.get('Content-Disposition')).toBe(`attachment; filename="${after.vpn.login}.ovpn"`)
    expect(file.headers.get('Cache-Control')).toBe('private, no-store')
    const text = await file.text()
    expect(text).toContain('remote vpn.example.net 1194')
    expect(text).toContain('proto udp')
    expect(text).toContain('auth-user-pass')
    expect(text).toContain(`# Account and new password: ${getEnv().PUBLIC_URL}/vpn/${id}`)
    expect(text).toContain('<ca>\n-----BEGIN CERTIFICATE-----\nTESTCA\n-----END CERTIFICATE-----\n</ca>')
    expect(text).not.toContain(password)

    const other = await loginAs()
    const attempts: (() => Promise<unknown>)[] = [
      () => memberVpnLoader({ request: makeRequest(`/vpn/${id}`, { cookie: other.cookie }), params, context: {} }),
      () => memberVpnAction({ request: makeRequest(`/vpn/${id}`, { cookie: other.cookie, form: { intent: 'password' } }), params, context: {} }),
      () => ovpnLoader({ request: makeRequest(`/vpn/${id}.ovpn`, { cookie: other.cookie }), params, context: {} }),
    ]
    for (const run of attempts) {
      expect(((await settle(run)) as Response).status).toBe(404)
    }
    expect((await prisma.vpnConfiguration.findUniqueOrThrow({ where: { configurationId: id } })).passwordHash).toBe(stored.passwordHash)
  })

  test('staff edit endpoints (refused outside the subnets), activate in bulk, and search the list', async () => {
    const { member } = await loginAs({ lastName: 'Zéphyrin' })
    const { id, vpn: created } = await subscribe(member.id)
    const login = created!.login
    const params = { vpnId: String(id) }
    const outside = await adminVpnAction({
      request: makeRequest(`/admin/vpn/${id}`, { cookie: staff.cookie, form: { intent: 'save', login, activated: 'on', ipv4Endpoint: '203.0.113.9', ipv6Endpoint: '', comment: 'x' } }),
      params, context: {},
    })
    expect(unwrap(outside).status).toBe(400)
    expect(unwrap(outside).data.result.error.ipv4Endpoint).toEqual(['vpn:errors.endpointOutside'])
    const wrongFamily = await adminVpnAction({
      request: makeRequest(`/admin/vpn/${id}`, { cookie: staff.cookie, form: { intent: 'save', login, ipv4Endpoint: '2001:db8::1', ipv6Endpoint: '', comment: '' } }),
      params, context: {},
    })
    expect(unwrap(wrongFamily).data.result.error.ipv4Endpoint).toEqual(['vpn:errors.notIpv4'])
    expect(await prisma.vpnConfiguration.findUniqueOrThrow({ where: { configurationId: id }, select: { activated: true } })).toEqual({ activated: false })

    const { vpn } = await adminVpnLoader({ request: makeRequest(`/admin/vpn/${id}`, { cookie: staff.cookie }), params, context: {} })
    const saved = await adminVpnAction({
      request: makeRequest(`/admin/vpn/${id}`, { cookie: staff.cookie, form: { intent: 'save', login, ipv4Endpoint: vpn.ipv4Endpoint!, ipv6Endpoint: '', comment: 'routeur du local' } }),
      params, context: {},
    })
    expect((saved as Response).headers.get('location')).toBe(`/admin/vpn/${id}?saved=1`)
    expect(await prisma.vpnConfiguration.findUniqueOrThrow({ where: { configurationId: id }, select: { ipv6Endpoint: true } })).toEqual({ ipv6Endpoint: null })

    const bulk = (form: Record<string, string | string[]>) => bulkAction({ request: makeRequest('/admin/vpn', { cookie: staff.cookie, form }), params: {}, context: {} })
    expect((await bulk({ action: 'activate', ids: [String(id)] }) as Response).headers.get('location')).toBe('/admin/vpn?done=activate%3A1')
    expect((await bulk({ action: 'activate', ids: [String(id)] }) as Response).headers.get('location')).toBe('/admin/vpn?done=activate%3A0')
    // "Assign IPv4 and IPv6 addresses" fills the IPv6 endpoint emptied above.
    expect((await bulk({ action: 'assign', ids: [String(id)] }) as Response).headers.get('location')).toBe('/admin/vpn?done=assign%3A1')
    expect(await prisma.vpnConfiguration.findUniqueOrThrow({ where: { configurationId: id }, select: { activated: true, ipv6Endpoint: true } }))
      .toEqual({ activated: true, ipv6Endpoint: expect.stringMatching(/::1$/) })
    expect(unwrap(await bulk({ action: 'activate' })).status).toBe(400)

    const found = await listLoader({ request: makeRequest('/admin/vpn?q=zephyrin&activated=yes', { cookie: staff.cookie }), params: {}, context: {} })
    expect(found.accounts.map((a) => a.configurationId)).toEqual([id])
    const byComment = await listLoader({ request: makeRequest('/admin/vpn?q=routeur', { cookie: staff.cookie }), params: {}, context: {} })
    expect(byComment.accounts.map((a) => a.configurationId)).toEqual([id])
    const none = await listLoader({ request: makeRequest('/admin/vpn?q=zephyrin&activated=no', { cookie: staff.cookie }), params: {}, context: {} })
    expect(none.total).toBe(0)

    // Staff give a login of their own: checked, and unique (whatever the case).
    const rename = (newLogin: string) => adminVpnAction({
      request: makeRequest(`/admin/vpn/${id}`, { cookie: staff.cookie, form: { intent: 'save', login: newLogin, activated: 'on', ipv4Endpoint: '', ipv6Endpoint: '', comment: '' } }),
      params, context: {},
    })
    expect(unwrap(await rename('local.asso')).data.result.error.login).toEqual(['vpn:errors.loginInvalid'])
    const other = await prisma.vpnConfiguration.findFirstOrThrow({ where: { configurationId: { not: id } }, select: { login: true } })
    expect(unwrap(await rename(other.login.toUpperCase())).data.result.error.login).toEqual(['vpn:errors.loginTaken'])
    expect(((await rename('local-asso')) as Response).headers.get('location')).toBe(`/admin/vpn/${id}?saved=1`)
    expect(await prisma.vpnConfiguration.findUniqueOrThrow({ where: { configurationId: id }, select: { login: true } })).toEqual({ login: 'local-asso' })
  })

  test('staff delete an account in two steps; its subnets go back to the pools and the subscription stays', async () => {
    const { member } = await loginAs()
    const { id } = await subscribe(member.id)
    const params = { vpnId: String(id) }
    const post = (intent: string) => adminVpnAction({ request: makeRequest(`/admin/vpn/${id}`, { cookie: staff.cookie, form: { intent } }), params, context: {} })
    expect(await post('delete')).toMatchObject({ confirmDelete: true })
    expect(await prisma.vpnConfiguration.count({ where: { configurationId: id } })).toBe(1)
    expect(((await post('confirmDelete')) as Response).headers.get('location')).toBe('/admin/vpn?deleted=1')
    expect(await prisma.serviceConfiguration.count({ where: { id } })).toBe(0)
    expect(await prisma.ipSubnet.count({ where: { configurationId: id } })).toBe(0)
    expect(await prisma.subscription.count({ where: { memberId: member.id } })).toBe(1)
    expect(((await settle(() => adminVpnLoader({ request: makeRequest(`/admin/vpn/${id}`, { cookie: staff.cookie }), params, context: {} }))) as Response).status).toBe(404)
  })

  test('a full pool refuses the subscription with Coin\'s message, and nothing is saved', async () => {
    // 198.51.100.0/28 holds 16 addresses; fill what is left.
    const pool = await prisma.ipPool.findUniqueOrThrow({ where: { name: 'vpn-v4' } })
    await prisma.$executeRaw`
      INSERT INTO "IpSubnet" ("poolId", network, comment)
      SELECT ${pool.id}, a, 'réservé' FROM generate_series(0, 15) AS i, LATERAL (SELECT ('198.51.100.0'::inet + i) AS a) x
      WHERE NOT EXISTS (SELECT 1 FROM "IpSubnet" s WHERE s.network && a)`
    const { member } = await loginAs()
    const before = await prisma.subscription.count()
    const response = await newSubscriptionAction({
      request: makeRequest('/admin/subscriptions/new', { cookie: staff.cookie, form: { memberId: String(member.id), offerId: String(offerId), subscriptionDate: '2026-12-01', commitmentMonths: '0', comments: '' } }),
      params: {}, context: {},
    })
    expect(JSON.stringify(unwrap(response).data)).toContain('ip:errors.poolFull')
    expect(await prisma.subscription.count()).toBe(before)
  })

  test('the pages do not exist while COIN_MODULES does not name vpn', async () => {
    const owner = await loginAs()
    init({ ...process.env, COIN_MODULES: '' })
    try {
      const response = await settle(() => listLoader({ request: makeRequest('/admin/vpn', { cookie: staff.cookie }), params: {}, context: {} }))
      expect((response as Response).status).toBe(404)
      const mine = await settle(() => memberVpnLoader({ request: makeRequest('/vpn/1', { cookie: owner.cookie }), params: { vpnId: '1' }, context: {} }))
      expect((mine as Response).status).toBe(404)
    } finally {
      init({ ...process.env, COIN_MODULES: 'vpn', OPENVPN_SERVER: 'vpn.example.net', OPENVPN_CA_FILE: caFile })
    }
  })
})
