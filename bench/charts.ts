// Benchmark (not a test): the overview's charts (issue 14). Target: with 10,000 members and
// 120,000 invoices, each chart in under 150 ms p95, query and drawing together, with nothing cached
// in the app. See bench/README.md.
//
//   npx tsx bench/charts.ts [--iterations N]
//
// Starts a throw-away embedded PostgreSQL in a temp folder, migrates it, seeds it with bulk SQL
// (generate_series), then for each chart and two ranges (the default 24 months, and 10 years):
// 3 warm-ups, then N (30) times loadChart() + draw() + svgToPng(), each timed apart and together.
// Then the HTTP path once: the route's loader (`/admin/charts/<name>.png`) with a staff session
// cookie, N times per chart. Then EXPLAIN (ANALYZE, BUFFERS) of each chart's query, printed in
// full for a chart over the target. Prints only; writes no file. No build needed.
import { figures } from './lib/measure.ts'
import { gitCommit, log, machineDescription, numberArg, onCleanup, openBenchDatabase, runBounded, uptimeLine } from './lib/setup.ts'

const ITERATIONS = Math.max(10, numberArg('--iterations', 30))
const WARMUPS = 3
const TARGET_MS = 150
const MEMBERS = 10_000
const INVOICES = 120_000

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1)

async function main() {
  const machine = machineDescription()
  log(`Machine: ${machine}`)
  log(`Commit: ${gitCommit()}, ${new Date().toISOString()}`)
  log(`Before: ${uptimeLine()}`)
  let began = performance.now()
  await openBenchDatabase({ logLevel: 'error', env: { COIN_MODULES: 'vpn' } })
  log(`PostgreSQL started and migrated in ${seconds(began)} s`)

  const { prisma, disconnectDb, databasePool } = await import('#app/utils/db.server.ts')
  onCleanup('Prisma', disconnectDb)
  const { seedBase } = await import('#prisma/seed.ts')
  const { createSession } = await import('#app/utils/session.server.ts')
  const { today } = await import('#app/utils/dates.ts')
  const { availableCharts, loadChart, CHART_NAMES } = await import('#app/models/charts/charts.server.tsx')
  const { parseMonthRange, isRangeProblem, MAX_MONTHS } = await import('#app/models/charts/range.ts')
  const { svgToPng } = await import('#app/integrations/images/render.server.ts')
  const { loader } = await import('#app/routes/admin.charts.$file.tsx')

  // -------------------------------------------------------------------------------------------
  // Data, all with bulk SQL.
  began = performance.now()
  await seedBase({ ispName: 'FAI Banc d’essai' })
  const day = today()
  const todaySql = `date '${day.toISOString().slice(0, 10)}'`
  // Members: joined over the last 10 years; one in ten resigned since (resignDate), 2 % pending.
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Member" (username, email, "firstName", "lastName", status, "dateJoined", "resignDate", "updatedAt")
    SELECT 'membre' || i, 'membre' || i || '@bench.invalid', 'Prénom', 'Nom' || i,
      (CASE WHEN i % 10 = 0 THEN 'NOT_MEMBER' WHEN i % 50 = 7 THEN 'PENDING' ELSE 'MEMBER' END)::"MemberStatus",
      j, CASE WHEN i % 10 = 0 THEN j + ((i * 31) % GREATEST(1, ${todaySql} - j)) END, now()
    FROM generate_series(1, ${MEMBERS}) i, LATERAL (SELECT ${todaySql} - ((i * 7919) % 3650) AS j) x`)
  await prisma.offer.createMany({
    data: [
      { name: 'VPN', reference: 'VPN', periodFeeCents: 800 },
      { name: 'ADSL', reference: 'ADSL', periodFeeCents: 2900, initialFeeCents: 5000 },
      { name: 'Hébergement', reference: 'HOST', billingPeriodMonths: 3, periodFeeCents: 3000 },
    ],
  })
  // Subscriptions: one per member who is not pending, from the day they joined to the day they
  // left; a second one for every third of them, one in seven of those resigned half-way.
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Subscription" ("memberId", "offerId", "subscriptionDate", "resignDate", "updatedAt")
    SELECT m.id, o.id, m."dateJoined", m."resignDate", now()
    FROM "Member" m JOIN "Offer" o ON o.reference = (ARRAY['VPN', 'ADSL', 'VPN'])[m.id % 3 + 1]
    WHERE m.status <> 'PENDING'
    UNION ALL
    SELECT m.id, o.id, m."dateJoined" + 15,
      CASE WHEN m."resignDate" IS NOT NULL THEN GREATEST(m."resignDate", m."dateJoined" + 15)
           WHEN m.id % 7 = 0 THEN m."dateJoined" + 15 + (${todaySql} - m."dateJoined") / 2 END, now()
    FROM "Member" m JOIN "Offer" o ON o.reference = 'HOST'
    WHERE m.status <> 'PENDING' AND m.id % 3 = 0 AND m."dateJoined" + 15 <= ${todaySql}`)
  // Invoices: validated, one a day-ish over the last 10 years per member slot; 11 in 12 paid by
  // a payment allocated to them (one in 12 of those only half), one in 12 not paid at all.
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Invoice" ("memberId", status, date, "dueDate", validated, "validatedAt", number, "totalCents", seller, buyer, "updatedAt")
    SELECT (SELECT min(id) FROM "Member") + (i * 7) % ${MEMBERS},
      (CASE WHEN i % 12 IN (0, 1) THEN 'OPEN' ELSE 'CLOSED' END)::"InvoiceStatus",
      d, d + 30, true, d::timestamptz, 'B-' || i, 800 + (i % 9) * 300,
      '{"name": "FAI Banc d’essai"}'::jsonb, '{}'::jsonb, now()
    FROM generate_series(1, ${INVOICES}) i, LATERAL (SELECT ${todaySql} - (i % 3650) AS d) x`)
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Payment" (id, "memberId", method, "amountCents", date, label)
    SELECT i.id, i."memberId", 'TRANSFER', CASE WHEN i.id % 12 = 1 THEN i."totalCents" / 2 ELSE i."totalCents" END,
      LEAST(i.date + i.id % 25, ${todaySql}), 'VIR ' || i.number
    FROM "Invoice" i WHERE i.id % 12 <> 0`)
  await prisma.$executeRawUnsafe(`SELECT setval(pg_get_serial_sequence('"Payment"', 'id'), (SELECT max(id) FROM "Payment"))`)
  await prisma.$executeRawUnsafe(`INSERT INTO "PaymentAllocation" ("paymentId", "invoiceId", "amountCents") SELECT id, id, "amountCents" FROM "Payment"`)
  // IP pools: an IPv4 /16 of /32s and an IPv6 /32 of /56s, their subnets in one statement each
  // (the free-range triggers are statement-level).
  await prisma.$executeRawUnsafe(`
    INSERT INTO "IpPool" (name, network, "defaultPrefixLength", "updatedAt") VALUES
      ('VPN IPv4', '10.42.0.0/16', 32, now()), ('VPN IPv6', '2001:db8::/32', 56, now())`)
  await prisma.$executeRawUnsafe(`
    INSERT INTO "IpSubnet" ("poolId", network, comment)
    SELECT (SELECT id FROM "IpPool" WHERE name = 'VPN IPv4'), ('10.42.' || (i >> 8) || '.' || (i & 255) || '/32')::inet, 'bench'
    FROM generate_series(1, 3000) i`)
  await prisma.$executeRawUnsafe(`
    INSERT INTO "IpSubnet" ("poolId", network, comment)
    SELECT (SELECT id FROM "IpPool" WHERE name = 'VPN IPv6'), ('2001:db8:' || to_hex(i >> 8) || ':' || to_hex((i & 255) << 8) || '::/56')::inet, 'bench'
    FROM generate_series(0, 2499) i`)
  const staff = await prisma.member.create({
    data: { username: 'bench.staff', email: 'staff@bench.invalid', firstName: 'Banc', lastName: 'Essai', roles: ['MEMBER', 'STAFF'], status: 'MEMBER', language: 'fr' },
    select: { id: true },
  })
  const cookie = (await createSession({ memberId: staff.id, request: new Request('http://127.0.0.1/login', { headers: { 'user-agent': 'coin-bench' } }) })).split(';')[0]!
  // What autovacuum does soon after a bulk load; without statistics the plans would be guesses.
  await prisma.$executeRawUnsafe('VACUUM ANALYZE')
  const [counts] = await prisma.$queryRawUnsafe<Record<string, number>[]>(`
    SELECT (SELECT count(*) FROM "Member")::int AS members, (SELECT count(*) FROM "Member" WHERE "resignDate" IS NOT NULL)::int AS resigned,
      (SELECT count(*) FROM "Member" WHERE status = 'PENDING')::int AS pending,
      (SELECT count(*) FROM "Subscription")::int AS subscriptions, (SELECT count(*) FROM "Subscription" WHERE "resignDate" IS NOT NULL)::int AS "subscriptionsResigned",
      (SELECT count(*) FROM "Invoice")::int AS invoices, (SELECT count(*) FROM "Payment")::int AS payments,
      (SELECT count(*) FROM "PaymentAllocation")::int AS allocations, (SELECT count(*) FROM "IpSubnet")::int AS subnets,
      (SELECT min(date)::text FROM "Invoice") AS "firstInvoice", (SELECT max(date)::text FROM "Invoice") AS "lastInvoice"`)
  log(`Seeded in ${seconds(began)} s: ${JSON.stringify(counts)}`)

  // -------------------------------------------------------------------------------------------
  // Measure: loadChart (its one query and the numbers), draw() (satori SVG), svgToPng (resvg).
  const names = availableCharts()
  if (names.length !== CHART_NAMES.length) throw new Error(`charts available: ${names.join(', ')} (COIN_MODULES=vpn expected all five)`)
  const ranges = [
    { label: 'default (24 months)', params: {} },
    { label: '10 years', params: { from: monthBefore(day, MAX_MONTHS - 1), to: day.toISOString().slice(0, 7) } },
  ]
  type Row = { chart: string; range: string; from: string; to: string; total: ReturnType<typeof figures>; load: number; svg: number; png: number; pngBytes: number }
  const rows: Row[] = []
  for (const name of names) {
    for (const r of ranges) {
      const range = parseMonthRange(r.params, day)
      if (isRangeProblem(range)) throw new Error(`range ${JSON.stringify(r.params)}: ${range.message}`)
      const total: number[] = [], load: number[] = [], svg: number[] = [], png: number[] = []
      let pngBytes = 0
      for (let i = 0; i < WARMUPS + ITERATIONS; i++) {
        const t0 = performance.now()
        const chart = await loadChart(name, { range, today: day, language: 'fr' })
        const t1 = performance.now()
        const drawn = await chart.draw()
        const t2 = performance.now()
        const bytes = svgToPng(drawn)
        const t3 = performance.now()
        pngBytes = bytes.length
        if (i < WARMUPS) continue
        total.push(t3 - t0); load.push(t1 - t0); svg.push(t2 - t1); png.push(t3 - t2)
      }
      const median = (values: number[]) => figures(values, 1).p50
      rows.push({ chart: name, range: r.label, from: range.from, to: range.to, total: figures(total, 1), load: median(load), svg: median(svg), png: median(png), pngBytes })
    }
  }
  log('')
  log('Nothing is cached in the app (no chart cache, a new loadChart each time); PostgreSQL\'s shared buffers are warm after the warm-ups.')
  log('')
  log(`### In process: loadChart + draw() + svgToPng, ${ITERATIONS} iterations after ${WARMUPS} warm-ups (ms)`)
  log('')
  log('| chart | range | p50 | p95 | max | query+numbers p50 | SVG p50 | PNG p50 | PNG KB | < 150 ms p95 |')
  log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |')
  for (const row of rows) {
    log(`| ${row.chart} | ${row.range} | ${row.total.p50} | **${row.total.p95}** | ${row.total.max} | ${row.load} | ${row.svg} | ${row.png} | ${Math.round(row.pngBytes / 1024)} | ${row.total.p95 < TARGET_MS ? 'met' : '**MISSED**'} |`)
  }

  // -------------------------------------------------------------------------------------------
  // The HTTP path: the route's loader with a staff session cookie (session lookup, language,
  // range, query, drawing, PNG, Response), default range, no If-None-Match.
  const http: { chart: string; figures: ReturnType<typeof figures>; bytes: number }[] = []
  for (const name of names) {
    const latencies: number[] = []
    let bytes = 0
    for (let i = 0; i < WARMUPS + ITERATIONS; i++) {
      const t0 = performance.now()
      const request = new Request(`http://127.0.0.1/admin/charts/${name}.png`, { headers: { cookie, 'user-agent': 'coin-bench' } })
      const response = (await loader({ request, params: { file: `${name}.png` }, context: {} } as Parameters<typeof loader>[0])) as Response
      const body = new Uint8Array(await response.arrayBuffer())
      const elapsed = performance.now() - t0
      if (response.status !== 200 || response.headers.get('content-type') !== 'image/png') throw new Error(`${name}.png answered ${response.status} ${response.headers.get('content-type')}`)
      bytes = body.length
      if (i >= WARMUPS) latencies.push(elapsed)
    }
    http.push({ chart: name, figures: figures(latencies, 1), bytes })
  }
  log('')
  log(`### Route loader, /admin/charts/<name>.png with a staff cookie, default range, ${ITERATIONS} iterations after ${WARMUPS} warm-ups (ms)`)
  log('')
  log('| chart | p50 | p95 | max | < 150 ms p95 |')
  log('| --- | ---: | ---: | ---: | --- |')
  for (const h of http) log(`| ${h.chart}.png | ${h.figures.p50} | **${h.figures.p95}** | ${h.figures.max} | ${h.figures.p95 < TARGET_MS ? 'met' : '**MISSED**'} |`)

  // -------------------------------------------------------------------------------------------
  // Each chart's query as Prisma sent it (its query event), run again under EXPLAIN ANALYZE.
  const captured: { query: string; params: string }[] = []
  prisma.$on('query', (e) => captured.push({ query: e.query, params: e.params }))
  log('')
  log('### The queries under EXPLAIN (ANALYZE, BUFFERS)')
  for (const name of names) {
    for (const r of ranges) {
      if (r !== ranges[0] && (name === 'overdue' || name === 'pools')) continue // range-independent
      const range = parseMonthRange(r.params, day)
      if (isRangeProblem(range)) continue
      captured.length = 0
      await loadChart(name, { range, today: day, language: 'fr' })
      const sent = captured.find((c) => /^\s*(WITH|SELECT)/i.test(c.query))
      if (!sent) {
        log(`${name}: no query captured`)
        continue
      }
      const params = (JSON.parse(sent.params) as unknown[]).map((p) => (typeof p === 'object' && p !== null && 'prisma__value' in p ? (p as { prisma__value: unknown }).prisma__value : p))
      const { rows: plan } = await databasePool().query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sent.query}`, params)
      const lines = plan.map((p) => p['QUERY PLAN'])
      const execution = lines.find((l) => l.startsWith('Execution Time'))
      const over = rows.some((row) => row.chart === name && row.range === r.label && row.total.p95 >= TARGET_MS)
      log(`- ${name}, ${name === 'overdue' || name === 'pools' ? 'any range' : r.label}: ${lines.find((l) => l.startsWith('Planning Time'))}; ${execution}`)
      if (over || process.argv.includes('--plans')) log(lines.map((l) => `    ${l}`).join('\n'))
    }
  }
  log('')
  log(`After: ${uptimeLine()}`)
}

/** YYYY-MM of the month `count` months before the month of `date`. */
function monthBefore(date: Date, count: number) {
  const index = date.getUTCFullYear() * 12 + date.getUTCMonth() - count
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`
}

await runBounded(main, 10 * 60 * 1000)
