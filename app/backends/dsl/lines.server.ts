import { Prisma } from '#app/generated/prisma/client.ts'
import { listConfigurationSubnets } from '#app/models/ip/configuration-subnets.server.ts'
import { sqlState } from '#app/models/ip/network.server.ts'
import { memberSearchWhere, normalizeSearchWord } from '#app/models/member/list.server.ts'
import { displayName } from '#app/models/member/username.ts'
import { prisma } from '#app/utils/db.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { escapeLike } from '#app/utils/like.ts'
import type { DslEditInput, DslListQuery } from './dsl.schema.ts'
import { phoneSearchFragment } from './phone.ts'

/**
 * The DSL lines' queries and changes for the member and admin pages. The PPP password is read
 * only by the staff queries (`getDslLine` without `memberId`); it is never logged.
 */

export const DSL_PAGE_SIZE = 50

const memberSelect = { id: true, username: true, type: true, firstName: true, lastName: true, nickname: true, organizationName: true } satisfies Prisma.MemberSelect

/** What every page shows of a line: no PPP credentials. */
const lineSelect = {
  configurationId: true, phoneNumber: true, lineReference: true, providerName: true, activationDate: true,
  configuration: {
    select: {
      comment: true,
      suspendedAt: true,
      subscription: { select: { id: true, subscriptionDate: true, resignDate: true, offer: { select: { id: true, name: true } }, member: { select: memberSelect } } },
    },
  },
} satisfies Prisma.DslLineSelect

/** What staff see besides: the PPP credentials. */
const staffSelect = { ...lineSelect, pppLogin: true, pppPassword: true } satisfies Prisma.DslLineSelect
const listSelect = { ...lineSelect, pppLogin: true } satisfies Prisma.DslLineSelect

type LineRow = Prisma.DslLineGetPayload<{ select: typeof lineSelect }>

function present({ configuration, ...line }: LineRow) {
  const { subscription } = configuration
  return {
    ...line,
    /** The subscription has ended. */
    suspended: configuration.suspendedAt !== null,
    comment: configuration.comment,
    subscription: { id: subscription.id, subscriptionDate: subscription.subscriptionDate, resignDate: subscription.resignDate, offer: subscription.offer },
    member: { id: subscription.member.id, username: subscription.member.username, name: displayName(subscription.member) },
  }
}

/**
 * The whole search as a phone number (`04 72` finds `+33472…`), or every word of it in the
 * reference, the provider, the PPP login, the comment or the member's names, username and email.
 */
function listWhere({ q }: Pick<DslListQuery, 'q'>): Prisma.DslLineWhereInput {
  const words = q.split(/\s+/).filter(Boolean).slice(0, 8)
  if (words.length === 0) return {}
  const phone = phoneSearchFragment(q)
  const byWords: Prisma.DslLineWhereInput = {
    AND: words.map((word) => ({
      OR: [
        { lineReference: { contains: escapeLike(word), mode: 'insensitive' } },
        { providerName: { contains: escapeLike(word), mode: 'insensitive' } },
        { pppLogin: { contains: escapeLike(word), mode: 'insensitive' } },
        { configuration: { comment: { contains: escapeLike(word), mode: 'insensitive' } } },
        { configuration: { subscription: { member: memberSearchWhere({ q: normalizeSearchWord(word), status: undefined }) } } },
      ],
    })),
  }
  return phone ? { OR: [{ phoneNumber: { contains: escapeLike(phone) } }, byWords] } : byWords
}

/** One page of the admin list, by phone number (lines still without one first: staff have them to fill in). */
export async function listDslLines(query: DslListQuery) {
  const where = listWhere(query)
  const [total, rows] = await Promise.all([
    prisma.dslLine.count({ where }),
    prisma.dslLine.findMany({
      where,
      orderBy: [{ phoneNumber: 'asc' }, { configurationId: 'asc' }],
      skip: (query.page - 1) * DSL_PAGE_SIZE,
      take: DSL_PAGE_SIZE,
      select: listSelect,
    }),
  ])
  return {
    total,
    pageCount: Math.max(1, Math.ceil(total / DSL_PAGE_SIZE)),
    lines: rows.map(({ pppLogin, ...row }) => ({ ...present(row), pppLogin })),
  }
}

/** A member's line, with its subnets: `memberId` limits it to that member's lines, so another member's id is not found. */
export async function getMemberDslLine({ configurationId, memberId }: { configurationId: number; memberId: number }) {
  const row = await prisma.dslLine.findFirst({ where: { configurationId, configuration: { subscription: { memberId } } }, select: lineSelect })
  if (!row) return null
  return { ...present(row), subnets: await listConfigurationSubnets(prisma, [configurationId]) }
}

/** A line for staff: everything, PPP credentials included, with its subnets. */
export async function getDslLine({ configurationId }: { configurationId: number }) {
  const row = await prisma.dslLine.findUnique({ where: { configurationId }, select: staffSelect })
  if (!row) return null
  const { pppLogin, pppPassword, ...rest } = row
  return { ...present(rest), pppLogin, pppPassword, subnets: await listConfigurationSubnets(prisma, [configurationId]) }
}

const PPP_LOGIN_TAKEN = () => new DomainError({ code: 'DSL_PPP_LOGIN_TAKEN', message: 'dsl:errors.pppLoginTaken', status: 400 })

/**
 * Staff edit a line: phone number (already in E.164), reference, provider, PPP login and
 * password, activation date, comment. A PPP login another line has is refused on its field,
 * also when two saves race (the partial unique index decides).
 */
export async function updateDslLine({ configurationId, comment, ...line }: DslEditInput & { configurationId: number }) {
  try {
    await prisma.$transaction(async (tx) => {
      if (line.pppLogin !== '' && await tx.dslLine.count({ where: { pppLogin: line.pppLogin, configurationId: { not: configurationId } } }) > 0) {
        throw PPP_LOGIN_TAKEN()
      }
      const { count } = await tx.dslLine.updateMany({ where: { configurationId }, data: line })
      if (count === 0) throw new DomainError({ code: 'DSL_NOT_FOUND', message: 'notFound', status: 404 })
      await tx.serviceConfiguration.update({ where: { id: configurationId }, data: { comment } })
    })
  } catch (error) {
    const unique = sqlState(error) === '23505' || (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
    if (unique) throw PPP_LOGIN_TAKEN()
    throw error
  }
}
