import { redirect } from '@remix-run/node'
import { Authenticator } from 'remix-auth'
import { FormStrategy } from 'remix-auth-form'
import { prisma } from './db.server.ts'
import { getClientAddress } from './http.server.ts'
import { logger } from './logger.server.ts'
import { hashPassword, needsRehash, verifyAgainstNothing, verifyPassword } from './password.server.ts'
import { markLdapDirty } from '#app/models/ldap/sync-queue.server.ts'
import { getSessionMember, type SessionMember } from './session.server.ts'

/**
 * Failed logins allowed within the window per account (by username and email together) and per
 * client address (on any account). An attempt beyond either limit is refused with its wait, its
 * password is not checked and it is not counted.
 */
export const THROTTLE = { windowMinutes: 15, perAccount: 5, perAddress: 20 }

/** Why a login was refused; the message never says whether the account exists. */
export class LoginError extends Error {
  constructor(
    readonly code: 'INVALID' | 'THROTTLED',
    readonly retryAfterSeconds = 0,
  ) {
    super(code)
  }
}

// Classes of the two-key advisory locks that queue the attempts on one account, and from one
// address, while they are counted.
const ACCOUNT_LOCK = 7101
const ADDRESS_LOCK = 7102

/**
 * The account an identifier names, whether typed as username or email, and the key its attempts
 * are counted under (LoginAttempt.identifier): `member:<id>` for an account, `name:<identifier>`
 * (lower-cased) for a name no account has.
 */
async function findLoginAccount(identifier: string) {
  const typed = identifier.trim().toLowerCase().slice(0, 254)
  const member = typed
    ? await prisma.member.findFirst({
        where: { OR: [{ username: typed }, { email: typed }] },
        select: { id: true, isActive: true, password: { select: { hash: true } } },
      })
    : null
  return { member, key: member ? `member:${member.id}` : `name:${typed.slice(0, 240)}` }
}

type Verdict = { accountFailures: number; addressFailures: number; accountNth: Date | null; addressNth: Date | null; attemptId: bigint | null }

/**
 * Counts the failures of the account and of the address within the window and, when both are
 * under their limit, records this attempt as a failure until its password proves right, all
 * while holding a lock per account and per address: concurrent attempts are counted one after
 * the other, each seeing the ones before it. A failure stops counting once a later login of the
 * same account succeeds, so a success clears its own account's failures and nobody else's.
 * Returns the attempt's id, or when it may be tried again.
 */
async function recordAttempt({ key, ipAddress, now }: { key: string; ipAddress: string; now: Date }) {
  const since = new Date(now.getTime() - THROTTLE.windowMinutes * 60_000)
  const [, , [verdict]] = await prisma.$transaction([
    prisma.$executeRaw`SELECT pg_advisory_xact_lock(${ACCOUNT_LOCK}::int, hashtext(${key}))`,
    prisma.$executeRaw`SELECT pg_advisory_xact_lock(${ADDRESS_LOCK}::int, hashtext(${ipAddress}))`,
    prisma.$queryRaw<Verdict[]>`
      WITH failures AS (
        SELECT f.identifier, f."ipAddress", f.at FROM "LoginAttempt" f
        WHERE (f.identifier = ${key} OR f."ipAddress" = ${ipAddress}) AND NOT f.success AND f.at >= ${since}
          AND NOT EXISTS (SELECT 1 FROM "LoginAttempt" s WHERE s.identifier = f.identifier AND s.success AND s.id > f.id)
      ),
      verdict AS (
        SELECT
          (SELECT count(*)::int FROM failures WHERE identifier = ${key}) AS "accountFailures",
          (SELECT count(*)::int FROM failures WHERE "ipAddress" = ${ipAddress}) AS "addressFailures",
          (SELECT at FROM failures WHERE identifier = ${key} ORDER BY at DESC OFFSET ${THROTTLE.perAccount - 1} LIMIT 1) AS "accountNth",
          (SELECT at FROM failures WHERE "ipAddress" = ${ipAddress} ORDER BY at DESC OFFSET ${THROTTLE.perAddress - 1} LIMIT 1) AS "addressNth"
      ),
      attempt AS (
        INSERT INTO "LoginAttempt" (identifier, "ipAddress", success, at)
        SELECT ${key}, ${ipAddress}, false, ${now} FROM verdict
        WHERE "accountFailures" < ${THROTTLE.perAccount} AND "addressFailures" < ${THROTTLE.perAddress}
        RETURNING id
      )
      SELECT verdict.*, (SELECT id FROM attempt) AS "attemptId" FROM verdict`,
  ])
  if (verdict.attemptId !== null) return { attemptId: verdict.attemptId, retryAfterSeconds: 0 }
  // The limit is reached until the oldest failure that keeps it reached leaves the window.
  const windowMs = THROTTLE.windowMinutes * 60_000
  const freeAt = Math.max(
    verdict.accountFailures >= THROTTLE.perAccount && verdict.accountNth ? verdict.accountNth.getTime() + windowMs : 0,
    verdict.addressFailures >= THROTTLE.perAddress && verdict.addressNth ? verdict.addressNth.getTime() + windowMs : 0,
  )
  return { attemptId: null, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000)) }
}

async function verifyLogin({ identifier, password, ipAddress }: { identifier: string; password: string; ipAddress: string }) {
  const now = new Date()
  const { member, key } = await findLoginAccount(identifier)
  const { attemptId, retryAfterSeconds } = await recordAttempt({ key, ipAddress: ipAddress.slice(0, 64), now })
  if (attemptId === null) {
    logger.warn({ ipAddress }, 'login throttled')
    throw new LoginError('THROTTLED', retryAfterSeconds)
  }
  const hash = member?.isActive ? member.password?.hash : undefined
  const ok = hash ? await verifyPassword(password, hash) : await verifyAgainstNothing(password)
  if (!ok || !member) throw new LoginError('INVALID')
  // A password imported from the original Coin (a Django hash) becomes argon2id now that Coin has
  // the clear text once; its LDAP entry can then carry it as {ARGON2}.
  const rehashed = hash && needsRehash(hash) ? await hashPassword(password) : null
  await prisma.$transaction(async (tx) => {
    await tx.loginAttempt.update({ where: { id: attemptId }, data: { success: true }, select: { id: true } })
    await tx.member.update({ where: { id: member.id }, data: { lastLoginAt: now }, select: { id: true } })
    if (rehashed) {
      await tx.password.update({ where: { memberId: member.id }, data: { hash: rehashed } })
      await markLdapDirty(tx, 'member', [member.id])
    }
  })
  return member.id
}

const authenticator = new Authenticator<number>()
authenticator.use(
  new FormStrategy(async ({ form, request }) =>
    verifyLogin({
      identifier: String(form.get('identifier') ?? ''),
      password: String(form.get('password') ?? ''),
      ipAddress: getClientAddress(request),
    }),
  ),
  'form',
)

/** Checks the login form of the request; returns the member id or throws a LoginError. */
export function authenticateLogin(request: Request) {
  return authenticator.authenticate('form', request)
}

function loginRedirect(request: Request) {
  const url = new URL(request.url)
  const redirectTo = url.pathname + url.search
  return redirect(redirectTo === '/' ? '/login' : `/login?redirectTo=${encodeURIComponent(redirectTo)}`)
}

/** The logged-in member, or a redirect to the login page. */
export async function requireMember(request: Request): Promise<SessionMember> {
  const member = await getSessionMember(request)
  if (!member) throw loginRedirect(request)
  return member
}

export const isStaff = (member: Pick<SessionMember, 'roles'>) =>
  member.roles.includes('STAFF') || member.roles.includes('SUPERUSER')

/**
 * The logged-in staff member. Anyone else gets 404, so that admin pages and the ids
 * behind them stay invisible to members.
 */
export async function requireStaff(request: Request): Promise<SessionMember> {
  const member = await requireMember(request)
  if (!isStaff(member)) throw new Response('Not found', { status: 404 })
  return member
}

// The origin redirect targets are resolved against: any host would do, as long as no
// request can name it.
const REDIRECT_BASE = 'http://redirect-target.invalid'
const MAX_REDIRECT_LENGTH = 2048

/**
 * A safe place to go after a form (login, language switch): a path of this site only. The value
 * is read the way a browser reads a Location header (the WHATWG URL parser drops tabs and line
 * breaks, treats `\\` as `/`, resolves `.` and `..`, percent-encodes spaces and control
 * characters), and what is returned is that normalised path, never the raw text. Anything that
 * resolves to another origin (`//host`, `/\\host`, `/<TAB>/host`, `https:host`, `javascript:`)
 * gives `fallback`.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = '/') {
  if (typeof to !== 'string' || to === '' || to.length > MAX_REDIRECT_LENGTH) return fallback
  const path = sameOriginPath(to)
  // The returned path read again must be itself: a browser resolving it stays on this site.
  return path !== null && sameOriginPath(path) === path ? path : fallback
}

function sameOriginPath(value: string) {
  let url: URL
  try {
    url = new URL(value, REDIRECT_BASE)
  } catch {
    return null
  }
  if (url.origin !== REDIRECT_BASE || url.username || url.password) return null
  const path = url.pathname + url.search + url.hash
  return path.startsWith('/') && !path.startsWith('//') ? path : null
}
