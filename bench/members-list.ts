// Benchmark (not a test): the admin members list with 10,000 members, 10 concurrent clients on
// loopback. Target: p95 under 50 ms for a search. See bench/README.md.
//
//   npm run build && npx tsx bench/members-list.ts [--quick] [--web-processes N]
//
// Starts a throw-away embedded PostgreSQL in a temp folder, migrates and seeds it, serves the
// production build in this process on 127.0.0.1 (random port), drives it with autocannon from a
// worker thread, prints a table and writes bench/results/members-list.json. Removes everything
// it started when it ends, also on Ctrl-C or when the time limit is hit.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { LoadJob, LoadRequest } from './lib/load-worker.ts'
import { figures, round, runLoad, type Scenario } from './lib/measure.ts'
import { gitCommit, log, machineDescription, MEMBER_COUNT, requireBuild, runBounded, startFixture, WEB_PROCESSES } from './lib/setup.ts'

const RESULTS_FILE = path.join(import.meta.dirname, 'results', WEB_PROCESSES ? `members-list-web-processes-${WEB_PROCESSES}.json` : 'members-list.json')
const CONNECTIONS = 10
const TARGET_P95_MS = 50
const QUICK = process.argv.includes('--quick')
/** Seconds of measured load per scenario, and of warm-up before each (not recorded). */
const SCENARIO_SECONDS = QUICK ? { search: 5, data: 3, serial: 3, list: 3, csv: 2 } : { search: 20, data: 10, serial: 5, list: 10, csv: 5 }
const WARMUP_SECONDS = QUICK ? 1 : 3
/** The whole run is stopped (and cleaned up) after this long, whatever happens. */
const TIME_LIMIT_MS = 10 * 60 * 1000

// ---------------------------------------------------------------------------------------------

async function main() {
  requireBuild()
  const began = Date.now()
  const loadBefore = os.loadavg()
  log(`Machine: ${machineDescription()}; commit ${gitCommit()}`)
  log(`Load average before: ${loadBefore.map((n) => n.toFixed(2)).join(' ')}${loadBefore[0]! > 0.5 ? '  (the machine was not idle: figures may be noisy)' : ''}`)

  const { baseUrl, cookie, terms, slowQueries, buildStale } = await startFixture()

  type Plan = { name: string; description: string; seconds: number; connections: number; requests: (LoadRequest & { matches?: number })[]; expect: (res: Response, body: string) => boolean }
  const isHtmlPage = (res: Response, body: string) => res.headers.get('content-type')?.startsWith('text/html') === true && body.includes('</table>')
  const searchRequests = terms.map((t) => ({ label: `q="${t.q}" (${t.label}, ${t.matches} matches)`, path: `/admin/members?q=${encodeURIComponent(t.q)}`, matches: t.matches }))
  const plans: Plan[] = [
    {
      name: 'search',
      description: `GET /admin/members?q=…, ${CONNECTIONS} connections, cycling through the search terms; page 1 (50 rows), sorted by username`,
      seconds: SCENARIO_SECONDS.search, connections: CONNECTIONS, requests: searchRequests, expect: isHtmlPage,
    },
    {
      name: 'search, data only',
      description: `GET /admin/members.data?q=…, ${CONNECTIONS} connections: what the browser fetches when the search form is submitted in the page (Remix single fetch: the loaders, no HTML rendering)`,
      seconds: SCENARIO_SECONDS.data, connections: CONNECTIONS,
      requests: terms.map((t) => ({ label: `data q="${t.q}" (${t.matches} matches)`, path: `/admin/members.data?q=${encodeURIComponent(t.q)}`, matches: t.matches })),
      expect: (res, body) => res.headers.get('content-type')?.startsWith('text/x-script') === true && body.length > 100,
    },
    {
      name: 'search, 1 client',
      description: 'The same requests from a single connection: the time one request takes when it does not queue',
      seconds: SCENARIO_SECONDS.serial, connections: 1, requests: searchRequests, expect: isHtmlPage,
    },
    {
      name: 'list',
      description: `GET /admin/members, ${CONNECTIONS} connections: first page without search (50 of ${MEMBER_COUNT + 1} rows)`,
      seconds: SCENARIO_SECONDS.list, connections: CONNECTIONS,
      requests: [{ label: 'first page', path: '/admin/members', matches: MEMBER_COUNT + 1 }], expect: isHtmlPage,
    },
    {
      name: 'csv',
      description: `GET /admin/members.csv?q=…, ${CONNECTIONS} connections: CSV export of every match, cycling through the search terms`,
      seconds: SCENARIO_SECONDS.csv, connections: CONNECTIONS,
      requests: terms.map((t) => ({ label: `csv q="${t.q}" (${t.matches} rows)`, path: `/admin/members.csv?q=${encodeURIComponent(t.q)}`, matches: t.matches })),
      expect: (res, body) => res.headers.get('content-type')?.startsWith('text/csv') === true && body.trim().split('\n').length >= 2,
    },
  ]

  // Every URL once: 200 with the expected content, not a redirect to the login page.
  for (const plan of plans) {
    for (const r of plan.requests) {
      const res = await fetch(baseUrl + r.path, { headers: { cookie }, redirect: 'manual' })
      const body = await res.text()
      if (res.status !== 200 || !plan.expect(res, body)) {
        throw new Error(`GET ${r.path} answered ${res.status} ${res.headers.get('content-type')}: ${body.slice(0, 300)}`)
      }
    }
  }

  const results: Scenario[] = []
  for (const plan of plans) {
    const job = (seconds: number): LoadJob => ({
      url: baseUrl, connections: plan.connections, durationSeconds: seconds, headers: { cookie }, timeoutSeconds: 10,
      requests: plan.requests.map(({ label, path }) => ({ label, path })),
    })
    log(`\n${plan.name}: warm-up ${WARMUP_SECONDS} s, then ${plan.seconds} s with ${plan.connections} connection(s)…`)
    const warm = await runLoad(job(WARMUP_SECONDS))
    const slowBefore = slowQueries.count
    const run = await runLoad(job(plan.seconds))
    const result: Scenario = {
      name: plan.name,
      description: plan.description,
      connections: plan.connections,
      seconds: round(run.seconds),
      ...figures(Object.values(run.latencies).flat(), run.seconds),
      non2xx: run.non2xx + warm.non2xx,
      errors: run.errors + warm.errors,
      timeouts: run.timeouts + warm.timeouts,
      statusCodes: run.statusCodes,
      autocannonLatency: run.autocannonLatency,
      slowQueryWarnings: slowQueries.count - slowBefore,
      perRequest: plan.requests.map((r) => ({ label: r.label, path: r.path, matches: r.matches, ...figures(run.latencies[r.label] ?? [], run.seconds) })),
    }
    results.push(result)
    log(`  ${result.requests} requests, p95 ${result.p95} ms, ${result.slowQueryWarnings} queries over 200 ms`)
    const failure = run.firstFailure ?? warm.firstFailure
    if (failure) process.stderr.write(`  first failing response (${failure.label}): ${failure.status} ${failure.body}\n`)
  }

  // Report
  const loadAfter = os.loadavg()
  const rows = [['scenario', 'conns', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors']]
  for (const s of results) {
    rows.push([s.name, String(s.connections), s.requestsPerSecond.toFixed(1), s.p50.toFixed(1), s.p95.toFixed(1), s.p99.toFixed(1), s.max.toFixed(1), String(s.non2xx + s.errors + s.timeouts)])
    if (s.perRequest.length > 1) {
      for (const r of s.perRequest) rows.push([`  ${r.label}`, '', r.requestsPerSecond.toFixed(1), r.p50.toFixed(1), r.p95.toFixed(1), r.p99.toFixed(1), r.max.toFixed(1), ''])
    }
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
  log('')
  for (const [i, r] of rows.entries()) {
    log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '))
    if (i === 0) log(widths.map((w) => '-'.repeat(w)).join('  '))
  }
  const search = results.find((s) => s.name === 'search')!
  const met = search.p95 < TARGET_P95_MS
  log(`\nTarget: search p95 < ${TARGET_P95_MS} ms with ${CONNECTIONS} connections: ${met ? 'MET' : 'MISSED'} (p95 ${search.p95} ms)`)
  log(`Load average after: ${loadAfter.map((n) => n.toFixed(2)).join(' ')}`)

  const failures = results.reduce((n, s) => n + s.non2xx + s.errors + s.timeouts, 0)
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true })
  fs.writeFileSync(
    RESULTS_FILE,
    JSON.stringify(
      {
        benchmark: 'members-list',
        date: new Date().toISOString(),
        commit: gitCommit(),
        quick: QUICK,
        server: WEB_PROCESSES ? `coin web, WEB_CONCURRENCY=${WEB_PROCESSES}` : 'in the benchmark process',
        machine: {
          cpus: os.cpus().length,
          cpuModel: os.cpus()[0]?.model.trim(),
          memoryGiB: round(os.totalmem() / 2 ** 30),
          node: process.version,
          loadAverageBefore: loadBefore.map(round),
          loadAverageAfter: loadAfter.map(round),
        },
        setup: {
          members: MEMBER_COUNT,
          staffAccounts: 1,
          searchTerms: terms,
          warmupSeconds: WARMUP_SECONDS,
          databasePoolSize: Number(process.env.DATABASE_POOL_SIZE ?? 10),
          buildStale,
          server: 'createApp() from cli/web.ts serving build/ in the benchmark process; autocannon in a worker thread; embedded PostgreSQL',
        },
        target: { scenario: 'search', connections: CONNECTIONS, p95Ms: TARGET_P95_MS, met },
        latencyUnit: 'ms',
        scenarios: results,
      },
      null,
      2,
    ) + '\n',
  )
  log(`Wrote ${path.relative(process.cwd(), RESULTS_FILE)} (${((Date.now() - began) / 1000).toFixed(0)} s in all)`)
  if (failures > 0) throw new Error(`${failures} request(s) failed (non-2xx, connection errors or timeouts): the figures are not valid`)
}

await runBounded(main, TIME_LIMIT_MS)
