import { describe, expect, test } from 'vitest'
import { formatCidr, formatHost, normalizeHostName, parseIp } from '#app/models/ip/address.ts'
import { pointerName, reverseDelegation } from '#app/models/ip/reverse-names.ts'
import { formatReverseZone } from '#app/models/ip/zone.ts'

const network = (text: string) => {
  const ip = parseIp(text)!
  return { ...ip, prefixLength: ip.prefixLength! }
}

describe('reading addresses', () => {
  test('IPv4 and IPv6, with or without a prefix length, in every form PostgreSQL prints', () => {
    expect(parseIp('192.0.2.1')).toEqual({ family: 4, bytes: [192, 0, 2, 1], prefixLength: null })
    expect(parseIp(' 10.0.0.0/8 ')).toEqual({ family: 4, bytes: [10, 0, 0, 0], prefixLength: 8 })
    expect(parseIp('2001:db8::1/128')?.bytes).toEqual([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    expect(parseIp('::')?.bytes).toEqual(Array(16).fill(0))
    expect(parseIp('::ffff:192.0.2.1')?.bytes.slice(10)).toEqual([0xff, 0xff, 192, 0, 2, 1])
    expect(parseIp('1:2:3:4:5:6:7::')?.bytes.slice(12)).toEqual([0, 7, 0, 0])
    expect(parseIp('1:2:3:4:5:6:1.2.3.4')?.bytes.slice(12)).toEqual([1, 2, 3, 4])
    expect(parseIp('FFFF::/0')).toMatchObject({ family: 6, prefixLength: 0 })
  })

  test('refuses what is not strictly an address', () => {
    for (const text of [
      '', '10', '10/8', '10.0.0', '10.0.0.256', '010.0.0.1', '10.0.0.1/33', '10.0.0.1/08', '10.0.0.1/', '10.0.0.1/-1',
      '1::2::3', ':1', '1:', '1:2:3:4:5:6:7:8:9', '::1:2:3:4:5:6:7:8', '12345::', '2001:db8::/129', 'fe80::1%eth0', 'g::1', 'pas une adresse',
    ]) {
      expect(parseIp(text), text).toBeNull()
    }
  })

  test('PostgreSQL\'s hosts are shown with their prefix length, and without it as addresses', () => {
    expect(formatCidr('10.0.0.5')).toBe('10.0.0.5/32')
    expect(formatCidr('2001:db8::1')).toBe('2001:db8::1/128')
    expect(formatCidr('10.0.0.0/24')).toBe('10.0.0.0/24')
    expect(formatHost('10.0.0.5/32')).toBe('10.0.0.5')
    expect(formatHost('2001:db8::1')).toBe('2001:db8::1')
  })

  test('host names: two labels or more, letters, digits and inner hyphens, lower-cased, trailing dot dropped', () => {
    expect(normalizeHostName('NS1.Example.org.')).toBe('ns1.example.org')
    expect(normalizeHostName('a-b.c0.example')).toBe('a-b.c0.example')
    for (const bad of ['', 'localhost', '-a.example.org', 'a-.example.org', 'a..example.org', 'a b.org', 'a_b.example.org', '10.0.0.1', `${'a'.repeat(64)}.org`, `${'a.'.repeat(127)}org`]) {
      expect(normalizeHostName(bad), bad).toBeNull()
    }
  })
})

describe('reverse DNS names', () => {
  test('PTR owner names of IPv4 and IPv6 addresses', () => {
    expect(pointerName(parseIp('192.0.2.5')!)).toBe('5.2.0.192.in-addr.arpa.')
    expect(pointerName(parseIp('2001:db8::567:89ab')!)).toBe('b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.')
  })

  test('networks on a label boundary delegate one zone', () => {
    expect(reverseDelegation(network('10.0.0.0/8'))).toEqual({ zones: ['10.in-addr.arpa.'], aliases: [] })
    expect(reverseDelegation(network('192.0.2.0/24')).zones).toEqual(['2.0.192.in-addr.arpa.'])
    expect(reverseDelegation(network('192.0.2.7/32')).zones).toEqual(['7.2.0.192.in-addr.arpa.'])
    expect(reverseDelegation(network('2001:db8:1200::/40')).zones).toEqual(['2.1.8.b.d.0.1.0.0.2.ip6.arpa.'])
    expect(reverseDelegation(network('2001:db8:0:1200::/56')).zones).toEqual(['2.1.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.'])
  })

  test('shorter prefixes between boundaries are split into the zones of the next boundary', () => {
    expect(reverseDelegation(network('198.51.96.0/22')).zones).toEqual(['96.51.198.in-addr.arpa.', '97.51.198.in-addr.arpa.', '98.51.198.in-addr.arpa.', '99.51.198.in-addr.arpa.'])
    expect(reverseDelegation(network('10.128.0.0/9')).zones).toHaveLength(128)
    expect(reverseDelegation(network('10.128.0.0/9')).zones.at(-1)).toBe('255.10.in-addr.arpa.')
    expect(reverseDelegation(network('2001:db8:0:1234::/62')).zones).toEqual([
      '4.3.2.1.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.', '5.3.2.1.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.',
      '6.3.2.1.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.', '7.3.2.1.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.',
    ])
    expect(reverseDelegation(network('2001:db8:8000::/33')).zones).toEqual(['8.8.b.d.0.1.0.0.2.ip6.arpa.', '9.8.b.d.0.1.0.0.2.ip6.arpa.', 'a.8.b.d.0.1.0.0.2.ip6.arpa.', 'b.8.b.d.0.1.0.0.2.ip6.arpa.', 'c.8.b.d.0.1.0.0.2.ip6.arpa.', 'd.8.b.d.0.1.0.0.2.ip6.arpa.', 'e.8.b.d.0.1.0.0.2.ip6.arpa.', 'f.8.b.d.0.1.0.0.2.ip6.arpa.'])
  })

  test('IPv4 longer than /24 off an octet boundary: RFC 2317 zone and one CNAME per address', () => {
    const { zones, aliases } = reverseDelegation(network('192.0.2.64/26'))
    expect(zones).toEqual(['64/26.2.0.192.in-addr.arpa.'])
    expect(aliases).toHaveLength(64)
    expect(aliases[0]).toEqual({ owner: '64.2.0.192.in-addr.arpa.', target: '64.64/26.2.0.192.in-addr.arpa.' })
    expect(aliases.at(-1)).toEqual({ owner: '127.2.0.192.in-addr.arpa.', target: '127.64/26.2.0.192.in-addr.arpa.' })
    expect(reverseDelegation(network('192.0.2.254/31')).aliases.map((a) => a.owner)).toEqual(['254.2.0.192.in-addr.arpa.', '255.2.0.192.in-addr.arpa.'])
  })
})

describe('the zone fragment', () => {
  test('a header, PTR records per subnet, NS delegations with RFC 2317 CNAMEs, delegated PTRs left out', () => {
    const zone = formatReverseZone({
      pool: { name: 'VPN', network: '192.0.2.0/24' },
      subnets: [
        { network: '192.0.2.5', delegateReverseDns: false, nameServers: [], entries: [{ ip: '192.0.2.5', name: 'vpn1.example.org.', ttl: 3600 }] },
        { network: '192.0.2.8/30', delegateReverseDns: true, nameServers: ['ns2.example.net', 'ns1.example.net'], entries: [{ ip: '192.0.2.9', name: 'hidden.example.org.', ttl: 60 }] },
        { network: '192.0.2.12/30', delegateReverseDns: true, nameServers: [], entries: [{ ip: '192.0.2.13', name: 'kept.example.org.', ttl: 300 }] },
      ],
    })
    expect(zone).toBe([
      '; Reverse DNS of the IP pool "VPN" (192.0.2.0/24), written by Coin (coin reverse_dns_zone).',
      '; Absolute names: include this fragment in the zone file that serves the pool.',
      '',
      '; 192.0.2.5/32',
      '5.2.0.192.in-addr.arpa.\t3600\tIN\tPTR\tvpn1.example.org.',
      '',
      '; 192.0.2.8/30: delegated to ns1.example.net, ns2.example.net',
      '8/30.2.0.192.in-addr.arpa.\t3600\tIN\tNS\tns1.example.net.',
      '8/30.2.0.192.in-addr.arpa.\t3600\tIN\tNS\tns2.example.net.',
      '8.2.0.192.in-addr.arpa.\t3600\tIN\tCNAME\t8.8/30.2.0.192.in-addr.arpa.',
      '9.2.0.192.in-addr.arpa.\t3600\tIN\tCNAME\t9.8/30.2.0.192.in-addr.arpa.',
      '10.2.0.192.in-addr.arpa.\t3600\tIN\tCNAME\t10.8/30.2.0.192.in-addr.arpa.',
      '11.2.0.192.in-addr.arpa.\t3600\tIN\tCNAME\t11.8/30.2.0.192.in-addr.arpa.',
      '',
      '; 192.0.2.12/30: delegation asked, but no name server is set: not delegated',
      '13.2.0.192.in-addr.arpa.\t300\tIN\tPTR\tkept.example.org.',
      '',
    ].join('\n'))
  })

  test('an IPv6 pool: nibble names, a /56 delegated to one zone', () => {
    const zone = formatReverseZone({
      pool: { name: 'VPN v6', network: '2001:db8::/32' },
      subnets: [
        { network: '2001:db8::/56', delegateReverseDns: false, nameServers: [], entries: [{ ip: '2001:db8::1', name: 'a.example.org.', ttl: 3600 }] },
        { network: '2001:db8:0:100::/56', delegateReverseDns: true, nameServers: ['ns.member.example'], entries: [] },
      ],
    })
    expect(zone.split('\n').filter((l) => l && !l.startsWith(';'))).toEqual([
      '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.\t3600\tIN\tPTR\ta.example.org.',
      '1.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.\t3600\tIN\tNS\tns.member.example.',
    ])
  })
})
