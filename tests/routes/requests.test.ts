import { randomBytes } from 'node:crypto'
import { afterEach, beforeAll, describe, expect, test } from 'vitest'
import { loader as dashboardLoader } from '#app/routes/_index.tsx'
import { action as staffAction, loader as staffLoader } from '#app/routes/admin.requests._index.tsx'
import { action as memberAction, loader as memberLoader } from '#app/routes/subscriptions.tsx'
import { addDays, parseIsoDate, today } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { init } from '#app/utils/env.server.ts'
import { loginAs, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from './request.ts'

const insertOffer = (data: { visibleToMembers?: boolean; active?: boolean } = {}) => {
  const reference = `T${randomBytes(4).toString('hex').toUpperCase()}`
  return prisma.offer.create({ data: { name: `Offre ${reference}`, reference, periodFeeCents: 800, visibleToMembers: true, ...data }, select: { id: true, reference: true, name: true } })
}

let staffCookie: string
let visible: Awaited<ReturnType<typeof insertOffer>>
beforeAll(async () => {
  ;({ cookie: staffCookie } = await loginAsStaff())
  visible = await insertOffer()
})

const mine = (cookie: string) => memberLoader({ request: makeRequest('/subscriptions', { cookie }), params: {}, context: {} })
const ask = (cookie: string, form: Record<string, string>) => memberAction({ request: makeRequest('/subscriptions', { cookie, form }), params: {}, context: {} })
const decide = (form: Record<string, string>) => staffAction({ request: makeRequest('/admin/requests', { cookie: staffCookie, form }), params: {}, context: {} })
const staffPage = () => staffLoader({ request: makeRequest('/admin/requests', { cookie: staffCookie }), params: {}, context: {} })
const location = (response: unknown) => (response as Response).headers.get('location')

describe('a member requests an offer', () => {
  test('a visible offer, with a message; a double submission makes one request', async () => {
    const { member, cookie } = await loginAs()
    const page = await mine(cookie)
    expect(page.offers.find((o) => o.id === visible.id)).toMatchObject({ name: visible.name, periodFeeCents: 800, billingPeriodMonths: 1 })
    const form = { offerId: String(visible.id), message: 'Au 3 rue Neuve, merci !' }
    expect(location(await ask(cookie, form))).toBe('/subscriptions?requested=1')
    expect(location(await ask(cookie, form))).toBe('/subscriptions?requested=1')
    expect(await prisma.subscriptionRequest.count({ where: { memberId: member.id } })).toBe(1)
    expect((await mine(cookie)).requests).toMatchObject([{ offerName: visible.name, message: 'Au 3 rue Neuve, merci !', status: 'PENDING', rejectReason: '' }])
  })

  test('an invisible or retired offer is refused and not listed', async () => {
    const { member, cookie } = await loginAs()
    const hidden = await insertOffer({ visibleToMembers: false })
    const retired = await insertOffer({ active: false })
    const offerIds = (await mine(cookie)).offers.map((o) => o.id)
    for (const offer of [hidden, retired]) {
      expect(offerIds).not.toContain(offer.id)
      const result = unwrap(await ask(cookie, { offerId: String(offer.id), message: '' }))
      expect(result.status).toBe(400)
      expect(result.data.result.error).toEqual({ offerId: ['offerNotRequestable'] })
    }
    expect(unwrap(await ask(cookie, { message: 'sans offre' })).data.result.error).toEqual({ offerId: ['required'] })
    expect(await prisma.subscriptionRequest.count({ where: { memberId: member.id } })).toBe(0)
  })

  test('the request is always the session member\'s, and nobody sees another member\'s requests or subscriptions', async () => {
    const alice = await loginAs()
    const bob = await loginAs()
    await ask(alice.cookie, { offerId: String(visible.id), message: 'de la part de Bob ?', memberId: String(bob.member.id) })
    expect(await prisma.subscriptionRequest.findMany({ where: { memberId: { in: [alice.member.id, bob.member.id] } }, select: { memberId: true } }))
      .toEqual([{ memberId: alice.member.id }])
    await prisma.subscription.create({ data: { memberId: alice.member.id, offerId: visible.id, subscriptionDate: parseIsoDate('2024-01-01')! } })
    const bobs = await mine(bob.cookie)
    expect(bobs.requests).toEqual([])
    expect(bobs.subscriptions).toEqual([])
    expect((await mine(alice.cookie)).subscriptions).toHaveLength(1)
  })

  test('members get a 404 on the staff requests page', async () => {
    const { cookie } = await loginAs()
    expect(((await settle(() => staffLoader({ request: makeRequest('/admin/requests', { cookie }), params: {}, context: {} }))) as Response).status).toBe(404)
    const forged = await settle(() => staffAction({ request: makeRequest('/admin/requests', { cookie, form: { intent: 'reject', id: '1', reason: 'non' } }), params: {}, context: {} }))
    expect((forged as Response).status).toBe(404)
  })
})

describe('staff decide', () => {
  test('approving creates the subscription at the chosen date; the member sees both; a second decision is refused', async () => {
    const { member, cookie } = await loginAs()
    await ask(cookie, { offerId: String(visible.id), message: 'Premier' })
    const request = (await staffPage()).pending.find((r) => r.member.id === member.id)!
    expect(request).toMatchObject({ message: 'Premier', offer: { id: visible.id }, memberName: expect.any(String) })

    const invalid = unwrap(await decide({ intent: 'approve', id: String(request.id), subscriptionDate: '2030-02-30', commitmentMonths: '-1' }))
    expect(invalid.status).toBe(400)
    expect(invalid.data).toMatchObject({ formId: `approve-${request.id}`, result: { error: { subscriptionDate: ['dateInvalid'], commitmentMonths: ['commitmentInvalid'] } } })

    expect(location(await decide({ intent: 'approve', id: String(request.id), subscriptionDate: '2030-01-15', commitmentMonths: '12' }))).toBe('/admin/requests?decided=approve')
    const page = await mine(cookie)
    expect(page.requests).toMatchObject([{ status: 'APPROVED' }])
    expect(page.subscriptions).toHaveLength(1)
    const subscription = page.subscriptions[0]
    expect(subscription).toMatchObject({ offerName: visible.name, subscriptionDate: parseIsoDate('2030-01-15'), resignDate: null, state: 'future' })
    expect(subscription.reference).toBe(`REF-${visible.reference}-${subscription.id}`)
    expect(await prisma.subscription.findUniqueOrThrow({ where: { id: subscription.id }, select: { commitmentMonths: true } })).toEqual({ commitmentMonths: 12 })

    const again = unwrap(await decide({ intent: 'reject', id: String(request.id), reason: 'Trop tard' }))
    expect(again.status).toBe(409)
    expect(again.data).toMatchObject({ formId: `reject-${request.id}`, result: { error: { '': ['requestAlreadyDecided'] } } })
    const staff = await staffPage()
    expect(staff.pending.map((r) => r.id)).not.toContain(request.id)
    expect(staff.decided.find((r) => r.id === request.id)).toMatchObject({ status: 'APPROVED', subscriptionId: subscription.id })
  })

  test('rejecting needs a reason, which the member then reads', async () => {
    const { member, cookie } = await loginAs()
    await ask(cookie, { offerId: String(visible.id), message: '' })
    const request = (await staffPage()).pending.find((r) => r.member.id === member.id)!
    const noReason = unwrap(await decide({ intent: 'reject', id: String(request.id), reason: '  ' }))
    expect(noReason.status).toBe(400)
    expect(noReason.data.result.error).toEqual({ reason: ['required'] })
    expect(location(await decide({ intent: 'reject', id: String(request.id), reason: 'Ligne non éligible.' }))).toBe('/admin/requests?decided=reject')
    const page = await mine(cookie)
    expect(page.requests).toMatchObject([{ status: 'REJECTED', rejectReason: 'Ligne non éligible.' }])
    expect(page.subscriptions).toEqual([])
    // Once decided, the member may ask again.
    await ask(cookie, { offerId: String(visible.id), message: 'Et maintenant ?' })
    expect((await mine(cookie)).requests.map((r) => r.status)).toEqual(['PENDING', 'REJECTED'])
  })

  test('pending requests come oldest first; an unknown request is a 404', async () => {
    const first = await loginAs()
    const second = await loginAs()
    await ask(first.cookie, { offerId: String(visible.id), message: '' })
    await ask(second.cookie, { offerId: String(visible.id), message: '' })
    const ids = (await staffPage()).pending.map((r) => r.member.id)
    expect(ids.indexOf(first.member.id)).toBeLessThan(ids.indexOf(second.member.id))
    const unknown = await settle(() => decide({ intent: 'approve', id: '999999999', subscriptionDate: '2030-01-01', commitmentMonths: '0' }))
    expect((unknown as Response).status).toBe(404)
  })
})

describe('member dashboard', () => {
  const INFO_URL = 'https://fai.example/cotisation'
  afterEach(() => init(process.env))

  test('shows the fee status and end date, with the information link unless the fee is up to date', async () => {
    init({ ...process.env, MEMBER_MEMBERSHIP_INFO_URL: INFO_URL })
    const cases = [
      { end: null, status: 'none', infoUrl: INFO_URL },
      { end: addDays(today(), 10), status: 'expiringSoon', infoUrl: INFO_URL },
      { end: addDays(today(), -1), status: 'expired', infoUrl: INFO_URL },
      { end: addDays(today(), 200), status: 'upToDate', infoUrl: null },
    ] as const
    for (const c of cases) {
      const { member, cookie } = await loginAs({ status: 'MEMBER' })
      if (c.end) await prisma.membershipFee.create({ data: { memberId: member.id, amountCents: 2000, startDate: addDays(c.end, -364), endDate: c.end } })
      const data = await dashboardLoader({ request: makeRequest('/', { cookie }), params: {}, context: {} })
      expect(data.fee).toEqual({ status: c.status, endDate: c.end, infoUrl: c.infoUrl })
    }
  })

  test('without MEMBER_MEMBERSHIP_INFO_URL there is no link; the subscriptions summary leaves ended ones out', async () => {
    init({ ...process.env, MEMBER_MEMBERSHIP_INFO_URL: '' })
    const { member, cookie } = await loginAs({ status: 'MEMBER' })
    await prisma.subscription.create({ data: { memberId: member.id, offerId: visible.id, subscriptionDate: parseIsoDate('2020-01-01')!, resignDate: parseIsoDate('2021-01-01') } })
    const current = await prisma.subscription.create({ data: { memberId: member.id, offerId: visible.id, subscriptionDate: parseIsoDate('2022-01-01')! } })
    await ask(cookie, { offerId: String(visible.id), message: '' })
    const data = await dashboardLoader({ request: makeRequest('/', { cookie }), params: {}, context: {} })
    expect(data.fee).toEqual({ status: 'none', endDate: null, infoUrl: null })
    expect(data.subscriptions).toEqual([{ id: current.id, offerName: visible.name, reference: `REF-${visible.reference}-${current.id}`, state: 'active' }])
    expect(data.pendingRequests).toBe(1)
  })
})
