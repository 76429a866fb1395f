import { Prisma } from '#app/generated/prisma/client.ts'
import { changedFields, recordAudit, type Actor } from '#app/models/audit/audit.server.ts'
import { addDays, toIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import type { FeeEditInput, FeeInput } from './fee.schema.ts'
import { defaultFeeEnd, EXPIRING_SOON_DAYS, feeStatus } from './rules.ts'

const feeSelect = { id: true, memberId: true, amountCents: true, startDate: true, endDate: true, paymentMethod: true, reference: true, comment: true } as const

type FeeRow = Prisma.MembershipFeeGetPayload<{ select: typeof feeSelect }>

/** A fee as the audit log keeps it: its fields, dates as YYYY-MM-DD. */
function auditValues({ amountCents, startDate, endDate, paymentMethod, reference, comment }: Omit<FeeRow, 'id' | 'memberId'>) {
  return { amountCents, startDate: toIsoDate(startDate), endDate: toIsoDate(endDate), paymentMethod, reference, comment }
}

const feeNotFound = () => new DomainError({ code: 'FEE_NOT_FOUND', message: 'notFound', status: 404 })

/**
 * Records a membership fee and its 'fee.create' audit entry; the end date defaults to one year
 * after the start, minus a day.
 */
export async function recordFee({ amount, endDate, actorId, ...input }: FeeInput & Required<Actor>) {
  return prisma.$transaction(async (tx) => {
    const member = await tx.member.findUnique({ where: { id: input.memberId }, select: { id: true } })
    if (!member) throw new DomainError({ code: 'MEMBER_NOT_FOUND', message: 'memberNotFound', status: 400 })
    const fee = await tx.membershipFee.create({
      data: { ...input, amountCents: amount, endDate: endDate ?? defaultFeeEnd(input.startDate), paymentMethod: input.paymentMethod ?? null },
      select: feeSelect,
    })
    await recordAudit(tx, { actorId, action: 'fee.create', entity: 'fee', entityId: fee.id, memberId: fee.memberId, after: auditValues(fee) })
    return { id: fee.id }
  })
}

/** One fee with its member, for the staff edit page, or null. */
export function getFee({ id }: { id: number }) {
  return prisma.membershipFee.findUnique({
    where: { id },
    select: { ...feeSelect, member: { select: { id: true, username: true, type: true, organizationName: true, nickname: true, firstName: true, lastName: true } } },
  })
}

/** The fee's row, locked until the end of the transaction, or a 404 DomainError. */
async function lockFee(tx: Prisma.TransactionClient, id: number) {
  const locked = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM "MembershipFee" WHERE id = ${id} FOR UPDATE`
  if (locked.length === 0) throw feeNotFound()
  return tx.membershipFee.findUniqueOrThrow({ where: { id }, select: feeSelect })
}

/**
 * Corrects a fee (amount, dates, payment method, reference, comment) and records what changed
 * as 'fee.update'; an empty end date is one year after the start, minus a day. Returns whether
 * anything changed (nothing is recorded otherwise).
 */
export async function updateFee({ id, actorId, amount, endDate, paymentMethod, ...input }: FeeEditInput & Required<Actor> & { id: number }) {
  return prisma.$transaction(async (tx) => {
    const fee = await lockFee(tx, id)
    const next = { ...input, amountCents: amount, endDate: endDate ?? defaultFeeEnd(input.startDate), paymentMethod: paymentMethod ?? null }
    const { before, after, changed } = changedFields(auditValues(fee), auditValues(next))
    if (!changed) return { changed }
    await tx.membershipFee.update({ where: { id }, data: next, select: { id: true } })
    await recordAudit(tx, { actorId, action: 'fee.update', entity: 'fee', entityId: id, memberId: fee.memberId, before, after })
    return { changed }
  })
}

/** Deletes a fee recorded by mistake, keeping what it was in the 'fee.delete' audit entry. */
export async function deleteFee({ id, actorId }: Required<Actor> & { id: number }) {
  return prisma.$transaction(async (tx) => {
    const fee = await lockFee(tx, id)
    await tx.membershipFee.delete({ where: { id }, select: { id: true } })
    await recordAudit(tx, { actorId, action: 'fee.delete', entity: 'fee', entityId: id, memberId: fee.memberId, before: auditValues(fee) })
    return { memberId: fee.memberId }
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

/** Members on one page of the fees list. */
export const FEES_PER_PAGE = 50

/**
 * Members (status MEMBER) by fee situation at a date, from the end of their latest fee: expired
 * (no fee, or ended before the date), expiring within `days`, or up to date. Filtered, counted
 * and paged in PostgreSQL, 50 a page, the soonest end first.
 */
export async function listMembersByFee({ filter, date, days = EXPIRING_SOON_DAYS, page = 1 }: { filter?: FeeFilter; date: Date; days?: number; page?: number }) {
  const soon = addDays(date, days)
  const condition = {
    expired: Prisma.sql`("endDate" IS NULL OR "endDate" < ${date}::date)`,
    expiring: Prisma.sql`("endDate" >= ${date}::date AND "endDate" < ${soon}::date)`,
    upToDate: Prisma.sql`"endDate" >= ${date}::date`,
  }
  const rows = await prisma.$queryRaw<{ id: number; username: string; firstName: string; lastName: string; nickname: string; organizationName: string; type: 'NATURAL_PERSON' | 'LEGAL_ENTITY'; email: string; endDate: Date | null; total: number }[]>`
    SELECT *, (count(*) OVER ())::int AS total FROM (
      SELECT m.id, m.username, m."firstName", m."lastName", m.nickname, m."organizationName", m.type::text AS type, m.email,
             (SELECT max(f."endDate") FROM "MembershipFee" f WHERE f."memberId" = m.id) AS "endDate"
      FROM "Member" m WHERE m.status = 'MEMBER') members
    ${filter ? Prisma.sql`WHERE ${condition[filter]}` : Prisma.empty}
    ORDER BY "endDate" ASC NULLS FIRST, username
    LIMIT ${FEES_PER_PAGE} OFFSET ${(page - 1) * FEES_PER_PAGE}`
  const total = rows[0]?.total ?? 0
  return { members: rows.map(({ total: _total, ...row }) => row), total, pageCount: Math.max(1, Math.ceil(total / FEES_PER_PAGE)) }
}

/** Conditions on members for their fee at a date (Coin's "up to date" is: latest fee ends on or after it). */
export function feeUpToDateWhere(date: Date, upToDate: boolean): Prisma.MemberWhereInput {
  return upToDate ? { membershipFees: { some: { endDate: { gte: date } } } } : { membershipFees: { none: { endDate: { gte: date } } } }
}
