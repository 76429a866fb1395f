import { describe, expect, test } from 'vitest'
import { recordFee, getMemberFeeStatus } from '#app/models/fee/fees.server.ts'
import { listMemberEmails } from '#app/models/member/emails.server.ts'
import { countActiveSubscriptionsByOffer, createOffer, deleteOffer } from '#app/models/offer/offers.server.ts'
import { approveRequest, createRequest, rejectRequest } from '#app/models/subscription/requests.server.ts'
import { createSubscription, listSubscriptions, resignSubscription } from '#app/models/subscription/subscriptions.server.ts'
import { parseIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember } from '#tests/factories/member.ts'

const d = (iso: string) => parseIsoDate(iso)!
let n = 0
async function offer(overrides: Partial<{ visibleToMembers: boolean; active: boolean; reference: string }> = {}) {
  n += 1
  return prisma.offer.create({ data: { name: `Offre ${n}`, reference: `OFF${n}`, periodFeeCents: 800, visibleToMembers: true, ...overrides }, select: { id: true, reference: true } })
}

describe('offers', () => {
  test('a duplicate reference is a domain error; an offer with subscriptions cannot be deleted', async () => {
    const input = { name: 'VPN', reference: 'VPNX', description: '', backend: 'none' as const, billingPeriodMonths: 1, periodFee: 800, initialFee: 0, nonBillable: false, visibleToMembers: true, active: true }
    const { id } = await createOffer(input)
    await expect(createOffer(input)).rejects.toMatchObject({ code: 'OFFER_REFERENCE_TAKEN' })
    const member = await insertMember()
    await createSubscription({ memberId: member.id, offerId: id, subscriptionDate: d('2025-01-01'), resignDate: null, commitmentMonths: 0, comments: '', actorId: null })
    await expect(deleteOffer(id)).rejects.toMatchObject({ code: 'OFFER_HAS_SUBSCRIPTIONS' })
    expect(await prisma.offer.count({ where: { id } })).toBe(1)
  })

  test('the database refuses negative amounts and resigning before subscribing, whatever writes', async () => {
    const o = await offer()
    await expect(prisma.$executeRawUnsafe(`UPDATE "Offer" SET "periodFeeCents" = -1 WHERE id = ${o.id}`)).rejects.toThrow(/Offer_amounts_check/)
    const member = await insertMember()
    await expect(prisma.subscription.create({ data: { memberId: member.id, offerId: o.id, subscriptionDate: d('2025-02-01'), resignDate: d('2025-01-31') } })).rejects.toThrow()
    await expect(prisma.membershipFee.create({ data: { memberId: member.id, amountCents: 2000, startDate: d('2025-02-01'), endDate: d('2025-01-01') } })).rejects.toThrow()
  })
})

describe('subscriptions', () => {
  test('counted per offer at a date, both ends included', async () => {
    const o = await offer()
    const member = await insertMember()
    const base = { memberId: member.id, offerId: o.id, commitmentMonths: 0, comments: '', actorId: null }
    await createSubscription({ ...base, subscriptionDate: d('2025-01-01'), resignDate: d('2025-03-31') })
    await createSubscription({ ...base, subscriptionDate: d('2025-03-31'), resignDate: null })
    await createSubscription({ ...base, subscriptionDate: d('2025-04-01'), resignDate: null })
    const at = async (iso: string) => (await countActiveSubscriptionsByOffer(d(iso))).find((r) => r.reference === o.reference)!.count
    expect([await at('2024-12-31'), await at('2025-03-31'), await at('2025-04-01')]).toEqual([0, 2, 2])
    const future = await listSubscriptions({ offerId: o.id, state: 'future', date: d('2025-03-31') })
    expect(future.subscriptions.map((s) => s.subscriptionDate)).toEqual([d('2025-04-01')])
    expect(future.subscriptions[0].reference).toMatch(new RegExp(`^REF-${o.reference}-\\d+$`))
  })

  test('a retired offer takes no new subscription; unknown ids are refused', async () => {
    const retired = await offer({ active: false })
    const member = await insertMember()
    const base = { commitmentMonths: 0, comments: '', subscriptionDate: d('2025-01-01'), resignDate: null, actorId: null }
    await expect(createSubscription({ ...base, memberId: member.id, offerId: retired.id })).rejects.toMatchObject({ code: 'OFFER_RETIRED' })
    await expect(createSubscription({ ...base, memberId: 999999, offerId: retired.id })).rejects.toMatchObject({ code: 'MEMBER_NOT_FOUND' })
    await expect(createSubscription({ ...base, memberId: member.id, offerId: 999999 })).rejects.toMatchObject({ code: 'OFFER_NOT_FOUND' })
  })

  test('resigning before the end of the commitment asks for confirmation, then records who confirmed', async () => {
    const o = await offer()
    const member = await insertMember()
    const staff = await insertMember({ roles: ['MEMBER', 'STAFF'] })
    const { id } = await createSubscription({ memberId: member.id, offerId: o.id, subscriptionDate: d('2025-01-15'), resignDate: null, commitmentMonths: 12, comments: '', actorId: null })
    expect(await resignSubscription({ id, resignDate: d('2025-06-30'), confirmEarly: false, staffId: staff.id })).toEqual({ status: 'needsConfirmation', commitmentEnd: d('2026-01-14') })
    expect(await prisma.subscription.findUniqueOrThrow({ where: { id }, select: { resignDate: true } })).toEqual({ resignDate: null })
    expect(await resignSubscription({ id, resignDate: d('2025-06-30'), confirmEarly: true, staffId: staff.id })).toEqual({ status: 'resigned' })
    const row = await prisma.subscription.findUniqueOrThrow({ where: { id }, select: { resignDate: true, earlyResignConfirmedBy: true, earlyResignConfirmedAt: true } })
    expect(row).toMatchObject({ resignDate: d('2025-06-30'), earlyResignConfirmedBy: staff.id })
    expect(row.earlyResignConfirmedAt).toBeInstanceOf(Date)
    await expect(resignSubscription({ id, resignDate: d('2024-12-31'), confirmEarly: true, staffId: staff.id })).rejects.toMatchObject({ code: 'RESIGN_BEFORE_SUBSCRIBE' })
  })
})

describe('subscription requests', () => {
  test('a double submission creates one request; approval creates the subscription once', async () => {
    const o = await offer()
    const member = await insertMember()
    const staff = await insertMember({ roles: ['MEMBER', 'STAFF'] })
    const [a, b] = await Promise.all([
      createRequest({ memberId: member.id, offerId: o.id, message: 'Bonjour' }),
      createRequest({ memberId: member.id, offerId: o.id, message: 'Bonjour' }),
    ])
    expect(a.id).toBe(b.id)
    expect(await prisma.subscriptionRequest.count({ where: { memberId: member.id } })).toBe(1)
    const results = await Promise.allSettled([
      approveRequest({ id: a.id, staffId: staff.id, subscriptionDate: d('2025-05-01') }),
      approveRequest({ id: a.id, staffId: staff.id, subscriptionDate: d('2025-05-01') }),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(await prisma.subscription.count({ where: { memberId: member.id, offerId: o.id } })).toBe(1)
    await expect(rejectRequest({ id: a.id, staffId: staff.id, reason: 'trop tard' })).rejects.toMatchObject({ code: 'REQUEST_ALREADY_DECIDED' })
    // Once decided, the member may ask again.
    const again = await createRequest({ memberId: member.id, offerId: o.id, message: '' })
    expect(again.id).not.toBe(a.id)
  })

  test('only visible, active offers can be requested', async () => {
    const member = await insertMember()
    for (const o of [await offer({ visibleToMembers: false }), await offer({ active: false })]) {
      await expect(createRequest({ memberId: member.id, offerId: o.id, message: '' })).rejects.toMatchObject({ code: 'OFFER_NOT_REQUESTABLE' })
    }
  })
})

describe('membership fees and member emails', () => {
  test('fee status at a date and the email filters', async () => {
    const o = await offer()
    const paid = await insertMember({ email: 'zz-paid@example.org' })
    const late = await insertMember({ email: 'zz-late@example.org' })
    await insertMember({ email: 'zz-former@example.org', status: 'NOT_MEMBER' })
    await recordFee({ memberId: paid.id, amount: 2000, startDate: d('2025-01-01'), endDate: null, reference: '', comment: '', actorId: null })
    await recordFee({ memberId: late.id, amount: 2000, startDate: d('2024-01-01'), endDate: null, reference: '', comment: '', actorId: null })
    expect(await getMemberFeeStatus({ memberId: paid.id, date: d('2025-12-31') })).toEqual({ endDate: d('2025-12-31'), status: 'expiringSoon' })
    expect(await getMemberFeeStatus({ memberId: late.id, date: d('2025-06-01') })).toEqual({ endDate: d('2024-12-31'), status: 'expired' })
    await createSubscription({ memberId: late.id, offerId: o.id, subscriptionDate: d('2025-01-01'), resignDate: null, commitmentMonths: 0, comments: '', actorId: null })
    const date = d('2025-06-01')
    const ours = (emails: string[]) => emails.filter((e) => e.startsWith('zz-'))
    expect(ours(await listMemberEmails({ date }))).toEqual(['zz-late@example.org', 'zz-paid@example.org'])
    expect(ours(await listMemberEmails({ date, feeUpToDate: true }))).toEqual(['zz-paid@example.org'])
    expect(ours(await listMemberEmails({ date, feeUpToDate: false }))).toEqual(['zz-late@example.org'])
    expect(ours(await listMemberEmails({ date, subscribers: true }))).toEqual(['zz-late@example.org'])
    expect(ours(await listMemberEmails({ date, offerIds: [o.id] }))).toEqual(['zz-late@example.org'])
  })
})
