import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { action as adminDslAction, loader as adminDslLoader } from '#app/routes/admin.dsl.$dslId.tsx'
import { loader as listLoader } from '#app/routes/admin.dsl._index.tsx'
import { loader as adminLayoutLoader } from '#app/routes/admin.tsx'
import { action as newOfferAction } from '#app/routes/admin.offers.new.tsx'
import { action as newSubscriptionAction } from '#app/routes/admin.subscriptions.new.tsx'
import { loader as memberDslLoader } from '#app/routes/dsl.$dslId.tsx'
import { loader as subscriptionsLoader } from '#app/routes/subscriptions.tsx'
import { prisma } from '#app/utils/db.server.ts'
import { init } from '#app/utils/env.server.ts'
import { loginAs, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from './request.ts'

// The DSL backend through its pages: subscribing creates the line, staff fill it in, the member reads it.
let staff: Awaited<ReturnType<typeof loginAsStaff>>
let offerId: number
beforeAll(async () => {
  init({ ...process.env, COIN_MODULES: 'dsl' })
  staff = await loginAsStaff()
  const v4 = await prisma.ipPool.create({ data: { name: 'dsl-v4', network: '198.51.101.0/28', defaultPrefixLength: 32 } })
  const v6 = await prisma.ipPool.create({ data: { name: 'dsl-v6', network: '2001:db8:200::/48', defaultPrefixLength: 56 } })
  const created = await newOfferAction({
    request: makeRequest('/admin/offers/new', {
      cookie: staff.cookie,
      form: { name: 'ADSL', reference: 'DSLT', description: '', backend: 'dsl', billingPeriodMonths: '1', periodFee: '25,00', initialFee: '0', active: 'on', poolIds: [String(v4.id), String(v6.id)] },
    }),
    params: {}, context: {},
  })
  offerId = Number((created as Response).headers.get('location')!.match(/\/admin\/offers\/(\d+)/)![1])
})
afterAll(() => init())

async function subscribe(memberId: number) {
  const response = await newSubscriptionAction({
    request: makeRequest('/admin/subscriptions/new', { cookie: staff.cookie, form: { memberId: String(memberId), offerId: String(offerId), subscriptionDate: '2026-12-01', commitmentMonths: '0', comments: '' } }),
    params: {}, context: {},
  })
  expect(response).toBeInstanceOf(Response)
  const subscriptionId = Number((response as Response).headers.get('location')!.match(/\/admin\/subscriptions\/(\d+)/)![1])
  return prisma.serviceConfiguration.findUniqueOrThrow({ where: { subscriptionId }, select: { id: true, backend: true, dsl: true } })
}

const lineForm = (values: Record<string, string> = {}) => ({
  phoneNumber: '', lineReference: '', providerName: '', pppLogin: '', pppPassword: '', activationDate: '', comment: '', ...values,
})

function save(id: number, values: Record<string, string>) {
  return adminDslAction({ request: makeRequest(`/admin/dsl/${id}`, { cookie: staff.cookie, form: lineForm(values) }), params: { dslId: String(id) }, context: {} })
}

describe('a DSL subscription', () => {
  test('creates an empty line with an IPv4 and an IPv6 subnet from the offer pools', async () => {
    const { member } = await loginAs()
    const configuration = await subscribe(member.id)
    expect(configuration.backend).toBe('dsl')
    expect(configuration.dsl).toMatchObject({ phoneNumber: '', lineReference: '', providerName: '', pppLogin: '', pppPassword: '', activationDate: null })
    const subnets = await prisma.$queryRaw<{ cidr: string }[]>`SELECT text(network) AS cidr FROM "IpSubnet" WHERE "configurationId" = ${configuration.id} ORDER BY family(network)`
    expect(subnets.map((s) => s.cidr)).toEqual([expect.stringMatching(/^198\.51\.101\.\d+\/32$/), expect.stringMatching(/^2001:db8:200:[0-9a-f:]*\/56$/)])

    const layout = await adminLayoutLoader({ request: makeRequest('/admin', { cookie: staff.cookie }), params: {}, context: {} })
    expect(layout).toMatchObject({ dsl: true })
  })

  test('staff fill in the line; each bad field gets its message and nothing is saved', async () => {
    const { member } = await loginAs()
    const { id } = await subscribe(member.id)
    const refused = await save(id, { phoneNumber: '04 72 00', pppLogin: 'avec espace', activationDate: '2026-13-01', lineReference: 'x'.repeat(65) })
    expect(unwrap(refused).status).toBe(400)
    expect(unwrap(refused).data.result.error).toMatchObject({
      phoneNumber: ['dsl:errors.phoneInvalid'],
      pppLogin: ['dsl:errors.pppLoginInvalid'],
      activationDate: ['dateInvalid'],
      lineReference: ['tooLong'],
    })
    expect(await prisma.dslLine.findUniqueOrThrow({ where: { configurationId: id }, select: { phoneNumber: true, lineReference: true } })).toEqual({ phoneNumber: '', lineReference: '' })

    const saved = await save(id, {
      phoneNumber: '04.72.10.20.30', lineReference: 'FTTH-REF-42', providerName: 'Kosc', pppLogin: 'ligne42@fai.example', pppPassword: 'S3cret pass',
      activationDate: '2026-12-05', comment: 'boîtier au garage',
    })
    expect((saved as Response).headers.get('location')).toBe(`/admin/dsl/${id}?saved=1`)
    expect(await prisma.dslLine.findUniqueOrThrow({ where: { configurationId: id } })).toMatchObject({
      phoneNumber: '+33472102030', lineReference: 'FTTH-REF-42', providerName: 'Kosc', pppLogin: 'ligne42@fai.example', pppPassword: 'S3cret pass',
      activationDate: new Date(Date.UTC(2026, 11, 5)),
    })
    const { line } = await adminDslLoader({ request: makeRequest(`/admin/dsl/${id}`, { cookie: staff.cookie }), params: { dslId: String(id) }, context: {} })
    expect(line).toMatchObject({ phoneNumber: '+33472102030', pppLogin: 'ligne42@fai.example', pppPassword: 'S3cret pass', comment: 'boîtier au garage' })
    expect(line.subnets).toHaveLength(2)
  })

  test('a PPP login belongs to one line; lines without one are many', async () => {
    const first = await subscribe((await loginAs()).member.id)
    const second = await subscribe((await loginAs()).member.id)
    expect(await save(first.id, { pppLogin: 'shared-login' })).toBeInstanceOf(Response)
    const taken = await save(second.id, { pppLogin: 'shared-login', phoneNumber: '0123456789' })
    expect(unwrap(taken).status).toBe(400)
    expect(unwrap(taken).data.result.error).toEqual({ pppLogin: ['dsl:errors.pppLoginTaken'] })
    expect(await prisma.dslLine.findUniqueOrThrow({ where: { configurationId: second.id }, select: { pppLogin: true, phoneNumber: true } })).toEqual({ pppLogin: '', phoneNumber: '' })
    // Two lines without a login, and the database itself refusing a second one.
    expect(await save(second.id, { pppLogin: '' })).toBeInstanceOf(Response)
    await expect(prisma.dslLine.update({ where: { configurationId: second.id }, data: { pppLogin: 'shared-login' } })).rejects.toThrow()
  })

  test('two lines saved at once with the same PPP login: one gets it, the other its field message', async () => {
    const lines = await Promise.all([subscribe((await loginAs()).member.id), subscribe((await loginAs()).member.id)])
    const outcomes = await Promise.all(lines.map((line) => save(line.id, { pppLogin: 'race-login' })))
    const refused = outcomes.filter((o) => !(o instanceof Response))
    expect(outcomes.filter((o) => o instanceof Response)).toHaveLength(1)
    expect(refused.map((o) => unwrap(o).data.result.error)).toEqual([{ pppLogin: ['dsl:errors.pppLoginTaken'] }])
    expect(await prisma.dslLine.count({ where: { pppLogin: 'race-login' } })).toBe(1)
  })

  test('staff search the list by phone number typed the French way, by +33 and by reference', async () => {
    const { member } = await loginAs({ lastName: 'Quintaine' })
    const { id } = await subscribe(member.id)
    await save(id, { phoneNumber: '+33 9 51 22 33 44', lineReference: 'REF_50%-off', providerName: 'Orange' })
    const search = async (q: string) => {
      const found = await listLoader({ request: makeRequest(`/admin/dsl?q=${encodeURIComponent(q)}`, { cookie: staff.cookie }), params: {}, context: {} })
      return found.lines.map((l) => l.configurationId)
    }
    expect(await search('09 51 22')).toEqual([id])
    expect(await search('09.51.22.33.44')).toEqual([id])
    expect(await search('+33951')).toEqual([id])
    expect(await search('ref_50%')).toEqual([id])
    expect(await search('quintaine')).toEqual([id])
    // LIKE wildcards are plain characters: "%" and "_" match only themselves.
    expect(await search('REF%50')).toEqual([])
    expect(await search('R_F')).toEqual([])
    const page = await listLoader({ request: makeRequest('/admin/dsl?q=09%2051%2022', { cookie: staff.cookie }), params: {}, context: {} })
    expect(page).toMatchObject({ total: 1, pageCount: 1, query: { q: '09 51 22', page: 1 } })
    expect(page.lines[0]).toMatchObject({ phoneNumber: '+33951223344', member: { id: member.id } })
    expect(page.lines[0]).not.toHaveProperty('pppPassword')
  })

  test('the member sees their line and its addresses, never its PPP password; another member gets 404', async () => {
    const owner = await loginAs()
    const { id } = await subscribe(owner.member.id)
    await save(id, { phoneNumber: '0472000001', lineReference: 'L-1', providerName: 'Kosc', pppLogin: 'owner-line', pppPassword: 'never-shown-to-member', activationDate: '2026-12-02' })
    const params = { dslId: String(id) }
    const page = await memberDslLoader({ request: makeRequest(`/dsl/${id}`, { cookie: owner.cookie }), params, context: {} })
    expect(page.line).toMatchObject({ configurationId: id, phoneNumber: '+33472000001', lineReference: 'L-1', providerName: 'Kosc', activationDate: new Date(Date.UTC(2026, 11, 2)) })
    expect(page.line.subnets).toHaveLength(2)
    expect(JSON.stringify(page)).not.toContain('never-shown-to-member')

    const listed = await subscriptionsLoader({ request: makeRequest('/subscriptions', { cookie: owner.cookie }), params: {}, context: {} })
    expect(listed.subscriptions.map((s) => s.servicePath)).toContain(`/dsl/${id}`)

    const other = await loginAs()
    const response = await settle(() => memberDslLoader({ request: makeRequest(`/dsl/${id}`, { cookie: other.cookie }), params, context: {} }))
    expect((response as Response).status).toBe(404)
    const bogus = await settle(() => memberDslLoader({ request: makeRequest('/dsl/abc', { cookie: owner.cookie }), params: { dslId: 'abc' }, context: {} }))
    expect((bogus as Response).status).toBe(404)
    // A member is no staff: the admin pages refuse them.
    const admin = await settle(() => adminDslLoader({ request: makeRequest(`/admin/dsl/${id}`, { cookie: owner.cookie }), params, context: {} }))
    expect((admin as Response).status).toBe(404)
  })

  test('hostile ids, searches and bodies get a 4xx, never a 500', async () => {
    const owner = await loginAs()
    const statusOf = (outcome: unknown) => (outcome instanceof Response ? outcome.status : unwrap(outcome).status)
    for (const dslId of ['99999999999', '0', 'abc', '1e3', '-1']) {
      const params = { dslId }
      expect(statusOf(await settle(() => adminDslLoader({ request: makeRequest(`/admin/dsl/${dslId}`, { cookie: staff.cookie }), params, context: {} }))), dslId).toBe(404)
      expect(statusOf(await settle(() => adminDslAction({ request: makeRequest(`/admin/dsl/${dslId}`, { cookie: staff.cookie, form: lineForm() }), params, context: {} }))), dslId).toBe(404)
      expect(statusOf(await settle(() => memberDslLoader({ request: makeRequest(`/dsl/${dslId}`, { cookie: owner.cookie }), params, context: {} }))), dslId).toBe(404)
    }
    const list = await listLoader({ request: makeRequest(`/admin/dsl?q=${encodeURIComponent('a\u0000%')}&page=99999999999`, { cookie: staff.cookie }), params: {}, context: {} })
    expect(list).toMatchObject({ query: { q: 'a%', page: 1 } })
    const { id } = await subscribe(owner.member.id)
    const params = { dslId: String(id) }
    const json = await settle(() => adminDslAction({
      request: makeRequest(`/admin/dsl/${id}`, { cookie: staff.cookie, method: 'POST', headers: { 'Content-Type': 'application/json' } }),
      params, context: {},
    }))
    expect(statusOf(json)).toBeGreaterThanOrEqual(400)
    expect(statusOf(json)).toBeLessThan(500)
    const nul = await settle(() => save(id, { lineReference: 'a\u0000b' }))
    expect(statusOf(nul)).toBe(400)
    const tooLong = await save(id, { phoneNumber: '0'.repeat(40), pppPassword: 'p'.repeat(129), comment: 'c'.repeat(513) })
    expect(unwrap(tooLong).data.result.error).toMatchObject({ phoneNumber: ['dsl:errors.phoneInvalid'], pppPassword: ['tooLong'], comment: ['tooLong'] })
  })

  test('the pages do not exist while COIN_MODULES does not name dsl', async () => {
    const owner = await loginAs()
    const { id } = await subscribe(owner.member.id)
    init({ ...process.env, COIN_MODULES: '' })
    try {
      const params = { dslId: String(id) }
      const attempts: (() => Promise<unknown>)[] = [
        () => listLoader({ request: makeRequest('/admin/dsl', { cookie: staff.cookie }), params: {}, context: {} }),
        () => adminDslLoader({ request: makeRequest(`/admin/dsl/${id}`, { cookie: staff.cookie }), params, context: {} }),
        () => save(id, { phoneNumber: '0472000002' }),
        () => memberDslLoader({ request: makeRequest(`/dsl/${id}`, { cookie: owner.cookie }), params, context: {} }),
      ]
      for (const run of attempts) expect(((await settle(run)) as Response).status).toBe(404)
      const layout = await adminLayoutLoader({ request: makeRequest('/admin', { cookie: staff.cookie }), params: {}, context: {} })
      expect(layout).toMatchObject({ dsl: false })
    } finally {
      init({ ...process.env, COIN_MODULES: 'dsl' })
    }
  })
})
