import { Prisma } from '#app/generated/prisma/client.ts'
import { markLdapDirty } from '#app/models/ldap/sync-queue.server.ts'
import { markMemberListsDirty } from '#app/models/maillist/sync.server.ts'
import type { MemberStatus, Role } from '#app/generated/prisma/client.ts'
import { recordAudit, type Actor } from '#app/models/audit/audit.server.ts'
import { prisma } from '#app/utils/db.server.ts'
import { escapeLike } from '#app/utils/like.ts'
import { hashPassword } from '#app/utils/password.server.ts'
import type { AdminMemberSchema } from './member.schema.ts'
import type { z } from 'zod'
import { usernameBase, usernameCandidate } from './username.ts'

type Db = Prisma.TransactionClient | typeof prisma
export type AdminMemberInput = z.infer<typeof AdminMemberSchema>

/** Coin's automatic username: the base from the names, then base2, base3… until one is free. */
export async function generateUsername(input: Parameters<typeof usernameBase>[0], db: Db = prisma) {
  const base = usernameBase(input) || 'membre'
  const taken = new Set(
    (await db.member.findMany({ where: { username: { startsWith: escapeLike(base.slice(0, 24)) } }, select: { username: true } })).map((m) => m.username),
  )
  for (let n = 1; ; n++) {
    const candidate = usernameCandidate(base, n)
    if (!taken.has(candidate)) return candidate
  }
}

/** Field errors for an email or username already used by another member. */
export async function findTakenFields({ email, username, exceptId }: { email?: string; username?: string; exceptId?: number }) {
  const others = await prisma.member.findMany({
    where: {
      OR: [...(email ? [{ email }] : []), ...(username ? [{ username }] : [])],
      ...(exceptId ? { id: { not: exceptId } } : {}),
    },
    select: { email: true, username: true },
  })
  const errors: Record<string, string[]> = {}
  if (email && others.some((o) => o.email === email)) errors.email = ['emailTaken']
  if (username && others.some((o) => o.username === username)) errors.username = ['usernameTaken']
  return errors
}

/** Maps a unique-constraint race to the same field errors as findTakenFields. */
export function uniqueViolationFields(error: unknown): Record<string, string[]> | null {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return null
  const text = JSON.stringify(error.meta ?? {}) + error.message
  if (text.includes('username')) return { username: ['usernameTaken'] }
  return { email: ['emailTaken'] }
}

function memberData(input: AdminMemberInput) {
  const { password: _password, username: _username, dateJoined, roles, language, ...rest } = input
  const roleSet = new Set<Role>(['MEMBER', ...roles])
  if (roleSet.has('SUPERUSER')) roleSet.add('STAFF')
  return {
    ...rest,
    language: language ?? null,
    roles: [...roleSet],
    ...(dateJoined ? { dateJoined } : {}),
  }
}

/** Creates a member; an empty username is generated, an empty password leaves login closed. */
export async function createMember(input: AdminMemberInput) {
  const passwordHash = input.password ? await hashPassword(input.password) : null
  return prisma.$transaction(async (tx) => {
    const username = input.username || (await generateUsername(input, tx))
    const member = await tx.member.create({
      data: {
        ...memberData(input),
        username,
        ...(passwordHash ? { password: { create: { hash: passwordHash } } } : {}),
      },
      select: { id: true, username: true },
    })
    await markLdapDirty(tx, 'member', [member.id])
    return member
  })
}

/** Locks members' rows for the rest of the transaction and returns their current status. */
function lockStatuses(tx: Prisma.TransactionClient, ids: number[]) {
  return tx.$queryRaw<{ id: number; status: MemberStatus }[]>`
    SELECT id, status::text AS status FROM "Member" WHERE id = ANY(${ids}::int[]) ORDER BY id FOR UPDATE`
}

/** One 'member.status' audit entry per member whose status differs from `status`. */
function statusEntries(rows: { id: number; status: MemberStatus }[], status: MemberStatus, actorId: number | null) {
  return rows
    .filter((m) => m.status !== status)
    .map((m) => ({ actorId, action: 'member.status' as const, entity: 'member' as const, entityId: m.id, memberId: m.id, before: { status: m.status }, after: { status } }))
}

/**
 * Updates a member from the staff form; a non-empty password replaces the old one. A change of
 * membership status is recorded in the audit log.
 */
export async function updateMember(id: number, input: AdminMemberInput, { actorId }: Required<Actor>) {
  const passwordHash = input.password ? await hashPassword(input.password) : null
  return prisma.$transaction(async (tx) => {
    const current = await lockStatuses(tx, [id])
    const member = await tx.member.update({
      where: { id },
      data: { ...memberData(input), ...(input.username ? { username: input.username } : {}) },
      select: { id: true, username: true },
    })
    if (passwordHash) {
      await tx.password.upsert({ where: { memberId: id }, create: { memberId: id, hash: passwordHash }, update: { hash: passwordHash } })
    }
    await recordAudit(tx, statusEntries(current, input.status, actorId))
    await markLdapDirty(tx, 'member', [id])
    await markMemberListsDirty(tx, id)
    return member
  })
}

/**
 * Sets the membership status of the given members (Coin's "set as member / non-member"
 * actions), with a 'member.status' audit entry for each member whose status changes. Returns
 * how many of the members exist (those already in that status included).
 */
export async function setMembersStatus({ ids, status, actorId }: { ids: number[]; status: MemberStatus } & Required<Actor>) {
  return prisma.$transaction(async (tx) => {
    const current = await lockStatuses(tx, ids)
    const entries = statusEntries(current, status, actorId)
    if (entries.length > 0) await tx.member.updateMany({ where: { id: { in: entries.map((e) => e.entityId) } }, data: { status } })
    await recordAudit(tx, entries)
    return current.length
  })
}

/** Everything the staff member page shows. */
export function getMemberDetail(id: number) {
  return prisma.member.findUnique({
    where: { id },
    select: {
      id: true, username: true, email: true, type: true, firstName: true, lastName: true, nickname: true,
      organizationName: true, homePhone: true, mobilePhone: true, address: true, postalCode: true, city: true,
      country: true, status: true, dateJoined: true, resignDate: true, comments: true,
      sendMembershipFeesEmail: true, roles: true, isActive: true, language: true, lastLoginAt: true,
      createdAt: true, updatedAt: true,
      password: { select: { updatedAt: true } },
    },
  })
}
