import type { Prisma } from '#app/generated/prisma/client.ts'
import { feeUpToDateWhere } from '#app/models/fee/fees.server.ts'
import { stateWhere } from '#app/models/subscription/subscriptions.server.ts'
import { prisma } from '#app/utils/db.server.ts'

/**
 * Email addresses of members with status MEMBER (Coin's members_email), one each, sorted:
 * with `subscribers`, only those with an active subscription at the date; with `offerIds`, only
 * subscribers of those offers; with `feeUpToDate` true or false, by fee at the date.
 */
export async function listMemberEmails({ date, subscribers = false, offerIds = [], feeUpToDate }: {
  date: Date; subscribers?: boolean; offerIds?: number[]; feeUpToDate?: boolean
}) {
  const subscriptionFilter: Prisma.SubscriptionWhereInput | null =
    subscribers || offerIds.length ? { ...stateWhere('active', date), ...(offerIds.length ? { offerId: { in: offerIds } } : {}) } : null
  const rows = await prisma.member.findMany({
    where: {
      status: 'MEMBER',
      ...(subscriptionFilter ? { subscriptions: { some: subscriptionFilter } } : {}),
      ...(feeUpToDate === undefined ? {} : feeUpToDateWhere(date, feeUpToDate)),
    },
    orderBy: { email: 'asc' },
    select: { email: true },
  })
  return [...new Set(rows.map((r) => r.email))]
}
