import { beforeAll, describe, expect, test } from 'vitest'
import { loader as listLoader } from '#app/routes/admin.fees._index.tsx'
import { action as newAction, loader as newLoader } from '#app/routes/admin.fees.new.tsx'
import { loader as memberLoader } from '#app/routes/admin.members.$memberId._index.tsx'
import { addDays, parseIsoDate, toIsoDate, today } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember, loginAs, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from './request.ts'

let cookie: string
beforeAll(async () => {
  ;({ cookie } = await loginAsStaff())
})

const feeForm = (overrides: Record<string, string> = {}) => ({
  member: '', amount: '20,00', startDate: '2025-03-15', endDate: '', paymentMethod: 'CHEQUE', reference: 'Chèque n° 123', comment: '', redirectTo: '',
  ...overrides,
})
const post = (form: Record<string, string>) => newAction({ request: makeRequest('/admin/fees/new', { cookie, form }), params: {}, context: {} })
const feesOf = (memberId: number) =>
  prisma.membershipFee.findMany({ where: { memberId }, select: { amountCents: true, startDate: true, endDate: true, paymentMethod: true, reference: true } })
const insertFee = (memberId: number, endDate: string) => {
  const end = parseIsoDate(endDate)!
  return prisma.membershipFee.create({ data: { memberId, amountCents: 2000, startDate: addDays(end, -364), endDate: end } })
}

describe('record a fee', () => {
  test('"20,00" is 2000 cents, the end date defaults to a year minus a day, and staff go back to the member page', async () => {
    const member = await insertMember({ status: 'MEMBER' })
    const response = await post(feeForm({ member: String(member.id), redirectTo: `/admin/members/${member.id}` }))
    expect((response as Response).headers.get('location')).toBe(`/admin/members/${member.id}?feeRecorded=1`)
    expect(await feesOf(member.id)).toEqual([
      { amountCents: 2000, startDate: parseIsoDate('2025-03-15'), endDate: parseIsoDate('2026-03-14'), paymentMethod: 'CHEQUE', reference: 'Chèque n° 123' },
    ])
  })

  test('the member is found by username too; staff go back to the list they came from, never elsewhere', async () => {
    const member = await insertMember({ status: 'MEMBER' })
    const fromList = await post(feeForm({ member: member.username.toUpperCase(), amount: '15', endDate: '2025-12-31', redirectTo: '/admin/fees?filter=expired' }))
    expect((fromList as Response).headers.get('location')).toBe('/admin/fees?filter=expired&feeRecorded=1')
    const elsewhere = await post(feeForm({ member: member.username, redirectTo: 'https://evil.example/' }))
    expect((elsewhere as Response).headers.get('location')).toBe(`/admin/members/${member.id}?feeRecorded=1`)
    expect((await feesOf(member.id)).map((f) => [f.amountCents, toIsoDate(f.endDate)])).toEqual([[1500, '2025-12-31'], [2000, '2026-03-14']])
  })

  test('an end date before the start is a field error and nothing is saved', async () => {
    const member = await insertMember({ status: 'MEMBER' })
    const result = unwrap(await post(feeForm({ member: String(member.id), endDate: '2025-03-14' })))
    expect(result.status).toBe(400)
    expect(result.data.result.error).toEqual({ endDate: ['endBeforeStart'] })
    expect(await feesOf(member.id)).toEqual([])
  })

  test('a bad amount or date is a field error, shown with every other error at once', async () => {
    const member = await insertMember({ status: 'MEMBER' })
    const result = unwrap(await post(feeForm({ member: String(member.id), amount: '12,345', startDate: '2025-02-30', paymentMethod: 'BITCOIN' })))
    expect(result.status).toBe(400)
    expect(result.data.result.error).toMatchObject({ amount: ['amountInvalid'], startDate: ['dateInvalid'] })
    expect(result.data.result.error.paymentMethod).toHaveLength(1)
    expect(unwrap(await post(feeForm({ member: String(member.id), amount: '-5' }))).data.result.error).toEqual({ amount: ['amountInvalid'] })
    expect(await feesOf(member.id)).toEqual([])
  })

  test('an unknown or missing member is a field error', async () => {
    const before = await prisma.membershipFee.count()
    for (const member of ['999999999', 'nobody-by-that-name']) {
      const result = unwrap(await post(feeForm({ member })))
      expect(result.status).toBe(400)
      expect(result.data.result.error).toMatchObject({ member: ['memberNotFound'] })
    }
    expect(unwrap(await post(feeForm())).data.result.error).toMatchObject({ member: ['required'] })
    expect(await prisma.membershipFee.count()).toBe(before)
  })

  test('?memberId= prefills the member and a renewal start; an unknown member is a 404', async () => {
    const member = await insertMember({ status: 'MEMBER', firstName: 'Zoé', lastName: 'Renouvelle' })
    const load = (query: string) => newLoader({ request: makeRequest(`/admin/fees/new?${query}`, { cookie }), params: {}, context: {} })
    const fresh = await load(`memberId=${member.id}`)
    expect(fresh.member).toMatchObject({ id: member.id, name: 'Zoé Renouvelle', feeStatus: 'none' })
    expect(fresh.startDate).toBe(toIsoDate(today()))
    expect(fresh.redirectTo).toBe(`/admin/members/${member.id}`)
    const end = addDays(today(), 20)
    await insertFee(member.id, toIsoDate(end))
    const renewal = await load(`memberId=${member.id}`)
    expect(renewal.member).toMatchObject({ feeStatus: 'expiringSoon' })
    expect(renewal.startDate).toBe(toIsoDate(addDays(end, 1)))
    expect((await load('')).member).toBeNull()
    expect(((await settle(() => load('memberId=999999999'))) as Response).status).toBe(404)
    expect(((await settle(() => load('memberId=abc'))) as Response).status).toBe(404)
  })

  test('members get a 404 on the fee pages', async () => {
    const { cookie: memberCookie } = await loginAs()
    const member = await insertMember()
    const refused = await settle(() => newAction({ request: makeRequest('/admin/fees/new', { cookie: memberCookie, form: feeForm({ member: String(member.id) }) }), params: {}, context: {} }))
    expect((refused as Response).status).toBe(404)
    expect(((await settle(() => listLoader({ request: makeRequest('/admin/fees', { cookie: memberCookie }), params: {}, context: {} }))) as Response).status).toBe(404)
    expect(await feesOf(member.id)).toEqual([])
  })
})

describe('fees list', () => {
  test('filters members by fee situation at a date, expiring within N days', async () => {
    const upToDate = await insertMember({ status: 'MEMBER' })
    const expiring = await insertMember({ status: 'MEMBER' })
    const expired = await insertMember({ status: 'MEMBER' })
    const none = await insertMember({ status: 'MEMBER' })
    const notMember = await insertMember({ status: 'NOT_MEMBER' })
    await insertFee(upToDate.id, '2031-01-01')
    await insertFee(expiring.id, '2030-06-20')
    await insertFee(expired.id, '2030-05-31')
    const ours = new Set([upToDate.id, expiring.id, expired.id, none.id, notMember.id])
    const list = async (query: string) => {
      const result = await listLoader({ request: makeRequest(`/admin/fees?${query}`, { cookie }), params: {}, context: {} })
      return result.members.filter((m) => ours.has(m.id)).map((m) => [m.id, m.status])
    }
    expect(await list('filter=expired&date=2030-06-01')).toEqual([[none.id, 'none'], [expired.id, 'expired']])
    expect(await list('filter=expiring&date=2030-06-01')).toEqual([[expiring.id, 'expiringSoon']])
    expect(await list('filter=expiring&days=10&date=2030-06-01')).toEqual([])
    expect(await list('filter=upToDate&date=2030-06-01')).toEqual([[expiring.id, 'expiringSoon'], [upToDate.id, 'upToDate']])
    expect(await list('date=2030-06-01')).toHaveLength(4)
    // On another date the same fees stand differently.
    expect(await list('filter=expired&date=2031-01-02')).toHaveLength(4)
    const fallback = await listLoader({ request: makeRequest('/admin/fees?filter=bogus&days=-3&date=2030-02-31', { cookie }), params: {}, context: {} })
    expect(fallback.query).toEqual({ filter: '', days: 30, date: toIsoDate(today()), page: 1 })
  })

  test('filters and counts in the database and pages 50 at a time', async () => {
    const members = []
    for (let i = 0; i < 55; i++) members.push(await insertMember({ status: 'MEMBER' }))
    await prisma.membershipFee.createMany({ data: members.map((m) => ({ memberId: m.id, amountCents: 2000, startDate: new Date('2099-01-01'), endDate: new Date('2099-12-31') })) })
    const page = (n: number) => listLoader({ request: makeRequest(`/admin/fees?filter=upToDate&date=2099-12-30&page=${n}`, { cookie }), params: {}, context: {} })
    const first = await page(1)
    expect(first).toMatchObject({ total: 55, pageCount: 2 })
    expect(first.members).toHaveLength(50)
    const second = await page(2)
    expect(second.members).toHaveLength(5)
    expect(new Set([...first.members, ...second.members].map((m) => m.id))).toEqual(new Set(members.map((m) => m.id)))
  })
})

describe('staff member page', () => {
  test('shows the fees, newest first, and the fee status', async () => {
    const member = await insertMember({ status: 'MEMBER' })
    await insertFee(member.id, '2020-12-31')
    await insertFee(member.id, toIsoDate(addDays(today(), 200)))
    const data = await memberLoader({ request: makeRequest(`/admin/members/${member.id}`, { cookie }), params: { memberId: String(member.id) }, context: {} })
    expect(data.fees.map((f) => f.amountCents)).toEqual([2000, 2000])
    expect(toIsoDate(data.fees[1].endDate)).toBe('2020-12-31')
    expect(data.fee).toEqual({ status: 'upToDate', endDate: addDays(today(), 200) })
    expect(data.subscriptions).toEqual({ total: 0, rows: [] })
  })
})
