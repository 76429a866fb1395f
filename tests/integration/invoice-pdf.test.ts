import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { inflateSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { renderInvoicePdf, type InvoicePdfData } from '#app/integrations/pdf/invoice-pdf.server.ts'
import { createPdfPool } from '#app/integrations/pdf/pdf-pool.server.ts'
import { invoiceTotalCents } from '#app/models/invoice/rules.ts'
import { parseIsoDate } from '#app/utils/dates.ts'
import { formatEuros } from '#app/utils/money.ts'

// The PDFs are checked with poppler (pdftotext, pdftoppm), as a reader would see them: the text
// layer, and the rendered page, because a broken font can keep a correct text layer while
// drawing nothing (ARCHITECTURE.md, PDF row).

const run = promisify(execFile)
const d = (iso: string) => parseIsoDate(iso)!
/** A 4×4 dark blue PNG. */
const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGNQcGiAIwbiOABmQw4BvCqhbgAAAABJRU5ErkJggg==', 'base64')
const DPI = 50

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'coin-invoice-pdf-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function invoice(overrides: Partial<InvoicePdfData> = {}): InvoicePdfData {
  return {
    kind: 'INVOICE',
    number: '2025-03-000042',
    date: d('2025-03-01'),
    dueDate: d('2025-03-31'),
    credited: null,
    language: 'fr',
    isp: {
      name: 'Illyse',
      primaryColor: '',
      address: '12 rue de l’Église',
      postalCode: '69001',
      city: 'Lyon',
      siret: '123 456 789 00012',
      rna: 'W691234567',
      email: 'tresorier@illyse.example',
      website: 'https://illyse.example',
      iban: 'FR76 3000 4000 0312 3456 7890 143',
      bic: 'BNPAFRPPXXX',
      bankName: 'Crédit Coopératif',
      chequeOrder: 'Illyse',
      vatMention: 'TVA non applicable, art. 293 B du CGI',
      vatNumber: '',
      latePaymentMention: '',
      logo: null,
      logoMimeType: null,
    },
    member: { type: 'NATURAL_PERSON', name: 'Élodie Dupré', address: '3 chemin des Écureuils', postalCode: '01460', city: 'Montréal-la-Cluse', country: 'France', email: 'elodie@example.org' },
    lines: [
      { label: 'Abonnement VPN – février', unitCents: 800, quantityHundredths: 100, vatBasisPoints: 0, periodFrom: d('2025-02-01'), periodTo: d('2025-02-28') },
      { label: 'Abonnement ADSL, prorata', unitCents: 3000, quantityHundredths: 84, vatBasisPoints: 0, periodFrom: d('2025-01-15'), periodTo: d('2025-03-31') },
      { label: 'Location du routeur', unitCents: 1250, quantityHundredths: 100, vatBasisPoints: 2000, periodFrom: null, periodTo: null },
    ],
    paymentReference: '2025-03-000042',
    validatedAt: new Date('2025-03-01T08:00:00Z'),
    ...overrides,
  }
}

let fileCount = 0
async function save(pdf: Uint8Array) {
  const file = path.join(dir, `${++fileCount}.pdf`)
  await writeFile(file, pdf)
  return file
}

/** pdftotext -layout, with every run of whitespace (incl. U+00A0, U+202F) as one space. */
async function textOf(pdf: Uint8Array) {
  const { stdout } = await run('pdftotext', ['-layout', await save(pdf), '-'])
  return { raw: stdout, text: flat(stdout) }
}
const flat = (text: string) => text.replace(/\s+/g, ' ')

async function pageCount(pdf: Uint8Array) {
  const { stdout } = await run('pdfinfo', [await save(pdf)])
  return Number(/^Pages:\s+(\d+)/m.exec(stdout)?.[1])
}

type Word = { text: string; xMin: number; yMin: number; xMax: number; yMax: number }

/** Every word pdftotext finds, with its box in points from the top left, page by page. */
async function wordsOf(pdf: Uint8Array) {
  const { stdout } = await run('pdftotext', ['-bbox', await save(pdf), '-'], { maxBuffer: 64 * 1024 * 1024 })
  return stdout.split('<page ').slice(1).map((page) => {
    const [, width, height] = /width="([\d.]+)" height="([\d.]+)"/.exec(page)!.map(Number)
    const words = [...page.matchAll(/<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)<\/word>/g)].map(
      ([, xMin, yMin, xMax, yMax, text]): Word => ({ text, xMin: Number(xMin), yMin: Number(yMin), xMax: Number(xMax), yMax: Number(yMax) }),
    )
    return { width, height, words }
  })
}

/** Page 1 rendered at 50 dpi as 8-bit grey (binary PGM: a short text header, then one byte a pixel). */
async function renderPage1(pdf: Uint8Array) {
  const file = await save(pdf)
  const png = (await run('pdftoppm', ['-png', '-r', String(DPI), '-f', '1', '-l', '1', '-singlefile', file], { encoding: 'buffer' })).stdout
  const pgm = (await run('pdftoppm', ['-gray', '-r', String(DPI), '-f', '1', '-l', '1', '-singlefile', file], { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 })).stdout
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 32).toString('latin1'))!
  const [width, height] = [Number(header[1]), Number(header[2])]
  return { png, width, height, pixels: pgm.subarray(header[0].length) }
}

/** Share of dark pixels (< 128) in a box given in points from the top left. */
function darkShare(page: Awaited<ReturnType<typeof renderPage1>>, box: { xMin: number; yMin: number; xMax: number; yMax: number }) {
  const px = (pt: number) => Math.round((pt * DPI) / 72)
  let dark = 0
  let all = 0
  for (let y = px(box.yMin); y < Math.min(px(box.yMax), page.height); y++) {
    for (let x = px(box.xMin); x < Math.min(px(box.xMax), page.width); x++) {
      all++
      if (page.pixels[y * page.width + x] < 128) dark++
    }
  }
  return dark / all
}

describe('invoice PDF', () => {
  test('shows the identity, accented words, the lines, the totals and the mentions in French', async () => {
    const data = invoice()
    expect(invoiceTotalCents(data.lines)).toBe(4820) // 8,00 + 30,00 × 0,84 + 12,50 × 1,20
    const pdf = await renderInvoicePdf(data)
    const { text } = await textOf(pdf)
    for (const expected of [
      'Facture 2025-03-000042',
      'Élodie Dupré',
      'Montréal-la-Cluse',
      'Abonnement VPN – février',
      'l’Église',
      'Échéance : 31/03/2025',
      'du 15/01/2025 au 31/03/2025',
      '0,84',
      '20 %',
      'SIRET : 123 456 789 00012',
      'IBAN FR76 3000 4000 0312 3456 7890 143',
      'référence à indiquer : 2025-03-000042',
      'par chèque à l’ordre de Illyse',
      'taux d’intérêt légal',
    ]) {
      expect(text).toContain(expected)
    }
    expect(text).toMatch(new RegExp(`Total TTC ${flat(formatEuros(4820, 'fr'))}`))
    // VAT is charged on one line: the VAT of each rate on its base, and no exemption mention.
    expect(text).toContain(`TVA 20 % sur ${flat(formatEuros(1250, 'fr'))} ${flat(formatEuros(250, 'fr'))}`)
    expect(text).toContain(`TVA 0 % sur ${flat(formatEuros(3320, 'fr'))} ${flat(formatEuros(0, 'fr'))}`)
    expect(text).toContain(`Total HT ${flat(formatEuros(4570, 'fr'))}`)
    expect(text).not.toContain('293 B')
    expect(flat(formatEuros(4820, 'fr'))).toBe('48,20 €')

    const { stdout: info } = await run('pdfinfo', ['-isodates', await save(pdf)])
    expect(info).toMatch(/^Title:\s+Facture 2025-03-000042$/m)
    expect(info).toMatch(/^Author:\s+Illyse$/m)
    expect(info).toMatch(/^Creator:\s+Coin$/m)
    expect(info).toMatch(/^Producer:\s+Coin$/m)
    expect(info).toMatch(/^CreationDate:\s+2025-03-01T08:00:00Z$/m)
    expect(info).toMatch(/^Page size:\s+595.28 x 841.89 pts \(A4\)$/m)
  })

  test('draws the glyphs that the text layer claims (the page is not blank where the words are)', async () => {
    const pdf = await renderInvoicePdf(invoice())
    const page = await renderPage1(pdf)
    expect([...page.png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    expect(page.width).toBe(Math.ceil((595.28 * DPI) / 72))
    const darkPixels = page.pixels.filter((v) => v < 128).length
    expect(darkPixels / page.pixels.length).toBeGreaterThan(0.005)
    const [{ words }] = await wordsOf(pdf)
    // Regular and bold glyphs, accented capitals, the € sign: each box pdftotext reports has ink in it.
    for (const wanted of ['2025-03-000042', 'Élodie', 'Montréal-la-Cluse', 'février', '48,20', '€', 'IBAN']) {
      const word = words.find((w) => w.text === wanted)
      expect(word, wanted).toBeDefined()
      expect(darkShare(page, word!), wanted).toBeGreaterThan(0.05)
    }
    // A blank band (between the header and the footer, right of the mentions) stays blank.
    expect(darkShare(page, { xMin: 50, yMin: 700, xMax: 545, yMax: 780 })).toBe(0)
  })

  test('the same data gives the same bytes', async () => {
    const [a, b] = [await renderInvoicePdf(invoice()), await renderInvoicePdf(invoice())]
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true)
    const later = await renderInvoicePdf(invoice({ validatedAt: new Date('2025-03-02T08:00:00Z') }))
    expect(Buffer.from(a).equals(Buffer.from(later))).toBe(false)
  })

  test("the ISP's colour tints its name and the title; without one they stay black", async () => {
    // The page's content streams, inflated (pdf-lib compresses them).
    const inflated = (pdf: Uint8Array) => [...Buffer.from(pdf).toString('latin1').matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)]
      .map((m) => {
        try {
          return inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1')
        } catch {
          return ''
        }
      })
      .join('\n')
    const coloured = await renderInvoicePdf(invoice({ isp: { ...invoice().isp, primaryColor: '#7a1f3d' } }))
    const plain = await renderInvoicePdf(invoice())
    // pdf-lib writes the fill colour as "r g b rg" in the page's content stream.
    const operator = /0\.4784\d* 0\.1215\d* 0\.2392\d* rg/
    expect(inflated(coloured)).toMatch(operator)
    expect(inflated(plain)).not.toMatch(operator)
    expect((await wordsOf(coloured))[0]!.words.map((w) => w.text)).toEqual((await wordsOf(plain))[0]!.words.map((w) => w.text))
  })

  test('a credit note says "Avoir", names the corrected invoice and carries no payment instructions', async () => {
    const pdf = await renderInvoicePdf(
      invoice({
        kind: 'CREDIT_NOTE',
        number: 'AV-2025-03-000003',
        credited: { number: '2025-02-000017', date: d('2025-02-01') },
        dueDate: null,
        lines: [{ label: 'Abonnement VPN – février', unitCents: -800, quantityHundredths: 100, vatBasisPoints: 0, periodFrom: null, periodTo: null }],
      }),
    )
    const { text } = await textOf(pdf)
    expect(text).toContain('Avoir AV-2025-03-000003')
    // The line wraps in the right column; pdftotext interleaves the left column's lines.
    expect(text).toMatch(/Avoir sur la facture 2025-02-000017 du .*01\/02\/2025/)
    // No VAT on it: the total alone, and the exemption mention.
    expect(text).toContain(`Total ${flat(formatEuros(-800, 'fr'))}`)
    expect(text).not.toContain('Total HT')
    expect(text).toContain('TVA non applicable, art. 293 B du CGI')
    expect(text).not.toContain('Échéance')
    expect(text).not.toContain('IBAN')
  })

  test('in English', async () => {
    const { text } = await textOf(await renderInvoicePdf(invoice({ language: 'en' })))
    expect(text).toContain('Invoice 2025-03-000042')
    expect(text).toContain('Due date: 31 Mar 2025')
    expect(text).toContain('from 15 Jan 2025 to 31 Mar 2025')
    expect(text).toContain(`Total incl. VAT ${flat(formatEuros(4820, 'en'))}`)
    expect(text).toContain('reference to quote: 2025-03-000042')
    expect(text).toContain('0.84')
  })

  test('many lines and long texts wrap and paginate without any word leaving the page', async () => {
    const lines: InvoicePdfData['lines'] = Array.from({ length: 60 }, (_, i) => ({
      label: `Ligne ${i + 1} : abonnement avec un libellé assez long pour être coupé sur deux lignes au moins`,
      unitCents: 1000 + i,
      quantityHundredths: 100,
      vatBasisPoints: 2000,
      periodFrom: d('2025-03-01'),
      periodTo: d('2025-03-31'),
    }))
    lines.push({ label: `Libellé-sans-espace-${'x'.repeat(200)}-fin`, unitCents: 123_456_789, quantityHundredths: 100, vatBasisPoints: 0, periodFrom: null, periodTo: null })
    lines.push({ label: 'Dernière ligne, émoji 😀 et cyrillique Ж', unitCents: 100, quantityHundredths: 100, vatBasisPoints: 0, periodFrom: null, periodTo: null })
    const data = invoice({ lines, isp: { ...invoice().isp, latePaymentMention: 'Mention '.repeat(80).trim() } })
    const pdf = await renderInvoicePdf(data)
    expect(await pageCount(pdf)).toBeGreaterThanOrEqual(2)
    const { text, raw } = await textOf(pdf)
    expect(text).toContain('Dernière ligne, émoji ? et cyrillique ?')
    expect(text).toContain('Ligne 60 :')
    expect(raw).toContain('-fin')
    expect(text).toContain(`Total TTC ${flat(formatEuros(invoiceTotalCents(lines), 'fr'))}`)
    const pages = await wordsOf(pdf)
    expect(text).toContain(`Page ${pages.length}/${pages.length}`)
    for (const { width, height, words } of pages) {
      for (const word of words) {
        expect(word.xMin, word.text).toBeGreaterThanOrEqual(0)
        expect(word.xMax, word.text).toBeLessThanOrEqual(width - 40)
        expect(word.yMin, word.text).toBeGreaterThanOrEqual(0)
        expect(word.yMax, word.text).toBeLessThanOrEqual(height - 20)
      }
    }
  })

  test('embeds the ISP logo', async () => {
    const pdf = await renderInvoicePdf(invoice({ isp: { ...invoice().isp, logo: new Uint8Array(TINY_PNG), logoMimeType: 'image/png' } }))
    const { stdout } = await run('pdfimages', ['-list', await save(pdf)])
    expect(stdout).toMatch(/^\s+1\s+0 image\s+4\s+4 /m)
    const page = await renderPage1(pdf)
    expect(darkShare(page, { xMin: 52, yMin: 38, xMax: 88, yMax: 74 })).toBeGreaterThan(0.9) // 40 pt square at the top left
    expect((await textOf(pdf)).text).toContain('Illyse')
  })
})

describe('PDF pool', () => {
  test('two worker threads render the same bytes as the main thread, and a failing job rejects alone', async () => {
    // Each fresh worker starts with an English document, which has "É" (drawn with the glyph of
    // "E" as a component) but no "E"; the French ones that follow have "E" ("En cas de retard").
    // Fonts are parsed once per thread, so this checks that what a thread rendered before does
    // not change a document (here: the text mapping of "E").
    const withoutE = { language: 'en', isp: { ...invoice().isp, siret: '' } } as const
    const documents = Array.from({ length: 20 }, (_, i) => invoice({ number: `2025-03-${String(i + 1).padStart(6, '0')}`, ...(i < 2 ? withoutE : { language: i % 2 ? 'en' : 'fr' }) }))
    expect(flat((await textOf(await renderInvoicePdf(documents[0]))).raw)).not.toMatch(/E/)
    const pool = createPdfPool({ threads: 2 })
    try {
      const broken = invoice({ isp: { ...invoice().isp, logo: new Uint8Array([1, 2, 3]), logoMimeType: 'image/png' } })
      const [rendered, failure] = await Promise.all([Promise.all(documents.map((data) => pool.render(data))), pool.render(broken).catch((error: unknown) => error)])
      for (const i of [2, 4, 6]) expect(flat((await textOf(rendered[i])).raw), documents[i].number).toContain('En cas de retard')
      expect(failure).toBeInstanceOf(Error)
      expect(String(failure)).toMatch(/logo/)
      for (const [i, data] of documents.entries()) {
        expect(Buffer.from(rendered[i]).equals(Buffer.from(await renderInvoicePdf(data))), data.number).toBe(true)
      }
    } finally {
      await pool.close()
    }
    await expect(pool.render(documents[0])).rejects.toThrow(/closed/)
  })

  test('a pool left open does not keep the process alive', async () => {
    const code = `
      const { createPdfPool } = await import('#app/integrations/pdf/pdf-pool.server.ts')
      const data = JSON.parse(process.env.INVOICE, (key, value) => (/^(date|dueDate|validatedAt|periodFrom|periodTo)$/.test(key) && value ? new Date(value) : value))
      const pdf = await createPdfPool({ threads: 2 }).render(data)
      console.log(pdf.length)`
    const child = run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { timeout: 30_000, env: { ...process.env, INVOICE: JSON.stringify(invoice()) } })
    expect(Number((await child).stdout)).toBeGreaterThan(1000)
  })

  test('with threads 0 or 1 it renders in the calling thread, also several documents at once', async () => {
    const pool = createPdfPool({ threads: 1 })
    const documents = Array.from({ length: 5 }, (_, i) => invoice({ number: `2025-03-${String(i + 1).padStart(6, '0')}` }))
    const concurrent = await Promise.all(documents.map((data) => pool.render(data)))
    for (const [i, data] of documents.entries()) expect(Buffer.from(concurrent[i]).equals(Buffer.from(await renderInvoicePdf(data)))).toBe(true)
    await pool.close()
  })
})
