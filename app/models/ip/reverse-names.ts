import { MAX_PREFIX_LENGTH, type ParsedIp } from './address.ts'

/**
 * Names of the reverse DNS tree (in-addr.arpa, RFC 1035 §3.5; ip6.arpa, RFC 3596 §2.5), all
 * absolute (ending with a dot).
 */

const nibbles = (bytes: number[]) => bytes.flatMap((b) => [b >> 4, b & 0xf])

/** The PTR owner name of an address: `5.2.0.192.in-addr.arpa.`, or 32 nibbles then `ip6.arpa.`. */
export function pointerName({ family, bytes }: Pick<ParsedIp, 'family' | 'bytes'>) {
  if (family === 4) return `${[...bytes].reverse().join('.')}.in-addr.arpa.`
  return `${nibbles(bytes).reverse().map((n) => n.toString(16)).join('.')}.ip6.arpa.`
}

/** The reverse zone of a network on a label boundary (octets for IPv4, nibbles for IPv6). */
function zoneOnBoundary(family: 4 | 6, bytes: number[], prefixLength: number) {
  if (family === 4) {
    const labels = bytes.slice(0, prefixLength / 8).reverse()
    return [...labels, 'in-addr.arpa.'].join('.')
  }
  const labels = nibbles(bytes).slice(0, prefixLength / 4).reverse().map((n) => n.toString(16))
  return [...labels, 'ip6.arpa.'].join('.')
}

/** The network's bytes plus `offset` blocks of size /`length` (offset < 2^(length - prefix)). */
function addBlocks(bytes: number[], length: number, offset: number) {
  const result = [...bytes]
  let carry = offset
  let bit = result.length * 8 - length // the value of one block is 2^bit
  let index = result.length - 1 - Math.floor(bit / 8)
  bit %= 8
  while (carry > 0 && index >= 0) {
    const sum = result[index] + ((carry % 256) << bit)
    result[index] = sum & 0xff
    carry = Math.floor(carry / 256) + (sum >> 8)
    index -= 1
  }
  return result
}

/** What delegating a network's reverse DNS takes: NS records at `zones`, plus RFC 2317 CNAMEs. */
export type ReverseDelegation = { zones: string[]; aliases: { owner: string; target: string }[] }

/**
 * Where the reverse DNS of a network is delegated. On a label boundary (an IPv4 /8, /16, /24
 * or /32; an IPv6 prefix length multiple of 4) it is one zone. Shorter prefixes between
 * boundaries are split into the zones of the next boundary (a /20 is 16 /24 zones, a /62 four
 * /64 zones). An IPv4 network longer than /24 off an octet boundary uses RFC 2317 classless
 * delegation: the zone `<first>/<length>.<c>.<b>.<a>.in-addr.arpa.` and, in the parent, one
 * CNAME per address pointing into it.
 */
export function reverseDelegation({ family, bytes, prefixLength }: ParsedIp & { prefixLength: number }): ReverseDelegation {
  const label = family === 4 ? 8 : 4
  if (prefixLength % label === 0) return { zones: [zoneOnBoundary(family, bytes, prefixLength)], aliases: [] }
  if (family === 4 && prefixLength > 24) {
    const parent = zoneOnBoundary(4, bytes, 24)
    const first = bytes[3]
    const zone = `${first}/${prefixLength}.${parent}`
    const count = 2 ** (MAX_PREFIX_LENGTH[4] - prefixLength)
    const aliases = Array.from({ length: count }, (_, i) => ({ owner: `${first + i}.${parent}`, target: `${first + i}.${zone}` }))
    return { zones: [zone], aliases }
  }
  const boundary = Math.ceil(prefixLength / label) * label
  const zones = Array.from({ length: 2 ** (boundary - prefixLength) }, (_, i) => zoneOnBoundary(family, addBlocks(bytes, boundary, i), boundary))
  return { zones, aliases: [] }
}
