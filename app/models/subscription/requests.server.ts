import { Prisma } from '#app/generated/prisma/client.ts'
import { queueEmail, recipientSelect } from '#app/models/email/outbox.server.ts'
import { prisma } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { createSubscription } from './subscriptions.server.ts'

const pendingKey = (memberId: number, offerId: number) => `${memberId}:${offerId}`

/**
 * A member asks for an offer they can see. Asking again while a request for the same offer is
 * pending returns that request (a double submission creates one request).
 */
export async function createRequest({ memberId, offerId, message }: { memberId: number; offerId: number; message: string }) {
  const offer = await prisma.offer.findFirst({ where: { id: offerId, visibleToMembers: true, active: true }, select: { id: true } })
  if (!offer) throw new DomainError({ code: 'OFFER_NOT_REQUESTABLE', message: 'offerNotRequestable', status: 400 })
  const key = pendingKey(memberId, offerId)
  try {
    // The member is told the request arrived; the email exists exactly when the request does.
    return await prisma.$transaction(async (tx) => {
      const request = await tx.subscriptionRequest.create({ data: { memberId, offerId, message, pendingKey: key }, select: { id: true, offer: { select: { name: true } }, member: { select: recipientSelect } } })
      await queueEmail({ template: 'subscription-request-received', member: request.member, props: { offerName: request.offer.name, requestsUrl: `${getEnv().PUBLIC_URL}/subscriptions` } }, tx)
      return { id: request.id }
    })
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      return prisma.subscriptionRequest.findUniqueOrThrow({ where: { pendingKey: key }, select: { id: true } })
    }
    throw error
  }
}

const requestSelect = {
  id: true, message: true, status: true, createdAt: true, decidedAt: true, rejectReason: true, subscriptionId: true,
  offer: { select: { id: true, name: true, reference: true } },
} satisfies Prisma.SubscriptionRequestSelect

/** A member's own requests, newest first (memberId from the session). */
export function listMemberRequests({ memberId }: { memberId: number }) {
  return prisma.subscriptionRequest.findMany({ where: { memberId }, orderBy: { createdAt: 'desc' }, select: requestSelect })
}

/** Requests for staff: pending ones first, oldest first, then the latest decisions. */
export async function listRequestsForStaff() {
  const select = {
    ...requestSelect,
    member: { select: { id: true, username: true, type: true, firstName: true, lastName: true, nickname: true, organizationName: true } },
  } satisfies Prisma.SubscriptionRequestSelect
  const [pending, decided] = await Promise.all([
    prisma.subscriptionRequest.findMany({ where: { status: 'PENDING' }, orderBy: { createdAt: 'asc' }, select }),
    prisma.subscriptionRequest.findMany({ where: { status: { not: 'PENDING' } }, orderBy: { decidedAt: 'desc' }, take: 20, select }),
  ])
  return { pending, decided }
}

export function countPendingRequests() {
  return prisma.subscriptionRequest.count({ where: { status: 'PENDING' } })
}

function alreadyDecided(): never {
  throw new DomainError({ code: 'REQUEST_ALREADY_DECIDED', message: 'requestAlreadyDecided' })
}

/**
 * Approves a pending request: creates the subscription at the chosen date in the same
 * transaction. A request decided meanwhile (two staff at once) is refused.
 */
export function approveRequest({ id, staffId, subscriptionDate, commitmentMonths = 0 }: { id: number; staffId: number; subscriptionDate: Date; commitmentMonths?: number }) {
  return prisma.$transaction(async (tx) => {
    const request = await tx.subscriptionRequest.findUnique({ where: { id }, select: { memberId: true, offerId: true, status: true } })
    if (!request) throw new DomainError({ code: 'REQUEST_NOT_FOUND', message: 'notFound', status: 404 })
    if (request.status !== 'PENDING') alreadyDecided()
    const subscription = await createSubscription(
      { memberId: request.memberId, offerId: request.offerId, subscriptionDate, resignDate: null, commitmentMonths, comments: '', actorId: staffId },
      tx,
    )
    const { count } = await tx.subscriptionRequest.updateMany({
      where: { id, status: 'PENDING' },
      data: { status: 'APPROVED', decidedAt: new Date(), decidedById: staffId, subscriptionId: subscription.id, pendingKey: null },
    })
    if (count !== 1) alreadyDecided()
    const { member, offer } = await tx.subscriptionRequest.findUniqueOrThrow({ where: { id }, select: { member: { select: recipientSelect }, offer: { select: { name: true } } } })
    await queueEmail({ template: 'subscription-request-approved', member, props: { offerName: offer.name, subscriptionDate, subscriptionsUrl: `${getEnv().PUBLIC_URL}/subscriptions` } }, tx)
    return subscription
  })
}

/** Rejects a pending request with a reason the member sees. */
export function rejectRequest({ id, staffId, reason }: { id: number; staffId: number; reason: string }) {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.subscriptionRequest.updateMany({
      where: { id, status: 'PENDING' },
      data: { status: 'REJECTED', decidedAt: new Date(), decidedById: staffId, rejectReason: reason, pendingKey: null },
    })
    if (count !== 1) {
      const exists = await tx.subscriptionRequest.count({ where: { id } })
      if (!exists) throw new DomainError({ code: 'REQUEST_NOT_FOUND', message: 'notFound', status: 404 })
      alreadyDecided()
    }
    const { member, offer } = await tx.subscriptionRequest.findUniqueOrThrow({ where: { id }, select: { member: { select: recipientSelect }, offer: { select: { name: true } } } })
    await queueEmail({ template: 'subscription-request-rejected', member, props: { offerName: offer.name, reason, subscriptionsUrl: `${getEnv().PUBLIC_URL}/subscriptions` } }, tx)
  })
}
