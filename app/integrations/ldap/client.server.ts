import fs from 'node:fs'
import { isIP } from 'node:net'
import type { ConnectionOptions } from 'node:tls'
import { AlreadyExistsError, Attribute, Change, Client, InvalidCredentialsError, NoSuchObjectError, ResultCodeError } from 'ldapts'
import { getEnv, type Env } from '#app/utils/env.server.ts'
import { formatDn, type LdapAttributes, type LdapEntry } from './entries.ts'

/**
 * The only code that talks to LDAP. Every function opens a connection, binds as Coin, does its
 * work and unbinds; or it reuses a client given by `withLdap` for a batch. Failures are
 * `LdapError`s with a short message naming the server or the DN, never the bind password.
 */

export type LdapSettings = {
  url: string
  bindDn: string
  bindPassword: string
  startTls: boolean
  /** CA certificate(s) (PEM file) the server's certificate must chain to; unset: the system's. */
  tlsCaFile?: string
  tlsRejectUnauthorized: boolean
  /** Connecting and each operation give up after this long. */
  timeoutMs: number
}

type LdapEnv = Pick<
  Env,
  'LDAP_URL' | 'LDAP_BIND_DN' | 'LDAP_BIND_PASSWORD' | 'LDAP_STARTTLS' | 'LDAP_TLS_CA_FILE' | 'LDAP_TLS_REJECT_UNAUTHORIZED' | 'LDAP_TIMEOUT_MS'
>

/** The connection settings from the environment, or null when LDAP is off (LDAP_URL unset). */
export function ldapSettings(env: LdapEnv = getEnv()): LdapSettings | null {
  if (!env.LDAP_URL) return null
  return {
    url: env.LDAP_URL,
    bindDn: env.LDAP_BIND_DN ?? '',
    bindPassword: env.LDAP_BIND_PASSWORD ?? '',
    startTls: env.LDAP_STARTTLS,
    tlsCaFile: env.LDAP_TLS_CA_FILE,
    tlsRejectUnauthorized: env.LDAP_TLS_REJECT_UNAUTHORIZED,
    timeoutMs: env.LDAP_TIMEOUT_MS,
  }
}

/**
 * What went wrong, for callers that react differently: `unreachable`, `timeout` and `tls` are
 * the network's; `bind` is Coin's credentials; `no-such-base` a missing parent entry; `refused`
 * any other refusal by the server; `off` means LDAP_URL is unset.
 */
export type LdapErrorKind = 'off' | 'unreachable' | 'timeout' | 'tls' | 'bind' | 'no-such-base' | 'refused'

export class LdapError extends Error {
  override name = 'LdapError'
  constructor(
    readonly kind: LdapErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** A client bound as Coin (from `withLdap`), or the settings to open one with. */
export type LdapConnection = Client | LdapSettings

/**
 * Runs `work` with a client bound as Coin and always unbinds afterwards (a client left bound, or
 * whose bind failed, keeps the process alive). Pass the client to the functions below to do
 * several operations on one connection.
 */
export async function withLdap<T>(work: (client: Client) => Promise<T>, settings: LdapSettings = requireSettings()): Promise<T> {
  const tls = settings.startTls || settings.url.startsWith('ldaps:') ? tlsOptions(settings) : undefined
  const client = new Client({
    url: settings.url,
    connectTimeout: settings.timeoutMs,
    timeout: settings.timeoutMs,
    // ldapts speaks TLS from the first byte whenever it is given TLS options.
    ...(settings.startTls ? {} : { tlsOptions: tls }),
  })
  try {
    if (settings.startTls) {
      try {
        await client.startTLS(tls)
      } catch (error) {
        if (!(error instanceof ResultCodeError)) throw error
        throw new LdapError('tls', `LDAP StartTLS refused at ${settings.url}: ${resultName(error)}`, { cause: error })
      }
    }
    try {
      await client.bind(settings.bindDn, settings.bindPassword)
    } catch (error) {
      if (!(error instanceof ResultCodeError)) throw error
      throw new LdapError('bind', `LDAP bind refused for ${settings.bindDn || 'anonymous'}: ${resultName(error)}`, { cause: error })
    }
    return await work(client)
  } catch (error) {
    throw connectionError(error, settings.url)
  } finally {
    await client.unbind().catch(() => {})
  }
}

/**
 * Makes the entry at `dn` hold exactly `attributes` (an empty list: the attribute is absent):
 * adds it when missing, otherwise replaces the attributes that differ and deletes those now
 * empty. Attributes not named are left alone. Returns what it did; running it again with the
 * same values is `unchanged`.
 */
export function putEntry(dn: string, attributes: LdapAttributes, connection?: LdapConnection): Promise<'added' | 'modified' | 'unchanged'> {
  return using(connection, async (client) => {
    // Twice at most: another worker may add or delete the entry between the read and the write.
    for (let attempt = 1; ; attempt++) {
      const current = await readWith(client, dn)
      try {
        if (!current) {
          const present = Object.entries(attributes).filter(([, values]) => values.length > 0)
          await client.add(dn, present.map(([type, values]) => new Attribute({ type, values })))
          return 'added'
        }
        const changes = differences(current, attributes)
        if (changes.length === 0) return 'unchanged'
        await client.modify(dn, changes)
        return 'modified'
      } catch (error) {
        // Another worker added or deleted the entry between the read and the write: once more.
        const raced = current ? error instanceof NoSuchObjectError : error instanceof AlreadyExistsError
        if (raced && attempt === 1) continue
        if (!current && error instanceof NoSuchObjectError) throw noSuchBase(parentDn(dn), error)
        throw refusal(error, current ? 'modify' : 'add', dn)
      }
    }
  })
}

/** Deletes the entry at `dn`; an entry already gone is fine. Returns whether one was deleted. */
export function removeEntry(dn: string, connection?: LdapConnection): Promise<boolean> {
  return using(connection, async (client) => {
    try {
      await client.del(dn)
      return true
    } catch (error) {
      if (error instanceof NoSuchObjectError) return false
      throw refusal(error, 'delete', dn)
    }
  })
}

/** The entry's attributes (names as the server spells them), or null when there is none. */
export function readEntry(dn: string, connection?: LdapConnection): Promise<LdapAttributes | null> {
  return using(connection, (client) => readWith(client, dn))
}

/** The entries directly under `baseDn` (one level), e.g. to compare them with the database. */
export function listEntries(baseDn: string, connection?: LdapConnection): Promise<LdapEntry[]> {
  return using(connection, async (client) => {
    try {
      const { searchEntries } = await client.search(baseDn, { scope: 'one', paged: { pageSize: 500 } })
      // slapd spells escapes as hex (`\2C`); the DNs come back as entries.ts writes them (`\,`).
      return searchEntries.map((entry) => ({ dn: formatDn(entry.dn), attributes: attributesOf(entry) }))
    } catch (error) {
      if (error instanceof NoSuchObjectError) throw noSuchBase(baseDn, error)
      throw refusal(error, 'search', baseDn)
    }
  })
}

/**
 * Whether `dn` can bind with `password` (a VPN account or a member checked the way OpenVPN or
 * another service would). False for wrong credentials; an unreachable server throws.
 */
export async function canBind(dn: string, password: string, settings: LdapSettings = requireSettings()) {
  // An empty password is an anonymous bind, which succeeds for any DN.
  if (!password) return false
  try {
    await withLdap(async () => {}, { ...settings, bindDn: dn, bindPassword: password })
    return true
  } catch (error) {
    if (error instanceof LdapError && error.cause instanceof InvalidCredentialsError) return false
    throw error
  }
}

function requireSettings() {
  const settings = ldapSettings()
  if (!settings) throw new LdapError('off', 'LDAP is off: LDAP_URL is not set')
  return settings
}

function using<T>(connection: LdapConnection | undefined, work: (client: Client) => Promise<T>) {
  return connection instanceof Client ? work(connection) : withLdap(work, connection)
}

function tlsOptions(settings: LdapSettings): ConnectionOptions {
  const host = new URL(settings.url).hostname.replace(/^\[|\]$/g, '')
  return {
    // The name the certificate must carry (StartTLS has no host of its own to check against).
    host,
    ...(isIP(host) ? {} : { servername: host }),
    rejectUnauthorized: settings.tlsRejectUnauthorized,
    ...(settings.tlsCaFile ? { ca: fs.readFileSync(settings.tlsCaFile) } : {}),
  }
}

async function readWith(client: Client, dn: string) {
  try {
    const { searchEntries } = await client.search(dn, { scope: 'base' })
    return searchEntries[0] ? attributesOf(searchEntries[0]) : null
  } catch (error) {
    if (error instanceof NoSuchObjectError) return null
    throw refusal(error, 'read', dn)
  }
}

function attributesOf(entry: Record<string, unknown>): LdapAttributes {
  const attributes: LdapAttributes = {}
  for (const [type, value] of Object.entries(entry)) {
    if (type === 'dn') continue
    const values = Array.isArray(value) ? value : [value]
    if (values.length > 0) attributes[type] = values.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)))
  }
  return attributes
}

/**
 * The names of the `wanted` attributes whose values the entry's `current` attributes do not hold
 * (what `putEntry` would change); an empty list wanted means absent. Attribute names and object
 * class names compare without case, as in LDAP; other values exactly.
 */
export function differingAttributes(current: LdapAttributes, wanted: LdapAttributes) {
  const currentByName = new Map(Object.entries(current).map(([type, values]) => [type.toLowerCase(), values]))
  return Object.entries(wanted)
    .filter(([type, values]) => {
      const existing = currentByName.get(type.toLowerCase()) ?? []
      const fold = type.toLowerCase() === 'objectclass' ? (v: string) => v.toLowerCase() : (v: string) => v
      return !sameSet(existing.map(fold), values.map(fold))
    })
    .map(([type]) => type)
}

/** The changes that make `current` hold the wanted values. */
function differences(current: LdapAttributes, wanted: LdapAttributes) {
  return differingAttributes(current, wanted).map((type) => {
    const values = wanted[type] ?? []
    // A delete without values removes the whole attribute.
    return new Change({ operation: values.length > 0 ? 'replace' : 'delete', modification: new Attribute({ type, values }) })
  })
}

function sameSet(a: string[], b: string[]) {
  const left = new Set(a)
  const right = new Set(b)
  return left.size === right.size && [...left].every((v) => right.has(v))
}

function parentDn(dn: string) {
  // The first comma not escaped by a backslash ends the RDN.
  const match = /^(?:[^\\,]|\\.)*,/.exec(dn)
  return match ? dn.slice(match[0].length) : ''
}

function noSuchBase(baseDn: string, cause: unknown) {
  return new LdapError('no-such-base', `no such base DN ${baseDn}`, { cause })
}

/**
 * Words from an ldapts error class and the server's explanation, if any:
 * `ObjectClassViolationError` → "object class violation (attribute 'x' not allowed)".
 */
function resultName(error: ResultCodeError) {
  const words = error.name
    .replace(/Error$/, '')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
  // ldapts appends " Code: 0x31" to the server's diagnostic text, which is often empty.
  const detail = error.message.replace(/\s*Code: 0x[0-9a-f]+$/, '').trim()
  return detail ? `${words} (${detail})` : words
}

/** The server said no to an operation: which, on what, and why. Other errors pass through. */
function refusal(error: unknown, action: string, dn: string) {
  if (!(error instanceof ResultCodeError)) return error
  return new LdapError('refused', `LDAP refused to ${action} ${dn}: ${resultName(error)}`, { cause: error })
}

const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'])

/**
 * A network failure (refused connection, timeout, TLS, closed socket) as an LdapError naming the
 * server; anything else, such as a bug in the caller's work, passes through unchanged.
 */
function connectionError(error: unknown, url: string) {
  if (error instanceof LdapError || !(error instanceof Error)) return error
  if (error instanceof ResultCodeError) return new LdapError('refused', `LDAP at ${url} refused: ${resultName(error)}`, { cause: error })
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined
  const { message } = error
  if (message === 'Connection timeout') return new LdapError('timeout', `LDAP unreachable at ${url}: no answer to connecting`, { cause: error })
  if (message.endsWith('Operation timed out')) return new LdapError('timeout', `LDAP at ${url} did not answer in time`, { cause: error })
  if (code && /CERT|SELF_SIGNED|UNABLE_TO|TLS|SSL/.test(code)) {
    return new LdapError('tls', `LDAP TLS handshake at ${url} failed: ${message}`, { cause: error })
  }
  if (code && NETWORK_ERRORS.has(code)) return new LdapError('unreachable', `LDAP unreachable at ${url}: ${code}`, { cause: error })
  if (/^(Connection closed|Socket error|Socket connection not established)/.test(message)) {
    return new LdapError('unreachable', `LDAP unreachable at ${url}: connection lost`, { cause: error })
  }
  return error
}
