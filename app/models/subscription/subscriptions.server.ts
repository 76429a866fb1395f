import type { Prisma } from '#app/generated/prisma/client.ts'
import { prisma } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { commitmentEnd, resignsBeforeCommitmentEnd, subscriptionReference, subscriptionState, type SubscriptionState } from './rules.ts'
import type { SubscriptionInput } from './subscription.schema.ts'

const subscriptionSelect = {
  id: true, subscriptionDate: true, resignDate: true, commitmentMonths: true, comments: true,
  earlyResignConfirmedAt: true,
  offer: { select: { id: true, name: true, reference: true } },
  member: { select: { id: true, username: true, type: true, firstName: true, lastName: true, nickname: true, organizationName: true } },
} satisfies Prisma.SubscriptionSelect

type Row = Prisma.SubscriptionGetPayload<{ select: typeof subscriptionSelect }>

/** Adds the state at `date` and the transfer reference to subscription rows. */
function withDerived(rows: Row[], date: Date) {
  const pattern = getEnv().SUBSCRIPTION_REFERENCE
  return rows.map((s) => ({
    ...s,
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

/** Creates a subscription; the member and the offer must exist, and a retired offer takes none. */
export async function createSubscription(input: SubscriptionInput, db: Prisma.TransactionClient | typeof prisma = prisma) {
  const [member, offer] = await Promise.all([
    db.member.findUnique({ where: { id: input.memberId }, select: { id: true } }),
    db.offer.findUnique({ where: { id: input.offerId }, select: { id: true, active: true } }),
  ])
  if (!member) throw new DomainError({ code: 'MEMBER_NOT_FOUND', message: 'memberNotFound', status: 400 })
  if (!offer) throw new DomainError({ code: 'OFFER_NOT_FOUND', message: 'offerNotFound', status: 400 })
  if (!offer.active) throw new DomainError({ code: 'OFFER_RETIRED', message: 'offerRetired' })
  return db.subscription.create({ data: input, select: { id: true } })
}

export type ResignResult = { status: 'resigned' } | { status: 'needsConfirmation'; commitmentEnd: Date }

/**
 * Resigns a subscription at a date. Before the end of the commitment it asks for confirmation
 * first; a confirmed early resignation records when and by whom.
 */
export async function resignSubscription({ id, resignDate, confirmEarly, staffId }: {
  id: number; resignDate: Date; confirmEarly: boolean; staffId: number
}): Promise<ResignResult> {
  const s = await prisma.subscription.findUnique({ where: { id }, select: { subscriptionDate: true, commitmentMonths: true } })
  if (!s) throw new DomainError({ code: 'SUBSCRIPTION_NOT_FOUND', message: 'notFound', status: 404 })
  if (resignDate < s.subscriptionDate) throw new DomainError({ code: 'RESIGN_BEFORE_SUBSCRIBE', message: 'resignBeforeSubscribe', status: 400 })
  const early = resignsBeforeCommitmentEnd(s, resignDate)
  if (early && !confirmEarly) return { status: 'needsConfirmation', commitmentEnd: commitmentEnd(s)! }
  await prisma.subscription.update({
    where: { id },
    data: { resignDate, ...(early ? { earlyResignConfirmedAt: new Date(), earlyResignConfirmedBy: staffId } : { earlyResignConfirmedAt: null, earlyResignConfirmedBy: null }) },
  })
  return { status: 'resigned' }
}
