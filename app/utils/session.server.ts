import { createHash, randomBytes } from 'node:crypto'
import { createCookie } from '@remix-run/node'
import { prisma } from './db.server.ts'
import { getEnv } from './env.server.ts'
import { displayName } from '#app/models/member/username.ts'
import { getClientAddress } from './http.server.ts'

export const SESSION_DAYS = 30
const TOUCH_EVERY_MS = 5 * 60 * 1000

let cookie: ReturnType<typeof createCookie> | undefined
function sessionCookie() {
  cookie ??= createCookie('coin_session', {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secrets: [getEnv().SESSION_SECRET],
    maxAge: SESSION_DAYS * 24 * 3600,
  })
  return cookie
}

const isHttps = (request: Request) => new URL(request.url).protocol === 'https:'
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

/** Starts a session for the member; returns the Set-Cookie header value. */
export async function createSession({ memberId, request }: { memberId: number; request: Request }) {
  const token = randomBytes(32).toString('base64url')
  await prisma.session.create({
    data: {
      id: hashToken(token),
      memberId,
      expiresAt: new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000),
      ipAddress: getClientAddress(request).slice(0, 64),
      userAgent: (request.headers.get('user-agent') ?? '').slice(0, 300),
    },
  })
  return sessionCookie().serialize(token, { secure: isHttps(request) })
}

/**
 * True when the request carries a session cookie (valid or not): what it is answered may show
 * a member's data, so it must not be cached.
 */
export function hasSessionCookie(request: Request) {
  return /(?:^|;\s*)coin_session=/.test(request.headers.get('cookie') ?? '')
}

async function readToken(request: Request) {
  const value: unknown = await sessionCookie().parse(request.headers.get('cookie'))
  return typeof value === 'string' && value.length > 0 ? value : null
}

export type SessionMember = {
  sessionId: string
  id: number
  username: string
  roles: ('MEMBER' | 'STAFF' | 'SUPERUSER')[]
  language: 'fr' | 'en' | null
  displayName: string
}

// The loaders of one page share one Request: the session is read once per request.
const sessionsByRequest = new WeakMap<Request, Promise<SessionMember | null>>()

/** The member behind the request's session cookie, or null (expired, revoked or inactive). */
export function getSessionMember(request: Request): Promise<SessionMember | null> {
  let found = sessionsByRequest.get(request)
  if (!found) {
    found = readSessionMember(request)
    sessionsByRequest.set(request, found)
  }
  return found
}

async function readSessionMember(request: Request): Promise<SessionMember | null> {
  const token = await readToken(request)
  if (!token) return null
  const session = await prisma.session.findUnique({
    where: { id: hashToken(token) },
    select: {
      id: true,
      expiresAt: true,
      lastSeenAt: true,
      member: {
        select: {
          id: true, username: true, roles: true, language: true, isActive: true,
          type: true, firstName: true, lastName: true, nickname: true, organizationName: true,
        },
      },
    },
  })
  const now = Date.now()
  if (!session || session.expiresAt.getTime() <= now || !session.member.isActive) return null
  if (now - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await prisma.session.updateMany({ where: { id: session.id }, data: { lastSeenAt: new Date(now) } })
  }
  const { member } = session
  return {
    sessionId: session.id,
    id: member.id,
    username: member.username,
    roles: member.roles,
    language: member.language,
    displayName: displayName(member),
  }
}

/** Ends the request's session; returns the Set-Cookie header that clears the cookie. */
export async function destroySession(request: Request) {
  const token = await readToken(request)
  if (token) await prisma.session.deleteMany({ where: { id: hashToken(token) } })
  return sessionCookie().serialize('', { maxAge: 0, secure: isHttps(request) })
}

/** A member's open sessions, most recently used first. */
export function listSessions({ memberId }: { memberId: number }) {
  return prisma.session.findMany({
    where: { memberId, expiresAt: { gt: new Date() } },
    orderBy: { lastSeenAt: 'desc' },
    select: { id: true, createdAt: true, lastSeenAt: true, ipAddress: true, userAgent: true },
  })
}

/** Ends every session of a member ("log out everywhere"), optionally sparing one. */
export async function revokeSessions({ memberId, exceptSessionId }: { memberId: number; exceptSessionId?: string }) {
  const { count } = await prisma.session.deleteMany({
    where: { memberId, ...(exceptSessionId ? { id: { not: exceptSessionId } } : {}) },
  })
  return count
}
