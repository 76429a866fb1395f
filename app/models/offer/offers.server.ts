import { availableBackendKinds, getBackend } from '#app/backends/registry.server.ts'
import { Prisma } from '#app/generated/prisma/client.ts'
import { prisma } from '#app/utils/db.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { stateWhere } from '#app/models/subscription/subscriptions.server.ts'
import type { OfferInput as OfferForm } from './offer.schema.ts'

/** An offer as saved: the form's fields, the pools optional (none by default). */
type OfferInput = Omit<OfferForm, 'poolIds'> & { poolIds?: number[] }

const offerSelect = {
  id: true, name: true, reference: true, description: true, backend: true, billingPeriodMonths: true,
  periodFeeCents: true, initialFeeCents: true, nonBillable: true, visibleToMembers: true, active: true,
} satisfies Prisma.OfferSelect

function offerData({ periodFee, initialFee, poolIds: _poolIds, ...rest }: OfferInput) {
  return { ...rest, periodFeeCents: periodFee, initialFeeCents: initialFee }
}

/**
 * The backend checks of an offer being saved: a backend switched on (or the one it already has),
 * not changed once the offer has subscriptions (their configurations are of the old kind), and
 * pools that exist — kept only for a backend that uses subnets.
 */
async function checkBackend(tx: Prisma.TransactionClient, input: OfferInput, current: { id: number; backend: string } | null) {
  if (input.backend !== current?.backend && !availableBackendKinds().includes(input.backend)) {
    throw new DomainError({ code: 'OFFER_BACKEND_UNKNOWN', message: 'subscriptions:errors.backendUnknown', status: 400 })
  }
  if (current && input.backend !== current.backend && await tx.subscription.count({ where: { offerId: current.id } }) > 0) {
    throw new DomainError({ code: 'OFFER_BACKEND_LOCKED', message: 'subscriptions:errors.backendLocked', status: 400 })
  }
  const poolIds = getBackend(input.backend)?.usesSubnets ? [...new Set(input.poolIds ?? [])] : []
  if (await tx.ipPool.count({ where: { id: { in: poolIds } } }) !== poolIds.length) {
    throw new DomainError({ code: 'OFFER_POOL_UNKNOWN', message: 'subscriptions:errors.poolUnknown', status: 400 })
  }
  return poolIds.map((id) => ({ id }))
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
  return prisma.offer.findUnique({ where: { id }, select: { ...offerSelect, pools: { select: { id: true } }, _count: { select: { subscriptions: true } } } })
}

/** What the offer form offers: the backends switched on (and the offer's own) and every pool. */
export async function offerFormChoices(currentBackend?: string) {
  const kinds = availableBackendKinds()
  const pools = await prisma.ipPool.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true, network: true } })
  return {
    backends: currentBackend && !kinds.includes(currentBackend) ? [...kinds, currentBackend] : kinds,
    subnetBackends: kinds.filter((kind) => getBackend(kind)?.usesSubnets),
    pools,
  }
}

/** Offers a member can ask for: visible and active. */
export function listRequestableOffers() {
  return prisma.offer.findMany({ where: { visibleToMembers: true, active: true }, orderBy: { name: 'asc' }, select: offerSelect })
}

/** Creates an offer; a reference already used, or a backend that is not on, is a DomainError. */
export function createOffer(input: OfferInput) {
  return prisma.$transaction(async (tx) => {
    const pools = await checkBackend(tx, input, null)
    return tx.offer.create({ data: { ...offerData(input), pools: { connect: pools } }, select: { id: true } })
  }).catch(referenceTaken)
}

export function updateOffer(id: number, input: OfferInput) {
  return prisma.$transaction(async (tx) => {
    const current = await tx.offer.findUniqueOrThrow({ where: { id }, select: { id: true, backend: true } })
    const pools = await checkBackend(tx, input, current)
    return tx.offer.update({ where: { id }, data: { ...offerData(input), pools: { set: pools } }, select: { id: true } })
  }).catch(referenceTaken)
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
