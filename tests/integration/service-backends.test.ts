import pino from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { describeConfigurations, registerBackend, unregisterBackend } from '#app/backends/registry.server.ts'
import { assignSubnet, releaseSubnet } from '#app/models/ip/allocate.server.ts'
import { createOffer, updateOffer } from '#app/models/offer/offers.server.ts'
import { createSubscription, resignSubscription } from '#app/models/subscription/subscriptions.server.ts'
import { parseIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember } from '#tests/factories/member.ts'
import { createTestBackend } from '#tests/fixtures/test-backend.ts'
import { run as suspendJob } from '#jobs/suspend-ended-services.ts'

// The registry's interface, proved with a backend that is not the VPN's (tests/fixtures/test-backend.ts).
const d = (iso: string) => parseIsoDate(iso)!
const { backend, calls, refuseCreation } = createTestBackend('test')
beforeAll(() => registerBackend(backend))
afterAll(() => unregisterBackend('test'))

let n = 0
const offerInput = (backendKind: string) => {
  n += 1
  return { name: `Offre ${n}`, reference: `SB${n}`, description: '', backend: backendKind, billingPeriodMonths: 1, periodFee: 800, initialFee: 0, nonBillable: false, visibleToMembers: true, active: true }
}
const subscribe = (memberId: number, offerId: number, actorId: number | null = null) =>
  createSubscription({ memberId, offerId, subscriptionDate: d('2026-01-01'), resignDate: null, commitmentMonths: 0, comments: '', actorId })

describe('service backends', () => {
  test('subscribing to an offer of a backend creates its configuration and calls create in the same transaction', async () => {
    const { id: offerId } = await createOffer(offerInput('test'))
    const member = await insertMember()
    const staff = await insertMember()
    const { id: subscriptionId } = await subscribe(member.id, offerId, staff.id)
    const configuration = await prisma.serviceConfiguration.findUniqueOrThrow({ where: { subscriptionId } })
    expect(configuration).toMatchObject({ backend: 'test', comment: expect.stringMatching(/^create #/) })
    expect(calls.at(-1)).toEqual({ hook: 'create', configurationId: configuration.id, subscriptionId, memberId: member.id, offerId, actorId: staff.id })

    const services = await describeConfigurations([subscriptionId])
    expect(services.get(subscriptionId)).toMatchObject({
      id: configuration.id, backend: 'test', enabled: true, adminPath: `/admin/test/${configuration.id}`, memberPath: `/test/${configuration.id}`,
      status: { state: 'synced', message: `test ${configuration.id}` },
    })
  })

  test('a create hook that fails leaves no subscription and no configuration', async () => {
    const { id: offerId } = await createOffer(offerInput('test'))
    const member = await insertMember()
    refuseCreation('the service refused')
    try {
      await expect(subscribe(member.id, offerId)).rejects.toThrow('the service refused')
    } finally {
      refuseCreation(null)
    }
    expect(await prisma.subscription.count({ where: { memberId: member.id } })).toBe(0)
    expect(await prisma.serviceConfiguration.count({ where: { subscription: { memberId: member.id } } })).toBe(0)
  })

  test('an offer without a backend gets no configuration; resigning calls suspend once ended, update before', async () => {
    const { id: plainOffer } = await createOffer(offerInput('none'))
    const member = await insertMember()
    const plain = await subscribe(member.id, plainOffer)
    expect(await prisma.serviceConfiguration.count({ where: { subscriptionId: plain.id } })).toBe(0)

    const { id: offerId } = await createOffer(offerInput('test'))
    const staff = await insertMember()
    const { id: subscriptionId } = await subscribe(member.id, offerId)
    await resignSubscription({ id: subscriptionId, resignDate: d('2999-12-31'), confirmEarly: false, staffId: staff.id })
    expect(calls.at(-1)).toMatchObject({ hook: 'update', subscriptionId, actorId: staff.id })
    await resignSubscription({ id: subscriptionId, resignDate: d('2026-02-01'), confirmEarly: false, staffId: staff.id })
    expect(calls.at(-1)).toMatchObject({ hook: 'suspend', subscriptionId, actorId: staff.id })
  })

  test('the daily job suspends each ended service once; moving the resignation later lifts the suspension', async () => {
    const { id: offerId } = await createOffer(offerInput('test'))
    const member = await insertMember()
    const staff = await insertMember()
    const { id: subscriptionId } = await subscribe(member.id, offerId)
    const configuration = await prisma.serviceConfiguration.findUniqueOrThrow({ where: { subscriptionId }, select: { id: true } })
    // Resigned on 31 March (its last day): still running on that day, suspended from 1 April.
    await resignSubscription({ id: subscriptionId, resignDate: d('2027-03-31'), confirmEarly: false, staffId: staff.id })
    const suspendCalls = () => calls.filter((c) => c.hook === 'suspend' && c.configurationId === configuration.id).length
    const log = pino({ level: 'silent' })
    await suspendJob({ now: new Date('2027-03-31T12:00:00+02:00'), log })
    expect(suspendCalls()).toBe(0)
    expect(await suspendJob({ now: new Date('2027-04-01T00:07:00+02:00'), log })).toEqual({ suspended: 1 })
    expect(suspendCalls()).toBe(1)
    expect(await suspendJob({ now: new Date('2027-04-02T00:07:00+02:00'), log })).toEqual({ suspended: 0 })
    expect(suspendCalls()).toBe(1)
    expect(await prisma.serviceConfiguration.findUniqueOrThrow({ where: { id: configuration.id }, select: { suspendedAt: true } }))
      .toEqual({ suspendedAt: new Date('2027-04-01T00:07:00+02:00') })

    await resignSubscription({ id: subscriptionId, resignDate: d('2999-12-31'), confirmEarly: false, staffId: staff.id })
    expect(calls.at(-1)).toMatchObject({ hook: 'update', configurationId: configuration.id })
    expect(await prisma.serviceConfiguration.findUniqueOrThrow({ where: { id: configuration.id }, select: { suspendedAt: true } })).toEqual({ suspendedAt: null })
  })

  test("a subnet assigned to or released from a configuration reaches its backend's subnetChanged", async () => {
    const { id: offerId } = await createOffer(offerInput('test'))
    const member = await insertMember()
    const { id: subscriptionId } = await subscribe(member.id, offerId)
    const configuration = await prisma.serviceConfiguration.findUniqueOrThrow({ where: { subscriptionId }, select: { id: true } })
    const pool = await prisma.ipPool.create({ data: { name: `sb-${n}`, network: `10.${90 + n}.0.0/24`, defaultPrefixLength: 32 } })
    const subnet = await prisma.$transaction((tx) => assignSubnet(tx, { poolId: pool.id, network: `10.${90 + n}.0.8/29`, configurationId: configuration.id }))
    expect(calls.at(-1)).toMatchObject({ hook: 'subnetChanged', configurationId: configuration.id })
    const before = calls.length
    await prisma.$transaction((tx) => releaseSubnet(tx, subnet.id))
    expect(calls.length).toBe(before + 1)
    expect(calls.at(-1)).toMatchObject({ hook: 'subnetChanged', configurationId: configuration.id })
  })

  test('a backend switched off takes no new subscription, and an offer cannot name it; a kind cannot change once subscribed', async () => {
    const { id: offerId } = await createOffer(offerInput('test'))
    const member = await insertMember()
    await subscribe(member.id, offerId)
    await expect(updateOffer(offerId, offerInput('none'))).rejects.toMatchObject({ code: 'OFFER_BACKEND_LOCKED' })
    await expect(createOffer(offerInput('vpn'))).rejects.toMatchObject({ code: 'OFFER_BACKEND_UNKNOWN' })
    unregisterBackend('test')
    try {
      await expect(subscribe(member.id, offerId)).rejects.toMatchObject({ code: 'BACKEND_OFF' })
      await expect(createOffer(offerInput('test'))).rejects.toMatchObject({ code: 'OFFER_BACKEND_UNKNOWN' })
      expect(await prisma.subscription.count({ where: { memberId: member.id } })).toBe(1)
    } finally {
      registerBackend(backend)
    }
  })
})
