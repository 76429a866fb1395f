// Benchmark (not a test): automatic subnet allocation in a large pool. The target: an
// IPv6 /32 pool handing out /56s with 100,000 already allocated still allocates in under 20 ms.
// See bench/README.md.
//
//   flock /tmp/coin-bench.lock npx tsx bench/ip-allocate.ts [--count N]
//
// Starts a throw-away embedded PostgreSQL in a temp folder, migrates it, creates the pool and
// inserts 100,000 subnets with one INSERT ... SELECT (100 holes of one /56 each, and 20 /60s in
// place of /56s: holes no /56 fits in). Then, each allocation in its own transaction through the
// real allocateSubnet: (1) N allocations in a row (the holes first, then the end of the pool);
// (2) N times, release a /56 low in the pool, then allocate (which takes it back); (3) two
// allocators at once, N each, checked for overlaps. Also measures what walking every subnet in
// address order costs (the plain SQL scan the free ranges replace). Writes
// bench/results/ip-allocate.json. No build needed.
import fs from 'node:fs'
import path from 'node:path'
import { figures, round } from './lib/measure.ts'
import { gitCommit, log, machineDescription, numberArg, onCleanup, openBenchDatabase, runBounded, uptimeLine } from './lib/setup.ts'

const RESULTS_FILE = path.join(import.meta.dirname, 'results', 'ip-allocate.json')
const COUNT = Math.max(200, numberArg('--count', 250))
const SUBNETS = 100_000
const TARGET_MS = 20
const POOL = { name: 'Banc IPv6', network: '2001:db8::/32', defaultPrefixLength: 56, description: '' }


async function main() {
  log(`Machine: ${machineDescription()}`)
  const loadBefore = uptimeLine()
  log(`Before: ${loadBefore}`)
  await openBenchDatabase({ logLevel: 'error' })

  const { prisma, disconnectDb } = await import('#app/utils/db.server.ts')
  onCleanup('Prisma', disconnectDb)
  const { createPool } = await import('#app/models/ip/pools.server.ts')
  const { allocateSubnet, releaseSubnet } = await import('#app/models/ip/allocate.server.ts')

  const { id: poolId } = await createPool(POOL)
  // Block i of the pool is the /56 2001:db8:HHHH:LL00::/56 (i = HHHHLL in hex). Blocks 500,
  // 1500, ... stay free (100 holes); blocks 1234, 6234, ... hold a /60 only (15 /60s free).
  let began = performance.now()
  const inserted = await prisma.$executeRawUnsafe(`
    INSERT INTO "IpSubnet" ("poolId", network, comment)
    SELECT ${poolId}, ('2001:db8:' || to_hex(i >> 8) || ':' || to_hex((i & 255) << 8) || '::/' || CASE WHEN i % 5000 = 1234 THEN 60 ELSE 56 END)::inet, 'bench'
    FROM generate_series(0, ${SUBNETS + 99}) i WHERE i % 1000 <> 500`)
  const bulkInsertSeconds = round((performance.now() - began) / 1000)
  await prisma.$executeRawUnsafe('VACUUM ANALYZE "IpSubnet"')
  await prisma.$executeRawUnsafe('VACUUM ANALYZE "IpFreeRange"')
  const [{ ranges }] = await prisma.$queryRaw<{ ranges: number }[]>`SELECT count(*)::int AS ranges FROM "IpFreeRange" WHERE "poolId" = ${poolId}`
  log(`Inserted ${inserted.toLocaleString('en')} subnets in one statement in ${bulkInsertSeconds} s (free ranges rebuilt by the trigger: ${ranges})`)

  // What the free ranges spare: the same first fit computed by walking every subnet in address
  // order (lead()), for a /55, which no hole fits: the walk goes to the end of the pool.
  const walkMs: number[] = []
  for (let i = 0; i < 5; i++) {
    began = performance.now()
    await prisma.$queryRaw`
      WITH s AS (
        SELECT set_masklen(broadcast(network), 128) AS l, lead(set_masklen(network, 128)) OVER (ORDER BY network) AS next_f
        FROM "IpSubnet" WHERE "poolId" = ${poolId}
      ), gaps AS (
        SELECT l + 1 AS f, coalesce(next_f - 1, set_masklen(broadcast(${POOL.network}::inet), 128)) AS last FROM s
        WHERE next_f IS NULL OR next_f <> l + 1
      )
      SELECT set_masklen(f, 55)::text FROM gaps
      WHERE set_masklen(network(set_masklen(f, 55))::inet, 128) = f AND set_masklen(broadcast(set_masklen(f, 55)), 128) <= last
         OR set_masklen(broadcast(set_masklen(f, 55)), 128) < last AND set_masklen(broadcast(set_masklen(set_masklen(broadcast(set_masklen(f, 55)), 128) + 1, 55)), 128) <= last
      LIMIT 1`
    walkMs.push(round(performance.now() - began))
  }
  log(`First fit of a /55 by walking all ${SUBNETS.toLocaleString('en')} subnets in order (what the free ranges spare): ${walkMs.join(', ')} ms`)

  const allocate = () => prisma.$transaction((tx) => allocateSubnet(tx, { poolId, configurationId: null, comment: 'bench' }))
  const timed = async <T,>(work: () => Promise<T>) => {
    const start = performance.now()
    const value = await work()
    return { ms: performance.now() - start, value }
  }
  // Warm-up (connections, plans), not recorded.
  const warm: string[] = []
  for (let i = 0; i < 5; i++) warm.push((await allocate()).network)

  // What any interactive transaction costs here (BEGIN, one query, COMMIT through Prisma), for scale.
  const baseline: number[] = []
  for (let i = 0; i < COUNT; i++) baseline.push((await timed(() => prisma.$transaction((tx) => tx.$queryRaw`SELECT 1`))).ms)

  // (1) In a row: the 95 holes left after the warm-up first, then the end of the pool.
  const inRow: number[] = []
  const inRowNetworks: string[] = []
  for (let i = 0; i < COUNT; i++) {
    const { ms, value } = await timed(allocate)
    inRow.push(ms)
    inRowNetworks.push(value.network)
  }
  log(`In a row: first ${inRowNetworks[0]}, last ${inRowNetworks.at(-1)}`)

  // (2) A released hole low in the pool: release block 10 + i, allocate (gets it back).
  const afterRelease: number[] = []
  let reused = 0
  for (let i = 0; i < COUNT; i++) {
    const block = 10 + i
    const network = `2001:db8:${(block >> 8).toString(16)}:${((block & 255) << 8).toString(16)}::/56`
    const subnet = await prisma.ipSubnet.findFirstOrThrow({ where: { poolId, network }, select: { id: true } })
    const released = await prisma.$transaction((tx) => releaseSubnet(tx, subnet.id))
    const { ms, value } = await timed(allocate)
    afterRelease.push(ms)
    if (value.network === released?.network) reused++
  }

  // (3) Two allocators at once.
  const concurrent: number[] = []
  const concurrentNetworks: string[] = []
  began = performance.now()
  await Promise.all([0, 1].map(async () => {
    for (let i = 0; i < COUNT; i++) {
      const { ms, value } = await timed(allocate)
      concurrent.push(ms)
      concurrentNetworks.push(value.network)
    }
  }))
  const concurrentSeconds = (performance.now() - began) / 1000
  const [{ overlaps }] = await prisma.$queryRaw<{ overlaps: number }[]>`
    SELECT count(*)::int AS overlaps FROM "IpSubnet" a JOIN "IpSubnet" b ON a.id < b.id AND a.network && b.network`
  const distinct = new Set(concurrentNetworks).size === concurrentNetworks.length
  // The free ranges kept by the triggers equal those recomputed from scratch.
  const kept = await prisma.$queryRaw<{ f: string; l: string }[]>`SELECT "first"::text AS f, "last"::text AS l FROM "IpFreeRange" WHERE "poolId" = ${poolId} ORDER BY "first"`
  let rebuilt: { f: string; l: string }[] = []
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT coin_ip_rebuild_free_ranges(${poolId}::int)`
    rebuilt = await tx.$queryRaw<{ f: string; l: string }[]>`SELECT "first"::text AS f, "last"::text AS l FROM "IpFreeRange" WHERE "poolId" = ${poolId} ORDER BY "first"`
    throw new Error('rollback')
  }).catch((error: unknown) => {
    if (!(error instanceof Error && error.message === 'rollback')) throw error
  })
  const rangesExact = JSON.stringify(kept) === JSON.stringify(rebuilt)
  if (overlaps !== 0 || !distinct || !rangesExact || reused !== COUNT) {
    throw new Error(`consistency: overlaps ${overlaps}, distinct ${distinct}, free ranges exact ${rangesExact}, holes reused ${reused}/${COUNT}`)
  }

  const scenario = (name: string, description: string, latencies: number[], seconds = latencies.reduce((a, b) => a + b, 0) / 1000) => {
    const { requests: count, p50, p95, p99, max, mean } = figures(latencies, seconds)
    return { name, description, count, p50, p95, p99, max, mean, allocationsPerSecond: round(count / seconds) }
  }
  const scenarios = [
    scenario('baseline: a transaction with SELECT 1', `${COUNT} Prisma interactive transactions with one trivial query: the floor under every allocation`, baseline),
    scenario('in a row', `${COUNT} allocations one after the other: the pool's remaining holes first, then after its last subnet`, inRow),
    scenario('after a release low in the pool', `${COUNT} times: release a /56 near the start of the pool (not timed), then allocate (takes it back)`, afterRelease),
    scenario('2 allocators at once', `2 × ${COUNT} allocations in parallel (each waits for the pool's lock while the other allocates)`, concurrent, concurrentSeconds),
  ]
  const loadAfter = uptimeLine()
  const results = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    machine: machineDescription(),
    load: { before: loadBefore, after: loadAfter },
    pool: POOL,
    subnets: SUBNETS,
    bulkInsertSeconds,
    fullWalkMs: walkMs,
    scenarios,
    checks: { overlaps, concurrentDistinct: distinct, freeRangesExact: rangesExact, releasedHolesReused: reused },
    target: { ms: TARGET_MS, metAtP95: scenarios.filter((s) => s.name === 'in a row' || s.name.startsWith('after a release')).every((s) => s.p95 < TARGET_MS) },
  }
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true })
  fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`)
  log('')
  log('| scenario | allocations | p50 | p95 | max |')
  log('|---|---|---|---|---|')
  for (const s of scenarios) log(`| ${s.name} | ${s.count} | ${s.p50} ms | ${s.p95} ms | ${s.max} ms |`)
  log(`Checks: no overlap, ${concurrentNetworks.length} distinct concurrent subnets, free ranges exact, ${reused} released holes reused.`)
  log(`After: ${loadAfter}`)
  log(`Results written to ${path.relative(process.cwd(), RESULTS_FILE)}`)
}

await runBounded(main, 15 * 60 * 1000)
