// Benchmark (not a test): previewing and recording a 100,000-line bank statement through the
// admin page, with 10,000 members. Targets: the preview answers in under 3 s with a page well
// under 1 MB; showing another page of a section takes well under 1 s. See bench/README.md.
//
//   npm run build && npx tsx bench/bank-import.ts [--lines N] [--repeat N] [--no-record]
//
// Starts a throw-away embedded PostgreSQL in a temp folder, migrates and seeds it (members,
// subscriptions, invoices, payments already imported), serves the production build in this
// process on 127.0.0.1, then drives /admin/payments/import as a browser without JavaScript does:
// a multipart POST of the file (answered by a redirect to the preview's address), the GET of that
// address, GETs of section pages, and "Record". Writes bench/results/bank-import.json.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { round } from './lib/measure.ts'
import { gitCommit, log, machineDescription, MEMBER_COUNT, numberArg, requireBuild, runBounded, startFixture } from './lib/setup.ts'

const RESULTS_FILE = path.join(import.meta.dirname, 'results', 'bank-import.json')
const LINES = numberArg('--lines', 100_000)
const REPEAT = Math.max(3, numberArg('--repeat', 3))
const RECORD = !process.argv.includes('--no-record')
const TARGET_PREVIEW_MS = 3000
const TARGET_PAGE_BYTES = 1024 * 1024
const TARGET_PAGE_CLICK_MS = 1000
const TIME_LIMIT_MS = 20 * 60 * 1000

/** A small deterministic generator (mulberry32): the same statement on every run. */
function random(seed: number) {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Scene = {
  subscriptions: { id: number; offer: string; memberId: number; name: string }[]
  invoices: { number: string; memberId: number; cents: number }[]
  creditNotes: string[]
}

/** What each line of the statement is meant to be, and how often (per 1,000 lines). */
const MIX = [
  ['subscription reference', 400], ['invoice number', 150], ['no reference', 100], ['unknown reference', 70],
  ['references of two members', 15], ['invoice of another member', 10], ['credit note', 5], ['debit', 200],
  ['zero', 5], ['unreadable', 20], ['identical transfer', 25],
] as const

/**
 * A statement as a French bank exports it: `Date;Date valeur;Libellé;Montant;Devise`, one line a
 * transaction, about 80 bytes a line, labels mangled the way banks do.
 */
function generateStatement(lines: number, scene: Scene) {
  const rand = random(20261203)
  const pick = <T,>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!
  const total = MIX.reduce((n, [, w]) => n + w, 0)
  const kindOf = () => {
    let r = rand() * total
    for (const [kind, weight] of MIX) if ((r -= weight) < 0) return kind
    return MIX[0][0]
  }
  const date = () => `${String(1 + Math.floor(rand() * 30)).padStart(2, '0')}/11/2026`
  const cents = (c: number) => `${Math.floor(c / 100)},${String(c % 100).padStart(2, '0')}`
  const mangle = (ref: string) => pick([ref, ref.replaceAll('-', ' '), `/${ref}/`, ref.toLowerCase(), ref.replaceAll('-', '')])
  const from = () => pick(['VIR SEPA DE M', 'VIR SEPA DE MME', 'VIR INST DE', 'VIREMENT DE', 'VIR SEPA RECU /DE'])
  const tail = () => `/REFDO ${Math.floor(rand() * 36 ** 6).toString(36).toUpperCase()}`
  const out = ['Date;Date valeur;Libellé;Montant;Devise']
  let previous = ''
  const counts: Record<string, number> = {}
  while (out.length <= lines) {
    const kind = kindOf()
    counts[kind] = (counts[kind] ?? 0) + 1
    const d = date()
    const sub = pick(scene.subscriptions)
    const other = pick(scene.subscriptions)
    const invoice = pick(scene.invoices)
    let line: string
    switch (kind) {
      case 'subscription reference':
        line = `${d};${d};${from()} ${sub.name} ${mangle(`REF-${sub.offer}-${sub.id}`)} ${tail()};${cents(800 + Math.floor(rand() * 4000))};EUR`
        break
      case 'invoice number':
        line = `${d};${d};${from()} ${pick(['FACT', 'FACTURE', 'FA', ''])} ${invoice.number.replaceAll('-', pick(['-', ' ', '']))} ${tail()};${cents(invoice.cents)};EUR`
        break
      case 'no reference':
        line = `${d};${d};${from()} ${sub.name} COTISATION ${tail()};${cents(1000 + Math.floor(rand() * 2000))};EUR`
        break
      case 'unknown reference':
        line = `${d};${d};${from()} ${sub.name} ${pick([`REF-VPN-${900_000 + Math.floor(rand() * 99_999)}`, `2025-01-${String(900_000 + Math.floor(rand() * 99_999)).slice(0, 6)}`])};${cents(2000)};EUR`
        break
      case 'references of two members':
        line = `${d};${d};${from()} REF-${sub.offer}-${sub.id} REF-${other.offer}-${other.id};${cents(4000)};EUR`
        break
      case 'invoice of another member':
        line = `${d};${d};${from()} ${invoice.number} REF-${other.offer}-${other.id};${cents(invoice.cents)};EUR`
        break
      case 'credit note':
        line = `${d};${d};${from()} ${pick(scene.creditNotes)};${cents(500)};EUR`
        break
      case 'debit':
        line = `${d};${d};${pick(['PRLV SEPA OVH SAS', 'PRLV SEPA FREE PRO', 'CB LEROY MERLIN', 'PRLV SEPA EDF', 'FRAIS TENUE COMPTE'])} ${tail()};-${cents(100 + Math.floor(rand() * 90_000))};EUR`
        break
      case 'zero':
        line = `${d};${d};REGULARISATION ${tail()};0,00;EUR`
        break
      case 'unreadable':
        line = pick([`${d};${d};${from()} ${sub.name};douze;EUR`, `31/11/2026;;${from()} ${sub.name};12,00;EUR`, `${d};${d};${from()} ${sub.name};1.234;EUR`, `TOTAL;;;;`])
        break
      case 'identical transfer':
        line = previous || `${d};${d};VIR DON;10,00;EUR`
        break
    }
    out.push(line)
    previous = line
  }
  return { text: out.join('\r\n') + '\r\n', counts }
}

async function main() {
  requireBuild()
  const began = Date.now()
  const loadBefore = os.loadavg()
  log(`Machine: ${machineDescription()}; commit ${gitCommit()}`)
  log(`Load average before: ${loadBefore.map((n) => n.toFixed(2)).join(' ')}`)
  const { baseUrl, cookie, prisma, buildStale } = await startFixture()

  // Scene: 3 offers; 8,000 members with a subscription (1,000 with two); an invoice of November
  // for 6,000 members, 200 credit notes.
  const step = Date.now()
  const offers = await Promise.all(['VPN', 'ADSL', 'HEBERG'].map((reference) => prisma.offer.create({ data: { name: reference, reference, periodFeeCents: 1500 }, select: { id: true, reference: true } })))
  const members = await prisma.member.findMany({ where: { roles: { equals: ['MEMBER'] } }, orderBy: { id: 'asc' }, select: { id: true, firstName: true, lastName: true, organizationName: true } })
  const subscriber = members.slice(0, 8000)
  await prisma.subscription.createMany({ data: [...subscriber, ...subscriber.slice(0, 1000)].map((m, i) => ({ memberId: m.id, offerId: offers[i % 3]!.id, subscriptionDate: new Date('2025-01-01') })) })
  const byId = new Map(members.map((m) => [m.id, m]))
  const subscriptions = (await prisma.subscription.findMany({ select: { id: true, memberId: true, offer: { select: { reference: true } } } })).map((s) => {
    const m = byId.get(s.memberId)!
    return { id: s.id, offer: s.offer.reference, memberId: s.memberId, name: (m.organizationName || `${m.firstName} ${m.lastName}`).toUpperCase().slice(0, 28) }
  })
  const invoiceRows = members.slice(0, 6000).map((m, i) => ({ memberId: m.id, number: `2026-11-${String(i + 1).padStart(6, '0')}`, totalCents: 1500 + (i % 5) * 500 }))
  await prisma.invoice.createMany({ data: invoiceRows.map((r) => ({ ...r, kind: 'INVOICE' as const, validated: true, seller: { name: 'FAI Banc d’essai' }, buyer: {}, validatedAt: new Date('2026-11-01'), date: new Date('2026-11-01'), dueDate: new Date('2026-12-01') })) })
  const creditNotes = members.slice(0, 200).map((m, i) => ({ memberId: m.id, number: `AV-2026-11-${String(i + 1).padStart(6, '0')}`, totalCents: -500 }))
  await prisma.invoice.createMany({ data: creditNotes.map((r) => ({ ...r, kind: 'CREDIT_NOTE' as const, validated: true, seller: { name: 'FAI Banc d’essai' }, buyer: {}, validatedAt: new Date('2026-11-01'), date: new Date('2026-11-01') })) })
  const scene: Scene = { subscriptions, invoices: invoiceRows.map((r) => ({ number: r.number, memberId: r.memberId, cents: r.totalCents })), creditNotes: creditNotes.map((c) => c.number) }
  const { text, counts } = generateStatement(LINES, scene)
  const file = new TextEncoder().encode(text)

  // 8 % of the statement's lines were imported before (an earlier, overlapping export): their
  // payments exist, with the same import keys.
  const { parseBankFile } = await import('#app/models/payment/bank-import.ts')
  const parsed = parseBankFile(file)
  const rand = random(7)
  const already = parsed.lines.filter((l) => l.amountCents > 0 && rand() < 0.08)
  for (let i = 0; i < already.length; i += 2000) {
    await prisma.payment.createMany({ data: already.slice(i, i + 2000).map((l) => ({ memberId: subscriber[Math.floor(rand() * subscriber.length)]!.id, amountCents: l.amountCents, date: new Date(l.date), label: l.label.slice(0, 500), importKey: l.importKey })) })
  }
  await prisma.$executeRawUnsafe('VACUUM ANALYZE')
  log(`Scene: ${subscriptions.length} subscriptions, ${invoiceRows.length} invoices, ${creditNotes.length} credit notes, ${already.length} lines already imported (${((Date.now() - step) / 1000).toFixed(1)} s)`)
  log(`Statement: ${LINES.toLocaleString('en')} lines, ${(file.length / 2 ** 20).toFixed(2)} MB (${Math.round(file.length / LINES)} bytes a line): ${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ')}`)

  // Peak memory of this process (which serves the app) while a request runs.
  let peakRss = 0
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss) }, 20)
  const timed = async (run: () => Promise<Response>) => {
    peakRss = process.memoryUsage().rss
    const start = performance.now()
    const res = await run()
    const body = await res.text()
    return { ms: round(performance.now() - start), status: res.status, bytes: Buffer.byteLength(body), body, location: res.headers.get('location'), peakRssMB: round(peakRss / 2 ** 20) }
  }
  const get = (url: string) => timed(() => fetch(baseUrl + url, { headers: { cookie }, redirect: 'manual' }))
  // Each preview sends a file of its own (one more line at its end), so that none is served from
  // what the process kept of an earlier one.
  const variant = (i: number) => new TextEncoder().encode(`${text}30/11/2026;30/11/2026;VIR SEPA ESSAI ${i};1,00;EUR\r\n`)
  const multipart = (fields: Record<string, string>, upload: Uint8Array<ArrayBuffer> | null) => {
    const form = new FormData()
    form.append('file', upload ? new Blob([upload], { type: 'text/csv' }) : new Blob([], { type: 'application/octet-stream' }), upload ? 'releve-novembre.csv' : '')
    for (const [k, v] of Object.entries({ encoding: 'utf-8', delimiter: '', columns: '', ...fields })) form.append(k, v)
    return form
  }
  const post = (fields: Record<string, string>, upload: Uint8Array<ArrayBuffer> | null) =>
    timed(() => fetch(`${baseUrl}/admin/payments/import`, { method: 'POST', headers: { cookie }, body: multipart(fields, upload), redirect: 'manual' }))
  const expectOk = (what: string, r: { status: number; body: string }, status = 200) => {
    if (r.status !== status) throw new Error(`${what} answered ${r.status}: ${r.body.slice(0, 400)}`)
  }

  // 1. Preview: POST the file (302 to the preview's address), then GET that address.
  const previews = []
  let location = ''
  for (let i = 0; i < REPEAT; i++) {
    const upload = await post({ intent: 'preview' }, variant(i))
    expectOk('preview POST', upload, 302)
    location = upload.location!
    const page = await get(location)
    expectOk('preview page', page)
    if (!page.body.includes('section-noReference')) throw new Error('the preview page has no "no reference" section')
    const run = { postMs: upload.ms, getMs: page.ms, totalMs: round(upload.ms + page.ms), pageBytes: page.bytes, peakRssMB: Math.max(upload.peakRssMB, page.peakRssMB) }
    previews.push(run)
    log(`preview ${i + 1}: POST ${run.postMs} ms + GET ${run.getMs} ms = ${run.totalMs} ms, page ${(run.pageBytes / 1024).toFixed(0)} KB, peak RSS ${run.peakRssMB} MB`)
  }
  const summary = /role="status"[^>]*>([^<]*)</.exec((await get(location)).body)?.[1] ?? ''
  log(`  summary: ${summary}`)

  // 2. Page clicks: a page of a section, as a document (no JavaScript) and as the data request
  // the browser makes with JavaScript; then one the process has not kept (other options: the
  // statement is read from the database and the preview computed again, as on another process).
  const clicks = []
  const sections = ['noReference:2', 'debit:3', 'unknownReference:4', 'toRecord:20', 'alreadyImported:2', 'invalid:2']
  for (let i = 0; i < Math.max(REPEAT, sections.length); i++) {
    const show = sections[i % sections.length]!
    const doc = await get(`${location}&show=${show}`)
    expectOk('page click', doc)
    const dataUrl = `${location.replace('/admin/payments/import?', '/admin/payments/import.data?')}&show=${show}`
    const dataReq = await get(dataUrl)
    expectOk('page click (data)', dataReq)
    clicks.push({ show, documentMs: doc.ms, documentBytes: doc.bytes, dataMs: dataReq.ms, dataBytes: dataReq.bytes })
    log(`page ${show}: document ${doc.ms} ms (${(doc.bytes / 1024).toFixed(0)} KB), data ${dataReq.ms} ms (${(dataReq.bytes / 1024).toFixed(0)} KB)`)
  }
  const cold = []
  const otherOptions = ['delimiter=%3B', 'columns=date%3D1%2Camount%3D4%2Clabel%3D3', 'columns=date%3DDate%2Camount%3DMontant%2Clabel%3DLibell%C3%A9']
  for (let i = 0; i < REPEAT; i++) {
    const r = await get(`${location}&${otherOptions[i % otherOptions.length]}&show=noReference:${i + 3}`)
    expectOk('page click (not kept)', r)
    cold.push({ ms: r.ms, bytes: r.bytes, peakRssMB: r.peakRssMB })
    log(`page not kept in this process ${i + 1}: ${r.ms} ms`)
  }

  // 3. Record: posts the statement's reference only.
  const records = []
  if (RECORD) {
    const statement = new URL(location, baseUrl).searchParams.get('statement')!
    for (let i = 0; i < REPEAT; i++) {
      const before = await prisma.payment.count()
      const r = await post({ intent: 'commit', statement }, null)
      expectOk('record', r)
      const recorded = (await prisma.payment.count()) - before
      records.push({ ms: r.ms, recorded, pageBytes: r.bytes, peakRssMB: r.peakRssMB })
      log(`record ${i + 1}: ${r.ms} ms, ${recorded} payments recorded, page ${(r.bytes / 1024).toFixed(0)} KB`)
    }
  }
  clearInterval(sampler)

  const loadAfter = os.loadavg()
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
  const target = {
    previewMs: TARGET_PREVIEW_MS, pageBytes: TARGET_PAGE_BYTES, pageClickMs: TARGET_PAGE_CLICK_MS,
    previewMedianMs: median(previews.map((p) => p.totalMs)),
    pageBytesMax: Math.max(...previews.map((p) => p.pageBytes)),
    pageClickMedianMs: median(clicks.map((c) => c.documentMs)),
  }
  const met = target.previewMedianMs < TARGET_PREVIEW_MS && target.pageBytesMax < TARGET_PAGE_BYTES && target.pageClickMedianMs < TARGET_PAGE_CLICK_MS
  log(`\nTargets: preview ${target.previewMedianMs} ms (< ${TARGET_PREVIEW_MS}), page ${(target.pageBytesMax / 1024).toFixed(0)} KB (< 1024), page click ${target.pageClickMedianMs} ms (< ${TARGET_PAGE_CLICK_MS}): ${met ? 'MET' : 'MISSED'}`)
  log(`Load average after: ${loadAfter.map((n) => n.toFixed(2)).join(' ')}`)
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true })
  fs.writeFileSync(RESULTS_FILE, JSON.stringify({
    benchmark: 'bank-import',
    date: new Date().toISOString(),
    commit: gitCommit(),
    machine: {
      cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model.trim(), memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version,
      loadAverageBefore: loadBefore.map(round), loadAverageAfter: loadAfter.map(round),
    },
    setup: {
      members: MEMBER_COUNT, subscriptions: subscriptions.length, invoices: invoiceRows.length, creditNotes: creditNotes.length,
      statement: { lines: LINES, bytes: file.length, kinds: counts, alreadyImported: already.length },
      summary, buildStale,
      server: 'createApp() from cli/web.ts serving build/ in the benchmark process; requests by fetch on loopback, one at a time; embedded PostgreSQL',
    },
    target: { ...target, met },
    unit: 'ms, bytes, MB',
    preview: previews,
    pageClicks: clicks,
    pageClicksNotKept: cold,
    record: records,
  }, null, 2) + '\n')
  log(`Wrote ${path.relative(process.cwd(), RESULTS_FILE)} (${((Date.now() - began) / 1000).toFixed(0)} s in all)`)
}

await runBounded(main, TIME_LIMIT_MS)
