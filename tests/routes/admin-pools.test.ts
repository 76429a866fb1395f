import { beforeAll, describe, expect, test } from 'vitest'
import { action as nameServerAction, loader as nameServerLoader } from '#app/routes/admin.nameservers.$nameServerId.tsx'
import { action as nameServersAction, loader as nameServersLoader } from '#app/routes/admin.nameservers._index.tsx'
import { action as poolAction, loader as poolLoader } from '#app/routes/admin.pools.$poolId._index.tsx'
import { action as subnetAction, loader as subnetLoader } from '#app/routes/admin.pools.$poolId.subnets.$subnetId.tsx'
import { loader as listLoader } from '#app/routes/admin.pools._index.tsx'
import { action as newAction, loader as newLoader } from '#app/routes/admin.pools.new.tsx'
import { parseIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember, loginAs, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from './request.ts'

let cookie: string
beforeAll(async () => {
  ;({ cookie } = await loginAsStaff())
})

let blocks = 0
const createPool = async (form: Record<string, string>, as = cookie) => newAction({ request: makeRequest('/admin/pools/new', { cookie: as, form }), params: {}, context: {} })
const poolIdFrom = (response: unknown) => Number((response as Response).headers.get('location')!.match(/^\/admin\/pools\/(\d+)\?created=1$/)![1])
async function newPool(defaultPrefixLength = '30', network = `10.${++blocks}.0.0/24`) {
  const id = poolIdFrom(await createPool({ name: `Pool ${network}`, network, defaultPrefixLength, description: '' }))
  return { id: String(id), network, base: network.replace('.0/24', '') }
}
const postPool = (poolId: string, form: Record<string, string>, as = cookie) =>
  poolAction({ request: makeRequest(`/admin/pools/${poolId}`, { cookie: as, form }), params: { poolId }, context: {} })
const loadPool = (poolId: string, query = '') => poolLoader({ request: makeRequest(`/admin/pools/${poolId}${query}`, { cookie }), params: { poolId }, context: {} })
const location = (response: unknown) => decodeURIComponent((response as Response).headers.get('location') ?? '')

describe('pools', () => {
  test('created from the form, listed with their usage; bad fields are field errors in French', async () => {
    const { id } = await newPool('30')
    const { pools } = await listLoader({ request: makeRequest('/admin/pools', { cookie }), params: {}, context: {} })
    expect(pools.find((p) => p.id === Number(id))).toMatchObject({ defaultPrefixLength: 30, subnetCount: 0, usage: { unit: 'address', used: '0', capacity: '256', ratio: 0 } })
    expect(await newLoader({ request: makeRequest('/admin/pools/new', { cookie }), params: {}, context: {} })).toBeNull()

    const bad = unwrap(await createPool({ name: '', network: '10.0.0', defaultPrefixLength: '', description: '' }))
    expect(bad).toMatchObject({ status: 400, data: { result: { error: { name: ['required'], network: ['ip:errors.addressInvalid'], defaultPrefixLength: ['required'] } } } })
    const hostBits = unwrap(await createPool({ name: 'X', network: '192.0.2.1/24', defaultPrefixLength: '32', description: '' }))
    expect(hostBits.data.result.error).toEqual({ network: ["192.0.2.1/24 n'est pas un sous-réseau valide, voulez-vous dire 192.0.2.0/24 ?"] })
    const size = unwrap(await createPool({ name: 'X', network: '192.0.2.0/24', defaultPrefixLength: '16', description: '' }))
    expect(size.data.result.error).toEqual({ defaultPrefixLength: ['La taille de sous-réseau par défaut doit être comprise entre 24 et 32.'] })
    const overlap = unwrap(await createPool({ name: 'X', network: `10.${blocks}.0.128/25`, defaultPrefixLength: '32', description: '' }))
    expect(overlap.data.result.error.network[0]).toMatch(/^Ce bloc d'adresses chevauche celui d'un autre pool d'IP : Pool 10\.\d+\.0\.0\/24/)
  })

  test('staff reading English get the messages in English', async () => {
    const { member, cookie: en } = await loginAsStaff()
    await prisma.member.update({ where: { id: member.id }, data: { language: 'en' } })
    const hostBits = unwrap(await createPool({ name: 'X', network: '192.0.2.1/24', defaultPrefixLength: '32', description: '' }, en))
    expect(hostBits.data.result.error).toEqual({ network: ['192.0.2.1/24 is not a valid subnet, did you mean 192.0.2.0/24?'] })
  })

  test('editing: shrinking away from subnets is refused naming them; a pool is deleted only once empty, after confirming', async () => {
    const { id, network, base } = await newPool('32')
    for (const last of ['200', '201']) await postPool(id, { intent: 'assign', network: `${base}.${last}`, comment: 'routeur' })
    const shrink = unwrap(await postPool(id, { intent: 'save', name: 'Renamed', network: `${base}.0/25`, defaultPrefixLength: '32', description: '' }))
    expect(shrink).toMatchObject({ status: 400, data: { intent: 'save', result: { error: { network: [`Des sous-réseaux se retrouveraient en-dehors du bloc d'IP: ${base}.200/32, ${base}.201/32`] } } } })
    expect(location(await postPool(id, { intent: 'save', name: 'Renamed', network, defaultPrefixLength: '30', description: 'd' }))).toBe(`/admin/pools/${id}?saved=1`)
    expect((await loadPool(id)).pool).toMatchObject({ name: 'Renamed', defaultPrefixLength: 30, description: 'd', subnetCount: 2 })

    const refused = unwrap(await postPool(id, { intent: 'confirmDelete' }))
    expect(refused).toMatchObject({ status: 400, data: { intent: 'delete', result: { error: { '': ['Ce pool a encore des sous-réseaux (2) : libérez-les d\'abord.'] } } } })
    const empty = await newPool()
    expect(unwrap(await postPool(empty.id, { intent: 'delete' })).data).toMatchObject({ confirmDelete: true })
    expect(location(await postPool(empty.id, { intent: 'confirmDelete' }))).toBe('/admin/pools?deleted=1')
    expect(await prisma.ipPool.count({ where: { id: Number(empty.id) } })).toBe(0)
  })
})

describe("a pool's subnets", () => {
  test('assign: empty network allocates the first free block, a network typed is checked with Coin\'s messages', async () => {
    const { id, base } = await newPool('30')
    expect(location(await postPool(id, { intent: 'assign', network: '', prefixLength: '', subscriptionId: '', comment: '' }))).toBe(`/admin/pools/${id}?assigned=${base}.0/30`)
    expect(location(await postPool(id, { intent: 'assign', network: '', prefixLength: '28', comment: '' }))).toBe(`/admin/pools/${id}?assigned=${base}.16/28`)
    expect(location(await postPool(id, { intent: 'assign', network: `${base}.4`, prefixLength: '30', comment: '' }))).toBe(`/admin/pools/${id}?assigned=${base}.4/30`)
    const error = async (form: Record<string, string>) => unwrap(await postPool(id, { intent: 'assign', comment: '', ...form })).data.result.error
    expect(await error({ network: `${base}.0/27` })).toEqual({ network: [`Le sous-réseau est en conflit avec des sous-réseaux existants: ${base}.0/30, ${base}.4/30, ${base}.16/28`] })
    expect(await error({ network: '198.51.100.0/30' })).toEqual({ network: ["Le sous-réseau doit être inclus dans le bloc d'IP."] })
    expect(await error({ network: `${base}.9/30` })).toEqual({ network: [`${base}.9/30 n'est pas un sous-réseau valide, voulez-vous dire ${base}.8/30 ?`] })
    expect(await error({ network: `${base}.8/30`, prefixLength: '29' })).toEqual({ prefixLength: ['La longueur de préfixe ne correspond pas à celle du sous-réseau saisi.'] })
    expect(await error({ prefixLength: '16' })).toEqual({ prefixLength: ['La longueur de préfixe doit être comprise entre 24 et 32 dans ce pool.'] })
    expect(await error({ subscriptionId: '999999' })).toEqual({ subscriptionId: ["L'abonnement n° 999999 n'existe pas ou n'a pas de configuration de service."] })
    expect(await error({ network: 'n/a' })).toEqual({ network: ['ip:errors.addressInvalid'] })
    const full = await newPool('25')
    await postPool(full.id, { intent: 'assign', comment: '' })
    await postPool(full.id, { intent: 'assign', comment: '' })
    expect(unwrap(await postPool(full.id, { intent: 'assign', comment: '' })).data.result.error).toEqual({ '': ["Impossible d'allouer un sous-réseau : bloc d'IP rempli."] })
  })

  test('listed in address order with their member, filtered (assigned, set aside), searched, paged', async () => {
    const { id, base } = await newPool('32')
    const member = await insertMember({ username: 'zoe.subnet', firstName: 'Zoé', lastName: 'Réseau' })
    const offer = await prisma.offer.create({ data: { name: 'VPN pools', reference: 'VPNPOOLS', periodFeeCents: 0 }, select: { id: true } })
    const subscription = await prisma.subscription.create({ data: { memberId: member.id, offerId: offer.id, subscriptionDate: parseIsoDate('2026-01-01')! }, select: { id: true } })
    await prisma.serviceConfiguration.create({ data: { subscriptionId: subscription.id, backend: 'none' } })
    await postPool(id, { intent: 'assign', network: `${base}.7`, subscriptionId: String(subscription.id), comment: '' })
    await postPool(id, { intent: 'assign', network: `${base}.3`, comment: 'Routeur du local' })
    for (let i = 0; i < 60; i++) await postPool(id, { intent: 'assign', network: `${base}.${100 + i}`, comment: '' })
    const page1 = await loadPool(id)
    expect(page1).toMatchObject({ total: 62, pageCount: 2 })
    expect(page1.subnets.slice(0, 2)).toMatchObject([
      { network: `${base}.3/32`, comment: 'Routeur du local', member: null, subscription: null },
      { network: `${base}.7/32`, member: { id: member.id, username: 'zoe.subnet', name: 'Zoé Réseau' }, subscription: { id: subscription.id, offerName: 'VPN pools' } },
    ])
    expect((await loadPool(id, '?page=2')).subnets).toHaveLength(12)
    const networks = async (query: string) => (await loadPool(id, query)).subnets.map((s) => s.network)
    expect(await networks('?filter=assigned')).toEqual([`${base}.7/32`])
    expect((await loadPool(id, '?filter=setAside')).total).toBe(61)
    expect(await networks('?q=zoe')).toEqual([`${base}.7/32`])
    expect(await networks('?q=RESEAU')).toEqual([`${base}.7/32`])
    expect(await networks('?q=routeur')).toEqual([`${base}.3/32`])
    // An address finds the subnet holding it, and the subnets whose address starts with it.
    expect(await networks(`?q=${base}.10`)).toEqual(Array.from({ length: 10 }, (_, i) => `${base}.${100 + i}/32`))
    expect(await networks(`?q=${base}.7`)).toEqual([`${base}.7/32`])
    expect(await networks(`?q=${base}.0/29`)).toEqual([`${base}.3/32`, `${base}.7/32`])
    expect(await networks('?q=%25&filter=nope&page=abc')).toEqual([])
  })

  test('release asks first, then gives the subnet back to the pool', async () => {
    const { id, base } = await newPool('32')
    await postPool(id, { intent: 'assign', comment: '' })
    const subnet = await prisma.ipSubnet.findFirstOrThrow({ where: { poolId: Number(id) }, select: { id: true } })
    const asked = unwrap(await postPool(id, { intent: 'release', subnetId: String(subnet.id) }))
    expect(asked.data).toMatchObject({ confirmRelease: { id: subnet.id, network: `${base}.0/32` } })
    expect(await prisma.ipSubnet.count({ where: { id: subnet.id } })).toBe(1)
    expect(location(await postPool(id, { intent: 'confirmRelease', subnetId: String(subnet.id) }))).toBe(`/admin/pools/${id}?released=${base}.0/32`)
    expect(await prisma.ipSubnet.count({ where: { id: subnet.id } })).toBe(0)
    expect(location(await postPool(id, { intent: 'confirmRelease', subnetId: String(subnet.id) }))).toBe(`/admin/pools/${id}?alreadyReleased=1`)
    // A subnet of another pool is not released from this one.
    const other = await newPool('32')
    await postPool(other.id, { intent: 'assign', comment: '' })
    const foreign = await prisma.ipSubnet.findFirstOrThrow({ where: { poolId: Number(other.id) }, select: { id: true } })
    expect(location(await postPool(id, { intent: 'confirmRelease', subnetId: String(foreign.id) }))).toBe(`/admin/pools/${id}?alreadyReleased=1`)
    expect(await prisma.ipSubnet.count({ where: { id: foreign.id } })).toBe(1)
  })
})

describe('reverse DNS', () => {
  test('name servers: host names checked, an owner by username, edited, deleted after confirming', async () => {
    const owner = await insertMember()
    const post = (form: Record<string, string>) => nameServersAction({ request: makeRequest('/admin/nameservers', { cookie, form }), params: {}, context: {} })
    expect(unwrap(await post({ dnsName: 'ns1', description: '', owner: '' })).data.result.error).toEqual({ dnsName: ['ip:errors.hostNameInvalid'] })
    expect(unwrap(await post({ dnsName: 'ns1.example.org', description: '', owner: 'nobody-here' })).data.result.error).toEqual({ owner: ["Ce membre n'existe pas."] })
    expect(location(await post({ dnsName: 'NS1.Example.org.', description: 'Principal', owner: owner.username }))).toBe('/admin/nameservers?created=1')
    const { nameServers } = await nameServersLoader({ request: makeRequest('/admin/nameservers', { cookie }), params: {}, context: {} })
    const ns = nameServers.find((n) => n.dnsName === 'ns1.example.org')!
    expect(ns).toMatchObject({ description: 'Principal', owner: { id: owner.id }, subnetCount: 0 })
    const nameServerId = String(ns.id)
    const edit = (form: Record<string, string>) => nameServerAction({ request: makeRequest(`/admin/nameservers/${nameServerId}`, { cookie, form }), params: { nameServerId }, context: {} })
    expect((await nameServerLoader({ request: makeRequest('/x', { cookie }), params: { nameServerId }, context: {} })).defaults).toEqual({ dnsName: 'ns1.example.org', description: 'Principal', owner: owner.username })
    expect(location(await edit({ intent: 'save', dnsName: 'ns2.example.org', description: '', owner: '' }))).toBe(`/admin/nameservers/${nameServerId}?saved=1`)
    expect(await prisma.nameServer.findUniqueOrThrow({ where: { id: ns.id }, select: { dnsName: true, ownerId: true } })).toEqual({ dnsName: 'ns2.example.org', ownerId: null })
    expect(unwrap(await edit({ intent: 'delete' })).data).toMatchObject({ confirmDelete: true })
    expect(location(await edit({ intent: 'confirmDelete' }))).toBe('/admin/nameservers?deleted=1')
    expect(await prisma.nameServer.count({ where: { id: ns.id } })).toBe(0)
  })

  test('a subnet: delegation to name servers, PTR entries checked field by field, added and removed', async () => {
    const { id, base } = await newPool('29')
    await postPool(id, { intent: 'assign', comment: '' })
    const subnet = await prisma.ipSubnet.findFirstOrThrow({ where: { poolId: Number(id) }, select: { id: true } })
    const params = { poolId: id, subnetId: String(subnet.id) }
    const post = (form: Record<string, string | string[]>) => subnetAction({ request: makeRequest('/x', { cookie, form }), params, context: {} })
    const ns = await prisma.nameServer.create({ data: { dnsName: 'ns.member.example' }, select: { id: true } })
    expect(location(await post({ intent: 'delegation', delegateReverseDns: 'on', nameServerIds: [String(ns.id)] }))).toBe(`/admin/pools/${id}/subnets/${subnet.id}?delegationSaved=1`)
    expect(unwrap(await post({ intent: 'delegation', nameServerIds: ['999999'] })).data.result.error).toEqual({ nameServerIds: ['Un des serveurs de noms choisis n\'existe plus.'] })

    const entry = async (form: Record<string, string>) => unwrap(await post({ intent: 'addEntry', ...form })).data.result.error
    expect(await entry({ ip: `${base}.9`, name: 'a.example.org', ttl: '3600' })).toEqual({ ip: [`L'adresse doit être dans le sous-réseau ${base}.0/29.`] })
    expect(await entry({ ip: `${base}.0/29`, name: 'a b', ttl: '59' })).toEqual({ ip: ['ip:errors.singleAddressInvalid'], name: ['ip:errors.hostNameInvalid'], ttl: ['ip:errors.ttlTooSmall'] })
    expect(location(await post({ intent: 'addEntry', ip: `${base}.5`, name: 'Routeur.Example.org', ttl: '' }))).toBe(`/admin/pools/${id}/subnets/${subnet.id}?entryAdded=1`)
    expect(await entry({ ip: `${base}.5/32`, name: 'b.example.org', ttl: '60' })).toEqual({ ip: [`L'adresse ${base}.5 a déjà une entrée DNS inverse.`] })
    const loaded = await subnetLoader({ request: makeRequest('/x', { cookie }), params, context: {} })
    expect(loaded.subnet).toMatchObject({ network: `${base}.0/29`, delegateReverseDns: true, nameServers: [{ id: ns.id, dnsName: 'ns.member.example' }], entries: [{ ip: `${base}.5`, name: 'routeur.example.org.', ttl: 3600 }] })
    expect(location(await post({ intent: 'removeEntry', entryId: String(loaded.subnet.entries[0].id) }))).toBe(`/admin/pools/${id}/subnets/${subnet.id}?entryRemoved=1`)
    expect(await prisma.reverseDnsEntry.count({ where: { subnetId: subnet.id } })).toBe(0)
  })
})

describe('permissions and bad ids', () => {
  test('members get 404 from every IP page; unknown, malformed and foreign ids are 404 for staff', async () => {
    const { id } = await newPool('32')
    await postPool(id, { intent: 'assign', comment: '' })
    const subnet = await prisma.ipSubnet.findFirstOrThrow({ where: { poolId: Number(id) }, select: { id: true } })
    const ns = await prisma.nameServer.create({ data: { dnsName: 'ns.guard.example' }, select: { id: true } })
    const { cookie: memberCookie } = await loginAs()
    const params = { poolId: id, subnetId: String(subnet.id), nameServerId: String(ns.id) }
    const routes = [
      [listLoader, null], [newLoader, newAction], [poolLoader, poolAction], [subnetLoader, subnetAction], [nameServersLoader, nameServersAction], [nameServerLoader, nameServerAction],
    ] as const
    for (const [loader, action] of routes) {
      const loaded = await settle(() => Promise.resolve(loader({ request: makeRequest('/x', { cookie: memberCookie }), params, context: {} })))
      expect((loaded as Response).status).toBe(404)
      if (action) {
        const posted = await settle(() => Promise.resolve(action({ request: makeRequest('/x', { cookie: memberCookie, form: { intent: 'confirmRelease', subnetId: String(subnet.id) } }), params, context: {} })))
        expect((posted as Response).status).toBe(404)
      }
    }
    expect(await prisma.ipSubnet.count({ where: { id: subnet.id } })).toBe(1)
    const other = await newPool('32')
    for (const bad of ['99999999999', 'abc', '0', '-1', 'a\u0000b']) {
      for (const p of [{ poolId: bad, subnetId: String(subnet.id) }, { poolId: id, subnetId: bad }, { poolId: other.id, subnetId: String(subnet.id) }]) {
        const loaded = await settle(() => subnetLoader({ request: makeRequest('/x', { cookie }), params: p, context: {} }))
        expect((loaded as Response).status, JSON.stringify(p)).toBe(404)
      }
      expect(((await settle(() => poolLoader({ request: makeRequest('/x', { cookie }), params: { poolId: bad }, context: {} }))) as Response).status).toBe(404)
      expect(((await settle(() => postPool(bad, { intent: 'delete' }))) as Response).status).toBe(404)
      expect(((await settle(() => nameServerLoader({ request: makeRequest('/x', { cookie }), params: { nameServerId: bad }, context: {} }))) as Response).status).toBe(404)
    }
    // Hostile values in forms are answered, never a 500.
    const huge = unwrap(await postPool(id, { intent: 'confirmRelease', subnetId: '99999999999' }))
    expect(huge.status).toBe(400)
  })
})
