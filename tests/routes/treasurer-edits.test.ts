import { faker } from '@faker-js/faker'
import type { ActionFunctionArgs } from '@remix-run/node'
import { beforeAll, describe, expect, test } from 'vitest'
import { createRequest } from '#app/models/subscription/requests.server.ts'
import { action as feeAction, loader as feeLoader } from '#app/routes/admin.fees.$feeId.tsx'
import { action as newFeeAction } from '#app/routes/admin.fees.new.tsx'
import { action as memberEditAction } from '#app/routes/admin.members.$memberId.edit.tsx'
import { action as memberAction, loader as memberLoader } from '#app/routes/admin.members.$memberId._index.tsx'
import { action as membersAction } from '#app/routes/admin.members._index.tsx'
import { action as paymentEditAction, loader as paymentEditLoader } from '#app/routes/admin.payments.$paymentId_.edit.tsx'
import { action as requestsAction } from '#app/routes/admin.requests._index.tsx'
import { action as subscriptionAction, loader as subscriptionLoader } from '#app/routes/admin.subscriptions.$subscriptionId.tsx'
import { action as newSubscriptionAction } from '#app/routes/admin.subscriptions.new.tsx'
import { parseIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from './request.ts'

const d = (iso: string) => parseIsoDate(iso)!
let cookie: string
let staffId: number
beforeAll(async () => {
  const staff = await loginAsStaff()
  cookie = staff.cookie
  staffId = staff.member.id
})

const post = (action: (args: ActionFunctionArgs) => Promise<unknown>, path: string, params: Record<string, string>, form: Record<string, string | string[]>) =>
  settle(() => action({ request: makeRequest(path, { cookie, form }), params, context: {} }))
const location = (response: unknown) => (response instanceof Response ? response.headers.get('location') : null)
const auditOf = (entity: string, entityId: number) =>
  prisma.auditEntry.findMany({ where: { entity, entityId }, orderBy: { id: 'asc' }, select: { actorId: true, action: true, memberId: true, before: true, after: true } })

async function insertFee(memberId: number) {
  return prisma.membershipFee.create({
    data: { memberId, amountCents: 2000, startDate: d('2025-01-01'), endDate: d('2025-12-31'), paymentMethod: 'CHEQUE', reference: 'Chèque 12' },
    select: { id: true },
  })
}

let offers = 0
async function insertSubscription(memberId: number) {
  offers += 1
  const offer = await prisma.offer.create({ data: { name: `Offre ${offers}`, reference: `TE${offers}${faker.string.alpha({ length: 4, casing: 'upper' })}`, periodFeeCents: 800 }, select: { id: true, reference: true } })
  const subscription = await prisma.subscription.create({ data: { memberId, offerId: offer.id, subscriptionDate: d('2025-01-01') }, select: { id: true } })
  return { ...subscription, offer }
}

describe('membership fees', () => {
  const fee = (id: number, form: Record<string, string>) => post(feeAction, `/admin/fees/${id}`, { feeId: String(id) }, form)
  const feeForm = (overrides: Record<string, string> = {}) => ({
    intent: 'update', amount: '20,00', startDate: '2025-01-01', endDate: '2025-12-31', paymentMethod: 'CHEQUE', reference: 'Chèque 12', comment: '', ...overrides,
  })

  test('recording a fee writes fee.create with who recorded it', async () => {
    const member = await insertMember()
    const response = await post(newFeeAction, '/admin/fees/new', {}, { member: String(member.id), amount: '15', startDate: '2025-02-01', endDate: '', paymentMethod: '', reference: '', comment: '', redirectTo: '' })
    expect(location(response)).toBe(`/admin/members/${member.id}?feeRecorded=1`)
    const { id } = await prisma.membershipFee.findFirstOrThrow({ where: { memberId: member.id }, select: { id: true } })
    expect(await auditOf('fee', id)).toEqual([{
      actorId: staffId, action: 'fee.create', memberId: member.id, before: null,
      after: { amountCents: 1500, startDate: '2025-02-01', endDate: '2026-01-31', paymentMethod: null, reference: '', comment: '' },
    }])
  })

  test('a correction saves the fee and logs only the changed fields, before and after', async () => {
    const member = await insertMember()
    const { id } = await insertFee(member.id)
    const page = await feeLoader({ request: makeRequest(`/admin/fees/${id}`, { cookie }), params: { feeId: String(id) }, context: {} })
    expect(page.fee.defaults).toEqual({ amount: '20,00', startDate: '2025-01-01', endDate: '2025-12-31', paymentMethod: 'CHEQUE', reference: 'Chèque 12', comment: '' })
    const response = await fee(id, feeForm({ amount: '25,50', endDate: '2026-01-15', comment: 'Rattrapage' }))
    expect(location(response)).toBe(`/admin/members/${member.id}?feeUpdated=1`)
    expect(await prisma.membershipFee.findUniqueOrThrow({ where: { id }, select: { amountCents: true, endDate: true, comment: true } }))
      .toEqual({ amountCents: 2550, endDate: d('2026-01-15'), comment: 'Rattrapage' })
    expect(await auditOf('fee', id)).toEqual([{
      actorId: staffId, action: 'fee.update', memberId: member.id,
      before: { amountCents: 2000, endDate: '2025-12-31', comment: '' },
      after: { amountCents: 2550, endDate: '2026-01-15', comment: 'Rattrapage' },
    }])
    // Saving the same values again changes nothing and logs nothing.
    await fee(id, feeForm({ amount: '25,50', endDate: '2026-01-15', comment: 'Rattrapage' }))
    expect(await auditOf('fee', id)).toHaveLength(1)
  })

  test('a wrong field is a field error; nothing is saved or logged', async () => {
    const member = await insertMember()
    const { id } = await insertFee(member.id)
    const result = unwrap(await fee(id, feeForm({ endDate: '2024-12-31', amount: 'vingt' })))
    expect(result.status).toBe(400)
    expect(result.data.result.error).toEqual({ endDate: ['endBeforeStart'], amount: ['amountInvalid'] })
    expect(await prisma.membershipFee.findUniqueOrThrow({ where: { id }, select: { amountCents: true } })).toEqual({ amountCents: 2000 })
    expect(await auditOf('fee', id)).toEqual([])
  })

  test('deleting asks for confirmation first (two posts, no JavaScript), then logs the fee as it was', async () => {
    const member = await insertMember()
    const { id } = await insertFee(member.id)
    const ask = unwrap(await fee(id, { intent: 'delete' }))
    expect(ask.data.confirmDelete).toBe(true)
    expect(await prisma.membershipFee.count({ where: { id } })).toBe(1)
    expect(location(await fee(id, { intent: 'confirmDelete' }))).toBe(`/admin/members/${member.id}?feeDeleted=1`)
    expect(await prisma.membershipFee.count({ where: { id } })).toBe(0)
    expect(await auditOf('fee', id)).toEqual([{
      actorId: staffId, action: 'fee.delete', memberId: member.id, after: null,
      before: { amountCents: 2000, startDate: '2025-01-01', endDate: '2025-12-31', paymentMethod: 'CHEQUE', reference: 'Chèque 12', comment: '' },
    }])
    expect(((await fee(id, { intent: 'confirmDelete' })) as Response).status).toBe(404)
  })
})

describe('subscriptions', () => {
  const edit = (id: number, form: Record<string, string>) =>
    post(subscriptionAction, `/admin/subscriptions/${id}`, { subscriptionId: String(id) }, { intent: 'edit', comments: '', commitmentMonths: '0', reference: '', ...form })
  const detail = (id: number) => subscriptionLoader({ request: makeRequest(`/admin/subscriptions/${id}`, { cookie }), params: { subscriptionId: String(id) }, context: {} })

  test('staff correct comments, commitment and the reference override; the page shows the override; the log has what changed', async () => {
    const member = await insertMember()
    const sub = await insertSubscription(member.id)
    const override = `ANCIEN-${faker.string.alphanumeric(8)}/1.2_a`
    expect(location(await edit(sub.id, { comments: 'Ligne posée', commitmentMonths: '12', reference: override }))).toBe(`/admin/subscriptions/${sub.id}?saved=1`)
    const page = await detail(sub.id)
    expect(page.subscription).toMatchObject({ reference: override, referenceOverride: override, computedReference: `REF-${sub.offer.reference}-${sub.id}`, commitmentMonths: 12, comments: 'Ligne posée' })
    const memberPage = await memberLoader({ request: makeRequest(`/admin/members/${member.id}`, { cookie }), params: { memberId: String(member.id) }, context: {} })
    expect(memberPage.subscriptions.rows.map((s) => s.reference)).toEqual([override])
    // Emptying the override brings back the computed reference.
    await edit(sub.id, { comments: 'Ligne posée', commitmentMonths: '12', reference: '' })
    expect((await detail(sub.id)).subscription.reference).toBe(`REF-${sub.offer.reference}-${sub.id}`)
    expect(await auditOf('subscription', sub.id)).toEqual([
      { actorId: staffId, action: 'subscription.update', memberId: member.id, before: { comments: '', commitmentMonths: 0, reference: '' }, after: { comments: 'Ligne posée', commitmentMonths: 12, reference: override } },
      { actorId: staffId, action: 'subscription.update', memberId: member.id, before: { reference: override }, after: { reference: '' } },
    ])
  })

  test('a reference another subscription answers to is a field error, even written differently', async () => {
    const member = await insertMember()
    const first = await insertSubscription(member.id)
    const second = await insertSubscription(member.id)
    const taken = `PRIS-${faker.string.alpha({ length: 6, casing: 'upper' })}`
    await edit(first.id, { reference: taken })
    for (const reference of [taken.toLowerCase(), taken.replace('-', '/')]) {
      const result = unwrap(await edit(second.id, { reference }))
      expect(result.status, reference).toBe(400)
      expect(result.data.result.error).toEqual({ reference: ['subscriptions:errors.referenceTaken'] })
    }
    // The shape of a computed reference: another subscription's now, or one created later.
    for (const reference of [`REF-${first.offer.reference}-${first.id}`, `REF-${first.offer.reference}-${first.id + 1000}`]) {
      const result = unwrap(await edit(second.id, { reference }))
      expect(result.status, reference).toBe(400)
      expect(result.data.result.error).toEqual({ reference: ['subscriptions:errors.referenceLooksComputed'] })
    }
    const invalid = unwrap(await edit(second.id, { reference: 'REF 12', commitmentMonths: '-1' }))
    expect(invalid.data.result.error).toEqual({ reference: ['subscriptions:errors.referenceInvalid'], commitmentMonths: ['commitmentInvalid'] })
    expect(unwrap(await edit(second.id, { reference: '--' })).data.result.error).toEqual({ reference: ['subscriptions:errors.referenceInvalid'] })
    expect(await prisma.subscription.findUniqueOrThrow({ where: { id: second.id }, select: { reference: true } })).toEqual({ reference: '' })
    expect(await auditOf('subscription', second.id)).toEqual([])
  })

  test('creating, resigning and approving a request are logged with the staff person who did it', async () => {
    const member = await insertMember()
    const { offer } = await insertSubscription(member.id)
    const created = await post(newSubscriptionAction, '/admin/subscriptions/new', {}, { memberId: String(member.id), offerId: String(offer.id), subscriptionDate: '2025-03-01', commitmentMonths: '0', comments: '' })
    const id = Number(/\/admin\/subscriptions\/(\d+)/.exec(location(created) ?? '')?.[1])
    expect(location(await post(subscriptionAction, `/admin/subscriptions/${id}`, { subscriptionId: String(id) }, { resignDate: '2025-06-30' }))).toBe(`/admin/subscriptions/${id}?resigned=1`)
    expect(await auditOf('subscription', id)).toEqual([
      { actorId: staffId, action: 'subscription.create', memberId: member.id, before: null, after: { offerId: offer.id, subscriptionDate: '2025-03-01', resignDate: null, commitmentMonths: 0, comments: '' } },
      { actorId: staffId, action: 'subscription.resign', memberId: member.id, before: { resignDate: null }, after: { resignDate: '2025-06-30' } },
    ])
    await prisma.offer.update({ where: { id: offer.id }, data: { visibleToMembers: true } })
    const request = await createRequest({ memberId: member.id, offerId: offer.id, message: '' })
    await post(requestsAction, '/admin/requests', {}, { intent: 'approve', id: String(request.id), subscriptionDate: '2025-07-01', commitmentMonths: '0' })
    const { subscriptionId } = await prisma.subscriptionRequest.findUniqueOrThrow({ where: { id: request.id }, select: { subscriptionId: true } })
    expect((await auditOf('subscription', subscriptionId!)).map((e) => [e.action, e.actorId])).toEqual([['subscription.create', staffId]])
    // Approving it again is refused, and the refused approval leaves neither a subscription nor an entry.
    const creations = () => prisma.auditEntry.count({ where: { memberId: member.id, action: 'subscription.create' } })
    const before = [await creations(), await prisma.subscription.count({ where: { memberId: member.id } })]
    expect(unwrap(await post(requestsAction, '/admin/requests', {}, { intent: 'approve', id: String(request.id), subscriptionDate: '2025-07-01', commitmentMonths: '0' })).status).toBe(409)
    expect([await creations(), await prisma.subscription.count({ where: { memberId: member.id } })]).toEqual(before)
  })
})

describe('payment details', () => {
  const edit = (id: number, form: Record<string, string>) => post(paymentEditAction, `/admin/payments/${id}/edit`, { paymentId: String(id) }, form)
  const insertPayment = (memberId: number, importKey: string | null = null) =>
    prisma.payment.create({ data: { memberId, amountCents: 3000, date: d('2025-04-02'), method: 'TRANSFER', label: 'VIR DUPONT', importKey }, select: { id: true } })

  test('a manual payment changes date, label and method; the log has the changed fields only', async () => {
    const member = await insertMember()
    const { id } = await insertPayment(member.id)
    const page = await paymentEditLoader({ request: makeRequest(`/admin/payments/${id}/edit`, { cookie }), params: { paymentId: String(id) }, context: {} })
    expect(page.payment).toMatchObject({ imported: false, defaults: { date: '2025-04-02', label: 'VIR DUPONT', method: 'TRANSFER' } })
    expect(location(await edit(id, { date: '2025-04-03', label: 'VIR DUPONT', method: 'CHEQUE' }))).toBe(`/admin/payments/${id}?updated=1`)
    expect(await prisma.payment.findUniqueOrThrow({ where: { id }, select: { date: true, label: true, method: true, amountCents: true, memberId: true } }))
      .toEqual({ date: d('2025-04-03'), label: 'VIR DUPONT', method: 'CHEQUE', amountCents: 3000, memberId: member.id })
    await edit(id, { date: '2025-04-03', label: '', method: 'CHEQUE' })
    expect(await auditOf('payment', id)).toEqual([
      { actorId: staffId, action: 'payment.update', memberId: member.id, before: { date: '2025-04-02', method: 'TRANSFER' }, after: { date: '2025-04-03', method: 'CHEQUE' } },
      { actorId: staffId, action: 'payment.update', memberId: member.id, before: { label: 'VIR DUPONT' }, after: { label: '' } },
    ])
    const bad = unwrap(await edit(id, { date: '2025-02-30', method: 'BITCOIN' }))
    expect(bad.status).toBe(400)
    expect(Object.keys(bad.data.result.error)).toEqual(expect.arrayContaining(['date', 'method']))
  })

  test("an imported payment keeps the bank's date and label (a field error says why); its method can change", async () => {
    const member = await insertMember()
    const { id } = await insertPayment(member.id, faker.string.hexadecimal({ length: 64, prefix: '' }))
    const date = unwrap(await edit(id, { date: '2025-04-05', method: 'TRANSFER' }))
    expect(date.status).toBe(400)
    expect(date.data.result.error).toEqual({ date: ['audit:errors.importedDateFixed'] })
    const label = unwrap(await edit(id, { label: 'AUTRE', method: 'TRANSFER' }))
    expect(label.data.result.error).toEqual({ label: ['audit:errors.importedLabelFixed'] })
    expect(location(await edit(id, { method: 'OTHER', date: '2025-04-02' }))).toBe(`/admin/payments/${id}?updated=1`)
    expect(await prisma.payment.findUniqueOrThrow({ where: { id }, select: { date: true, label: true, method: true } })).toEqual({ date: d('2025-04-02'), label: 'VIR DUPONT', method: 'OTHER' })
    expect(await auditOf('payment', id)).toEqual([{ actorId: staffId, action: 'payment.update', memberId: member.id, before: { method: 'TRANSFER' }, after: { method: 'OTHER' } }])
    expect(((await edit(999_999_999, { method: 'CASH' })) as Response).status).toBe(404)
  })
})

describe('member status', () => {
  test('the member page, the bulk action and the edit form log each status that actually changes', async () => {
    const member = await insertMember({ status: 'MEMBER' })
    const other = await insertMember({ status: 'NOT_MEMBER' })
    const params = { memberId: String(member.id) }
    expect(location(await post(memberAction, `/admin/members/${member.id}`, params, { intent: 'status', status: 'NOT_MEMBER' }))).toBe(`/admin/members/${member.id}?saved=status`)
    // Already not a member: the page answers as before and nothing is logged.
    expect(location(await post(memberAction, `/admin/members/${member.id}`, params, { intent: 'status', status: 'NOT_MEMBER' }))).toBe(`/admin/members/${member.id}?saved=status`)
    const bulk = await post(membersAction, '/admin/members', {}, { intent: 'setStatus', status: 'MEMBER', ids: String(member.id) })
    expect(location(bulk)).toMatch(/updated=1/)
    await post(membersAction, '/admin/members', {}, { intent: 'setStatus', status: 'NOT_MEMBER', ids: [String(member.id), String(other.id)] })
    expect(await auditOf('member', member.id)).toEqual([
      { actorId: staffId, action: 'member.status', memberId: member.id, before: { status: 'MEMBER' }, after: { status: 'NOT_MEMBER' } },
      { actorId: staffId, action: 'member.status', memberId: member.id, before: { status: 'NOT_MEMBER' }, after: { status: 'MEMBER' } },
      { actorId: staffId, action: 'member.status', memberId: member.id, before: { status: 'MEMBER' }, after: { status: 'NOT_MEMBER' } },
    ])
    expect(await auditOf('member', other.id)).toEqual([])
    const row = await prisma.member.findUniqueOrThrow({ where: { id: other.id } })
    const form = {
      type: row.type, username: row.username, email: row.email, firstName: row.firstName, lastName: row.lastName,
      country: row.country, status: 'PENDING', roles: 'MEMBER', password: '', language: '',
    }
    expect(location(await post(memberEditAction, `/admin/members/${other.id}/edit`, { memberId: String(other.id) }, form))).toBe(`/admin/members/${other.id}?saved=1`)
    expect(await auditOf('member', other.id)).toEqual([{ actorId: staffId, action: 'member.status', memberId: other.id, before: { status: 'NOT_MEMBER' }, after: { status: 'PENDING' } }])
  })
})
