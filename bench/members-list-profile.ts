// Where the time of the admin members list goes: companion of bench/members-list.ts, for when
// its p95 misses the target. Same fixture (10,000 members, throw-away PostgreSQL, build/ served
// in this process); prints, without changing any project file:
//   1. one request at a time: full page vs loaders only (single fetch's .data URL): SSR's share;
//   2. the loaders' pieces timed in-process: session lookup, count, findMany;
//   3. EXPLAIN ANALYZE of the queries listMembers sends (captured from Prisma's query events);
//   4. 10 connections for a few seconds: CPU used per request by PostgreSQL and by this
//      process, plus a CPU profile of the server's thread during that run, by package and by function
//      (the whole profile is left in the temp folder, for Chrome DevTools);
//   5. the server's own ceiling without search: HTML vs loaders only, and with the date
//      formatters cached (Intl.DateTimeFormat patched in this process only).
//
//   npm run build && npx tsx bench/members-list-profile.ts
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Session } from 'node:inspector/promises'
import { performance } from 'node:perf_hooks'
import { figures, runLoad } from './lib/measure.ts'
import { log, requireBuild, runBounded, startFixture } from './lib/setup.ts'

const CONNECTIONS = 10
const LOAD_SECONDS = 8
const CLOCK_TICKS = 100 // USER_HZ on Linux

/** Times `fn` run `n` times one after the other (after 5 unrecorded runs); ms. */
async function serial(n: number, fn: () => Promise<unknown>) {
  for (let i = 0; i < 5; i++) await fn()
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await fn()
    times.push(performance.now() - t)
  }
  const f = figures(times, 1)
  return `p50 ${f.p50.toFixed(1)}  p95 ${f.p95.toFixed(1)}  mean ${f.mean.toFixed(1)} ms`
}

/** Times `fn` from `workers` concurrent loops for `seconds`. */
async function concurrent(workers: number, seconds: number, fn: () => Promise<unknown>) {
  const times: number[] = []
  const end = performance.now() + seconds * 1000
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < end) {
        const t = performance.now()
        await fn()
        times.push(performance.now() - t)
      }
    }),
  )
  const f = figures(times, seconds)
  return `${f.requestsPerSecond.toFixed(0)}/s  p50 ${f.p50.toFixed(1)}  p95 ${f.p95.toFixed(1)} ms`
}

/** CPU seconds used so far by the postmaster and its children (backends, workers). */
function postgresCpuSeconds(dataDir: string) {
  const postmaster = Number(fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0])
  let ticks = 0
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(entry) === postmaster || Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks / CLOCK_TICKS
}

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }

/** Where a profiled function lives: the npm package, the app, Node itself… */
function origin(url: string) {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg) return pkg[1]!
  if (url.includes('/build/server/')) return 'app (build/server)'
  if (url.startsWith('node:') || url === '') return 'node internals / native'
  return path.relative(process.cwd(), url.replace(/^file:\/\//, ''))
}

/** Self time of the main thread's profile, by origin and by function, as printed lines. */
function summarizeProfile(profile: { nodes: ProfileNode[]; samples?: number[] }) {
  const total = profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0) || 1
  const byOrigin = new Map<string, number>()
  const byFunction = new Map<string, number>()
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0
    if (!hits) continue
    const name = node.callFrame.functionName
    const key = ['(idle)', '(program)', '(garbage collector)'].includes(name) ? name : origin(node.callFrame.url)
    byOrigin.set(key, (byOrigin.get(key) ?? 0) + hits)
    const fn = `${name || '(anonymous)'}  ${origin(node.callFrame.url)}${node.callFrame.url ? `:${node.callFrame.lineNumber + 1}` : ''}`
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits)
  }
  const pct = (n: number) => `${((n / total) * 100).toFixed(1).padStart(5)} %`
  const lines = ['   self time by origin:']
  for (const [k, v] of [...byOrigin].sort((a, b) => b[1] - a[1]).slice(0, 14)) lines.push(`     ${pct(v)}  ${k}`)
  lines.push('   top functions (self time):')
  for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 20)) lines.push(`     ${pct(v)}  ${k}`)
  return lines
}

async function main() {
  requireBuild()
  log(`Machine: ${os.cpus().length} CPU (${os.cpus()[0]?.model.trim()}), Node ${process.version}, load average ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}`)
  const { dataDir, baseUrl, cookie, terms, prisma, slowQueries } = await startFixture()
  const { getSessionMember } = await import('#app/utils/session.server.ts')
  const { listMembers, memberSearchWhere } = await import('#app/models/member/list.server.ts')
  const query = (q: string) => ({ q, status: undefined, sort: 'username' as const, dir: 'asc' as const, page: 1 })
  const get = async (p: string) => {
    const res = await fetch(baseUrl + p, { headers: { cookie }, redirect: 'manual' })
    await res.arrayBuffer()
    if (res.status !== 200) throw new Error(`GET ${p}: ${res.status}`)
  }
  const pagePath = (q: string) => `/admin/members?q=${encodeURIComponent(q)}`
  // Single fetch's data request: the same loaders (root, admin layout, members), no rendering.
  const dataPath = (q: string) => (q ? `/admin/members.data?q=${encodeURIComponent(q)}` : '/admin/members.data')

  log('\n1. One request at a time over HTTP (30 each)')
  for (const t of [...terms, { q: '', label: 'no search', matches: 0 }]) {
    log(`  "${t.q}" (${t.label})`)
    log(`     full page (HTML)       ${await serial(30, () => get(t.q ? pagePath(t.q) : '/admin/members'))}`)
    log(`     loaders only (.data)   ${await serial(30, () => get(dataPath(t.q)))}`)
  }

  log('\n2. The loaders\' pieces, in-process, one at a time (50 each)')
  const request = new Request('http://127.0.0.1/admin/members', { headers: { cookie } })
  log(`  getSessionMember (runs 3x per page: root, admin layout, members route)  ${await serial(50, () => getSessionMember(request))}`)
  for (const t of terms) {
    const where = memberSearchWhere(query(t.q))
    log(`  "${t.q}"`)
    log(`     listMembers (count + findMany in parallel)  ${await serial(50, () => listMembers(query(t.q)))}`)
    log(`     count only                                  ${await serial(50, () => prisma.member.count({ where }))}`)
    log(`     findMany only (page of 50)                  ${await serial(50, () => prisma.member.findMany({ where, orderBy: [{ username: 'asc' }, { id: 'asc' }], take: 50 }))}`)
  }
  log(`  listMembers without search                     ${await serial(50, () => listMembers(query('')))}`)

  log(`\n   ...and from ${CONNECTIONS} concurrent loops for 4 s (no HTTP, no rendering)`)
  let i = 0
  log(`  listMembers, cycling the terms    ${await concurrent(CONNECTIONS, 4, () => listMembers(query(terms[i++ % terms.length]!.q)))}`)
  log(`  getSessionMember                  ${await concurrent(CONNECTIONS, 4, () => getSessionMember(request))}`)

  log('\n3. EXPLAIN ANALYZE of the SQL listMembers sends (captured from Prisma), for each term')
  const settings = await prisma.$queryRawUnsafe<{ name: string; setting: string }[]>(
    "SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'shared_buffers', 'work_mem', 'jit', 'max_parallel_workers_per_gather')",
  )
  const dbInfo = await prisma.$queryRawUnsafe<{ datcollate: string; datlocprovider: string }[]>(
    'SELECT datcollate, datlocprovider::text AS datlocprovider FROM pg_database WHERE datname = current_database()',
  )
  log(`  settings: ${settings.map((s) => `${s.name}=${s.setting}`).join(', ')}; database collation ${dbInfo[0]?.datcollate} (${dbInfo[0]?.datlocprovider})`)
  let capture: { query: string; params: string }[] | undefined
  prisma.$on('query', (e) => capture?.push({ query: e.query, params: e.params }))
  for (const t of terms) {
    capture = []
    await listMembers(query(t.q))
    const queries = capture
    capture = undefined
    for (const { query: sql, params } of queries) {
      const values = JSON.parse(params) as unknown[]
      const rows = await prisma.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, ...values)
      log(`  "${t.q}": ${sql.length > 140 ? `${sql.slice(0, 140)}…` : sql}`)
      log(`     params ${params}`)
      for (const r of rows) log(`     ${r['QUERY PLAN']}`)
    }
  }

  /** 10 connections on `paths` (cycled) for LOAD_SECONDS, after 2 s of warm-up; CPU and, with `profile`, where the server thread spends it. */
  const underLoad = async (label: string, paths: string[], { profile = false } = {}) => {
    const job = {
      url: baseUrl, connections: CONNECTIONS, durationSeconds: LOAD_SECONDS, headers: { cookie }, timeoutSeconds: 10,
      requests: paths.map((p) => ({ label: p, path: p })),
    }
    await runLoad({ ...job, durationSeconds: 2 })
    const pg0 = postgresCpuSeconds(dataDir)
    const cpu0 = process.cpuUsage()
    const slow0 = slowQueries.count
    const inspector = new Session()
    if (profile) {
      inspector.connect()
      await inspector.post('Profiler.enable')
      await inspector.post('Profiler.setSamplingInterval', { interval: 500 })
      await inspector.post('Profiler.start')
    }
    const run = await runLoad(job)
    const cpuProfile = profile ? (await inspector.post('Profiler.stop')).profile : undefined
    if (profile) inspector.disconnect()
    const cpu = process.cpuUsage(cpu0)
    const pg = postgresCpuSeconds(dataDir) - pg0
    const f = figures(Object.values(run.latencies).flat(), run.seconds)
    const n = Math.max(1, f.requests)
    log(`  ${label}: ${f.requestsPerSecond.toFixed(1)} req/s, p50 ${f.p50} ms, p95 ${f.p95} ms, p99 ${f.p99} ms, non-2xx ${run.non2xx}, errors ${run.errors}`)
    log(`     CPU per request: PostgreSQL ${((pg * 1000) / n).toFixed(1)} ms, this Node process (server + load generator) ${((cpu.user + cpu.system) / 1000 / n).toFixed(1)} ms`)
    log(`     CPU over the run: PostgreSQL ${(pg / run.seconds).toFixed(2)} cores, Node ${((cpu.user + cpu.system) / 1e6 / run.seconds).toFixed(2)} cores (of ${os.cpus().length}); ${slowQueries.count - slow0} queries logged over 200 ms`)
    if (cpuProfile) {
      const file = path.join(os.tmpdir(), `coin-bench-${label.replace(/\W+/g, '-')}.cpuprofile`)
      fs.writeFileSync(file, JSON.stringify(cpuProfile))
      for (const line of summarizeProfile(cpuProfile as unknown as { nodes: ProfileNode[] })) log(line)
      log(`   (full profile: ${file}, opens in Chrome DevTools)`)
    }
  }
  const searchPaths = terms.map((t) => pagePath(t.q))
  log(`\n4. ${CONNECTIONS} connections, search terms, ${LOAD_SECONDS} s`)
  await underLoad('as is', searchPaths, { profile: true })

  log(`\n5. The server's own ceiling: the first page without search (database work ~1 ms), ${CONNECTIONS} connections`)
  await underLoad('HTML page', ['/admin/members'])
  await underLoad('loaders only (.data), no rendering', ['/admin/members.data'])
  // What caching the date formatters would gain (formatDate builds an Intl.DateTimeFormat per row):
  // patched in this process only.
  const formatters = new Map<string, Intl.DateTimeFormat>()
  const OriginalDateTimeFormat = Intl.DateTimeFormat
  Intl.DateTimeFormat = new Proxy(OriginalDateTimeFormat, {
    construct(target, args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
      const key = JSON.stringify(args)
      let formatter = formatters.get(key)
      if (!formatter) formatters.set(key, (formatter = new target(...args)))
      return formatter
    },
  })
  await underLoad('HTML page, Intl.DateTimeFormat cached (patched)', ['/admin/members'])
  Intl.DateTimeFormat = OriginalDateTimeFormat
}

await runBounded(main, 8 * 60 * 1000)
