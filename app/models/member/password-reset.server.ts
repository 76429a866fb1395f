import { randomBytes } from 'node:crypto'
import { markLdapDirty } from '#app/models/ldap/sync-queue.server.ts'
import type { Prisma } from '#app/generated/prisma/client.ts'
import { queueEmail, queueEmailToAddress, recipientSelect } from '#app/models/email/outbox.server.ts'
import { prisma } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { logger } from '#app/utils/logger.server.ts'
import { hashPassword } from '#app/utils/password.server.ts'
import { hashToken } from '#app/utils/session.server.ts'
import { displayName } from './username.ts'

type Db = Prisma.TransactionClient | typeof prisma

const HOUR_MS = 3600 * 1000
/** How long a link asked for on the "forgotten password" page works. */
export const RESET_VALIDITY_HOURS = 2
/** How long the link of a welcome email works. */
export const WELCOME_VALIDITY_DAYS = 7
/** Reset emails a member can receive per hour; further requests send nothing. */
export const RESET_REQUESTS_PER_HOUR = 3

// Rendering an email inside the transaction can take longer than Prisma's 5 s default on a cold start.
const TRANSACTION = { timeout: 30_000 }

/** The page where a token sets a password. */
export const resetUrl = (token: string) => `${getEnv().PUBLIC_URL}/reset-password/${token}`

/** A token is 32 random bytes in base64url: 43 characters. */
export const isWellFormedToken = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token)

const newToken = () => randomBytes(32).toString('base64url')

/**
 * Stores a token for the member, valid `validityMs` from `now`, and ends the member's earlier
 * unused ones (they expire now), so only the newest link works. Only its SHA-256 is stored.
 * For member id 0 (no member) the same statements run and change nothing.
 */
async function storeToken({ memberId, token, validityMs, now }: { memberId: number; token: string; validityMs: number; now: Date }, db: Db) {
  await db.passwordResetToken.updateMany({
    where: { memberId, usedAt: null, expiresAt: { gt: now } },
    data: { expiresAt: now },
  })
  await db.$executeRaw`
    INSERT INTO "PasswordResetToken" ("memberId", "tokenHash", "createdAt", "expiresAt")
    SELECT id, ${hashToken(token)}, ${now}, ${new Date(now.getTime() + validityMs)} FROM "Member" WHERE id = ${memberId}`
}

async function issueToken({ memberId, validityMs, now }: { memberId: number; validityMs: number; now: Date }, db: Db) {
  const token = newToken()
  await storeToken({ memberId, token, validityMs, now }, db)
  return token
}

// No member has id 0: the statements of an unknown account's request use it and touch no row.
const NO_MEMBER = 0
// Who an unknown account's request renders its email for; the email is never kept.
const NOBODY = { name: '', email: 'nobody@coin.invalid', language: null }

/**
 * Tokens of the member issued by the "forgotten password" page in the hour before `now`. Such a
 * token expires at most RESET_VALIDITY_HOURS after `now` (even when ended early), while a
 * welcome token issued in the same hour expires days later and is not counted (unless a later
 * request ended it early, which only makes the limit stricter).
 */
function countRecentResetRequests({ memberId, now }: { memberId: number; now: Date }, db: Db) {
  return db.passwordResetToken.count({
    where: {
      memberId,
      createdAt: { gt: new Date(now.getTime() - HOUR_MS), lte: now },
      expiresAt: { lte: new Date(now.getTime() + RESET_VALIDITY_HOURS * HOUR_MS) },
    },
  })
}

/**
 * The "forgotten password" request. When `identifier` (a username or an email, any case) is an
 * active member's, a token valid 2 hours is created and the 'password-reset' email queued with
 * its link, in one transaction. Returns nothing either way, so a caller cannot tell whether the
 * account exists; beyond RESET_REQUESTS_PER_HOUR requests in an hour, nothing more is sent.
 *
 * Every request does the same work, so the time it takes does not tell either: it locks the
 * member's row, counts the recent requests, makes and hashes a token, stores it and renders and
 * queues the email; for an unknown or inactive account (lock, count and token statements then
 * name member 0) or a member over the limit, that work is rolled back to a savepoint.
 */
export async function requestPasswordReset({ identifier, now = new Date() }: { identifier: string; now?: Date }): Promise<void> {
  const key = identifier.trim().toLowerCase().slice(0, 254)
  if (!key) return
  const token = newToken()
  const sent = await prisma.$transaction(async (tx) => {
    const member = await tx.member.findFirst({ where: { OR: [{ username: key }, { email: key }], isActive: true }, select: recipientSelect })
    const memberId = member?.id ?? NO_MEMBER
    // Concurrent requests for one member queue one after the other, so the hourly limit holds.
    await tx.$queryRaw`SELECT id FROM "Member" WHERE id = ${memberId} FOR UPDATE`
    const recent = await countRecentResetRequests({ memberId, now }, tx)
    const send = member !== null && recent < RESET_REQUESTS_PER_HOUR
    await tx.$executeRaw`SAVEPOINT password_reset`
    await storeToken({ memberId: send ? memberId : NO_MEMBER, token, validityMs: RESET_VALIDITY_HOURS * HOUR_MS, now }, tx)
    const props = { resetUrl: resetUrl(token), expiresInHours: RESET_VALIDITY_HOURS }
    if (member) await queueEmail({ template: 'password-reset', props, member }, tx)
    else await queueEmailToAddress({ template: 'password-reset', props, to: NOBODY }, tx)
    if (send) await tx.$executeRaw`RELEASE SAVEPOINT password_reset`
    else await tx.$executeRaw`ROLLBACK TO SAVEPOINT password_reset`
    if (member && !send) logger.warn({ memberId }, 'password reset request ignored: hourly limit reached')
    return send ? memberId : null
  }, TRANSACTION)
  if (sent !== null) logger.info({ memberId: sent }, 'password reset email queued')
}

const usableWhere = (token: string, now: Date) =>
  ({ tokenHash: hashToken(token), usedAt: null, expiresAt: { gt: now }, member: { isActive: true } }) satisfies Prisma.PasswordResetTokenWhereInput

/** The account a token sets the password of, or null when the token is unknown, used, expired or its account inactive. */
export async function checkResetToken({ token, now = new Date() }: { token: string; now?: Date }) {
  if (!isWellFormedToken(token)) return null
  const found = await prisma.passwordResetToken.findFirst({ where: usableWhere(token, now), select: { member: { select: { username: true } } } })
  return found ? { username: found.member.username } : null
}

/**
 * Sets the password with a token: the token is used up, the member's other links end and every
 * session of the member is closed, in one transaction. A token that is unknown, used, expired
 * or whose account is inactive throws a DomainError `resetLinkInvalid`.
 */
export async function resetPassword({ token, password, now = new Date() }: { token: string; password: string; now?: Date }) {
  const invalid = () => new DomainError({ code: 'RESET_LINK_INVALID', message: 'resetLinkInvalid', status: 410 })
  if (!isWellFormedToken(token)) throw invalid()
  const hash = await hashPassword(password)
  const memberId = await prisma.$transaction(async (tx) => {
    const found = await tx.passwordResetToken.findFirst({ where: usableWhere(token, now), select: { id: true, memberId: true } })
    if (!found) throw invalid()
    // The precondition is repeated in the update, so two uses of one link cannot both succeed.
    const { count } = await tx.passwordResetToken.updateMany({ where: { id: found.id, usedAt: null }, data: { usedAt: now } })
    if (count !== 1) throw invalid()
    await tx.passwordResetToken.updateMany({ where: { memberId: found.memberId, usedAt: null, expiresAt: { gt: now } }, data: { expiresAt: now } })
    await tx.password.upsert({ where: { memberId: found.memberId }, create: { memberId: found.memberId, hash }, update: { hash } })
    await markLdapDirty(tx, 'member', [found.memberId])
    await tx.session.deleteMany({ where: { memberId: found.memberId } })
    return found.memberId
  })
  logger.info({ memberId }, 'password reset with a link')
  return { memberId }
}

/** A token for the link of a welcome email: valid WELCOME_VALIDITY_DAYS; earlier links of the member end. */
export function createWelcomeToken(memberId: number, { now = new Date(), db = prisma }: { now?: Date; db?: Db } = {}) {
  return issueToken({ memberId, validityMs: WELCOME_VALIDITY_DAYS * 24 * HOUR_MS, now }, db)
}

export type WelcomeSkipReason = 'inactive' | 'notFound'

/**
 * Whom a welcome email to `memberIds` would reach: every active account; inactive accounts and
 * unknown ids are skipped, with the reason. For the staff's confirmation step.
 */
export async function previewWelcomeEmails({ memberIds }: { memberIds: number[] }) {
  const ids = [...new Set(memberIds)]
  const members = await prisma.member.findMany({
    where: { id: { in: ids } },
    orderBy: { username: 'asc' },
    select: { ...recipientSelect, isActive: true },
  })
  const found = new Set(members.map((m) => m.id))
  const skipped: { id: number; name: string; reason: WelcomeSkipReason }[] = ids.filter((id) => !found.has(id)).map((id) => ({ id, name: '', reason: 'notFound' }))
  const recipients: (typeof members)[number][] = []
  for (const m of members) {
    if (m.isActive) recipients.push(m)
    else skipped.push({ id: m.id, name: displayName(m) || m.username, reason: 'inactive' })
  }
  return { recipients, skipped }
}

/**
 * Queues the 'welcome' email (administrative) for each member, with a link to choose a password
 * valid WELCOME_VALIDITY_DAYS. Inactive accounts are skipped. Each member's token and email
 * are written in one transaction.
 */
export async function sendWelcomeEmails({ memberIds, now = new Date() }: { memberIds: number[]; now?: Date }) {
  const { recipients, skipped } = await previewWelcomeEmails({ memberIds })
  const sent: { id: number; email: string }[] = []
  for (const member of recipients) {
    await prisma.$transaction(async (tx) => {
      const token = await createWelcomeToken(member.id, { now, db: tx })
      await queueEmail({ template: 'welcome', props: { username: member.username, setPasswordUrl: resetUrl(token) }, member, administrative: true }, tx)
    }, TRANSACTION)
    sent.push({ id: member.id, email: member.email })
  }
  logger.info({ sent: sent.length, skipped: skipped.length }, 'welcome emails queued')
  return { sent, skipped: skipped.map(({ id, reason }) => ({ id, reason })) }
}
