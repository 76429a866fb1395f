import { beforeAll, describe, expect, test } from 'vitest'
import { registerBackend } from '#app/backends/registry.server.ts'
import { parseIp } from '#app/models/ip/address.ts'
import { allocateSubnet, assignSubnet, releaseSubnet } from '#app/models/ip/allocate.server.ts'
import { createPool, deletePool, getPool, listPools, updatePool } from '#app/models/ip/pools.server.ts'
import { addReverseEntry, createNameServer, deleteNameServer, setSubnetDelegation } from '#app/models/ip/reverse-dns.server.ts'
import { addSubnet } from '#app/models/ip/subnets.server.ts'
import { parseIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { getFixedT } from '#app/utils/i18n.server.ts'
import { insertMember } from '#tests/factories/member.ts'

// Every pool of this file gets its own block (pools never overlap, in one database).
let blocks = 0
const v4Block = (prefix = 24) => `10.${++blocks}.0.0/${prefix}`
const v6Block = (prefix = 48) => `2001:db8:${(++blocks).toString(16)}::/${prefix}`

async function pool(network: string, defaultPrefixLength: number) {
  const { id } = await createPool({ name: `Pool ${network}`, network, defaultPrefixLength, description: '' })
  return id
}

const allocate = (poolId: number, prefixLength?: number) =>
  prisma.$transaction((tx) => allocateSubnet(tx, { poolId, prefixLength, configurationId: null })).then((s) => s.network)
const assign = (poolId: number, network: string) =>
  prisma.$transaction((tx) => assignSubnet(tx, { poolId, network, configurationId: null })).then((s) => s.network)
const release = async (network: string) => {
  const { id } = await prisma.ipSubnet.findFirstOrThrow({ where: { network }, select: { id: true } })
  return prisma.$transaction((tx) => releaseSubnet(tx, id))
}

/** What a refusal says to a French staff member. */
async function frenchMessage(work: Promise<unknown>) {
  const error: unknown = await work.then(() => null, (e: unknown) => e)
  if (!(error instanceof Error) || !('values' in error)) throw new Error(`expected a DomainError, got ${String(error)}`)
  return getFixedT('fr', 'errors')(error.message, (error.values as Record<string, string> | undefined) ?? {})
}

/** The pool's free ranges as kept by the triggers, and as recomputed from scratch (rolled back). */
async function freeRanges(poolId: number) {
  const read = (db: Pick<typeof prisma, '$queryRaw'>) =>
    db.$queryRaw<{ first: string; last: string }[]>`SELECT "first"::text, "last"::text FROM "IpFreeRange" WHERE "poolId" = ${poolId} ORDER BY "first"`
  const kept = await read(prisma)
  let rebuilt: { first: string; last: string }[] = []
  await prisma
    .$transaction(async (tx) => {
      await tx.$executeRaw`SELECT coin_ip_rebuild_free_ranges(${poolId}::int)`
      rebuilt = await read(tx)
      throw new Error('rollback')
    })
    .catch((e: unknown) => {
      if (!(e instanceof Error && e.message === 'rollback')) throw e
    })
  return { kept, rebuilt }
}

describe('automatic allocation: lowest-address first fit', () => {
  test('IPv4: default size in order, a larger request aligned, the hole it leaves filled by a smaller one, a released hole reused', async () => {
    const id = await pool(v4Block(24), 30)
    const base = (await getPool(id))!.network.replace('.0/24', '')
    expect([await allocate(id), await allocate(id), await allocate(id)]).toEqual([`${base}.0/30`, `${base}.4/30`, `${base}.8/30`])
    // A /28 cannot start at .12: the first aligned free /28 is .16.
    expect(await allocate(id, 28)).toBe(`${base}.16/28`)
    // The hole .12/30 left behind is taken by the next default-size request, then .32.
    expect([await allocate(id), await allocate(id)]).toEqual([`${base}.12/30`, `${base}.32/30`])
    expect(await allocate(id, 32)).toBe(`${base}.36/32`)
    await release(`${base}.4/30`)
    expect(await allocate(id, 31)).toBe(`${base}.4/31`)
    expect(await allocate(id)).toBe(`${base}.40/30`)
    expect(await allocate(id, 32)).toBe(`${base}.6/32`)
    const ranges = await freeRanges(id)
    expect(ranges.kept).toEqual(ranges.rebuilt)
  })

  test('IPv6: /56s from a /48, a /64 between them, then the next aligned /56 and /60', async () => {
    const id = await pool(v6Block(48), 56)
    const p = (await getPool(id))!.network.replace('::/48', '')
    expect([await allocate(id), await allocate(id)]).toEqual([`${p}::/56`, `${p}:100::/56`])
    expect(await allocate(id, 64)).toBe(`${p}:200::/64`)
    expect(await allocate(id)).toBe(`${p}:300::/56`)
    expect(await allocate(id, 60)).toBe(`${p}:210::/60`)
    expect(await allocate(id, 128)).toBe(`${p}:201::/128`)
    await release(`${p}::/56`)
    expect(await allocate(id, 57)).toBe(`${p}::/57`)
    const ranges = await freeRanges(id)
    expect(ranges.kept).toEqual(ranges.rebuilt)
  })

  test('a full pool is refused with Coin\'s message; so is a block larger than any hole', async () => {
    const id = await pool(v4Block(30), 31)
    const base = (await getPool(id))!.network.replace('.0/30', '')
    expect([await allocate(id), await allocate(id)]).toEqual([`${base}.0/31`, `${base}.2/31`])
    expect(await frenchMessage(allocate(id))).toBe("Impossible d'allouer un sous-réseau : bloc d'IP rempli.")
    await release(`${base}.2/31`)
    expect(await frenchMessage(allocate(id, 30))).toBe("Impossible d'allouer un sous-réseau : bloc d'IP rempli.")
    expect(await allocate(id, 32)).toBe(`${base}.2/32`)
    expect(await allocate(id, 32)).toBe(`${base}.3/32`)
    await expect(allocate(id, 32)).rejects.toMatchObject({ code: 'IP_POOL_FULL' })
  })

  test('the last block of the address space is allocated without running past it', async () => {
    const id = await pool('255.255.255.252/30', 32)
    expect([await allocate(id), await allocate(id), await allocate(id), await allocate(id)]).toEqual(['255.255.255.252/32', '255.255.255.253/32', '255.255.255.254/32', '255.255.255.255/32'])
    await expect(allocate(id)).rejects.toMatchObject({ code: 'IP_POOL_FULL' })
    await release('255.255.255.255/32')
    expect(await allocate(id)).toBe('255.255.255.255/32')
    const v6 = await pool('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0/124', 126)
    expect(await allocate(v6, 128)).toBe('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0/128')
    expect(await allocate(v6)).toBe('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff4/126')
    await assign(v6, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffc/126')
    expect(await allocate(v6)).toBe('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff8/126')
    await expect(allocate(v6)).rejects.toMatchObject({ code: 'IP_POOL_FULL' })
  })

  test('a prefix length outside the pool is refused, naming the bounds', async () => {
    const id = await pool(v4Block(24), 32)
    expect(await frenchMessage(allocate(id, 23))).toBe('La longueur de préfixe doit être comprise entre 24 et 32 dans ce pool.')
    expect(await frenchMessage(allocate(id, 33))).toBe('La longueur de préfixe doit être comprise entre 24 et 32 dans ce pool.')
  })

  test('matches a brute-force first fit after random allocations, assignments and releases', async () => {
    const id = await pool(v4Block(24), 29)
    const base = (await getPool(id))!.network.replace('.0/24', '')
    let seed = 20261207
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const taken = new Map<string, [number, number]>()
    const span = (network: string) => {
      const ip = parseIp(network)!
      const start = ip.bytes[3]
      return [start, start + 2 ** (32 - ip.prefixLength!) - 1] as [number, number]
    }
    const expected = (length: number) => {
      const size = 2 ** (32 - length)
      for (let start = 0; start < 256; start += size) {
        if ([...taken.values()].every(([a, b]) => b < start || a > start + size - 1)) return `${base}.${start}/${length}`
      }
      return null
    }
    for (let step = 0; step < 120; step++) {
      const roll = random()
      if (roll < 0.25 && taken.size > 0) {
        const network = [...taken.keys()][Math.floor(random() * taken.size)]
        await release(network)
        taken.delete(network)
      } else if (roll < 0.35) {
        const length = 27 + Math.floor(random() * 6)
        const start = Math.floor(random() * 256 / 2 ** (32 - length)) * 2 ** (32 - length)
        const network = `${base}.${start}/${length}`
        const [a, b] = span(network)
        const free = [...taken.values()].every(([x, y]) => y < a || x > b)
        const outcome = await assign(id, network).then(() => 'ok', (e: { code?: string }) => e.code)
        expect(outcome, network).toBe(free ? 'ok' : 'IP_SUBNET_CONFLICT')
        if (free) taken.set(network, [a, b])
      } else {
        const length = 27 + Math.floor(random() * 6)
        const want = expected(length)
        const got = await allocate(id, length).catch((e: { code?: string }) => e.code)
        expect(got, `step ${step}, /${length}`).toBe(want ?? 'IP_POOL_FULL')
        if (want) taken.set(want, span(want))
      }
    }
    const ranges = await freeRanges(id)
    expect(ranges.kept).toEqual(ranges.rebuilt)
  })
})

describe('concurrent allocations', () => {
  test('20 allocations in 20 transactions at once get 20 distinct, non-overlapping subnets', async () => {
    const id = await pool(v6Block(48), 56)
    const networks = await Promise.all(Array.from({ length: 20 }, () => allocate(id)))
    expect(new Set(networks).size).toBe(20)
    const [{ overlaps }] = await prisma.$queryRaw<{ overlaps: number }[]>`
      SELECT count(*)::int AS overlaps FROM "IpSubnet" a JOIN "IpSubnet" b ON a.id < b.id AND a.network && b.network
      WHERE a."poolId" = ${id} AND b."poolId" = ${id}`
    expect(overlaps).toBe(0)
    // Serialised on the pool, they are also the first 20 blocks.
    const p = (await getPool(id))!.network.replace('::/48', '')
    expect([...networks].sort((a, b) => parseInt(a.split(':')[3] || '0', 16) - parseInt(b.split(':')[3] || '0', 16)))
      .toEqual(Array.from({ length: 20 }, (_, i) => (i === 0 ? `${p}::/56` : `${p}:${(i * 256).toString(16)}::/56`)))
    const ranges = await freeRanges(id)
    expect(ranges.kept).toEqual(ranges.rebuilt)
  })

  test('free ranges that were not kept (triggers disabled) are rebuilt when the allocator meets a subnet there', async () => {
    const id = await pool(v4Block(24), 32)
    const base = (await getPool(id))!.network.replace('.0/24', '')
    await prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('ALTER TABLE "IpSubnet" DISABLE TRIGGER "IpSubnet_free_ranges_insert"')
      await tx.$executeRaw`INSERT INTO "IpSubnet" ("poolId", network) VALUES (${id}, ${`${base}.0/32`}::inet)`
      await tx.$executeRawUnsafe('ALTER TABLE "IpSubnet" ENABLE TRIGGER "IpSubnet_free_ranges_insert"')
    })
    expect((await freeRanges(id)).kept[0].first).toBe(`${base}.0/32`)
    // The first try meets the exclusion constraint and inserts nothing (ON CONFLICT DO NOTHING,
    // the caller's transaction goes on); the ranges are rebuilt and the second try takes the
    // next address.
    expect(await allocate(id)).toBe(`${base}.1/32`)
    const ranges = await freeRanges(id)
    expect(ranges.kept).toEqual(ranges.rebuilt)
  })
})

describe('manual assignment and the database guarantees', () => {
  test('host bits, outside the pool and overlaps are refused with Coin\'s messages', async () => {
    const id = await pool(v4Block(24), 32)
    const base = (await getPool(id))!.network.replace('.0/24', '')
    expect(await frenchMessage(assign(id, `${base}.1/24`))).toBe(`${base}.1/24 n'est pas un sous-réseau valide, voulez-vous dire ${base}.0/24 ?`)
    expect(await frenchMessage(assign(id, '192.0.2.0/24'))).toBe("Le sous-réseau doit être inclus dans le bloc d'IP.")
    await assign(id, `${base}.16/30`)
    await assign(id, `${base}.20/32`)
    expect(await frenchMessage(assign(id, `${base}.16/28`))).toBe(`Le sous-réseau est en conflit avec des sous-réseaux existants: ${base}.16/30, ${base}.20/32`)
    expect(await frenchMessage(assign(id, `${base}.17/32`))).toBe(`Le sous-réseau est en conflit avec des sous-réseaux existants: ${base}.16/30`)
    await expect(assign(id, 'pas une adresse')).rejects.toMatchObject({ code: 'IP_INVALID' })
    expect(await assign(id, `${base}.5`)).toBe(`${base}.5/32`)
  })

  test('raw SQL cannot overlap subnets, leave its pool, set host bits or overlap pools', async () => {
    const id = await pool(v4Block(24), 32)
    const base = (await getPool(id))!.network.replace('.0/24', '')
    await assign(id, `${base}.0/28`)
    await expect(prisma.$executeRawUnsafe(`INSERT INTO "IpSubnet" ("poolId", network) VALUES (${id}, '${base}.8/29')`)).rejects.toThrow(/IpSubnet_no_overlap|23P01/)
    await expect(prisma.$executeRawUnsafe(`INSERT INTO "IpSubnet" ("poolId", network) VALUES (${id}, '192.0.2.0/29')`)).rejects.toThrow(/outside its pool/)
    await expect(prisma.$executeRawUnsafe(`INSERT INTO "IpSubnet" ("poolId", network) VALUES (${id}, '${base}.33/29')`)).rejects.toThrow(/no_host_bits/)
    await expect(prisma.$executeRawUnsafe(`INSERT INTO "IpPool" (name, network, "defaultPrefixLength", "updatedAt") VALUES ('clash', '${base}.128/25', 32, now())`)).rejects.toThrow(/IpPool_no_overlap|23P01/)
    // A bulk raw insert (more than the per-row threshold) keeps the free ranges exact too.
    await prisma.$executeRawUnsafe(`INSERT INTO "IpSubnet" ("poolId", network) SELECT ${id}, ('${base}.' || i)::inet FROM generate_series(64, 199) i`)
    const ranges = await freeRanges(id)
    expect(ranges.kept).toEqual(ranges.rebuilt)
    expect(ranges.kept).toEqual([{ first: `${base}.16/32`, last: `${base}.63/32` }, { first: `${base}.200/32`, last: `${base}.255/32` }])
    expect(await allocate(id, 28)).toBe(`${base}.16/28`)
  })
})

describe('pools', () => {
  test('default size, host bits, name and overlapping pools are refused, naming what is in the way', async () => {
    const block = v4Block(16)
    const id = await pool(block, 24)
    const base = block.replace('.0.0/16', '')
    const input = { name: 'Autre', network: `${base}.128.0/17`, defaultPrefixLength: 24, description: '' }
    expect(await frenchMessage(createPool(input))).toBe(`Ce bloc d'adresses chevauche celui d'un autre pool d'IP : Pool ${block} (${block}).`)
    expect(await frenchMessage(createPool({ ...input, network: '192.0.2.0/24', defaultPrefixLength: 23 }))).toBe('La taille de sous-réseau par défaut doit être comprise entre 24 et 32.')
    expect(await frenchMessage(createPool({ ...input, network: '2001:db8:ffff::/48', defaultPrefixLength: 129 }))).toBe('La taille de sous-réseau par défaut doit être comprise entre 48 et 128.')
    expect(await frenchMessage(createPool({ ...input, network: '192.0.2.1/24' }))).toBe("192.0.2.1/24 n'est pas un sous-réseau valide, voulez-vous dire 192.0.2.0/24 ?")
    await expect(createPool({ ...input, name: `Pool ${block}`, network: '192.0.2.0/24' })).rejects.toMatchObject({ code: 'IP_POOL_NAME_TAKEN' })
    expect(await prisma.ipPool.count({ where: { name: 'Autre' } })).toBe(0)
    expect(id).toBeGreaterThan(0)
  })

  test('shrinking a pool so that subnets fall outside is refused naming them; once they are released it shrinks, and grows back', async () => {
    const block = v4Block(16)
    const base = block.replace('.0.0/16', '')
    const id = await pool(block, 24)
    for (const third of [0, 1, 130, 131, 140, 200, 201, 250]) await assign(id, `${base}.${third}.0/24`)
    const input = { name: `Pool ${block}`, network: `${base}.0.0/17`, defaultPrefixLength: 24, description: '' }
    expect(await frenchMessage(updatePool(id, input))).toBe(
      `Des sous-réseaux se retrouveraient en-dehors du bloc d'IP: ${base}.130.0/24, ${base}.131.0/24, ${base}.140.0/24, ${base}.200.0/24, ${base}.201.0/24 … (+1)`,
    )
    await expect(prisma.$executeRawUnsafe(`UPDATE "IpPool" SET network = '${base}.0.0/17' WHERE id = ${id}`)).rejects.toThrow(/leave subnets outside/)
    await expect(updatePool(id, { ...input, network: `${base}.0.0/15` })).rejects.toMatchObject({ code: 'IP_HOST_BITS' })
    for (const third of [130, 131, 140, 200, 201, 250]) await release(`${base}.${third}.0/24`)
    await updatePool(id, input)
    expect((await freeRanges(id)).kept).toEqual([{ first: `${base}.2.0/32`, last: `${base}.127.255/32` }])
    await updatePool(id, { ...input, network: block, defaultPrefixLength: 26, description: 'Plus petits' })
    expect(await getPool(id)).toMatchObject({ network: block, defaultPrefixLength: 26, description: 'Plus petits' })
    expect(await allocate(id)).toBe(`${base}.2.0/26`)
    const ranges = await freeRanges(id)
    expect(ranges.kept).toEqual(ranges.rebuilt)
    expect(ranges.kept.at(-1)).toEqual({ first: `${base}.2.64/32`, last: `${base}.255.255/32` })
  })

  test('usage counts addresses in IPv4 and default-size blocks in IPv6, in SQL; a pool with subnets is not deleted', async () => {
    const v4 = await pool(v4Block(24), 30)
    for (let i = 0; i < 3; i++) await allocate(v4)
    await allocate(v4, 32)
    const v6 = await pool('3fff:1::/32', 56)
    await allocate(v6)
    await allocate(v6, 64)
    const pools = await listPools()
    expect(pools.find((p) => p.id === v4)).toMatchObject({ subnetCount: 4, usage: { unit: 'address', used: '13', capacity: '256' } })
    expect(pools.find((p) => p.id === v4)!.usage.ratio).toBeCloseTo(13 / 256)
    expect(pools.find((p) => p.id === v6)).toMatchObject({ subnetCount: 2, usage: { unit: 'block', used: '1.00', capacity: '16777216' } })
    const v6b = await pool('2001:db8:abcd::/48', 56)
    await allocate(v6b, 64)
    expect((await getPool(v6b))!.usage).toMatchObject({ used: '0.00', capacity: '256' })
    await expect(deletePool(v4)).rejects.toMatchObject({ code: 'IP_POOL_HAS_SUBNETS', values: { count: '4' } })
    const empty = await pool(v4Block(24), 32)
    await deletePool(empty)
    expect(await prisma.ipFreeRange.count({ where: { poolId: empty } })).toBe(0)
  })
})

describe('a configuration hears of its subnets (subnet_event)', () => {
  const heard: number[] = []
  beforeAll(() => {
    registerBackend({ kind: 'ip-allocation-test', module: null, create: async () => {}, subnetChanged: async ({ configurationId }) => void heard.push(configurationId) })
  })

  test('allocation, assignment and release call subnetChanged in the transaction; addSubnet finds the configuration from the subscription', async () => {
    const member = await insertMember()
    const offer = await prisma.offer.create({ data: { name: 'IP test', reference: 'IPTEST', periodFeeCents: 0, backend: 'ip-allocation-test' }, select: { id: true } })
    const subscription = await prisma.subscription.create({ data: { memberId: member.id, offerId: offer.id, subscriptionDate: parseIsoDate('2026-01-01')! }, select: { id: true } })
    const configuration = await prisma.serviceConfiguration.create({ data: { subscriptionId: subscription.id, backend: 'ip-allocation-test' }, select: { id: true } })
    const id = await pool(v4Block(24), 32)
    const a = await addSubnet({ poolId: id, subscriptionId: subscription.id, comment: '', actorId: member.id })
    const b = await prisma.$transaction((tx) => assignSubnet(tx, { poolId: id, network: a.network.replace('.0/32', '.9/32'), configurationId: configuration.id }))
    await prisma.$transaction((tx) => releaseSubnet(tx, a.id))
    expect(heard).toEqual([configuration.id, configuration.id, configuration.id])
    await addSubnet({ poolId: id, comment: 'routeur', actorId: member.id })
    expect(heard).toHaveLength(3)
    expect(await prisma.ipSubnet.findUniqueOrThrow({ where: { id: b.id }, select: { configurationId: true } })).toEqual({ configurationId: configuration.id })
    await expect(addSubnet({ poolId: id, subscriptionId: 2_000_000_000, comment: '', actorId: member.id })).rejects.toMatchObject({ code: 'IP_NO_CONFIGURATION' })
    // The delegation is a change of the subnet (its name servers too, when one is deleted); a PTR
    // entry is a row of its own, as in Coin, and changes nothing of the configuration.
    const ns = await createNameServer({ dnsName: 'ns.heard.example', description: '', owner: '' })
    await setSubnetDelegation({ subnetId: b.id, delegateReverseDns: true, nameServerIds: [ns.id], actorId: member.id })
    await addReverseEntry({ subnetId: b.id, ip: b.network, name: 'heard.example.org.', ttl: 60 })
    expect(heard).toHaveLength(4)
    await deleteNameServer(ns.id, { actorId: member.id })
    expect(heard).toHaveLength(5)
    expect(await prisma.ipSubnet.findUniqueOrThrow({ where: { id: b.id }, select: { delegateReverseDns: true, nameServers: true } })).toEqual({ delegateReverseDns: true, nameServers: [] })
  })
})
