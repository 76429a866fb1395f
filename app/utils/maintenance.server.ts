import { getLanguage } from './i18n.server.ts'

/**
 * The database being out of reach (restarting, stopped, the network gone) is an outage, not a bug:
 * pages answer 503 with a short maintenance page and `Retry-After` instead of a 500.
 */

/** Seconds a browser or a monitor is told to wait before trying again. */
export const RETRY_AFTER_SECONDS = 10

/** How long after the last such error the database still counts as unreachable. */
const UNREACHABLE_WINDOW_MS = 5_000

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'])
/** Prisma: can't reach the server, timed out, server closed the connection, pool timeout. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1017', 'P2024'])
/** Driver adapter error kinds (adapter-pg) that mean no connection. */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout'])
/** PostgreSQL: connection exceptions (08xxx), shutting down or starting up (57P01–57P03). */
const SQLSTATE = /^(08...|57P0[123])$/
const MESSAGES = /Connection terminated|terminating connection|the database system is (starting up|shutting down|in recovery mode)|Can't reach database server|Server has closed the connection|Connection refused|encountered a connection error and is not queryable|timeout exceeded when trying to connect/i

type ErrorLike = { code?: unknown; message?: unknown; cause?: unknown; meta?: unknown; kind?: unknown; originalCode?: unknown }

/** True when `error` (or an error it wraps) says the database cannot be reached, not that a query was wrong. */
export function isDatabaseUnreachable(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false
  const e = error as ErrorLike
  if (typeof e.code === 'string' && (SOCKET_CODES.has(e.code) || PRISMA_CODES.has(e.code) || SQLSTATE.test(e.code))) return true
  if (typeof e.originalCode === 'string' && SQLSTATE.test(e.originalCode)) return true
  if (typeof e.kind === 'string' && ADAPTER_KINDS.has(e.kind)) return true
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true
  if (error instanceof AggregateError && error.errors.some((inner) => isDatabaseUnreachable(inner, depth + 1))) return true
  const adapterError = (e.meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError
  return isDatabaseUnreachable(adapterError, depth + 1) || isDatabaseUnreachable(e.cause, depth + 1)
}

let lastUnreachableAt = -Infinity

/** Records an error seen while serving a request; returns true when it is the database being out of reach. */
export function noteDatabaseError(error: unknown, now = Date.now()) {
  if (!isDatabaseUnreachable(error)) return false
  lastUnreachableAt = now
  return true
}

/** True while the database was found out of reach in the last few seconds. */
export function databaseRecentlyUnreachable(now = Date.now()) {
  return now - lastUnreachableAt < UNREACHABLE_WINDOW_MS
}

const PAGES = {
  fr: {
    lang: 'fr',
    title: 'Maintenance en cours',
    text: 'Coin est momentanément indisponible : sa base de données redémarre. Réessayez dans quelques instants.',
    retry: 'Réessayer',
  },
  en: {
    lang: 'en',
    title: 'Maintenance in progress',
    text: 'Coin is briefly unavailable: its database is restarting. Please try again in a moment.',
    retry: 'Try again',
  },
}

/**
 * The 503 answer while the database is out of reach: a short page in the visitor's language (plain
 * text for Remix data requests), never cached, with `Retry-After`.
 */
export async function maintenanceResponse(request: Request) {
  const page = PAGES[await getLanguage(request).catch(() => 'fr' as const)]
  const headers = { 'Retry-After': String(RETRY_AFTER_SECONDS), 'Cache-Control': 'no-store' }
  if (new URL(request.url).pathname.endsWith('.data')) {
    return new Response(`${page.title}. ${page.text}\n`, { status: 503, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' } })
  }
  const html = `<!DOCTYPE html>
<html lang="${page.lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="refresh" content="${RETRY_AFTER_SECONDS}"><title>${page.title} · Coin</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; color: #1f2937">
<h1 style="font-size: 1.5rem">${page.title}</h1>
<p>${page.text}</p>
<p><a href="">${page.retry}</a></p>
</body>
</html>
`
  return new Response(html, { status: 503, headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' } })
}
