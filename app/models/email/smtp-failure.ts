/**
 * What a failed sending says about whom it concerns: the message (a mailbox that does not exist),
 * the moment (a server that answers 451, or is down), or Coin's own access to its SMTP server (a
 * wrong password, a certificate that does not verify). The last kind is no message's fault:
 * delivery pauses for every message instead of failing them one by one. Pure rules.
 */

/** SMTP replies about Coin's access: authentication required (530), too weak (534), refused (535), encryption required (538). */
const ACCESS_REPLIES = new Set([530, 534, 535, 538])

/** Nodemailer's codes for authentication and TLS failures. */
const ACCESS_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ETLS', 'EREQUIRETLS'])

/** A socket error of the TLS layer: Node's certificate codes (DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED…) and OpenSSL's. */
const TLS_TEXT = /CERT|SSL|TLS|certificate|self[- ]signed/i

export type SmtpFailureKind = 'access' | 'permanent' | 'temporary'

/**
 * Sorts an error thrown while sending: `access` (authentication or TLS: the transport's fault),
 * `permanent` (another 5xx answer: this message will not go by waiting) or `temporary`
 * (anything else: a 4xx answer, a server down or slow).
 */
export function classifySmtpFailure(error: unknown): SmtpFailureKind {
  const { code, responseCode, originalCode, message } = (error ?? {}) as { code?: unknown; responseCode?: unknown; originalCode?: unknown; message?: unknown }
  if (typeof responseCode === 'number' && ACCESS_REPLIES.has(responseCode)) return 'access'
  if (typeof code === 'string' && ACCESS_CODES.has(code)) return 'access'
  if (code === 'ESOCKET' || code === 'ECONNECTION') {
    if (typeof originalCode === 'string' && TLS_TEXT.test(originalCode)) return 'access'
    if (typeof message === 'string' && TLS_TEXT.test(message)) return 'access'
  }
  if (typeof responseCode === 'number' && responseCode >= 500) return 'permanent'
  return 'temporary'
}

/**
 * How a paused delivery is written in the `lastError` of the message that met the failure: the
 * marker, how many times in a row the server refused Coin (for the backoff), and its answer.
 */
const PAUSE_MARKER = /^SMTP access refused \(try (\d+)\): ([\s\S]*)$/

export const pauseError = (tries: number, error: string) => `SMTP access refused (try ${tries}): ${error}`.slice(0, 1000)

/** The tries and the server's answer of a pause marker; null for any other error text. */
export function parsePauseError(lastError: string | null) {
  const match = lastError ? PAUSE_MARKER.exec(lastError) : null
  return match ? { tries: Number(match[1]), error: match[2] } : null
}

/** How every pause marker starts, for queries. */
export const PAUSE_ERROR_PREFIX = 'SMTP access refused (try '
