import { beforeAll, describe, expect, test } from 'vitest'
import { action as listAction, loader as listLoader } from '#app/routes/admin.members._index.tsx'
import { addDays, today } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember, loginAs, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from './request.ts'

let cookie: string
beforeAll(async () => {
  ;({ cookie } = await loginAsStaff())
})

const DAY_MS = 86_400_000

/** A member with status MEMBER and a fee ending in two weeks; `calledDaysAgo` sets their last call for fees. */
async function feePayer({ calledDaysAgo }: { calledDaysAgo?: number } = {}) {
  const member = await insertMember({ status: 'MEMBER' })
  const end = addDays(today(), 14)
  await prisma.membershipFee.create({ data: { memberId: member.id, amountCents: 2000, startDate: addDays(end, -364), endDate: end } })
  if (calledDaysAgo !== undefined) {
    await prisma.member.update({ where: { id: member.id }, data: { lastFeeReminderAt: new Date(Date.now() - calledDaysAgo * DAY_MS) } })
  }
  return member
}

const feeCalls = (memberIds: number[]) =>
  prisma.emailMessage.findMany({ where: { memberId: { in: memberIds }, template: 'call-for-membership-fees' }, orderBy: { id: 'asc' }, select: { memberId: true, toAddress: true } })

const post = (form: Record<string, string | string[]>, path = '/admin/members?q=x') =>
  listAction({ request: makeRequest(path, { cookie, form }), params: {}, context: {} })

/**
 * Confirms a call for fees: the answer is a redirect (a refresh shows the outcome again, never
 * calls again), and the list it leads to says what was done.
 */
async function confirmCall(form: Record<string, string | string[]>) {
  const answer = await post({ intent: 'fees', confirmed: 'yes', ...form })
  expect(answer).toBeInstanceOf(Response)
  const location = (answer as Response).headers.get('location')!
  expect((answer as Response).status).toBe(302)
  expect(location).toMatch(/^\/admin\/members\?q=x&feesCalled=\d+/)
  const page = await listLoader({ request: makeRequest(location, { cookie }), params: {}, context: {} })
  return { location, called: page.feeCall! }
}

describe('call for membership fees, bulk action', () => {
  test('a mangled outcome in the address shows no outcome, not an error', async () => {
    for (const query of ['feesCalled=x', 'feesCalled=2&feesSkipped=1:bogus', 'feesCalled=-1', 'feesCalled=1&feesSkipped=99999999999:recent']) {
      const page = await listLoader({ request: makeRequest(`/admin/members?${query}`, { cookie }), params: {}, context: {} })
      expect({ query, feeCall: page.feeCall }).toEqual({ query, feeCall: null })
    }
    const unknown = await listLoader({ request: makeRequest('/admin/members?feesCalled=0&feesSkipped=2000000001:unknown', { cookie }), params: {}, context: {} })
    expect(unknown.feeCall).toEqual({ queued: 0, skipped: [{ id: 2000000001, name: '#2000000001', reason: 'unknown' }] })
  })

  test('a confirmation listing whom it reaches, then one email each, skipping those called less than 3 weeks ago', async () => {
    const fresh = await feePayer()
    const recent = await feePayer({ calledDaysAgo: 5 })
    const pending = await insertMember({ status: 'PENDING' })
    const recentBefore = await prisma.member.findUniqueOrThrow({ where: { id: recent.id }, select: { lastFeeReminderAt: true } })
    const ids = [fresh.id, recent.id, pending.id].map(String)

    const preview = unwrap(await post({ intent: 'fees', ids }))
    expect(preview.status).toBe(200)
    expect(preview.data.confirm.intent).toBe('fees')
    expect(preview.data.confirm.recipients.map((r: { email: string }) => r.email)).toEqual([fresh.email])
    expect(preview.data.confirm.skipped).toEqual(expect.arrayContaining([
      { id: recent.id, name: expect.any(String), reason: 'recent' },
      { id: pending.id, name: expect.any(String), reason: 'notMember' },
    ]))
    expect(preview.data.confirm.skipped).toHaveLength(2)
    // Only the 3-week guard may be overridden.
    expect(preview.data.confirm.overridable).toEqual([recent.id])
    // Nothing is queued or recorded before the confirmation.
    expect(await feeCalls([fresh.id, recent.id, pending.id])).toHaveLength(0)
    expect(await prisma.member.findUniqueOrThrow({ where: { id: fresh.id }, select: { lastFeeReminderAt: true } })).toEqual({ lastFeeReminderAt: null })

    // The confirmation form posts the recipients and the overridable ones, without the override.
    const sent = await confirmCall({ ids: [fresh.id, recent.id].map(String) })
    expect(sent.location).toBe(`/admin/members?q=x&feesCalled=1&feesSkipped=${recent.id}%3Arecent`)
    expect(sent.called).toEqual({ queued: 1, skipped: [{ id: recent.id, name: expect.any(String), reason: 'recent' }] })
    const emails = await feeCalls([fresh.id, recent.id, pending.id])
    expect(emails.map((e) => e.memberId)).toEqual([fresh.id])
    expect(emails[0].toAddress).toContain(`<${fresh.email}>`)
    expect((await prisma.member.findUniqueOrThrow({ where: { id: fresh.id }, select: { lastFeeReminderAt: true } })).lastFeeReminderAt).not.toBeNull()
    // The skipped member's last call is left as it was.
    expect(await prisma.member.findUniqueOrThrow({ where: { id: recent.id }, select: { lastFeeReminderAt: true } })).toEqual(recentBefore)

    // The page the browser lands on, loaded again (a refresh), names the same outcome and queues nothing.
    const refreshed = await listLoader({ request: makeRequest(sent.location, { cookie }), params: {}, context: {} })
    expect(refreshed.feeCall).toEqual(sent.called)
    expect(await feeCalls([fresh.id, recent.id, pending.id])).toHaveLength(1)

    // Sent again on purpose: the 3-week guard now skips both.
    const again = await confirmCall({ ids: [fresh.id, recent.id].map(String) })
    expect(again.called.queued).toBe(0)
    expect(again.called.skipped.map((s) => s.reason)).toEqual(['recent', 'recent'])
    expect(await feeCalls([fresh.id, recent.id])).toHaveLength(1)
  })

  test('with the override, those called less than 3 weeks ago get it too', async () => {
    const fresh = await feePayer()
    const recent = await feePayer({ calledDaysAgo: 5 })
    const ids = [fresh.id, recent.id].map(String)
    const sent = await confirmCall({ override: 'yes', ids })
    expect(sent.called).toEqual({ queued: 2, skipped: [] })
    const emails = await feeCalls([fresh.id, recent.id])
    expect(emails.map((e) => e.memberId).sort()).toEqual([fresh.id, recent.id].sort())
    const { lastFeeReminderAt } = await prisma.member.findUniqueOrThrow({ where: { id: recent.id }, select: { lastFeeReminderAt: true } })
    expect(Date.now() - lastFeeReminderAt!.getTime()).toBeLessThan(DAY_MS)
  })

  test('nothing ticked: the same field error as the other bulk actions', async () => {
    const none = unwrap(await post({ intent: 'fees', confirmed: 'yes' }, '/admin/members'))
    expect(none.status).toBe(400)
    expect(none.data.result.error).toEqual({ ids: ['noneSelected'] })
  })

  test('non-staff get 404 and nothing is queued', async () => {
    const { cookie: memberCookie } = await loginAs()
    const target = await feePayer()
    const forms: Record<string, string | string[]>[] = [{ intent: 'fees', ids: [String(target.id)] }, { intent: 'fees', confirmed: 'yes', override: 'yes', ids: [String(target.id)] }]
    for (const form of forms) {
      const refused = await settle(() => listAction({ request: makeRequest('/admin/members', { cookie: memberCookie, form }), params: {}, context: {} }))
      expect((refused as Response).status).toBe(404)
    }
    expect(await feeCalls([target.id])).toHaveLength(0)
    expect(await prisma.member.findUniqueOrThrow({ where: { id: target.id }, select: { lastFeeReminderAt: true } })).toEqual({ lastFeeReminderAt: null })
  })
})
