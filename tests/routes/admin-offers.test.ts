import { beforeAll, describe, expect, test } from 'vitest'
import { action as editAction, loader as editLoader } from '#app/routes/admin.offers.$offerId.tsx'
import { loader as listLoader } from '#app/routes/admin.offers._index.tsx'
import { action as newAction } from '#app/routes/admin.offers.new.tsx'
import { parseIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from './request.ts'

let cookie: string
beforeAll(async () => {
  ;({ cookie } = await loginAsStaff())
})

let n = 0
const offerForm = (overrides: Record<string, string> = {}) => {
  n += 1
  return {
    intent: 'save', name: `Offre ${n}`, reference: `OFFR${n}`, description: '', backend: 'none', billingPeriodMonths: '1',
    periodFee: '8,00', initialFee: '0', visibleToMembers: 'on', active: 'on', ...overrides,
  }
}

const create = (form: Record<string, string>) => newAction({ request: makeRequest('/admin/offers/new', { cookie, form }), params: {}, context: {} })
const edit = (offerId: string, form: Record<string, string>) =>
  editAction({ request: makeRequest(`/admin/offers/${offerId}`, { cookie, form }), params: { offerId }, context: {} })
const idFrom = (response: unknown) => Number((response as Response).headers.get('location')!.match(/^\/admin\/offers\/(\d+)\?created=1$/)![1])

describe('create an offer', () => {
  test('fees typed with a comma or a dot are stored as cents, and the list shows the offer', async () => {
    const id = idFrom(await create(offerForm({ name: 'VPN', reference: 'VPN-A', periodFee: '8,00', initialFee: '8.5', billingPeriodMonths: '12', nonBillable: 'on' })))
    expect(await prisma.offer.findUniqueOrThrow({ where: { id }, select: { periodFeeCents: true, initialFeeCents: true, billingPeriodMonths: true, nonBillable: true, visibleToMembers: true, active: true } }))
      .toEqual({ periodFeeCents: 800, initialFeeCents: 850, billingPeriodMonths: 12, nonBillable: true, visibleToMembers: true, active: true })
    const { offers } = await listLoader({ request: makeRequest('/admin/offers', { cookie }), params: {}, context: {} })
    expect(offers.find((o) => o.id === id)).toMatchObject({ name: 'VPN', reference: 'VPN-A', periodFeeCents: 800, initialFeeCents: 850, subscriptionCount: 0, active: true })
  })

  test('a reference already used is a field error, and nothing is saved', async () => {
    await create(offerForm({ reference: 'DUPE' }))
    const before = await prisma.offer.count()
    const result = unwrap(await create(offerForm({ reference: 'DUPE' })))
    expect(result.status).toBe(400)
    expect(result.data.result.error).toEqual({ reference: ['offerReferenceTaken'] })
    expect(await prisma.offer.count()).toBe(before)
  })

  test('negative amounts, three decimals and bad periods are field errors, and nothing is saved', async () => {
    const before = await prisma.offer.count()
    const result = unwrap(await create(offerForm({ periodFee: '-1', initialFee: '1,234', billingPeriodMonths: '1.5', reference: 'bad ref' })))
    expect(result.status).toBe(400)
    expect(result.data.result.error).toEqual({
      periodFee: ['amountInvalid'], initialFee: ['amountInvalid'], billingPeriodMonths: ['wholeNumber'], reference: ['offerReferenceInvalid'],
    })
    expect(unwrap(await create(offerForm({ periodFee: '', name: '' }))).data.result.error).toEqual({ periodFee: ['required'], name: ['required'] })
    expect(await prisma.offer.count()).toBe(before)
  })
})

describe('edit, delete and retire an offer', () => {
  test('the form shows the fees in euros; a change is saved; a taken reference is refused', async () => {
    const id = String(idFrom(await create(offerForm({ periodFee: '12,5', initialFee: '30' }))))
    await create(offerForm({ reference: 'TAKEN' }))
    const { defaults, offer } = await editLoader({ request: makeRequest(`/admin/offers/${id}`, { cookie }), params: { offerId: id }, context: {} })
    expect(defaults).toMatchObject({ periodFee: '12,50', initialFee: '30,00', billingPeriodMonths: '1', active: true, nonBillable: false })
    expect(offer.subscriptionCount).toBe(0)
    const form = Object.fromEntries(Object.entries({ ...defaults, intent: 'save', name: 'Renamed', periodFee: '15' }).map(([k, v]) => [k, v === true ? 'on' : v === false ? '' : String(v)]))
    expect((await edit(id, form) as Response).headers.get('location')).toBe(`/admin/offers/${id}?saved=1`)
    expect(await prisma.offer.findUniqueOrThrow({ where: { id: Number(id) }, select: { name: true, periodFeeCents: true, initialFeeCents: true } }))
      .toEqual({ name: 'Renamed', periodFeeCents: 1500, initialFeeCents: 3000 })
    const taken = unwrap(await edit(id, { ...form, reference: 'TAKEN' }))
    expect(taken).toMatchObject({ status: 400, data: { intent: 'save', result: { error: { reference: ['offerReferenceTaken'] } } } })
  })

  test('an offer without subscriptions is deleted', async () => {
    const id = String(idFrom(await create(offerForm())))
    expect((await edit(id, { intent: 'delete' }) as Response).headers.get('location')).toBe('/admin/offers?deleted=1')
    expect(await prisma.offer.count({ where: { id: Number(id) } })).toBe(0)
  })

  test('an offer with subscriptions is not deleted, says why, and can be retired', async () => {
    const id = String(idFrom(await create(offerForm())))
    const member = await insertMember()
    await prisma.subscription.create({ data: { memberId: member.id, offerId: Number(id), subscriptionDate: parseIsoDate('2025-01-01')! } })
    const refused = unwrap(await edit(id, { intent: 'delete' }))
    expect(refused).toMatchObject({ status: 400, data: { intent: 'delete', result: { error: { '': ['offerHasSubscriptions'] } } } })
    expect(await prisma.offer.count({ where: { id: Number(id) } })).toBe(1)
    const { offer } = await editLoader({ request: makeRequest(`/admin/offers/${id}`, { cookie }), params: { offerId: id }, context: {} })
    expect(offer).toMatchObject({ subscriptionCount: 1, active: true })
    expect((await edit(id, { intent: 'retire' }) as Response).headers.get('location')).toBe(`/admin/offers/${id}?retired=1`)
    expect(await prisma.offer.findUniqueOrThrow({ where: { id: Number(id) }, select: { active: true } })).toEqual({ active: false })
    expect(await prisma.subscription.count({ where: { offerId: Number(id) } })).toBe(1)
  })

  test('unknown or malformed ids are 404', async () => {
    for (const offerId of ['999999', 'abc', '-1', '1e3', '0x10']) {
      const loaded = await settle(() => editLoader({ request: makeRequest('/x', { cookie }), params: { offerId }, context: {} }))
      expect((loaded as Response).status, offerId).toBe(404)
      const posted = await settle(() => edit(offerId, { intent: 'delete' }))
      expect((posted as Response).status, offerId).toBe(404)
    }
  })
})
