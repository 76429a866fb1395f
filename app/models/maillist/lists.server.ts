import { Prisma } from '#app/generated/prisma/client.ts'
import { prisma } from '#app/utils/db.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import type { MailingListInput } from './maillist.schema.ts'
import { maillistStatus, markListsDirty } from './sync.server.ts'

/** Mailing lists, and who is on them (Coin's maillists). Every change queues the lists it touches. */

/** A taken short name or address becomes an error on its field. */
const takenField = (error: unknown): never => {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
    const text = JSON.stringify(error.meta ?? {}) + error.message
    const field = /shortName/.test(text) ? 'shortName' : 'address'
    throw new DomainError({ code: 'MAILLIST_TAKEN', message: `lists:errors.${field}Taken`, status: 400, cause: error, values: { field } })
  }
  throw error
}

const syncSelect = { syncState: true, syncLastError: true, syncedAt: true, syncNextAttemptAt: true } as const

/** Every list with its subscriber count and sync status, for staff. */
export async function listMailingLists() {
  const rows = await prisma.mailingList.findMany({
    orderBy: { shortName: 'asc' },
    select: { id: true, shortName: true, address: true, label: true, ...syncSelect, _count: { select: { subscriptions: true } } },
  })
  return rows.map(({ _count, syncState, syncLastError, syncedAt, syncNextAttemptAt, ...list }) => ({
    ...list, subscriberCount: _count.subscriptions, status: maillistStatus({ syncState, syncLastError, syncedAt, syncNextAttemptAt }),
  }))
}

/** One list with its subscribers and sync status, for staff; null when there is none. */
export async function getMailingList(id: number) {
  const row = await prisma.mailingList.findUnique({
    where: { id },
    select: {
      id: true, shortName: true, address: true, label: true, description: true, ...syncSelect,
      subscriptions: {
        orderBy: { member: { username: 'asc' } },
        select: { member: { select: { id: true, username: true, firstName: true, lastName: true, organizationName: true, email: true } } },
      },
    },
  })
  if (!row) return null
  const { syncState, syncLastError, syncedAt, syncNextAttemptAt, subscriptions, ...list } = row
  return { ...list, subscribers: subscriptions.map((s) => s.member), status: maillistStatus({ syncState, syncLastError, syncedAt, syncNextAttemptAt }) }
}

/** Creates a list (pushed once, even empty, so the list server has it). */
export function createMailingList(data: MailingListInput) {
  return prisma.mailingList.create({ data, select: { id: true } }).catch(takenField)
}

/** Saves a list; its push runs again (its name or address may have changed). False when there is none. */
export function updateMailingList(id: number, data: MailingListInput) {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.mailingList.updateMany({ where: { id }, data })
    if (count > 0) await markListsDirty(tx, [id])
    return count > 0
  }).catch(takenField)
}

/** Deletes a list and its subscriptions (the list server keeps its copy). */
export async function deleteMailingList(id: number) {
  const { count } = await prisma.mailingList.deleteMany({ where: { id } })
  return count > 0
}

/**
 * Every list, with whether this member is on it, and the member's name and address, for "Mes
 * listes" and the staff member page; null when there is no such member.
 */
export async function getMemberLists(memberId: number) {
  const [member, rows] = await Promise.all([
    prisma.member.findUnique({ where: { id: memberId }, select: { id: true, username: true, firstName: true, lastName: true, organizationName: true, email: true } }),
    prisma.mailingList.findMany({
      orderBy: { label: 'asc' },
      select: { id: true, shortName: true, address: true, label: true, description: true, subscriptions: { where: { memberId }, select: { memberId: true } } },
    }),
  ])
  if (!member) return null
  return { member, lists: rows.map(({ subscriptions, ...list }) => ({ ...list, subscribed: subscriptions.length > 0 })) }
}

/**
 * Sets the lists a member is on to exactly `listIds` (ids of no list are ignored), and queues
 * the lists whose subscribers changed. Returns the lists added and removed.
 */
export function setMemberLists({ memberId, listIds }: { memberId: number; listIds: number[] }) {
  return prisma.$transaction(async (tx) => {
    // Locks the member's row, so two saves of the same member apply one after the other.
    await tx.$queryRaw`SELECT id FROM "Member" WHERE id = ${memberId} FOR UPDATE`
    const wanted = (await tx.mailingList.findMany({ where: { id: { in: listIds } }, select: { id: true } })).map((l) => l.id)
    const current = (await tx.mailingListSubscription.findMany({ where: { memberId }, select: { listId: true } })).map((s) => s.listId)
    const added = wanted.filter((id) => !current.includes(id))
    const removed = current.filter((id) => !wanted.includes(id))
    if (added.length > 0) await tx.mailingListSubscription.createMany({ data: added.map((listId) => ({ listId, memberId })), skipDuplicates: true })
    if (removed.length > 0) await tx.mailingListSubscription.deleteMany({ where: { memberId, listId: { in: removed } } })
    await markListsDirty(tx, [...added, ...removed])
    return { added, removed }
  })
}

/** Takes a member off one list (from the list's staff page); false when they were not on it. */
export function removeSubscriber({ listId, memberId }: { listId: number; memberId: number }) {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.mailingListSubscription.deleteMany({ where: { listId, memberId } })
    if (count > 0) await markListsDirty(tx, [listId])
    return count > 0
  })
}
