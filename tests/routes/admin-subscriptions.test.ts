import { beforeAll, describe, expect, test } from 'vitest'
import { action as detailAction, loader as detailLoader } from '#app/routes/admin.subscriptions.$subscriptionId.tsx'
import { loader as listLoader } from '#app/routes/admin.subscriptions._index.tsx'
import { action as newAction, loader as newLoader } from '#app/routes/admin.subscriptions.new.tsx'
import { parseIsoDate, toIsoDate, today } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from './request.ts'

const d = (iso: string) => parseIsoDate(iso)!
let cookie: string
let staffId: number
let staffUsername: string
beforeAll(async () => {
  const staff = await loginAsStaff()
  cookie = staff.cookie
  staffId = staff.member.id
  staffUsername = staff.member.username
})

let n = 0
async function insertOffer(overrides: Partial<{ active: boolean }> = {}) {
  n += 1
  return prisma.offer.create({ data: { name: `Offre ${n}`, reference: `SUB${n}`, periodFeeCents: 800, ...overrides }, select: { id: true, reference: true } })
}

function insertSubscription(data: { memberId: number; offerId: number; subscriptionDate: string; resignDate?: string; commitmentMonths?: number }) {
  return prisma.subscription.create({
    data: { ...data, subscriptionDate: d(data.subscriptionDate), resignDate: data.resignDate ? d(data.resignDate) : null },
    select: { id: true },
  })
}

const list = (query: string) => listLoader({ request: makeRequest(`/admin/subscriptions?${query}`, { cookie }), params: {}, context: {} })
const create = (form: Record<string, string>) => newAction({ request: makeRequest('/admin/subscriptions/new', { cookie, form }), params: {}, context: {} })
const resign = (subscriptionId: string, form: Record<string, string>) =>
  detailAction({ request: makeRequest(`/admin/subscriptions/${subscriptionId}`, { cookie, form }), params: { subscriptionId }, context: {} })
const detail = (subscriptionId: string) => detailLoader({ request: makeRequest(`/admin/subscriptions/${subscriptionId}`, { cookie }), params: { subscriptionId }, context: {} })

describe('subscriptions list', () => {
  test('filters by offer and by state at a date, both ends included', async () => {
    const offer = await insertOffer()
    const other = await insertOffer()
    const member = await insertMember()
    const ended = await insertSubscription({ memberId: member.id, offerId: offer.id, subscriptionDate: '2025-01-01', resignDate: '2025-03-31' })
    const starting = await insertSubscription({ memberId: member.id, offerId: offer.id, subscriptionDate: '2025-04-01' })
    await insertSubscription({ memberId: member.id, offerId: other.id, subscriptionDate: '2025-01-01' })
    const ids = async (query: string) => (await list(`offer=${offer.id}&${query}`)).subscriptions.map((s) => s.id)
    expect(await ids('')).toEqual([starting.id, ended.id])
    expect(await ids('state=active&date=2025-03-31')).toEqual([ended.id])
    expect(await ids('state=future&date=2025-03-31')).toEqual([starting.id])
    expect(await ids('state=active&date=2025-04-01')).toEqual([starting.id])
    expect(await ids('state=resigned&date=2025-04-01')).toEqual([ended.id])
    expect(await ids('state=active&date=2025-01-01')).toEqual([ended.id])
    expect(await ids('state=future&date=2024-12-31')).toEqual([starting.id, ended.id])
    const page = await list(`offer=${offer.id}&date=2025-04-01`)
    expect(page.total).toBe(2)
    expect(page.subscriptions.map((s) => s.state)).toEqual(['active', 'resigned'])
    expect(page.subscriptions[0].reference).toBe(`REF-${offer.reference}-${starting.id}`)
  })

  test('the date defaults to today; bad parameters fall back to no filter', async () => {
    const page = await list('state=BOGUS&offer=abc&date=2025-02-30&page=-3')
    expect(page.query).toMatchObject({ date: toIsoDate(today()), state: undefined, offer: undefined, page: 1 })
  })

  test('filters by member number (also as ?memberId=) or username; an unknown member matches nothing', async () => {
    const offer = await insertOffer()
    const alice = await insertMember()
    const bob = await insertMember()
    const mine = await insertSubscription({ memberId: alice.id, offerId: offer.id, subscriptionDate: '2025-01-01' })
    await insertSubscription({ memberId: bob.id, offerId: offer.id, subscriptionDate: '2025-01-01' })
    for (const query of [`member=${alice.id}`, `member=${alice.username}`, `member=${alice.username.toUpperCase()}`, `memberId=${alice.id}`]) {
      const page = await list(query)
      expect(page.subscriptions.map((s) => s.id), query).toEqual([mine.id])
      expect(page.member).toMatchObject({ id: alice.id, username: alice.username })
    }
    const unknown = await list('member=nobody-has-this-name')
    expect(unknown).toMatchObject({ total: 0, subscriptions: [], memberUnknown: true })
  })
})

describe('create a subscription', () => {
  test('the member is chosen by number or username, and prefilled from ?memberId=', async () => {
    const offer = await insertOffer()
    const member = await insertMember()
    const prefilled = await newLoader({ request: makeRequest(`/admin/subscriptions/new?memberId=${member.id}`, { cookie }), params: {}, context: {} })
    expect(prefilled.defaults).toMatchObject({ memberId: String(member.id), subscriptionDate: toIsoDate(today()), commitmentMonths: '0' })
    expect(prefilled.member).toMatchObject({ id: member.id, username: member.username })
    expect(prefilled.offers.map((o) => o.id)).toContain(offer.id)
    for (const memberId of [String(member.id), member.username]) {
      const response = await create({ memberId, offerId: String(offer.id), subscriptionDate: '2025-05-01', resignDate: '', commitmentMonths: '12', comments: 'Box prêtée' })
      const location = (response as Response).headers.get('location')!
      expect(location).toMatch(/^\/admin\/subscriptions\/\d+\?created=1$/)
      const { subscription } = await detail(location.split('/')[3].split('?')[0])
      expect(subscription).toMatchObject({ member: { id: member.id }, offer: { id: offer.id }, commitmentMonths: 12, comments: 'Box prêtée', commitmentEnd: d('2026-04-30') })
    }
  })

  test('unknown member or offer, retired offer and resigning before subscribing are field errors; nothing is saved', async () => {
    const offer = await insertOffer()
    const retired = await insertOffer({ active: false })
    const member = await insertMember()
    const before = await prisma.subscription.count()
    const base = { memberId: String(member.id), offerId: String(offer.id), subscriptionDate: '2025-05-01', resignDate: '', commitmentMonths: '0', comments: '' }
    const errors = async (form: Record<string, string>) => {
      const result = unwrap(await create({ ...base, ...form }))
      expect(result.status).toBe(400)
      return result.data.result.error
    }
    expect(await errors({ memberId: '999999' })).toEqual({ memberId: ['memberNotFound'] })
    expect(await errors({ memberId: 'nobody-has-this-name', resignDate: '2025-04-30' })).toEqual({ memberId: ['memberNotFound'], resignDate: ['resignBeforeSubscribe'] })
    expect(await errors({ offerId: '999999' })).toEqual({ offerId: ['offerNotFound'] })
    expect(await errors({ offerId: String(retired.id) })).toEqual({ offerId: ['offerRetired'] })
    expect(await errors({ resignDate: '2025-04-30' })).toEqual({ resignDate: ['resignBeforeSubscribe'] })
    expect(await errors({ memberId: '', offerId: '', subscriptionDate: '2025-13-01', commitmentMonths: '-1' }))
      .toEqual({ memberId: ['required'], offerId: ['required'], subscriptionDate: ['dateInvalid'], commitmentMonths: ['commitmentInvalid'] })
    expect(await prisma.subscription.count()).toBe(before)
  })
})

describe('subscription detail and resignation', () => {
  test('shows the reference, state and commitment end', async () => {
    const offer = await insertOffer()
    const member = await insertMember()
    const { id } = await insertSubscription({ memberId: member.id, offerId: offer.id, subscriptionDate: '2025-01-15', commitmentMonths: 12 })
    const { subscription } = await detail(String(id))
    expect(subscription).toMatchObject({
      reference: `REF-${offer.reference}-${id}`, state: 'active', commitmentEnd: d('2026-01-14'), resignDate: null, earlyResignConfirmedAt: null,
      member: { id: member.id, username: member.username },
    })
  })

  test('resigning before the end of the commitment asks for confirmation, then records it', async () => {
    const offer = await insertOffer()
    const member = await insertMember()
    const { id } = await insertSubscription({ memberId: member.id, offerId: offer.id, subscriptionDate: '2025-01-15', commitmentMonths: 12 })
    const asked = unwrap(await resign(String(id), { resignDate: '2025-06-30' }))
    expect(asked.status).toBe(200)
    expect(asked.data.confirmation).toEqual({ resignDate: '2025-06-30', commitmentEnd: '2026-01-14' })
    expect(await prisma.subscription.findUniqueOrThrow({ where: { id }, select: { resignDate: true } })).toEqual({ resignDate: null })
    const done = await resign(String(id), { resignDate: '2025-06-30', confirmEarly: 'on' })
    expect((done as Response).headers.get('location')).toBe(`/admin/subscriptions/${id}?resigned=1`)
    const { subscription } = await detail(String(id))
    expect(subscription).toMatchObject({ resignDate: d('2025-06-30'), state: 'resigned' })
    expect(subscription.earlyResignConfirmedAt).toBeInstanceOf(Date)
    // The page says who confirmed it.
    expect(subscription.earlyResignConfirmedBy).toBe(staffUsername)
    expect(await prisma.subscription.findUniqueOrThrow({ where: { id }, select: { earlyResignConfirmedBy: true } })).toEqual({ earlyResignConfirmedBy: staffId })
  })

  test('resigning at or after the end of the commitment needs no confirmation', async () => {
    const offer = await insertOffer()
    const member = await insertMember()
    const { id } = await insertSubscription({ memberId: member.id, offerId: offer.id, subscriptionDate: '2025-01-15', commitmentMonths: 12 })
    expect((await resign(String(id), { resignDate: '2026-01-14' }) as Response).headers.get('location')).toBe(`/admin/subscriptions/${id}?resigned=1`)
    expect(await prisma.subscription.findUniqueOrThrow({ where: { id }, select: { resignDate: true, earlyResignConfirmedAt: true } }))
      .toEqual({ resignDate: d('2026-01-14'), earlyResignConfirmedAt: null })
  })

  test('resigning before the subscription date or with a bad date is refused', async () => {
    const offer = await insertOffer()
    const member = await insertMember()
    const { id } = await insertSubscription({ memberId: member.id, offerId: offer.id, subscriptionDate: '2025-01-15' })
    const before = unwrap(await resign(String(id), { resignDate: '2025-01-14', confirmEarly: 'on' }))
    expect(before).toMatchObject({ status: 400, data: { result: { error: { resignDate: ['resignBeforeSubscribe'] } }, confirmation: null } })
    const bad = unwrap(await resign(String(id), { resignDate: '2025-02-30' }))
    expect(bad).toMatchObject({ status: 400, data: { result: { error: { resignDate: ['dateInvalid'] } } } })
    expect(await prisma.subscription.findUniqueOrThrow({ where: { id }, select: { resignDate: true } })).toEqual({ resignDate: null })
  })

  test('unknown or malformed ids are 404', async () => {
    for (const subscriptionId of ['999999', 'abc', '-1', '1e3']) {
      expect(((await settle(() => detail(subscriptionId))) as Response).status, subscriptionId).toBe(404)
      expect(((await settle(() => resign(subscriptionId, { resignDate: '2025-01-01' }))) as Response).status, subscriptionId).toBe(404)
    }
  })
})
