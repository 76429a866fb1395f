import { formatCidr, parseIp } from './address.ts'
import { pointerName, reverseDelegation } from './reverse-names.ts'

/** TTL of the NS and CNAME records of a delegation (PTR records carry their own). */
export const DELEGATION_TTL = 3600

export type ZoneSubnet = {
  /** As PostgreSQL prints it. */
  network: string
  delegateReverseDns: boolean
  /** Host names, without the trailing dot. */
  nameServers: string[]
  entries: { ip: string; name: string; ttl: number }[]
}

const record = (owner: string, ttl: number, type: string, data: string) => `${owner}\t${ttl}\tIN\t${type}\t${data}`

/**
 * A BIND zone fragment for a pool: a header, then for each subnet (in address order) either its
 * delegation (NS records, and RFC 2317 CNAMEs for IPv4 networks longer than /24 off an octet
 * boundary) or its PTR records. A delegated subnet's PTR records are left out: its name servers
 * answer for them, and in the parent they would clash with the CNAMEs. Every name is absolute,
 * so the fragment can be `$INCLUDE`d in any zone file. The same database gives the same text.
 */
export function formatReverseZone({ pool, subnets }: { pool: { name: string; network: string }; subnets: ZoneSubnet[] }) {
  const lines = [
    `; Reverse DNS of the IP pool "${pool.name.replace(/[\r\n]/g, ' ')}" (${formatCidr(pool.network)}), written by Coin (coin reverse_dns_zone).`,
    '; Absolute names: include this fragment in the zone file that serves the pool.',
  ]
  for (const subnet of subnets) {
    const network = formatCidr(subnet.network)
    const parsed = parseIp(network)
    if (!parsed || parsed.prefixLength === null) continue
    const nameServers = [...subnet.nameServers].sort()
    if (subnet.delegateReverseDns && nameServers.length > 0) {
      const { zones, aliases } = reverseDelegation({ ...parsed, prefixLength: parsed.prefixLength })
      lines.push('', `; ${network}: delegated to ${nameServers.join(', ')}`)
      for (const zone of zones) for (const ns of nameServers) lines.push(record(zone, DELEGATION_TTL, 'NS', `${ns}.`))
      for (const { owner, target } of aliases) lines.push(record(owner, DELEGATION_TTL, 'CNAME', target))
      continue
    }
    if (subnet.delegateReverseDns) lines.push('', `; ${network}: delegation asked, but no name server is set: not delegated`)
    if (subnet.entries.length === 0) continue
    if (!subnet.delegateReverseDns) lines.push('', `; ${network}`)
    for (const entry of subnet.entries) {
      const ip = parseIp(entry.ip)
      if (ip) lines.push(record(pointerName(ip), entry.ttl, 'PTR', entry.name))
    }
  }
  return `${lines.join('\n')}\n`
}
