/**
 * Addresses as staff type them and as PostgreSQL prints them. This module only reads and writes
 * text: what a subnet is, which addresses it holds and how subnets compare is left to
 * PostgreSQL's inet operators (app/models/ip/*.server.ts).
 */

export type IpFamily = 4 | 6

/** An address or network typed by staff: its family, its bytes and the prefix length given, if any. */
export type ParsedIp = { family: IpFamily; bytes: number[]; prefixLength: number | null }

export const MAX_PREFIX_LENGTH = { 4: 32, 6: 128 } as const

const DECIMAL = /^(0|[1-9]\d{0,2})$/
const HEX_GROUP = /^[0-9a-f]{1,4}$/i

function parseIpv4(text: string) {
  const parts = text.split('.')
  if (parts.length !== 4 || !parts.every((p) => DECIMAL.test(p) && Number(p) <= 255)) return null
  return parts.map(Number)
}

function parseGroups(text: string) {
  if (text === '') return []
  const groups = text.split(':')
  return groups.every((g) => HEX_GROUP.test(g)) ? groups.map((g) => parseInt(g, 16)) : null
}

function parseIpv6(text: string) {
  // A dotted IPv4 tail (::ffff:192.0.2.1) stands for the last two groups.
  let tail: number[] = []
  let head = text
  const lastColon = text.lastIndexOf(':')
  if (text.includes('.', lastColon)) {
    const v4 = parseIpv4(text.slice(lastColon + 1))
    if (!v4) return null
    tail = [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]]
    head = text.slice(0, lastColon + 1)
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1)
  }
  const halves = head.split('::')
  if (halves.length > 2) return null
  let groups: number[]
  if (halves.length === 2) {
    const left = parseGroups(halves[0])
    const right = parseGroups(halves[1])
    if (!left || !right) return null
    const missing = 8 - left.length - right.length - tail.length
    if (missing < 1) return null
    groups = [...left, ...Array<number>(missing).fill(0), ...right, ...tail]
  } else {
    const all = parseGroups(head)
    if (!all) return null
    groups = [...all, ...tail]
  }
  if (groups.length !== 8) return null
  return groups.flatMap((g) => [g >> 8, g & 0xff])
}

/**
 * Reads an IPv4 or IPv6 address, with an optional prefix length (`10.0.0.0/24`,
 * `2001:db8::/56`, `192.0.2.1`). Strict: no abbreviated IPv4 (`10/8`), no leading zeros in
 * IPv4 parts or prefix lengths, no zone index. Everything accepted here PostgreSQL's inet
 * accepts too. Returns null when the text is not one.
 */
export function parseIp(text: string): ParsedIp | null {
  const trimmed = text.trim()
  const slash = trimmed.indexOf('/')
  const address = slash === -1 ? trimmed : trimmed.slice(0, slash)
  const prefix = slash === -1 ? null : trimmed.slice(slash + 1)
  const family: IpFamily = address.includes(':') ? 6 : 4
  const bytes = family === 4 ? parseIpv4(address) : parseIpv6(address)
  if (!bytes) return null
  if (prefix === null) return { family, bytes, prefixLength: null }
  if (!DECIMAL.test(prefix) || Number(prefix) > MAX_PREFIX_LENGTH[family]) return null
  return { family, bytes, prefixLength: Number(prefix) }
}

/**
 * An inet as PostgreSQL prints it (a host without its /32 or /128) always written as a CIDR,
 * e.g. `10.0.0.5/32`, `2001:db8::/56`.
 */
export function formatCidr(inet: string) {
  if (inet.includes('/')) return inet
  return `${inet}/${inet.includes(':') ? 128 : 32}`
}

/** An inet as a plain address, without its prefix length (`10.0.0.5/32` → `10.0.0.5`). */
export function formatHost(inet: string) {
  const slash = inet.indexOf('/')
  return slash === -1 ? inet : inet.slice(0, slash)
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/

/**
 * A host name as DNS wants it (RFC 1123): two labels or more of letters, digits and inner
 * hyphens, 63 characters a label and 253 in all, one trailing dot allowed. Returns it
 * lower-cased without the trailing dot, or null.
 */
export function normalizeHostName(text: string) {
  const name = text.trim().toLowerCase().replace(/\.$/, '')
  if (name.length === 0 || name.length > 253) return null
  const labels = name.split('.')
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return null
  if (/^\d+$/.test(labels.at(-1)!)) return null
  return name
}
