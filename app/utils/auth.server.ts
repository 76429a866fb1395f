import { redirect } from '@remix-run/node'
import { Authenticator } from 'remix-auth'
import { FormStrategy } from 'remix-auth-form'
import { prisma } from './db.server.ts'
import { getClientAddress } from './http.server.ts'
import { logger } from './logger.server.ts'
import { verifyAgainstNothing, verifyPassword } from './password.server.ts'
import { getSessionMember, type SessionMember } from './session.server.ts'

/** Failed logins allowed per account, and per address, within the window. */
export const THROTTLE = { windowMinutes: 15, perAccount: 5, perAddress: 20 }

/** Why a login was refused; the message never says whether the account exists. */
export class LoginError extends Error {
  constructor(
    readonly code: 'INVALID' | 'THROTTLED',
    readonly retryAfterMinutes = 0,
  ) {
    super(code)
  }
}

async function countRecentFailures(where: { identifier: string } | { ipAddress: string }, now: Date) {
  const since = new Date(now.getTime() - THROTTLE.windowMinutes * 60_000)
  const lastSuccess = await prisma.loginAttempt.findFirst({
    where: { ...where, success: true, at: { gte: since } },
    orderBy: { at: 'desc' },
    select: { at: true },
  })
  return prisma.loginAttempt.count({
    where: { ...where, success: false, at: { gte: lastSuccess?.at ?? since } },
  })
}

async function verifyLogin({ identifier, password, ipAddress }: { identifier: string; password: string; ipAddress: string }) {
  const now = new Date()
  const key = identifier.trim().toLowerCase().slice(0, 254)
  const [accountFailures, addressFailures] = await Promise.all([
    countRecentFailures({ identifier: key }, now),
    countRecentFailures({ ipAddress }, now),
  ])
  if (accountFailures >= THROTTLE.perAccount || addressFailures >= THROTTLE.perAddress) {
    logger.warn({ ipAddress }, 'login throttled')
    throw new LoginError('THROTTLED', THROTTLE.windowMinutes)
  }
  const member = key
    ? await prisma.member.findFirst({
        where: { OR: [{ username: key }, { email: key }], isActive: true },
        select: { id: true, password: { select: { hash: true } } },
      })
    : null
  const ok = member?.password ? await verifyPassword(password, member.password.hash) : await verifyAgainstNothing(password)
  await prisma.loginAttempt.create({ data: { identifier: key, ipAddress, success: ok, at: now } })
  if (!ok || !member) throw new LoginError('INVALID')
  await prisma.member.update({ where: { id: member.id }, data: { lastLoginAt: now }, select: { id: true } })
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
