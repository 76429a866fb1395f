import { expect, test } from 'vitest'
import { allocateSubnet, assignSubnet } from '#app/models/ip/allocate.server.ts'
import { createPool } from '#app/models/ip/pools.server.ts'
import { prisma } from '#app/utils/db.server.ts'
import { coin, stderrProblems } from './run-coin.ts'

// Every test spawns the CLI (about a second each on a busy machine).
const SLOW = { timeout: 120_000 }

test('coin reverse_dns_zone prints the PTR records and delegations of a pool, named by name or id, on stdout only', SLOW, async () => {
  const { id } = await createPool({ name: 'VPN zone', network: '198.51.100.0/24', defaultPrefixLength: 32, description: '' })
  const host = await prisma.$transaction((tx) => allocateSubnet(tx, { poolId: id, configurationId: null }))
  const delegated = await prisma.$transaction((tx) => assignSubnet(tx, { poolId: id, network: '198.51.100.64/30', configurationId: null }))
  await prisma.reverseDnsEntry.create({ data: { ip: '198.51.100.0', name: 'vpn-1.example.org.', ttl: 600, subnetId: host.id } })
  await prisma.reverseDnsEntry.create({ data: { ip: '198.51.100.65', name: 'left-out.example.org.', subnetId: delegated.id } })
  await prisma.ipSubnet.update({ where: { id: delegated.id }, data: { delegateReverseDns: true, nameServers: { create: [{ dnsName: 'ns1.member.example' }] } } })

  const byName = await coin(['reverse_dns_zone', 'VPN zone'])
  expect({ code: byName.code, problems: stderrProblems(byName.stderr) }).toEqual({ code: 0, problems: [] })
  expect(byName.stdout).toBe([
    '; Reverse DNS of the IP pool "VPN zone" (198.51.100.0/24), written by Coin (coin reverse_dns_zone).',
    '; Absolute names: include this fragment in the zone file that serves the pool.',
    '',
    '; 198.51.100.0/32',
    '0.100.51.198.in-addr.arpa.\t600\tIN\tPTR\tvpn-1.example.org.',
    '',
    '; 198.51.100.64/30: delegated to ns1.member.example',
    '64/30.100.51.198.in-addr.arpa.\t3600\tIN\tNS\tns1.member.example.',
    ...[64, 65, 66, 67].map((n) => `${n}.100.51.198.in-addr.arpa.\t3600\tIN\tCNAME\t${n}.64/30.100.51.198.in-addr.arpa.`),
    '',
  ].join('\n'))
  // The id works too, and the dashed spelling.
  const byId = await coin(['reverse-dns-zone', String(id)])
  expect(byId.code).toBe(0)
  expect(byId.stdout).toBe(byName.stdout)
})

test('an unknown pool is an error naming the pools there are, with nothing on stdout', SLOW, async () => {
  await createPool({ name: 'Autre pool', network: '203.0.113.0/24', defaultPrefixLength: 32, description: '' })
  const { code, stdout, stderr } = await coin(['reverse_dns_zone', 'nope'])
  expect(code).toBe(1)
  expect(stdout).toBe('')
  expect(stderr).toMatch(/^coin: no IP pool is named or numbered "nope"; the pools are: .*Autre pool \(\d+\)/m)
  const missing = await coin(['reverse_dns_zone'])
  expect(missing.code).toBe(2)
  expect(missing.stdout).toBe('')
})
