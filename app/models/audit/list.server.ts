import { Prisma } from '#app/generated/prisma/client.ts'
import { findMemberByIdOrUsername } from '#app/models/member/lookup.server.ts'
import { displayName } from '#app/models/member/username.ts'
import { toIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { AuditQuerySchema } from './audit.schema.ts'
import type { AuditEntity } from './audit.server.ts'

/** Entries on one page of the journal. */
export const AUDIT_PAGE_SIZE = 50

export type AuditFilter = {
  entity?: AuditEntity
  entityId?: number
  memberId?: number
  actorId?: number
  /** First and last calendar days (UTC-midnight dates), both included, in the ISP's time zone. */
  from?: Date | null
  to?: Date | null
}

type NameColumns = { Username: string | null; Type: string | null; OrganizationName: string | null; Nickname: string | null; FirstName: string | null; LastName: string | null }
type Prefixed<P extends string> = { [K in keyof NameColumns as `${P}${K}`]: NameColumns[K] }
type AuditRow = {
  id: bigint; at: Date; actorId: number | null; action: string; entity: string; entityId: number; memberId: number | null
  before: Prisma.JsonValue | null; after: Prisma.JsonValue | null; total: number
} & Prefixed<'actor'> & Prefixed<'member'>

const nameColumns = (alias: 'a' | 'm', prefix: 'actor' | 'member') => Prisma.raw(
  ['username', 'type', 'organizationName', 'nickname', 'firstName', 'lastName']
    .map((c) => `${alias}."${c}"${c === 'type' ? '::text' : ''} AS "${prefix}${c[0].toUpperCase()}${c.slice(1)}"`)
    .join(', '),
)

/** The SQL condition of a filter; days start and end at midnight in the ISP's time zone. */
function whereSql({ entity, entityId, memberId, actorId, from, to }: AuditFilter) {
  const timeZone = process.env.TZ || 'Europe/Paris'
  const conditions = [Prisma.sql`TRUE`]
  if (entity) conditions.push(Prisma.sql`e.entity = ${entity}`)
  if (entityId !== undefined) conditions.push(Prisma.sql`e."entityId" = ${entityId}`)
  if (memberId !== undefined) conditions.push(Prisma.sql`e."memberId" = ${memberId}`)
  if (actorId !== undefined) conditions.push(Prisma.sql`e."actorId" = ${actorId}`)
  if (from) conditions.push(Prisma.sql`e.at >= (${toIsoDate(from)}::date::timestamp AT TIME ZONE ${timeZone})`)
  if (to) conditions.push(Prisma.sql`e.at < ((${toIsoDate(to)}::date + 1)::timestamp AT TIME ZONE ${timeZone})`)
  return Prisma.join(conditions, ' AND ')
}

function personName(row: AuditRow, prefix: 'actor' | 'member') {
  const username = row[`${prefix}Username`]
  if (username === null) return null
  return displayName({
    username,
    type: row[`${prefix}Type`] ?? '',
    organizationName: row[`${prefix}OrganizationName`] ?? '',
    nickname: row[`${prefix}Nickname`] ?? '',
    firstName: row[`${prefix}FirstName`] ?? '',
    lastName: row[`${prefix}LastName`] ?? '',
  })
}

async function queryEntries(filter: AuditFilter, page?: { limit: number; offset: number }) {
  const rows = await prisma.$queryRaw<AuditRow[]>`
    SELECT e.id, e.at, e."actorId", e.action, e.entity, e."entityId", e."memberId", e.before, e.after,
           ${nameColumns('a', 'actor')}, ${nameColumns('m', 'member')}, (count(*) OVER ())::int AS total
    FROM "AuditEntry" e
    LEFT JOIN "Member" a ON a.id = e."actorId"
    LEFT JOIN "Member" m ON m.id = e."memberId"
    WHERE ${whereSql(filter)}
    ORDER BY e.at DESC, e.id DESC
    ${page ? Prisma.sql`LIMIT ${page.limit} OFFSET ${page.offset}` : Prisma.empty}`
  const entries = rows.map((row) => ({
    id: String(row.id),
    at: row.at,
    actorId: row.actorId,
    actorName: personName(row, 'actor'),
    actorUsername: row.actorUsername,
    action: row.action,
    entity: row.entity,
    entityId: row.entityId,
    memberId: row.memberId,
    memberName: personName(row, 'member'),
    memberUsername: row.memberUsername,
    before: row.before,
    after: row.after,
  }))
  return { entries, total: rows[0]?.total ?? 0 }
}

export type AuditListEntry = Awaited<ReturnType<typeof queryEntries>>['entries'][number]

/**
 * Audit entries matching a filter, newest first, a page at a time, with the names of who made
 * each change and of the member it concerns. `total` counts every matching entry.
 */
export async function listAuditEntries({ page = 1, pageSize = AUDIT_PAGE_SIZE, ...filter }: AuditFilter & { page?: number; pageSize?: number }) {
  const { entries, total } = await queryEntries(filter, { limit: pageSize, offset: (page - 1) * pageSize })
  return { entries, total, page, pageSize }
}

/** Every audit entry matching a filter, newest first (the CSV export). */
export async function listAllAuditEntries(filter: AuditFilter) {
  return (await queryEntries(filter)).entries
}

/** The latest changes to one row (a payment, an invoice, a fee…), newest first, for its page. */
export async function loadHistory({ entity, entityId, limit = AUDIT_PAGE_SIZE }: { entity: AuditEntity; entityId: number; limit?: number }) {
  return (await queryEntries({ entity, entityId }, { limit, offset: 0 })).entries
}

/** Staff people, for the journal's "who" filter. */
export async function listAuditActors() {
  const rows = await prisma.member.findMany({
    where: { roles: { hasSome: ['STAFF', 'SUPERUSER'] } },
    orderBy: { username: 'asc' },
    select: { id: true, username: true, type: true, organizationName: true, nickname: true, firstName: true, lastName: true },
  })
  return rows.map((m) => ({ id: m.id, username: m.username, name: displayName(m) }))
}

/**
 * The journal's filter from its GET parameters: the texts to show back in the form, the filter
 * to apply (null when a field is wrong) and field errors (i18n keys) for wrong fields: a bad or
 * reversed date, an unknown staff id, a member no number or username names.
 */
export async function parseAuditQuery(params: URLSearchParams) {
  const text = (name: string) => params.get(name)?.slice(0, 64) ?? ''
  const values = { actor: text('actor'), member: text('member'), entity: text('entity'), from: text('from'), to: text('to') }
  const parsed = AuditQuerySchema.safeParse(Object.fromEntries(params))
  if (!parsed.success) {
    const errors: Record<string, string[]> = {}
    for (const issue of parsed.error.issues) (errors[String(issue.path[0])] ??= []).push(issue.message)
    return { values, errors, filter: null, page: 1 }
  }
  const { actor, member: memberText, entity, from, to, page } = parsed.data
  const member = memberText ? await findMemberByIdOrUsername(memberText) : null
  if (memberText && !member) {
    const errors: Record<string, string[]> = { member: ['audit:errors.memberUnknown'] }
    return { values, errors, filter: null, page }
  }
  const filter: AuditFilter = { actorId: actor, memberId: member?.id, entity, from, to }
  const none: Record<string, string[]> = {}
  return { values, errors: none, filter, page }
}
