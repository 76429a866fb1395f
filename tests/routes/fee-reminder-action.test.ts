import { beforeAll, describe, expect, test } from 'vitest'
import { action as listAction } from '#app/routes/admin.members._index.tsx'
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

describe('call for membership fees, bulk action', () => {
  test('a confirmation listing whom it reaches, then one email each, skipping those called less than 3 weeks ago', async () => {
    const fresh = await feePayer()
    const recent = await feePayer({ calledDaysAgo: 5 })
    const pending = await insertMember({ status: 'PENDING' })
    const recentBefore = await prisma.member.findUniqueOrThrow({ where: { id: recent.id }, select: { lastFeeReminderAt: true } })
    const ids = [fresh.id, recent.id, pending.id].map(String)

    const preview = unwrap(await post({ intent: 'fees', ids }))
    expect(preview.status).toBe(200)
    expect(preview.data.called).toBeNull()
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
    const sent = unwrap(await post({ intent: 'fees', confirmed: 'yes', ids: [fresh.id, recent.id].map(String) }))
    expect(sent.status).toBe(200)
    expect(sent.data.confirm).toBeNull()
    expect(sent.data.called).toEqual({ queued: 1, skipped: [{ id: recent.id, name: expect.any(String), reason: 'recent' }] })
    const emails = await feeCalls([fresh.id, recent.id, pending.id])
    expect(emails.map((e) => e.memberId)).toEqual([fresh.id])
    expect(emails[0].toAddress).toContain(`<${fresh.email}>`)
    expect((await prisma.member.findUniqueOrThrow({ where: { id: fresh.id }, select: { lastFeeReminderAt: true } })).lastFeeReminderAt).not.toBeNull()
    // The skipped member's last call is left as it was.
    expect(await prisma.member.findUniqueOrThrow({ where: { id: recent.id }, select: { lastFeeReminderAt: true } })).toEqual(recentBefore)

    // Sent again at once: the 3-week guard now skips both.
    const again = unwrap(await post({ intent: 'fees', confirmed: 'yes', ids: [fresh.id, recent.id].map(String) }))
    expect(again.data.called.queued).toBe(0)
    expect(again.data.called.skipped.map((s: { reason: string }) => s.reason)).toEqual(['recent', 'recent'])
    expect(await feeCalls([fresh.id, recent.id])).toHaveLength(1)
  })

  test('with the override, those called less than 3 weeks ago get it too', async () => {
    const fresh = await feePayer()
    const recent = await feePayer({ calledDaysAgo: 5 })
    const ids = [fresh.id, recent.id].map(String)
    const sent = unwrap(await post({ intent: 'fees', confirmed: 'yes', override: 'yes', ids }))
    expect(sent.data.called).toEqual({ queued: 2, skipped: [] })
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
