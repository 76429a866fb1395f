// Benchmark (not a test): invoice PDF rendering, in the calling thread and with the worker-thread
// pool the monthly run uses. Prints documents per second and the average PDF size.
//
//   npx tsx bench/pdf-render.ts [--count 500] [--threads 2]
//
// Needs no database and writes no file. The invoices are generated from a fixed faker seed, so
// every run renders the same documents: one to three lines (VPN, white-label DSL with a prorata,
// router rental at 20 % VAT, membership fee), French and English, accented names and addresses.
import os from 'node:os'
import { fakerFR as faker } from '@faker-js/faker'
import { renderInvoicePdf, type InvoicePdfData } from '#app/integrations/pdf/invoice-pdf.server.ts'
import { createPdfPool } from '#app/integrations/pdf/pdf-pool.server.ts'
import { getInvoiceFonts } from '#app/integrations/pdf/font.server.ts'
import { formatInvoiceNumber } from '#app/models/invoice/rules.ts'

const log = (message: string) => process.stdout.write(`${message}\n`)

function option(name: string, fallback: number) {
  const at = process.argv.indexOf(`--${name}`)
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} takes a whole number`)
  return value
}

const COUNT = option('count', 500)
const THREADS = option('threads', 2)
const d = (iso: string) => new Date(`${iso}T00:00:00Z`)

const ISP: InvoicePdfData['isp'] = {
  name: 'Illyse – FAI associatif',
  primaryColor: '',
  address: '12 rue de l’Église\nBâtiment B',
  postalCode: '69001',
  city: 'Lyon',
  siret: '123 456 789 00012',
  rna: 'W691234567',
  email: 'tresorier@illyse.example',
  website: 'https://illyse.example',
  iban: 'FR76 3000 4000 0312 3456 7890 143',
  bic: 'CCOPFRPPXXX',
  bankName: 'Crédit Coopératif',
  chequeOrder: 'Illyse',
  vatMention: 'TVA non applicable, art. 293 B du CGI',
  vatNumber: '',
  latePaymentMention: '',
  logo: null,
  logoMimeType: null,
}

/** The benchmark's invoices, the same on every run. */
function invoices(count: number): InvoicePdfData[] {
  faker.seed(20250301)
  return Array.from({ length: count }, (_, i) => {
    const number = formatInvoiceNumber(d('2025-03-01'), i)
    const lines: InvoicePdfData['lines'] = [
      { label: 'Abonnement VPN – mars', unitCents: 800, quantityHundredths: 100, vatBasisPoints: 0, periodFrom: d('2025-03-01'), periodTo: d('2025-03-31') },
    ]
    if (i % 3 === 0) lines.push({ label: 'Abonnement ADSL marque blanche, prorata', unitCents: 3000, quantityHundredths: 84, vatBasisPoints: 0, periodFrom: d('2025-01-15'), periodTo: d('2025-03-31') })
    if (i % 4 === 0) lines.push({ label: 'Location du routeur', unitCents: 1250, quantityHundredths: 100, vatBasisPoints: 2000, periodFrom: null, periodTo: null })
    if (i % 5 === 0) lines.push({ label: 'Cotisation 2025', unitCents: 1500, quantityHundredths: 100, vatBasisPoints: 0, periodFrom: d('2025-01-01'), periodTo: d('2025-12-31') })
    return {
      kind: 'INVOICE',
      number,
      date: d('2025-03-01'),
      dueDate: d('2025-03-31'),
      credited: null,
      language: i % 10 === 9 ? 'en' : 'fr',
      isp: ISP,
      member: {
        type: 'NATURAL_PERSON',
        name: faker.person.fullName(),
        address: faker.location.streetAddress(),
        postalCode: faker.location.zipCode(),
        city: faker.location.city(),
        country: 'France',
        email: faker.internet.email(),
      },
      lines,
      paymentReference: number,
      validatedAt: new Date('2025-03-01T02:00:00Z'),
    }
  })
}

const round = (n: number) => Math.round(n * 10) / 10

async function main() {
  const load = os.loadavg()
  log(`Machine: ${os.cpus().length} CPU (${os.cpus()[0]?.model.trim()}), Node ${process.version}; load average ${load.map((n) => n.toFixed(2)).join(' ')}${load[0] > 0.5 ? ' (not idle: figures may be noisy)' : ''}`)
  const data = invoices(COUNT)

  let started = performance.now()
  const fonts = await getInvoiceFonts()
  log(`Font reduction (once per process and per worker): ${Math.round(performance.now() - started)} ms, regular ${fonts.regular.length} B, bold ${fonts.bold.length} B`)
  for (const invoice of data.slice(0, 20)) await renderInvoicePdf(invoice) // JIT warm-up, not measured

  started = performance.now()
  const single: Uint8Array[] = []
  for (const invoice of data) single.push(await renderInvoicePdf(invoice))
  const singleSeconds = (performance.now() - started) / 1000
  const averageBytes = single.reduce((sum, pdf) => sum + pdf.length, 0) / single.length

  started = performance.now()
  const pool = createPdfPool({ threads: THREADS })
  try {
    await Promise.all(data.slice(0, Math.max(THREADS, 1) * 10).map((invoice) => pool.render(invoice))) // start-up and warm-up
    const startupMs = performance.now() - started
    started = performance.now()
    const pooled = await Promise.all(data.map((invoice) => pool.render(invoice)))
    const poolSeconds = (performance.now() - started) / 1000
    const different = pooled.filter((pdf, i) => !Buffer.from(pdf).equals(Buffer.from(single[i]))).length
    if (different > 0) throw new Error(`${different} documents from the pool differ from the main thread's`)

    log('')
    log(`| ${COUNT} invoices | docs/s | ms/doc |`)
    log('| --- | ---: | ---: |')
    log(`| main thread | ${round(COUNT / singleSeconds)} | ${round((singleSeconds * 1000) / COUNT)} |`)
    log(`| pool, ${THREADS} threads | ${round(COUNT / poolSeconds)} | ${round((poolSeconds * 1000) / COUNT)} |`)
    log('')
    log(`Average PDF: ${Math.round(averageBytes)} bytes (${single.length} documents, ${Math.min(...single.map((p) => p.length))}–${Math.max(...single.map((p) => p.length))})`)
    log(`Pool start-up and warm-up (${Math.max(THREADS, 1) * 10} documents, not in the figure above): ${Math.round(startupMs)} ms`)
  } finally {
    await pool.close()
  }
}

await main()
