import type { Prisma } from '#app/generated/prisma/client.ts'
import { createConfiguration, subscriptionChanged } from '#app/backends/registry.server.ts'
import { changedFields, recordAudit, type Actor } from '#app/models/audit/audit.server.ts'
import { normalizeReference, referenceShape } from '#app/models/payment/bank-references.ts'
import { toIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import {
  commitmentEnd, computedSubscriptionReference, resignsBeforeCommitmentEnd, subscriptionReference, subscriptionState, type SubscriptionState,
} from './rules.ts'
import type { SubscriptionEditInput, SubscriptionInput } from './subscription.schema.ts'

const subscriptionSelect = {
  id: true, subscriptionDate: true, resignDate: true, commitmentMonths: true, comments: true, reference: true,
  earlyResignConfirmedAt: true,
  offer: { select: { id: true, name: true, reference: true } },
  member: { select: { id: true, username: true, type: true, firstName: true, lastName: true, nickname: true, organizationName: true } },
} satisfies Prisma.SubscriptionSelect

type Row = Prisma.SubscriptionGetPayload<{ select: typeof subscriptionSelect }>

/**
 * Adds the state at `date` and the transfer reference to subscription rows: `reference` is the
 * one members quote (the override when set), `referenceOverride` the override alone ('' for none)
 * and `computedReference` the one SUBSCRIPTION_REFERENCE gives.
 */
function withDerived(rows: Row[], date: Date) {
  const pattern = getEnv().SUBSCRIPTION_REFERENCE
  return rows.map((s) => ({
    ...s,
    referenceOverride: s.reference,
    computedReference: computedSubscriptionReference(pattern, { offer: s.offer, subscription: s, member: s.member }),
    state: subscriptionState(s, date),
    reference: subscriptionReference(pattern, { offer: s.offer, subscription: s, member: s.member }),
  }))
}

/** The SQL condition for a subscription state at a date. */
export function stateWhere(state: SubscriptionState, date: Date): Prisma.SubscriptionWhereInput {
  if (state === 'future') return { subscriptionDate: { gt: date } }
  if (state === 'resigned') return { resignDate: { lt: date } }
  return { subscriptionDate: { lte: date }, OR: [{ resignDate: null }, { resignDate: { gte: date } }] }
}

export const SUBSCRIPTIONS_PAGE_SIZE = 50

/** Subscriptions for the staff list, filtered by offer, member and state at a date. */
export async function listSubscriptions({ offerId, memberId, state, date, page = 1 }: {
  offerId?: number; memberId?: number; state?: SubscriptionState; date: Date; page?: number
}) {
  const where: Prisma.SubscriptionWhereInput = {
    ...(offerId ? { offerId } : {}),
    ...(memberId ? { memberId } : {}),
    ...(state ? stateWhere(state, date) : {}),
  }
  const [total, rows] = await Promise.all([
    prisma.subscription.count({ where }),
    prisma.subscription.findMany({
      where, select: subscriptionSelect, orderBy: [{ subscriptionDate: 'desc' }, { id: 'desc' }],
      skip: (page - 1) * SUBSCRIPTIONS_PAGE_SIZE, take: SUBSCRIPTIONS_PAGE_SIZE,
    }),
  ])
  return { total, subscriptions: withDerived(rows, date) }
}

/** One subscription with its state, reference and who confirmed an early resignation, or null. */
export async function getSubscription(id: number, date: Date) {
  const row = await prisma.subscription.findUnique({ where: { id }, select: { ...subscriptionSelect, earlyResignConfirmedBy: true } })
  if (!row) return null
  const { earlyResignConfirmedBy, ...rest } = row
  const confirmedBy = earlyResignConfirmedBy
    ? await prisma.member.findUnique({ where: { id: earlyResignConfirmedBy }, select: { username: true } })
    : null
  return { ...withDerived([rest], date)[0], earlyResignConfirmedBy: confirmedBy?.username ?? null }
}

/** A member's own subscriptions (memberId from the session), newest first. */
export async function listMemberSubscriptions({ memberId, date }: { memberId: number; date: Date }) {
  const rows = await prisma.subscription.findMany({ where: { memberId }, select: subscriptionSelect, orderBy: [{ subscriptionDate: 'desc' }, { id: 'desc' }] })
  return withDerived(rows, date)
}

/**
 * Creates a subscription and its 'subscription.create' audit entry, in `outer` when given (a
 * request's approval) or in a transaction of its own; the member and the offer must exist, and a
 * retired offer takes none.
 */
export async function createSubscription({ actorId, ...input }: SubscriptionInput & Required<Actor>, outer?: Prisma.TransactionClient) {
  const create = async (tx: Prisma.TransactionClient) => {
    const [member, offer] = await Promise.all([
      tx.member.findUnique({ where: { id: input.memberId }, select: { id: true } }),
      tx.offer.findUnique({ where: { id: input.offerId }, select: { id: true, active: true } }),
    ])
    if (!member) throw new DomainError({ code: 'MEMBER_NOT_FOUND', message: 'memberNotFound', status: 400 })
    if (!offer) throw new DomainError({ code: 'OFFER_NOT_FOUND', message: 'offerNotFound', status: 400 })
    if (!offer.active) throw new DomainError({ code: 'OFFER_RETIRED', message: 'offerRetired' })
    const subscription = await tx.subscription.create({ data: input, select: { id: true } })
    // The offer's service: a VPN account with its subnets… (app/backends/registry.server.ts).
    await createConfiguration(tx, { subscriptionId: subscription.id, actorId })
    const { memberId, offerId, subscriptionDate, resignDate, commitmentMonths, comments } = input
    await recordAudit(tx, {
      actorId, action: 'subscription.create', entity: 'subscription', entityId: subscription.id, memberId,
      after: { offerId, subscriptionDate: toIsoDate(subscriptionDate), resignDate: resignDate ? toIsoDate(resignDate) : null, commitmentMonths, comments },
    })
    return subscription
  }
  return outer ? create(outer) : prisma.$transaction(create)
}

export type ResignResult = { status: 'resigned' } | { status: 'needsConfirmation'; commitmentEnd: Date }

/**
 * Resigns a subscription at a date. Before the end of the commitment it asks for confirmation
 * first; a confirmed early resignation records when and by whom. The change is recorded as
 * 'subscription.resign' in the audit log.
 */
export async function resignSubscription({ id, resignDate, confirmEarly, staffId }: {
  id: number; resignDate: Date; confirmEarly: boolean; staffId: number
}): Promise<ResignResult> {
  return prisma.$transaction(async (tx) => {
    const s = await lockSubscription(tx, id)
    if (resignDate < s.subscriptionDate) throw new DomainError({ code: 'RESIGN_BEFORE_SUBSCRIBE', message: 'resignBeforeSubscribe', status: 400 })
    const early = resignsBeforeCommitmentEnd(s, resignDate)
    if (early && !confirmEarly) return { status: 'needsConfirmation', commitmentEnd: commitmentEnd(s)! }
    await tx.subscription.update({
      where: { id },
      data: { resignDate, ...(early ? { earlyResignConfirmedAt: new Date(), earlyResignConfirmedBy: staffId } : { earlyResignConfirmedAt: null, earlyResignConfirmedBy: null }) },
    })
    const { before, after } = changedFields(
      { resignDate: s.resignDate ? toIsoDate(s.resignDate) : null, earlyResign: s.earlyResignConfirmedAt !== null },
      { resignDate: toIsoDate(resignDate), earlyResign: early },
    )
    await recordAudit(tx, { actorId: staffId, action: 'subscription.resign', entity: 'subscription', entityId: id, memberId: s.memberId, before, after })
    await subscriptionChanged(tx, { subscriptionId: id, actorId: staffId })
    return { status: 'resigned' }
  })
}

/** The subscription's row, locked until the end of the transaction, or a 404 DomainError. */
async function lockSubscription(tx: Prisma.TransactionClient, id: number) {
  const locked = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM "Subscription" WHERE id = ${id} FOR UPDATE`
  if (locked.length === 0) throw new DomainError({ code: 'SUBSCRIPTION_NOT_FOUND', message: 'notFound', status: 404 })
  return tx.subscription.findUniqueOrThrow({
    where: { id },
    select: { memberId: true, subscriptionDate: true, resignDate: true, earlyResignConfirmedAt: true, commitmentMonths: true, comments: true, reference: true },
  })
}

/**
 * True when another subscription's reference override, or the reference SUBSCRIPTION_REFERENCE
 * computes for it, reads as `reference` once banks mangled both (REF-A-1 and ref a 1 are one).
 */
async function referenceTaken(tx: Prisma.TransactionClient, { id, reference }: { id: number; reference: string }) {
  const key = normalizeReference(reference)
  const pattern = getEnv().SUBSCRIPTION_REFERENCE
  const others = await tx.subscription.findMany({
    where: { id: { not: id } },
    select: { id: true, reference: true, offer: { select: { id: true, reference: true } }, member: { select: { id: true, username: true } } },
  })
  return others.some((o) =>
    (o.reference !== '' && normalizeReference(o.reference) === key)
    || normalizeReference(computedSubscriptionReference(pattern, { offer: o.offer, subscription: o, member: o.member })) === key)
}

/**
 * True when a reference has the shape of those SUBSCRIPTION_REFERENCE computes (REF-VPN-57): a
 * subscription created later could be computed the same, and the bank import could no longer
 * tell the two apart.
 */
function looksComputed(reference: string) {
  const shape = referenceShape(getEnv().SUBSCRIPTION_REFERENCE)
  return shape !== null && new RegExp(`^(?:${shape.source})$`).test(normalizeReference(reference))
}

/**
 * Corrects a subscription's comments, commitment and transfer reference override ('' for the
 * computed one), recording what changed as 'subscription.update'. An override another
 * subscription already answers to is refused (REFERENCE_TAKEN): the bank import could not tell
 * them apart. Returns whether anything changed.
 */
export async function updateSubscription({ id, actorId, ...input }: SubscriptionEditInput & Required<Actor> & { id: number }) {
  return prisma.$transaction(async (tx) => {
    // One override change at a time, so that two staff cannot give two subscriptions one reference.
    await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext('coin.subscription.reference'))`
    const s = await lockSubscription(tx, id)
    const { before, after, changed } = changedFields({ comments: s.comments, commitmentMonths: s.commitmentMonths, reference: s.reference }, input)
    if (!changed) return { changed }
    if (input.reference !== s.reference && input.reference !== '') {
      if (looksComputed(input.reference)) throw new DomainError({ code: 'REFERENCE_LOOKS_COMPUTED', message: 'subscriptions:errors.referenceLooksComputed', status: 400 })
      if (await referenceTaken(tx, { id, reference: input.reference })) throw new DomainError({ code: 'REFERENCE_TAKEN', message: 'subscriptions:errors.referenceTaken', status: 400 })
    }
    await tx.subscription.update({ where: { id }, data: input, select: { id: true } })
    await recordAudit(tx, { actorId, action: 'subscription.update', entity: 'subscription', entityId: id, memberId: s.memberId, before, after })
    return { changed }
  })
}
