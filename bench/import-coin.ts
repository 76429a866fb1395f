// Benchmark (not a test): `coin import_coin` on a large era-1 (Illyse, Django 1.11) dump.
//
//   npx tsx bench/import-coin.ts [--members 500] [--years 5] [--profile]
//
// Generates in memory a deterministic dump in the shape of
// tests/fixtures/coin-dumps/coin-era1-django1.11.json (seeded PRNG): members with pbkdf2 hashes, a
// membership fee per member per year, 3 offers (VPN, DSL, housing), ~1.3 subscriptions per
// member, one validated invoice per member per month (1–2 lines, numbers YYYY-MM-NNNNNN gapless per
// month), one payment per invoice (mostly fully allocated, some members owing), an IPv4 /16 and an
// IPv6 /32 pool with a /32 and a /56 per VPN subscription and their configurations, and the ISP.
// Writes it to a temp file, starts a throw-away embedded PostgreSQL (bench/lib/setup.ts), then
// times importCoinDump(): a dry run, a commit, and a second commit (which must import nothing).
// Prints only (no results file). Exits 1 when the import reports errors or balance differences.
// With --profile, the first commit runs under the V8 CPU profiler and the top functions by self
// time are printed.
import fs from 'node:fs'
import { Session } from 'node:inspector/promises'
import os from 'node:os'
import path from 'node:path'
import { gitCommit, log, machineDescription, numberArg, onCleanup, openBenchDatabase, ROOT, runBounded } from './lib/setup.ts'

const MEMBERS = numberArg('--members', 500)
const YEARS = numberArg('--years', 5)
const PROFILE = process.argv.includes('--profile')
const SEED = 20161205
/** The dump's last month is December 2017; it covers YEARS years up to it. */
const END_YEAR = 2017

// ---- Deterministic data -----------------------------------------------------------------------

/** mulberry32: a small seeded PRNG, the same numbers on every run. */
function prng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const FIRST = ['Camille', 'Élodie', 'Gérard', 'Maëlle', 'François', 'Hervé', 'Léa', 'Noé', 'Chloé', 'Jérôme', 'Inès', 'Théo', 'Zoé', 'Anaïs', 'Loïc', 'Sébastien', 'Agnès', 'Benoît', 'Céline', 'Étienne']
const LAST = ['Martin', 'Rousseau', 'Nguyen', 'Lebœuf', 'Dupond', 'Majax', 'Bernard', 'Petit', 'Durand', 'Lefèvre', 'Moreau', 'Girard', 'Fontaine', 'Chevalier', 'Mercier', 'Blanc', 'Guérin', 'Faure', 'Roux', 'Perrin']
const CITIES = [['69001', 'Lyon'], ['69100', 'Villeurbanne'], ['69007', 'Lyon'], ['69300', 'Caluire-et-Cuire'], ['69200', 'Vénissieux']]
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const ascii = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/œ/g, 'oe').toLowerCase().replace(/[^a-z0-9]+/g, '')
const pad = (n: number, width = 2) => String(n).padStart(width, '0')
const euros = (cents: number) => `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${pad(Math.abs(cents) % 100)}`
const isoDate = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate()
const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

type Rec = { model: string; pk: number; fields: Record<string, unknown> }

const OFFERS = [
  { pk: 1, name: 'VPN Illyse', reference: 'VPN', type: 'VPNConfiguration', cents: 800 },
  { pk: 2, name: 'ADSL marque blanche', reference: 'ADSL', type: 'SimpleDSL', cents: 3200 },
  { pk: 3, name: 'Hébergement 1U', reference: 'HEBERGEMENT', type: '', cents: 4500 },
]

/** An era-1 dump; also returns the figures the generator knows, to print next to the import's. */
export function generateDump(memberCount: number, years: number, seed = SEED) {
  const random = prng(seed)
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!
  const b64 = (n: number) => Array.from({ length: n }, () => B64[Math.floor(random() * 64)]).join('')
  const startYear = END_YEAR - years + 1
  const months: [number, number][] = []
  for (let y = startYear; y <= END_YEAR; y++) for (let m = 1; m <= 12; m++) months.push([y, m])

  const records: Rec[] = [
    { model: 'contenttypes.contenttype', pk: 1, fields: { app_label: 'vpn', model: 'vpnconfiguration' } },
    { model: 'contenttypes.contenttype', pk: 2, fields: { app_label: 'simple_dsl', model: 'simpledsl' } },
    { model: 'contenttypes.contenttype', pk: 3, fields: { app_label: 'members', model: 'member' } },
    { model: 'sites.site', pk: 1, fields: { domain: 'coin.illyse.example', name: 'Coin Illyse' } },
  ]
  const members: Rec[] = []
  const fees: Rec[] = []
  const subscriptions: Rec[] = []
  const invoices: Rec[] = []
  const details: Rec[] = []
  const payments: Rec[] = []
  const allocations: Rec[] = []
  const subnets: Rec[] = []
  const configurations: Rec[] = []
  const vpns: Rec[] = []
  const numberInMonth = new Map<string, number>()
  const usernames = new Set<string>()
  let owing = 0
  let vpnCount = 0

  // Members in pk order, each with the month it joined (index into `months`). Invoices are then
  // numbered month by month, member by member, as Coin's monthly run did.
  type Plan = { pk: number; joined: number; left: number | null; subs: { pk: number; offer: (typeof OFFERS)[number]; from: number; to: number | null }[]; owes: boolean; balance: number }
  const plans: Plan[] = []
  let subPk = 0
  for (let pk = 1; pk <= memberCount; pk++) {
    const legal = random() < 0.04
    const first = pick(FIRST), last = pick(LAST)
    const base = legal ? `asso${ascii(last)}` : `${ascii(first)[0]}${ascii(last)}`
    let username = base
    for (let n = 2; usernames.has(username); n++) username = `${base}${n}`
    usernames.add(username)
    // 60 % were there from the first month, the others joined later.
    const joined = random() < 0.6 ? 0 : Math.floor(random() * months.length)
    const left = random() < 0.1 && joined < months.length - 2 ? joined + 1 + Math.floor(random() * (months.length - joined - 1)) : null
    const [jy, jm] = months[joined]!
    const [postalCode, city] = pick(CITIES)
    members.push({
      model: 'members.member', pk, fields: {
        password: `pbkdf2_sha256$36000$${b64(12)}$${b64(43)}=`,
        last_login: `${END_YEAR}-${pad(1 + Math.floor(random() * 12))}-${pad(1 + Math.floor(random() * 28))}T${pad(Math.floor(random() * 24))}:${pad(Math.floor(random() * 60))}:00Z`,
        is_superuser: pk === 1, username, first_name: legal ? '' : first, last_name: legal ? '' : last,
        email: `${username}@${pick(['free.example', 'orange.example', 'laposte.example', 'illyse.example'])}`,
        is_staff: pk <= 3, is_active: true, date_joined: `${isoDate(jy, jm, 1 + Math.floor(random() * 28))}T18:00:00Z`,
        status: left === null ? 'member' : 'not_member', type: legal ? 'legal_entity' : 'natural_person', nickname: '',
        organization_name: legal ? `Association ${last}` : '', home_phone_number: '', mobile_phone_number: random() < 0.7 ? `06 ${pad(Math.floor(random() * 100))} ${pad(Math.floor(random() * 100))} ${pad(Math.floor(random() * 100))} ${pad(Math.floor(random() * 100))}` : '',
        address: `${1 + Math.floor(random() * 120)} rue de la République`, postal_code: postalCode, city, country: 'France',
        resign_date: left === null ? null : isoDate(...months[left]!, lastDay(...months[left]!)), comments: '',
        date_last_call_for_membership_fees_email: null, send_membership_fees_email: true, balance: '0.00', groups: [], user_permissions: [],
      },
    })
    // One subscription each, a second for 30 %.
    const subs: Plan['subs'] = []
    const end = left ?? null
    const firstRoll = random()
    subs.push({ pk: ++subPk, offer: OFFERS[firstRoll < 0.6 ? 0 : firstRoll < 0.9 ? 1 : 2]!, from: joined, to: end })
    if (random() < 0.3) {
      const from = Math.min(months.length - 1, joined + Math.floor(random() * 12))
      subs.push({ pk: ++subPk, offer: OFFERS[random() < 0.7 ? 0 : 2]!, from, to: end !== null && end < from ? from : end })
    }
    plans.push({ pk, joined, left, subs, owes: random() < 0.08, balance: 0 })
    if (plans.at(-1)!.owes) owing++
    // A membership fee per year of membership, paid on joining's anniversary.
    for (let y = jy, k = 0; y <= (left === null ? END_YEAR : months[left]![0]); y++, k++) {
      const start = isoDate(y, jm, 1)
      fees.push({
        model: 'members.membershipfee', pk: fees.length + 1, fields: {
          member: pk, amount: legal ? '50.00' : '20.00', start_date: start, end_date: addDays(isoDate(y + 1, jm, 1), -2),
          payment_method: pick(['transfer', 'check', 'cash']), reference: k === 0 ? null : `ADHESION ${y}`, payment_date: addDays(start, Math.floor(random() * 10)),
        },
      })
    }
  }
  for (const plan of plans) {
    for (const sub of plan.subs) {
      const [fy, fm] = months[sub.from]!
      subscriptions.push({
        model: 'offers.offersubscription', pk: sub.pk, fields: {
          subscription_date: isoDate(fy, fm, 1), resign_date: sub.to === null ? null : isoDate(...months[sub.to]!, lastDay(...months[sub.to]!)),
          commitment: sub.offer.pk === 2 ? 12 : 0, comments: '', member: plan.pk, offer: sub.offer.pk,
        },
      })
      if (sub.offer.type !== 'VPNConfiguration') continue
      const k = ++vpnCount
      const v4 = `89.234.${k >> 8}.${k & 255}`
      const v6 = `2a00:5881:${(k >> 8).toString(16)}:${((k & 255) << 8).toString(16)}::`
      configurations.push({ model: 'configuration.configuration', pk: k, fields: { polymorphic_ctype: 1, offersubscription: sub.pk, comment: '' } })
      vpns.push({ model: 'vpn.vpnconfiguration', pk: k, fields: { activated: sub.to === null, login: `${String((members[plan.pk - 1]!.fields as { username: string }).username).slice(0, 40)}-vpn${k}`, password: `{SSHA}${b64(32)}`, ipv4_endpoint: v4, ipv6_endpoint: `${v6}1` } })
      subnets.push({ model: 'resources.ipsubnet', pk: subnets.length + 1, fields: { inet: `${v4}/32`, ip_pool: 1, configuration: k, delegate_reverse_dns: false, name_server: [] } })
      subnets.push({ model: 'resources.ipsubnet', pk: subnets.length + 1, fields: { inet: `${v6}/56`, ip_pool: 2, configuration: k, delegate_reverse_dns: false, name_server: [] } })
    }
  }
  // Invoices month by month: one per member with an active subscription, a payment for it.
  for (let mi = 0; mi < months.length; mi++) {
    const [y, m] = months[mi]!
    const month = `${y}-${pad(m)}`
    for (const plan of plans) {
      const active = plan.subs.filter((s) => s.from <= mi && (s.to === null || mi <= s.to))
      if (active.length === 0) continue
      const n = (numberInMonth.get(month) ?? 0) + 1
      numberInMonth.set(month, n)
      const invoicePk = invoices.length + 1
      const number = `${month}-${pad(n, 6)}`
      const date = isoDate(y, m, 5)
      let total = 0
      for (const sub of active) {
        total += sub.offer.cents // quantity 1.00, tax 0.00: the line total is its amount
        details.push({
          model: 'billing.invoicedetail', pk: details.length + 1, fields: {
            label: sub.offer.name, amount: euros(sub.offer.cents), quantity: '1.00', tax: '0.00', invoice: invoicePk,
            offersubscription: sub.pk, period_from: isoDate(y, m, 1), period_to: isoDate(y, m, lastDay(y, m)),
          },
        })
      }
      // Members owing: their last 1–3 invoices unpaid, or paid in part. Some others pay a round
      // figure and keep the change as credit.
      const fromEnd = (plan.left ?? months.length - 1) - mi
      let paid = total
      if (plan.owes && fromEnd < 3) paid = fromEnd === 0 ? 0 : Math.floor(total / 2)
      else if (random() < 0.03) paid = Math.ceil(total / 1000) * 1000 + 1000
      const allocated = Math.min(paid, total)
      if (paid > 0) {
        const paymentPk = payments.length + 1
        payments.push({
          model: 'billing.payment', pk: paymentPk, fields: {
            member: plan.pk, payment_mean: random() < 0.85 ? 'transfer' : 'check', amount: euros(paid), date: isoDate(y, m, 8 + Math.floor(random() * 15)),
            invoice: null, label: `VIR SEPA ${String(members[plan.pk - 1]!.fields.username).toUpperCase()} ${number}`,
          },
        })
        allocations.push({ model: 'billing.paymentallocation', pk: allocations.length + 1, fields: { invoice: invoicePk, payment: paymentPk, amount: euros(allocated) } })
      }
      plan.balance += paid - total
      invoices.push({
        model: 'billing.invoice', pk: invoicePk, fields: {
          validated: true, number, status: allocated === total ? 'closed' : 'open', date, date_due: addDays(date, 30), member: plan.pk,
          pdf: `invoices/${plan.pk}_${number}_${b64(8)}.pdf`, date_last_reminder_email: null,
        },
      })
    }
  }
  for (const plan of plans) members[plan.pk - 1]!.fields.balance = euros(plan.balance)

  records.push(
    ...members, ...fees,
    ...OFFERS.map((o) => ({
      model: 'offers.offer', pk: o.pk, fields: {
        name: o.name, reference: o.reference, configuration_type: o.type, billing_period: 1, period_fees: euros(o.cents), initial_fees: '0.00', non_billable: false,
      },
    })),
    ...subscriptions, ...invoices, ...details, ...payments, ...allocations,
    { model: 'resources.ippool', pk: 1, fields: { name: 'VPN IPv4', default_subnetsize: 32, inet: '89.234.0.0/16' } },
    { model: 'resources.ippool', pk: 2, fields: { name: 'VPN IPv6', default_subnetsize: 56, inet: '2a00:5881::/32' } },
    ...subnets, ...configurations,
    {
      model: 'isp_database.ispinfo', pk: 1, fields: {
        name: 'Illyse', shortname: 'Illyse', description: "Fournisseur d'accès à Internet associatif à Lyon et environs", logoURL: 'https://www.illyse.example/logo.png',
        website: 'https://www.illyse.example/', email: 'contact@illyse.example', mainMailingList: 'info@lists.illyse.example', phone_number: '',
        creationDate: '2010-11-01', ffdnMemberSince: '2011-05-05', progressStatus: 4, latitude: 45.7667, longitude: 4.8796,
        administrative_email: 'bureau@illyse.example', support_email: '', lists_url: '',
      },
    },
    {
      model: 'isp_database.registeredoffice', pk: 1, fields: {
        post_office_box: '', extended_address: 'c/o Maison des associations', street_address: '28 rue Denfert-Rochereau', locality: 'Lyon',
        region: 'Auvergne-Rhône-Alpes', postal_code: '69004', country_name: 'France', siret: '73282932000074', isp: 1,
      },
    },
    { model: 'isp_database.bankinfo', pk: 1, fields: { iban: 'FR7642559000084102001234516', bic: 'CCOPFRPPXXX', bank_name: 'Crédit Coopératif', check_order: 'Illyse', isp: 1 } },
    { model: 'isp_database.chatroom', pk: 1, fields: { url: 'irc://irc.geeknode.org/illyse', isp: 1 } },
    { model: 'isp_database.coveredarea', pk: 1, fields: { name: 'Lyon et Villeurbanne', technologies: 'vpn,dsl', isp: 1 } },
    ...vpns,
  )
  const counts = { members: members.length, fees: fees.length, subscriptions: subscriptions.length, invoices: invoices.length, lines: details.length, payments: payments.length, allocations: allocations.length, vpn: vpnCount, subnets: subnets.length, owing }
  return { records, counts }
}

// ---- Measuring --------------------------------------------------------------------------------

const loadNow = () => os.loadavg().map((n) => n.toFixed(2)).join(' ')

type Report = Awaited<ReturnType<typeof import('#app/models/import/coin-import.server.ts').importCoinDump>>

async function measure<T>(run: () => Promise<T>) {
  let peakRss = process.memoryUsage().rss
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss) }, 50)
  const began = process.hrtime.bigint()
  const cpuBefore = process.cpuUsage()
  try {
    const result = await run()
    const seconds = Number(process.hrtime.bigint() - began) / 1e9
    const cpu = process.cpuUsage(cpuBefore)
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
    return { result, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMb: Math.round(peakRss / 2 ** 20), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }
  } finally {
    clearInterval(sampler)
  }
}

/** Top functions by self time of a V8 CPU profile. */
function topFunctions(profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[]; samples?: number[]; timeDeltas?: number[] }, count = 15) {
  const byNode = new Map<number, number>()
  profile.samples?.forEach((id, i) => byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas?.[i] ?? 0)))
  const byFunction = new Map<string, number>()
  for (const node of profile.nodes) {
    const us = byNode.get(node.id) ?? 0
    if (!us) continue
    const { functionName, url, lineNumber } = node.callFrame
    const where = url ? `${path.relative(ROOT, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : ''
    const key = `${functionName || '(anonymous)'} ${where}`.trim()
    byFunction.set(key, (byFunction.get(key) ?? 0) + us)
  }
  return [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, count)
}

/**
 * Time of the samples whose (synchronous) stack holds each function of app/ or cli/: where the
 * import's own code spends its CPU (work after an await starts a new stack, so database waits and
 * Prisma's continuations are not in it).
 */
function appInclusive(profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[]; samples?: number[]; timeDeltas?: number[] }, count = 15) {
  const parent = new Map<number, number>()
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const total = new Map<string, number>()
  profile.samples?.forEach((id, i) => {
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url, lineNumber } = nodes.get(at)!.callFrame
      if (!/\/(app|cli)\//.test(url) || url.includes('/node_modules/')) continue
      seen.add(`${functionName || '(anonymous)'} ${path.relative(ROOT, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}`)
    }
    for (const key of seen) total.set(key, (total.get(key) ?? 0) + (profile.timeDeltas?.[i] ?? 0))
  })
  return [...total].sort((a, b) => b[1] - a[1]).slice(0, count)
}

async function main() {
  const machine = machineDescription()
  log(`Machine: ${machine}; commit ${gitCommit()}; ${new Date().toISOString()}`)
  log(`Load average before (1, 5, 15 min): ${loadNow()}`)

  let began = Date.now()
  const { records, counts } = generateDump(MEMBERS, YEARS)
  const text = JSON.stringify(records, null, 2)
  const dumpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coin-bench-dump-'))
  onCleanup('dump folder', () => fs.rmSync(dumpDir, { recursive: true, force: true }))
  const dumpFile = path.join(dumpDir, 'coin-era1-bench.json')
  fs.writeFileSync(dumpFile, text)
  log(`Dump: --members ${MEMBERS} --years ${YEARS}: ${records.length.toLocaleString('en')} records, ${(text.length / 2 ** 20).toFixed(1)} MB, generated in ${((Date.now() - began) / 1000).toFixed(1)} s`)
  log(`  ${Object.entries(counts).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ')}`)

  began = Date.now()
  await openBenchDatabase({ logLevel: 'error' })
  log(`PostgreSQL started and migrated in ${((Date.now() - began) / 1000).toFixed(1)} s`)
  const { prisma, disconnectDb } = await import('#app/utils/db.server.ts')
  onCleanup('Prisma', disconnectDb)
  const { parseDump } = await import('#app/models/import/coin-dump.ts')
  const { importCoinDump } = await import('#app/models/import/coin-import.server.ts')

  const runs: { name: string; load: string; seconds: number; cpuSeconds: number; peakRssMb: number; maxRssMb: number; imported: number; already: number; errors: number; warnings: number; differences: number; members: number }[] = []
  const once = async (name: string, commit: boolean, profile = false) => {
    const load = loadNow()
    const session = profile ? new Session() : null
    if (session) {
      session.connect()
      await session.post('Profiler.enable')
      await session.post('Profiler.setSamplingInterval', { interval: 1000 })
      await session.post('Profiler.start')
    }
    // Read from the file each time, as `coin import_coin` does.
    const m = await measure<Report>(async () => importCoinDump(parseDump(fs.readFileSync(dumpFile, 'utf8')), { commit }))
    if (session) {
      const { profile: cpu } = await session.post('Profiler.stop')
      session.disconnect()
      log(`  CPU profile of "${name}", top functions by self time:`)
      for (const [fn, us] of topFunctions(cpu as never)) log(`    ${(us / 1e6).toFixed(2).padStart(7)} s  ${fn}`)
      log(`  the same, time with each function of app/ on the stack (inclusive, synchronous parts only):`)
      for (const [fn, us] of appInclusive(cpu as never)) log(`    ${(us / 1e6).toFixed(2).padStart(7)} s  ${fn}`)
    }
    const report = m.result
    const imported = report.models.reduce((sum, x) => sum + x.imported, 0)
    const already = report.models.reduce((sum, x) => sum + x.alreadyImported, 0)
    runs.push({
      name, load, seconds: m.seconds, cpuSeconds: m.cpuSeconds, peakRssMb: m.peakRssMb, maxRssMb: m.maxRssMb, imported, already,
      errors: report.errors.length, warnings: report.warnings.length, differences: report.balances.differences.length, members: report.balances.members,
    })
    const r = runs.at(-1)!
    log(`${name}: ${r.seconds.toFixed(1)} s (CPU of this process ${r.cpuSeconds.toFixed(1)} s), ${Math.round(records.length / r.seconds).toLocaleString('en')} records/s, peak RSS ${r.peakRssMb} MB (maxRSS so far ${r.maxRssMb} MB), ${imported.toLocaleString('en')} ${commit ? 'imported' : 'to import'}, ${already.toLocaleString('en')} already, ${r.errors} errors, ${r.warnings} warnings, balances: ${r.differences} of ${r.members} differ; load before ${load}`)
    for (const e of report.errors.slice(0, 5)) log(`  error: ${e.model} ${e.pk}: ${e.message}`)
    for (const w of report.warnings.slice(0, 3)) log(`  warning: ${w.model} ${w.pk}: ${w.message}`)
    for (const d of report.balances.differences.slice(0, 5)) log(`  balance: ${d.username}: ${d.hereCents} here, ${d.coinCents} in Coin`)
    return report
  }

  await once('dry run', false)
  await once('commit', true, PROFILE)
  const after = { members: await prisma.member.count(), invoices: await prisma.invoice.count(), lines: await prisma.invoiceLine.count(), payments: await prisma.payment.count(), allocations: await prisma.paymentAllocation.count(), subnets: await prisma.ipSubnet.count() }
  log(`  in the database: ${Object.entries(after).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ')}`)
  await once('second commit (re-run)', true)
  log(`Load average after: ${loadNow()}`)

  log('')
  log(`| run | seconds | records/s | CPU s (node) | peak RSS MB | imported | already | errors | balance differences | load before |`)
  log(`|---|---:|---:|---:|---:|---:|---:|---:|---:|---|`)
  for (const r of runs) log(`| ${r.name} | ${r.seconds.toFixed(1)} | ${Math.round(records.length / r.seconds).toLocaleString('en')} | ${r.cpuSeconds.toFixed(1)} | ${r.peakRssMb} | ${r.imported.toLocaleString('en')} | ${r.already.toLocaleString('en')} | ${r.errors} | ${r.differences} | ${r.load} |`)

  const problems: string[] = []
  for (const r of runs) {
    if (r.errors) problems.push(`${r.name}: ${r.errors} errors`)
    if (r.differences) problems.push(`${r.name}: ${r.differences} balance differences`)
  }
  if (runs[2]!.imported !== 0) problems.push(`the second commit imported ${runs[2]!.imported} records`)
  if (after.invoices !== counts.invoices || after.payments !== counts.payments || after.allocations !== counts.allocations) problems.push('the database does not hold the dump\'s invoices, payments or allocations')
  if (problems.length) throw new Error(problems.join('; '))
}

await runBounded(main, 60 * 60 * 1000)
