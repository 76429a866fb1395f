import { Prisma } from '#app/generated/prisma/client.ts'
import { prisma } from '#app/utils/db.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { stateWhere } from '#app/models/subscription/subscriptions.server.ts'
import type { OfferInput } from './offer.schema.ts'

const offerSelect = {
  id: true, name: true, reference: true, description: true, backend: true, billingPeriodMonths: true,
  periodFeeCents: true, initialFeeCents: true, nonBillable: true, visibleToMembers: true, active: true,
} satisfies Prisma.OfferSelect

function offerData({ periodFee, initialFee, ...rest }: OfferInput) {
  return { ...rest, periodFeeCents: periodFee, initialFeeCents: initialFee }
}

function referenceTaken(error: unknown): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
    throw new DomainError({ code: 'OFFER_REFERENCE_TAKEN', message: 'offerReferenceTaken', cause: error })
  }
  throw error
}

/** Every offer with its number of subscriptions, active offers first. */
export function listOffers() {
  return prisma.offer.findMany({
    orderBy: [{ active: 'desc' }, { name: 'asc' }],
    select: { ...offerSelect, _count: { select: { subscriptions: true } } },
  })
}

export function getOffer(id: number) {
  return prisma.offer.findUnique({ where: { id }, select: { ...offerSelect, _count: { select: { subscriptions: true } } } })
}

/** Offers a member can ask for: visible and active. */
export function listRequestableOffers() {
  return prisma.offer.findMany({ where: { visibleToMembers: true, active: true }, orderBy: { name: 'asc' }, select: offerSelect })
}

/** Creates an offer; a reference already used is a DomainError. */
export function createOffer(input: OfferInput) {
  return prisma.offer.create({ data: offerData(input), select: { id: true } }).catch(referenceTaken)
}

export function updateOffer(id: number, input: OfferInput) {
  return prisma.offer.update({ where: { id }, data: offerData(input), select: { id: true } }).catch(referenceTaken)
}

/** Retires an offer (no new subscriptions; its subscriptions go on) or brings it back. */
export function setOfferActive({ id, active }: { id: number; active: boolean }) {
  return prisma.offer.update({ where: { id }, data: { active }, select: { id: true } })
}

/**
 * Deletes an offer nobody ever subscribed to. An offer with subscriptions can only be retired,
 * so that its history stays (DomainError OFFER_HAS_SUBSCRIPTIONS).
 */
export async function deleteOffer(id: number) {
  return prisma.$transaction(async (tx) => {
    const count = await tx.subscription.count({ where: { offerId: id } })
    if (count > 0) throw new DomainError({ code: 'OFFER_HAS_SUBSCRIPTIONS', message: 'offerHasSubscriptions' })
    await tx.subscriptionRequest.deleteMany({ where: { offerId: id } })
    await tx.offer.delete({ where: { id } })
  })
}

/** Active subscriptions per offer at a date (Coin's offer_subscriptions_count). */
export async function countActiveSubscriptionsByOffer(date: Date) {
  const [offers, counts] = await Promise.all([
    prisma.offer.findMany({ orderBy: { reference: 'asc' }, select: { id: true, reference: true, name: true } }),
    prisma.subscription.groupBy({
      by: ['offerId'],
      where: stateWhere('active', date),
      _count: { _all: true },
    }),
  ])
  const byOffer = new Map(counts.map((c) => [c.offerId, c._count._all]))
  return offers.map((o) => ({ reference: o.reference, name: o.name, count: byOffer.get(o.id) ?? 0 }))
}
