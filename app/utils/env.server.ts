import { randomBytes } from 'node:crypto'
import { availableParallelism } from 'node:os'
import fs from 'node:fs'
import { isIP } from 'node:net'
import path from 'node:path'
import cronParser from 'cron-parser'
import { z } from 'zod'
import { formatDn } from '#app/integrations/ldap/entries.ts'
import { splitCommandLine, unknownMaillistPlaceholders } from '#app/integrations/maillist/command.ts'
import { DEFAULT_FEE_REMINDER_OFFSETS, parseOffsets } from '#app/models/email/reminder-rules.ts'
import { DEFAULT_FEEDS, parseFeeds } from '#app/models/feeds/config.ts'
import { DEFAULT_SUBSCRIPTION_REFERENCE, unknownPlaceholders } from '#app/models/subscription/rules.ts'

/** Optional modules (Coin's EXTRA_INSTALLED_APPS); each later issue adds its own. */
export const KNOWN_MODULES = ['vpn', 'dsl', 'hardware', 'maillists'] as const

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], {
    error: 'expected true or false',
  })
  .transform((v) => v === 'true' || v === '1' || v === 'yes')

/** Five cron fields of digits, ranges, lists, steps or stars. */
const CRON = /^([\d*,/-]+\s+){4}[\d*,/-]+$/

/** Whether `zone` is an IANA time zone this Node knows (Intl throws a RangeError on others). */
export function isTimeZone(zone: string) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

/**
 * A schedule, checked by the cron parser pg-boss itself uses: an expression pg-boss would refuse
 * when the worker registers it (`99 99 * * *`) stops every command at startup instead.
 */
const cron = (fallback: string) =>
  z
    .string()
    .trim()
    .regex(CRON, `expected a cron expression of 5 fields, e.g. "${fallback}"`)
    .superRefine((expression, ctx) => {
      try {
        cronParser.parseExpression(expression)
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `not a valid cron expression: ${error instanceof Error ? error.message : String(error)}` })
      }
    })
    .default(fallback)

/** A POSIX uid or gid number. */
const posixId = () =>
  z.coerce
    .number({ error: 'expected a number' })
    .int('expected a whole number')
    .min(0, 'expected a number between 0 and 2000000000')
    .max(2_000_000_000, 'expected a number between 0 and 2000000000')

/** A distinguished name such as `ou=vpn,dc=example,dc=org` (its syntax is the LDAP server's to check). */
/** A DN, written back in Coin's escaping (`ou=vpn, dc=x` → `ou=vpn,dc=x`) so that DNs compare as text. */
const dn = (example: string) =>
  z.string().trim().refine((v) => v === '' || /^[A-Za-z0-9][\w.-]*=[^,]/.test(v), `expected a DN such as ${example}`).transform(formatDn)

/** A file Coin reads at startup, such as a certificate: it must exist and be readable now. */
const readableFile = () =>
  z
    .string()
    .trim()
    .refine((file) => {
      try {
        fs.accessSync(file, fs.constants.R_OK)
        return fs.statSync(file).isFile()
      } catch {
        return false
      }
    }, 'expected the path of a readable file (no such file, or not readable)')

/** A host name (`vpn.example.org`) or an IPv4/IPv6 address. */
const HOST_NAME = /^(?=.{1,253}\.?$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i

const count = (what: string, min: number, max: number) =>
  z.coerce
    .number({ error: `expected a number of ${what}` })
    .int(`expected a whole number of ${what}`)
    .min(min, `expected between ${min} and ${max} ${what}`)
    .max(max, `expected between ${min} and ${max} ${what}`)

const EnvSchema = z.object({
  NODE_ENV: z
    .enum(['production', 'development', 'test'], { error: 'expected production, development or test' })
    .default('development'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgresql:// URL')
    .optional(),
  COIN_DATA_DIR: z.string().min(1, 'expected a folder path').default('.data'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce
    .number({ error: 'expected a port number' })
    .int('expected a whole port number')
    .min(1, 'expected a port between 1 and 65535')
    .max(65535, 'expected a port between 1 and 65535')
    .default(3000),
  WEB_CONCURRENCY: z.coerce
    .number({ error: 'expected a number of processes' })
    .int('expected a whole number of processes')
    .min(1, 'expected between 1 and 64 processes')
    .max(64, 'expected between 1 and 64 processes')
    .default(1),
  SESSION_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
  TRUST_PROXY: booleanString.default(false),
  MEMBER_CAN_EDIT_PROFILE: booleanString.default(false),
  MEMBER_MEMBERSHIP_INFO_URL: z.union([z.literal(''), z.url({ error: 'expected an http(s) URL or nothing' })]).default(''),
  DEFAULT_FROM_EMAIL: z.email({ error: 'expected an email address' }).default('coin@localhost.localdomain'),
  COIN_MODULES: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const names = value.split(',').map((s) => s.trim()).filter(Boolean)
      for (const name of names) {
        if (!(KNOWN_MODULES as readonly string[]).includes(name)) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown module "${name}", expected a comma-separated list of ${KNOWN_MODULES.join(', ')}`,
          })
        }
      }
      return names
    }),
  SUBSCRIPTION_REFERENCE: z
    .string()
    .default(DEFAULT_SUBSCRIPTION_REFERENCE)
    .superRefine((pattern, ctx) => {
      const unknown = unknownPlaceholders(pattern)
      if (unknown.length) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown placeholder {${unknown[0]}}; use {offer.reference}, {offer.id}, {subscription.id}, {member.id} or {member.username}`,
        })
      }
    }),
  PAYMENT_DELAY: z.coerce
    .number({ error: 'expected a number of days' })
    .int('expected a whole number of days')
    .min(0, 'expected between 0 and 365 days')
    .max(365, 'expected between 0 and 365 days')
    .default(30),
  /**
   * The address of Coin as members reach it (Coin's "sites" domain): every link of every email,
   * the OpenVPN file, /isp.json's website when the record has none. Required in production; the
   * local address (http://localhost:PORT) otherwise.
   */
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'expected an absolute http:// or https:// URL, such as https://coin.fai.example' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  /** smtp://user:pass@host:port or smtps://…; unset: messages are written as .eml files in the data dir. */
  SMTP_URL: z
    .url({ protocol: /^smtps?$/, error: 'expected an smtp:// or smtps:// URL' })
    .optional(),
  /** Sending attempts before a message is marked failed (the admin can resend it). */
  EMAIL_MAX_ATTEMPTS: z.coerce
    .number({ error: 'expected a number of attempts' })
    .int('expected a whole number of attempts')
    .min(1, 'expected between 1 and 50 attempts')
    .max(50, 'expected between 1 and 50 attempts')
    .default(12),
  /** When members are called for their fee: months from the fee's end (-1m: a month before it ends). */
  FEE_REMINDER_OFFSETS: z
    .string()
    .default(DEFAULT_FEE_REMINDER_OFFSETS)
    .transform((text, ctx) => {
      try {
        return parseOffsets(text)
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) })
        return z.NEVER
      }
    }),
  /** Receives a summary of each reminders run (the successor of cron's MAILTO). */
  REMINDER_REPORT_EMAIL: z.email({ error: 'expected an email address' }).optional(),
  /** Folders whose .tsx/.jsx files replace built-in email templates of the same name, colon-separated. */
  EXTRA_TEMPLATE_DIRS: z
    .string()
    .default('')
    .transform((value) => value.split(':').map((dir) => dir.trim()).filter(Boolean)),
  /** News feeds on the member dashboard: `name|url|max` separated by `;`, or `none`. */
  FEEDS: z
    .string()
    .default(DEFAULT_FEEDS)
    .transform((text, ctx) => {
      if (text.trim().toLowerCase() === 'none') return []
      try {
        return parseFeeds(text)
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) })
        return z.NEVER
      }
    }),
  /** When the worker runs each job (cron, in TZ). */
  CHARGE_SUBSCRIPTIONS_CRON: cron('59 23 * * *'),
  CALL_FOR_MEMBERSHIP_FEES_CRON: cron('42 3 * * *'),
  REMIND_UNPAID_INVOICES_CRON: cron('12 10 * * *'),
  /** The time zone of "today" and of the schedules (Node reads it too, for local times). */
  TZ: z
    .string()
    .trim()
    .refine(isTimeZone, 'expected a time zone such as Europe/Paris (see the tz database)')
    .default('Europe/Paris'),
  /** Connections each process keeps to PostgreSQL. */
  DATABASE_POOL_SIZE: count('connections', 1, 100).default(10),
  /** Queries taking this long or longer are logged as warnings (0: every query). */
  SLOW_QUERY_MS: count('milliseconds', 0, 600_000).default(200),
  /** Worker threads that render invoice PDFs during charge_subscriptions (0: the main thread). */
  PDF_THREADS: z.coerce
    .number({ error: 'expected a number of threads' })
    .int('expected a whole number of threads')
    .min(0, 'expected between 0 and 16 threads')
    .max(16, 'expected between 0 and 16 threads')
    .default(Math.min(2, availableParallelism())),
  /** ldap:// or ldaps:// (host and port only); unset: LDAP is off and nothing is written to a directory. */
  LDAP_URL: z
    .url({ protocol: /^ldaps?$/, error: 'expected an ldap:// or ldaps:// URL' })
    .refine((url) => /^ldaps?:\/\/[^/@?#]+\/?$/i.test(url), 'expected only a scheme, a host and a port, e.g. ldap://ldap.example.org:389')
    .optional(),
  /** The DN Coin binds as; it needs write access under VPN_CONF_BASE_DN and LDAP_MEMBERS_BASE_DN. */
  LDAP_BIND_DN: dn('cn=coin,dc=example,dc=org').optional(),
  LDAP_BIND_PASSWORD: z.string().optional(),
  /** Where VPN accounts live (Coin's VPN_CONF_BASE_DN); empty: VPN accounts are not written to LDAP. */
  VPN_CONF_BASE_DN: dn('ou=vpn,dc=example,dc=org').default(''),
  /** Where members are kept as POSIX accounts; unset: members are not written to LDAP. */
  LDAP_MEMBERS_BASE_DN: dn('ou=members,dc=example,dc=org').optional(),
  /** A member's uidNumber is this plus their id. */
  LDAP_MEMBERS_UID_BASE: posixId().default(10000),
  /** The gidNumber of every member's POSIX account. */
  LDAP_MEMBERS_GID: posixId().default(10000),
  /** Upgrade an ldap:// connection with StartTLS before binding. */
  LDAP_STARTTLS: booleanString.default(false),
  /** CA certificate(s) (PEM) the LDAP server's certificate must chain to; unset: the system's CAs. */
  LDAP_TLS_CA_FILE: readableFile().optional(),
  /** false accepts any LDAP server certificate (a test server only). */
  LDAP_TLS_REJECT_UNAUTHORIZED: booleanString.default(true),
  /** Connecting and each LDAP operation give up after this long: LDAP being down never hangs a job. */
  LDAP_TIMEOUT_MS: count('milliseconds', 100, 600_000).default(5000),
  /** The OpenVPN server members' client files point to (host name or address); empty: none. */
  OPENVPN_SERVER: z
    .string()
    .trim()
    .refine((host) => HOST_NAME.test(host) || isIP(host) !== 0, 'expected a host name or an IP address, e.g. vpn.example.org')
    .default(''),
  OPENVPN_PORT: z.coerce
    .number({ error: 'expected a port number' })
    .int('expected a whole port number')
    .min(1, 'expected a port between 1 and 65535')
    .max(65535, 'expected a port between 1 and 65535')
    .default(1194),
  OPENVPN_PROTOCOL: z.enum(['udp', 'tcp'], { error: 'expected udp or tcp' }).default('udp'),
  /** The CA certificate (PEM) embedded in members' OpenVPN client files. */
  OPENVPN_CA_FILE: readableFile().optional(),
  /**
   * The command that pushes a mailing list's subscribers (one address per line on its stdin),
   * run without a shell; {short_name} and {email} (the list's address) are replaced in each
   * argument. Unset: lists are kept in Coin only.
   */
  MAILLIST_SYNC_COMMAND: z
    .string()
    .trim()
    .superRefine((line, ctx) => {
      try {
        if (line && splitCommandLine(line).length === 0) ctx.addIssue({ code: 'custom', message: 'expected a command' })
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `not a command line: ${error instanceof Error ? error.message : String(error)}` })
      }
      const unknown = unknownMaillistPlaceholders(line)
      if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown placeholder {${unknown[0]}}; use {short_name} or {email}` })
    })
    .transform((line) => line || undefined)
    .optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'expected one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  /** Log lines as JSON or as one-line text; unset: text on a terminal, JSON otherwise. */
  LOG_FORMAT: z.enum(['json', 'text'], { error: 'expected json or text' }).optional(),
}).superRefine((env, ctx) => {
  if (!env.LDAP_URL) return
  // Coin writes entries, which an anonymous bind may not.
  for (const key of ['LDAP_BIND_DN', 'LDAP_BIND_PASSWORD'] as const) {
    if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required when LDAP_URL is set' })
  }
  if (env.LDAP_STARTTLS && env.LDAP_URL.startsWith('ldaps:')) {
    ctx.addIssue({ code: 'custom', path: ['LDAP_STARTTLS'], message: 'not with an ldaps:// LDAP_URL, which is TLS from the start' })
  }
  // Each base belongs to Coin (a repair removes what it does not know there): they must be apart.
  const [vpn, members] = [env.VPN_CONF_BASE_DN, env.LDAP_MEMBERS_BASE_DN ?? ''].map((b) => b.toLowerCase())
  if (vpn && members && (vpn === members || vpn.endsWith(`,${members}`) || members.endsWith(`,${vpn}`))) {
    ctx.addIssue({ code: 'custom', path: ['LDAP_MEMBERS_BASE_DN'], message: 'must be apart from VPN_CONF_BASE_DN (neither the same entry nor one inside the other)' })
  }
})

export type Env = z.infer<typeof EnvSchema> & { SESSION_SECRET: string; COIN_DATA_DIR: string; PUBLIC_URL: string }

export class EnvError extends Error {
  override name = 'EnvError'
}

/**
 * Validates the environment. The message names the first wrong variable on one line, e.g.
 * `PORT: expected a port number (got "abc")`.
 */
export function parseEnv(source: Record<string, string | undefined>): z.infer<typeof EnvSchema> {
  // An empty variable means "not set", as in shells and .env files.
  const cleaned = Object.fromEntries(
    Object.keys(EnvSchema.shape).map((key) => [key, source[key] === '' ? undefined : source[key]]),
  )
  const result = EnvSchema.safeParse(cleaned)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const key = String(issue.path[0])
  const got = source[key] === undefined ? undefined : /SECRET|PASSWORD/.test(key) ? '***' : hidePassword(source[key])
  throw new EnvError(`Invalid configuration: ${key}: ${issue.message}${got === undefined ? '' : ` (got "${got}")`}`)
}

/** A URL's password never goes to a terminal or a log: `smtp://coin:secret@host` → `smtp://coin:***@host`. */
export function hidePassword(text: string) {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@')
}

let cached: Env | undefined

/**
 * Reads and validates the environment once per process. Outside production a missing
 * SESSION_SECRET is generated once and kept in the data folder.
 */
export function init(source: Record<string, string | undefined> = process.env): Env {
  const parsed = parseEnv(source)
  const dataDir = path.resolve(parsed.COIN_DATA_DIR)
  let secret = parsed.SESSION_SECRET
  if (!secret) {
    if (parsed.NODE_ENV === 'production') {
      throw new EnvError('Invalid configuration: SESSION_SECRET: required in production (at least 32 random characters)')
    }
    secret = readOrCreateSecret(dataDir)
  }
  if (!parsed.PUBLIC_URL && parsed.NODE_ENV === 'production') {
    throw new EnvError('Invalid configuration: PUBLIC_URL: required in production: the address members reach Coin at, such as https://coin.fai.example (links in emails point there)')
  }
  const publicUrl = parsed.PUBLIC_URL ?? `http://localhost:${parsed.PORT}`
  cached = { ...parsed, COIN_DATA_DIR: dataDir, SESSION_SECRET: secret, PUBLIC_URL: publicUrl }
  return cached
}

/** The validated environment; initialises it on first use. */
export function getEnv(): Env {
  return cached ?? init()
}

function readOrCreateSecret(dataDir: string) {
  const file = path.join(dataDir, 'session-secret')
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    fs.mkdirSync(dataDir, { recursive: true })
    const secret = randomBytes(32).toString('base64url')
    fs.writeFileSync(file, secret + '\n', { mode: 0o600 })
    return secret
  }
}
