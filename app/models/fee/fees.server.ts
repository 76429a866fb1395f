import type { Prisma } from '#app/generated/prisma/client.ts'
import { addDays } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import type { FeeInput } from './fee.schema.ts'
import { defaultFeeEnd, EXPIRING_SOON_DAYS, feeStatus } from './rules.ts'

/** Records a membership fee; the end date defaults to one year after the start, minus a day. */
export async function recordFee({ amount, endDate, ...input }: FeeInput) {
  const member = await prisma.member.findUnique({ where: { id: input.memberId }, select: { id: true } })
  if (!member) throw new DomainError({ code: 'MEMBER_NOT_FOUND', message: 'memberNotFound', status: 400 })
  return prisma.membershipFee.create({
    data: { ...input, amountCents: amount, endDate: endDate ?? defaultFeeEnd(input.startDate), paymentMethod: input.paymentMethod ?? null },
    select: { id: true },
  })
}

/** The end of a member's latest fee, and their fee status at a date. */
export async function getMemberFeeStatus({ memberId, date }: { memberId: number; date: Date }) {
  const { _max } = await prisma.membershipFee.aggregate({ where: { memberId }, _max: { endDate: true } })
  return { endDate: _max.endDate, status: feeStatus(_max.endDate, date) }
}

/** A member's fees, newest first. */
export function listMemberFees({ memberId }: { memberId: number }) {
  return prisma.membershipFee.findMany({
    where: { memberId },
    orderBy: [{ startDate: 'desc' }, { id: 'desc' }],
    select: { id: true, amountCents: true, startDate: true, endDate: true, paymentMethod: true, reference: true, comment: true },
  })
}

export type FeeFilter = 'expired' | 'expiring' | 'upToDate'

/**
 * Members (status MEMBER) by fee situation at a date, from the end of their latest fee:
 * expired (no fee, or ended before the date), expiring within `days`, or up to date.
 */
export async function listMembersByFee({ filter, date, days = EXPIRING_SOON_DAYS }: { filter?: FeeFilter; date: Date; days?: number }) {
  const rows = await prisma.$queryRaw<{ id: number; username: string; firstName: string; lastName: string; nickname: string; organizationName: string; type: 'NATURAL_PERSON' | 'LEGAL_ENTITY'; email: string; endDate: Date | null }[]>`
    SELECT m.id, m.username, m."firstName", m."lastName", m.nickname, m."organizationName", m.type::text AS type, m.email,
           (SELECT max(f."endDate") FROM "MembershipFee" f WHERE f."memberId" = m.id) AS "endDate"
    FROM "Member" m WHERE m.status = 'MEMBER' ORDER BY "endDate" ASC NULLS FIRST, m.username`
  const soon = addDays(date, days)
  return rows.filter((r) => {
    if (!filter) return true
    if (filter === 'expired') return r.endDate === null || r.endDate < date
    if (filter === 'expiring') return r.endDate !== null && r.endDate >= date && r.endDate < soon
    return r.endDate !== null && r.endDate >= date
  })
}

/** Conditions on members for their fee at a date (Coin's "up to date" is: latest fee ends on or after it). */
export function feeUpToDateWhere(date: Date, upToDate: boolean): Prisma.MemberWhereInput {
  return upToDate ? { membershipFees: { some: { endDate: { gte: date } } } } : { membershipFees: { none: { endDate: { gte: date } } } }
}
