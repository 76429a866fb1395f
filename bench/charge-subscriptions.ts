// Benchmark (not a test): `coin charge_subscriptions` for one month with 10,000 members and 12,000
// active subscriptions, PDFs included, with a 400×120 PNG logo in the ISP identity. Targets: under
// 60 s, peak memory under 500 MB, and a second run for the same month under 5 s creating nothing.
// See bench/README.md.
//
//   npx tsx bench/charge-subscriptions.ts
//
// Starts a throw-away embedded PostgreSQL in a temp folder, migrates and seeds it, then runs the
// real command (`bin/coin.js`, as a treasurer would) under /usr/bin/time for its wall time and
// peak memory (the PDF threads are in the same process), twice. Prints a table and writes
// bench/results/charge-subscriptions.json. Removes everything it started when it ends.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { PNG } from 'pngjs'
import { fakeMembers, log, machineDescription, onCleanup, openBenchDatabase, ROOT, runBounded } from './lib/setup.ts'

const MEMBERS = 10_000
/** Members with a second subscription: 10,000 + 2,000 = 12,000 subscriptions. */
const SECOND_SUBSCRIPTIONS = 2_000
const DATE = '2026-12-01'
const TARGETS = { seconds: 60, megabytes: 500, secondRunSeconds: 5 }
const RESULTS_FILE = path.join(import.meta.dirname, 'results', 'charge-subscriptions.json')

type Measured = { seconds: number; peakMegabytes: number; stdout: string }

/** Runs the command under GNU time: wall seconds and maximum resident set size. */
async function runCharge(env: NodeJS.ProcessEnv): Promise<Measured> {
  const timeFile = path.join(os.tmpdir(), `coin-bench-time-${randomBytes(4).toString('hex')}`)
  const { stdout } = await promisify(execFile)('/usr/bin/time', ['-o', timeFile, '-f', '%e %M', path.join(ROOT, 'bin/coin.js'), 'charge_subscriptions', '--date', DATE, '--antidate'], {
    env, maxBuffer: 16 * 2 ** 20,
  })
  const [seconds, kilobytes] = fs.readFileSync(timeFile, 'utf8').trim().split(/\s+/).map(Number)
  fs.rmSync(timeFile)
  return { seconds, peakMegabytes: Math.round(kilobytes / 1024), stdout }
}

/** A 400×120 PNG with some detail (a gradient and stripes), as an ISP's logo could be. */
function benchLogo(width: number, height: number) {
  const data = Buffer.alloc(width * height * 4)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([(x * 255) / width, (y * 255) / height, (x + y) % 16 < 8 ? 40 : 200, 255], (y * width + x) * 4)
  }
  return new Uint8Array(PNG.sync.write(Object.assign(new PNG({ width, height }), { data })))
}

async function main() {
  log(`Machine: ${machineDescription()}`)
  await openBenchDatabase({ logLevel: 'error' })

  const { prisma, disconnectDb } = await import('#app/utils/db.server.ts')
  onCleanup('Prisma', disconnectDb)
  const { updateIspIdentity } = await import('#app/models/isp/settings.server.ts')
  const { prepareLogo } = await import('#app/models/isp/logo.server.ts')
  let began = Date.now()
  // A real logo, 400×120, uploaded as staff would: prepared once, then printed on every PDF.
  const { logo } = prepareLogo(benchLogo(400, 120))
  await updateIspIdentity({
    logo: logo!.bytes, logoMimeType: logo!.mimeType,
    name: 'FAI Banc d’essai', address: '12 rue de la Neutralité', postalCode: '69001', city: 'Lyon', rna: 'W691234567',
    email: 'tresorerie@example.org', website: 'https://example.org', iban: 'FR7630006000011234567890189', bic: 'AGRIFRPP',
    bankName: 'Crédit Coopératif', chequeOrder: 'FAI Banc d’essai', vatMention: 'TVA non applicable, art. 293 B du CGI',
  })
  const members = fakeMembers(MEMBERS)
  for (let i = 0; i < members.length; i += 1000) await prisma.member.createMany({ data: members.slice(i, i + 1000) })
  await prisma.offer.createMany({
    data: [
      { name: 'VPN', reference: 'VPN', periodFeeCents: 800 },
      { name: 'ADSL', reference: 'ADSL', periodFeeCents: 2900, initialFeeCents: 5000 },
      { name: 'Hébergement', reference: 'HOST', billingPeriodMonths: 3, periodFeeCents: 3000 },
    ],
  })
  const offers = await prisma.offer.findMany({ select: { id: true }, orderBy: { id: 'asc' } })
  const ids = (await prisma.member.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((m) => m.id)
  // Most started long ago; one in ten during the month (prorata, set-up fees).
  const subscriptions = ids.flatMap((memberId, i) => {
    const start = i % 10 === 0 ? `2026-12-${String(2 + (i % 27)).padStart(2, '0')}` : '2024-03-01'
    const first = { memberId, offerId: offers[i % 3 === 0 ? 1 : 0].id, subscriptionDate: new Date(start) }
    return i < SECOND_SUBSCRIPTIONS ? [first, { memberId, offerId: offers[2].id, subscriptionDate: new Date('2025-01-01') }] : [first]
  })
  for (let i = 0; i < subscriptions.length; i += 2000) await prisma.subscription.createMany({ data: subscriptions.slice(i, i + 2000) })
  await prisma.$executeRawUnsafe('VACUUM ANALYZE')
  log(`Seeded ${ids.length} members and ${subscriptions.length} subscriptions in ${((Date.now() - began) / 1000).toFixed(1)} s`)

  began = Date.now()
  const first = await runCharge(process.env)
  process.stdout.write(first.stdout)
  const second = await runCharge(process.env)
  process.stdout.write(second.stdout)
  const invoices = await prisma.invoice.count({ where: { validated: true } })
  const withPdf = await prisma.invoice.count({ where: { pdfSha256: { not: null } } })
  const { _avg } = await prisma.$queryRaw<{ avg: number }[]>`SELECT avg(octet_length(pdf))::int AS avg FROM "Invoice"`.then((rows) => ({ _avg: rows[0]?.avg ?? 0 }))
  const pdfSeconds = Number(/PDFs stored: \d+ \(([\d.]+) s/.exec(first.stdout)?.[1] ?? NaN)
  const results = {
    date: new Date().toISOString(),
    machine: machineDescription(),
    pdfThreads: process.env.PDF_THREADS ?? 'default (2)',
    members: ids.length,
    subscriptions: subscriptions.length,
    invoices,
    invoicesWithPdf: withPdf,
    averagePdfBytes: _avg,
    first: { seconds: first.seconds, peakMegabytes: first.peakMegabytes, invoicesPerSecond: Math.round(invoices / first.seconds), pdfRenderingSeconds: pdfSeconds },
    second: { seconds: second.seconds, peakMegabytes: second.peakMegabytes, createdNothing: /Invoices created: 0 /.test(second.stdout) },
    targets: TARGETS,
  }
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true })
  fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`)
  const mark = (ok: boolean) => (ok ? 'met' : 'MISSED')
  log('')
  log(`| run | time | peak memory | invoices/s | target |`)
  log(`|---|---|---|---|---|`)
  log(`| first (${invoices} invoices, ${withPdf} PDFs) | ${first.seconds.toFixed(1)} s | ${first.peakMegabytes} MB | ${results.first.invoicesPerSecond} | ${mark(first.seconds < TARGETS.seconds && first.peakMegabytes < TARGETS.megabytes)} (< ${TARGETS.seconds} s, < ${TARGETS.megabytes} MB) |`)
  log(`| second, same month | ${second.seconds.toFixed(1)} s | ${second.peakMegabytes} MB | — | ${mark(second.seconds < TARGETS.secondRunSeconds && results.second.createdNothing)} (< ${TARGETS.secondRunSeconds} s, nothing created) |`)
  log(`PDF rendering: ${pdfSeconds.toFixed(1)} s of the first run's ${first.seconds.toFixed(1)} s overlap with the database work; average PDF ${Math.round(_avg / 1024)} KB`)
  log(`Results written to ${path.relative(process.cwd(), RESULTS_FILE)}`)
}

await runBounded(main, 15 * 60 * 1000)
