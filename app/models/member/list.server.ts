import type { Prisma } from '#app/generated/prisma/client.ts'
import { prisma } from '#app/utils/db.server.ts'
import { escapeLike } from '#app/utils/like.ts'
import type { MemberListQuery } from './member.schema.ts'

export const PAGE_SIZE = 50

/**
 * A search word as the database stores searchText: lower-case, without accents (as PostgreSQL's
 * unaccent, for the letters French names use).
 */
export function normalizeSearchWord(word: string) {
  return word
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
}

/**
 * Every word of the search must appear in the member's names, username, email or organisation,
 * ignoring case and accents ("herve dupond" finds "Hervé DUPOND"). `%` and `_` are plain
 * characters. Uses the trigram index on searchText.
 */
export function memberSearchWhere({ q, status }: Pick<MemberListQuery, 'q' | 'status'>): Prisma.MemberWhereInput {
  const words = q.split(/\s+/).map(normalizeSearchWord).filter(Boolean).slice(0, 8)
  return {
    ...(status ? { status } : {}),
    AND: words.map((word) => ({ searchText: { contains: escapeLike(word) } })),
  }
}

function orderBy({ sort, dir }: Pick<MemberListQuery, 'sort' | 'dir'>): Prisma.MemberOrderByWithRelationInput[] {
  if (sort === 'name') return [{ lastName: dir }, { firstName: dir }, { id: dir }]
  return [{ [sort]: dir }, { id: dir }]
}

const listSelect = {
  id: true, username: true, type: true, firstName: true, lastName: true, nickname: true,
  organizationName: true, email: true, status: true, dateJoined: true,
} satisfies Prisma.MemberSelect

/** One page of the admin members list, with the total for the filter. */
export async function listMembers(query: MemberListQuery) {
  const where = memberSearchWhere(query)
  const [total, members] = await Promise.all([
    prisma.member.count({ where }),
    prisma.member.findMany({
      where,
      orderBy: orderBy(query),
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: listSelect,
    }),
  ])
  return { total, members, pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)) }
}

/** Members per status, for the admin overview. */
export async function countMembersByStatus() {
  const rows = await prisma.member.groupBy({ by: ['status'], _count: { _all: true } })
  return Object.fromEntries(rows.map((r) => [r.status, r._count._all])) as Partial<Record<(typeof rows)[number]['status'], number>>
}

/** How many current members (status MEMBER) joined each year, oldest year first, years without any included. */
export async function countMembersByJoinYear() {
  const rows = await prisma.$queryRaw<{ year: number; count: number }[]>`
    SELECT extract(year FROM "dateJoined")::int AS year, count(*)::int AS count
    FROM "Member" WHERE status = 'MEMBER' GROUP BY 1 ORDER BY 1`
  if (rows.length === 0) return []
  const byYear = new Map(rows.map((r) => [r.year, r.count]))
  const first = rows[0].year
  return Array.from({ length: rows.at(-1)!.year - first + 1 }, (_, i) => ({ year: first + i, count: byYear.get(first + i) ?? 0 }))
}

const csvSelect = {
  ...listSelect, homePhone: true, mobilePhone: true, address: true, postalCode: true, city: true,
  country: true, resignDate: true,
} satisfies Prisma.MemberSelect

export const CSV_COLUMNS = [
  'id', 'username', 'status', 'type', 'firstName', 'lastName', 'nickname', 'organizationName', 'email',
  'homePhone', 'mobilePhone', 'address', 'postalCode', 'city', 'country', 'dateJoined', 'resignDate',
] as const

/** Members matching the filter, every page, in the list's order, for the CSV export. */
export function listMembersForExport(query: MemberListQuery) {
  return prisma.member.findMany({ where: memberSearchWhere(query), orderBy: orderBy(query), select: csvSelect })
}
