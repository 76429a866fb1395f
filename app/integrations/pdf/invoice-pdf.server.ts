import { createRequire } from 'node:module'
import { deflateSync } from 'node:zlib'
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib'
import { chargesVat, invoiceTotalCents, lineTotalCents, vatBreakdown } from '#app/models/invoice/rules.ts'
import type { InvoiceBuyer, InvoiceSeller } from '#app/models/invoice/snapshot.ts'
import { formatEuros } from '#app/utils/money.ts'
import { getInvoiceFonts, sharedFontkit } from './font.server.ts'
import { drawLogo } from './logo-image.server.ts'

/**
 * pdf-lib compresses every stream with pako, a JavaScript zlib, which took a quarter of the time
 * of a document. Node's own zlib (C) makes the same kind of Flate stream several times faster.
 * pdf-lib calls `pako.deflate` through its own copy of pako: that copy's function is replaced
 * once per process (each PDF thread loads this module).
 */
const pdfLibPako = createRequire(createRequire(import.meta.url).resolve('pdf-lib'))('pako') as { deflate: (data: Uint8Array) => Uint8Array }
pdfLibPako.deflate = (data) => deflateSync(data)

/** Everything an invoice or credit note PDF shows; plain data, so it crosses worker threads. */
export type InvoicePdfData = {
  kind: 'INVOICE' | 'CREDIT_NOTE'
  number: string
  date: Date
  dueDate: Date | null
  /** For a credit note: the invoice it corrects. */
  credited: { number: string; date: Date } | null
  language: 'fr' | 'en'
  /** The seller as the invoice captured it, with the bytes of the logo it names. */
  isp: Omit<InvoiceSeller, 'logoSha256'> & { logo: Uint8Array | null; logoMimeType: string | null }
  member: Omit<InvoiceBuyer, 'language'>
  lines: { label: string; unitCents: number; quantityHundredths: number; vatBasisPoints: number; periodFrom: Date | null; periodTo: Date | null }[]
  paymentReference: string
  validatedAt: Date
}

type Strings = {
  title: Record<InvoicePdfData['kind'], string>
  date: string
  dueDate: string
  creditedInvoice: (number: string, date: string) => string
  billedTo: string
  columns: [label: string, quantity: string, unitPrice: string, vat: string, total: string]
  totalExclVat: string
  vat: string
  vatAt: (rate: string, base: string) => string
  total: string
  totalInclVat: string
  vatNumber: string
  period: (from: string | null, to: string | null) => string
  transfer: (details: string[], reference: string) => string
  bank: string
  cheque: (order: string) => string
  latePayment: string
  recoveryIndemnity: string
  page: (index: number, count: number) => string
  months: string[] | null
  decimal: string
  percent: string
  colon: string
}

const STRINGS: Record<InvoicePdfData['language'], Strings> = {
  fr: {
    title: { INVOICE: 'Facture', CREDIT_NOTE: 'Avoir' },
    date: 'Date',
    dueDate: 'Échéance',
    creditedInvoice: (number, date) => `Avoir sur la facture ${number} du ${date}`,
    billedTo: 'Facturé à',
    columns: ['Désignation', 'Qté', 'Prix unitaire HT', 'TVA', 'Total TTC'],
    totalExclVat: 'Total HT',
    vat: 'TVA',
    vatAt: (rate, base) => `TVA ${rate} sur ${base}`,
    total: 'Total',
    totalInclVat: 'Total TTC',
    vatNumber: 'N° de TVA intracommunautaire',
    period: (from, to) => (from && to ? `du ${from} au ${to}` : from ? `à partir du ${from}` : `jusqu’au ${to}`),
    transfer: (details, reference) => `Paiement par virement\u00a0: ${details.join(', ')}\u00a0; référence à indiquer\u00a0: ${reference}.`,
    bank: 'banque',
    cheque: (order) => `Paiement par chèque à l’ordre de ${order}.`,
    latePayment:
      'En cas de retard de paiement, une pénalité égale à trois fois le taux d’intérêt légal sera exigible (article L441-10 du Code de commerce).',
    recoveryIndemnity:
      'Tout retard de paiement rend de plus exigible une indemnité forfaitaire pour frais de recouvrement de 40\u00a0€ (articles L441-10 et D441-5 du Code de commerce).',
    page: (index, count) => `Page ${index}/${count}`,
    months: null,
    decimal: ',',
    percent: '\u202f%',
    colon: '\u00a0:',
  },
  en: {
    title: { INVOICE: 'Invoice', CREDIT_NOTE: 'Credit note' },
    date: 'Date',
    dueDate: 'Due date',
    creditedInvoice: (number, date) => `Credit note for invoice ${number} of ${date}`,
    billedTo: 'Billed to',
    columns: ['Description', 'Qty', 'Unit price excl. VAT', 'VAT', 'Total incl. VAT'],
    totalExclVat: 'Total excl. VAT',
    vat: 'VAT',
    vatAt: (rate, base) => `VAT ${rate} on ${base}`,
    total: 'Total',
    totalInclVat: 'Total incl. VAT',
    vatNumber: 'EU VAT number',
    period: (from, to) => (from && to ? `from ${from} to ${to}` : from ? `from ${from}` : `until ${to}`),
    transfer: (details, reference) => `Payment by bank transfer: ${details.join(', ')}; reference to quote: ${reference}.`,
    bank: 'bank',
    cheque: (order) => `Payment by cheque payable to ${order}.`,
    latePayment:
      'In case of late payment, a penalty equal to three times the French legal interest rate is due (article L441-10 of the French Commercial Code).',
    recoveryIndemnity:
      'Any late payment also makes a fixed indemnity of 40 € for recovery costs due (articles L441-10 and D441-5 of the French Commercial Code).',
    page: (index, count) => `Page ${index} of ${count}`,
    months: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
    decimal: '.',
    percent: '%',
    colon: ':',
  },
}

const PAGE: [number, number] = [595.28, 841.89]
const LEFT = 50
const RIGHT = PAGE[0] - 50
const TOP = PAGE[1] - 45
/** Lowest baseline for content; the footer sits below it. */
const BOTTOM = 60
const BLACK = rgb(0, 0, 0)
const GREY = rgb(0.35, 0.35, 0.35)
const RULE = rgb(0.75, 0.75, 0.75)
const SHADE = rgb(0.92, 0.92, 0.92)

/** The ISP's colour as the invoice captured it (#rrggbb), black when it had none. */
function accent(hex: string) {
  if (!/^#[0-9a-f]{6}$/i.test(hex)) return BLACK
  const channel = (i: number) => parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255
  return rgb(channel(0), channel(1), channel(2))
}
/** Table columns: left edge and width; text is left-aligned in the first, right-aligned in the others. */
const COLUMNS = [
  { x: LEFT, width: 228 },
  { x: 286, width: 44 },
  { x: 338, width: 66 },
  { x: 412, width: 42 },
  { x: 462, width: RIGHT - 462 },
]

/** The page being filled, its fonts and strings: drawing helpers move `y` down and add pages. */
type Flow = {
  doc: PDFDocument
  page: PDFPage
  y: number
  regular: PDFFont
  bold: PDFFont
  t: Strings
  printable: (text: string) => string
  width: (text: string, font: PDFFont, size: number) => number
  onNewPage: () => void
}

/**
 * Renders an invoice or a credit note as an A4 PDF. The same data always gives the same bytes,
 * whatever the process rendered before: dates in the metadata are `validatedAt`, pdf-lib's font
 * and resource names come from a fixed-seed generator, and the shared fonts are prepared so
 * that no document changes them (font.server.ts).
 */
export async function renderInvoicePdf(data: InvoicePdfData): Promise<Uint8Array> {
  const t = STRINGS[data.language]
  const fonts = await getInvoiceFonts()
  const doc = await PDFDocument.create({ updateMetadata: false })
  doc.registerFontkit(sharedFontkit)
  const title = `${t.title[data.kind]} ${data.number}`
  doc.setTitle(title)
  doc.setAuthor(data.isp.name)
  doc.setCreator('Coin')
  doc.setProducer('Coin')
  doc.setLanguage(data.language === 'en' ? 'en-GB' : 'fr-FR')
  doc.setCreationDate(data.validatedAt)
  doc.setModificationDate(data.validatedAt)
  // One after the other: object numbers are taken in embedding order.
  const regular = await doc.embedFont(fonts.regular, { subset: true })
  const bold = await doc.embedFont(fonts.bold, { subset: true })
  const flow: Flow = {
    doc,
    page: doc.addPage(PAGE),
    y: TOP,
    regular,
    bold,
    t,
    printable: fonts.printable,
    width: (text, font, size) => fonts.width(text, font === bold ? 'bold' : 'regular', size),
    onNewPage: () => {},
  }
  await drawHeader(flow, data)
  drawLines(flow, data)
  drawTotals(flow, data)
  drawMentions(flow, data)
  drawFooters(flow, title)
  return doc.save()
}

/** ISP identity on the left, title and dates on the right, then the member's address. */
async function drawHeader(flow: Flow, data: InvoicePdfData) {
  const { isp } = data
  const { t } = flow
  let left = TOP
  if (isp.logo && isp.logoMimeType) {
    const top = TOP + 9
    const size = await drawLogo(flow.doc, flow.page, isp.logo, isp.logoMimeType, { x: LEFT, top, maxWidth: 160, maxHeight: 40 })
    left = top - size.height - 16
  }
  left = drawBlock(flow, LEFT, left, 230, [
    { text: isp.name, font: flow.bold, size: 11, color: accent(isp.primaryColor) },
    ...[...isp.address.split('\n'), `${isp.postalCode} ${isp.city}`, isp.siret && `SIRET${t.colon} ${isp.siret}`, isp.rna && `RNA${t.colon} ${isp.rna}`, isp.email, isp.website].map((text) => ({ text, size: 8.5, color: GREY })),
  ])
  const right = 320
  let y = drawBlock(flow, right, TOP, RIGHT - right, [
    { text: `${t.title[data.kind]} ${data.number}`, font: flow.bold, size: 15, leading: 22, color: accent(isp.primaryColor) },
    { text: `${t.date}${t.colon} ${formatDate(data.date, t)}`, size: 9.5 },
    { text: data.dueDate ? `${t.dueDate}${t.colon} ${formatDate(data.dueDate, t)}` : '', size: 9.5 },
    { text: data.kind === 'CREDIT_NOTE' && data.credited ? t.creditedInvoice(data.credited.number, formatDate(data.credited.date, t)) : '', size: 9.5 },
  ])
  const { member } = data
  y = drawBlock(flow, right, Math.min(y - 24, TOP - 90), RIGHT - right, [
    { text: t.billedTo, size: 8, color: GREY, leading: 13 },
    { text: member.name, font: flow.bold, size: 10 },
    ...[...member.address.split('\n'), `${member.postalCode} ${member.city}`, member.country].map((text) => ({ text, size: 9.5 })),
    { text: member.email, size: 8.5, color: GREY },
  ])
  flow.y = Math.min(left, y) - 24
}

type BlockLine = { text: string; size: number; font?: PDFFont; color?: typeof BLACK; leading?: number }

/** Draws wrapped lines (empty ones skipped) from baseline `y` down; returns the next baseline. */
function drawBlock(flow: Flow, x: number, y: number, width: number, lines: BlockLine[]) {
  for (const line of lines) {
    const font = line.font ?? flow.regular
    for (const text of wrapText(flow, line.text, font, line.size, width)) {
      if (y < BOTTOM) return y // only absurdly long identity or address blocks get here
      flow.page.drawText(text, { x, y, size: line.size, font, color: line.color ?? BLACK })
      y -= line.leading ?? line.size * 1.35
    }
  }
  return y
}

/** The table of lines; a row moves to the next page whole unless it is taller than a page. */
function drawLines(flow: Flow, data: InvoicePdfData) {
  const { t } = flow
  const drawTableHeader = () => {
    const cells = t.columns.map((text, i) => wrapText(flow, text, flow.bold, 8, COLUMNS[i].width))
    const height = 6 + 10 * Math.max(...cells.map((c) => c.length))
    flow.page.drawRectangle({ x: LEFT - 4, y: flow.y - height, width: RIGHT - LEFT + 8, height, color: SHADE })
    cells.forEach((lines, i) => lines.forEach((text, l) => drawCell(flow, i, text, flow.y - 11 - 10 * l, flow.bold, 8)))
    flow.y -= height + 4
  }
  flow.onNewPage = drawTableHeader
  ensureSpace(flow, 60)
  drawTableHeader()
  for (const line of data.lines) {
    const label = wrapText(flow, line.label, flow.regular, 9, COLUMNS[0].width)
    const period = line.periodFrom || line.periodTo ? wrapText(flow, t.period(line.periodFrom && formatDate(line.periodFrom, t), line.periodTo && formatDate(line.periodTo, t)), flow.regular, 8, COLUMNS[0].width) : []
    const height = 12 * label.length + 10.5 * period.length + 6
    if (height <= TOP - BOTTOM - 40) ensureSpace(flow, height)
    const numbers = [formatQuantity(line.quantityHundredths, t), formatEuros(line.unitCents, data.language), formatRate(line.vatBasisPoints, t), formatEuros(lineTotalCents(line), data.language)]
    label.forEach((text, l) => {
      ensureSpace(flow, 12)
      flow.y -= 12
      drawCell(flow, 0, text, flow.y + 3, flow.regular, 9)
      if (l === 0) numbers.forEach((text, i) => drawCell(flow, i + 1, text, flow.y + 3, flow.regular, 9))
    })
    for (const text of period) {
      ensureSpace(flow, 10.5)
      flow.y -= 10.5
      drawCell(flow, 0, text, flow.y + 3, flow.regular, 8, GREY)
    }
    flow.y -= 6
    flow.page.drawLine({ start: { x: LEFT - 4, y: flow.y + 3 }, end: { x: RIGHT + 4, y: flow.y + 3 }, thickness: 0.4, color: RULE })
  }
  flow.onNewPage = () => {}
}

/** Draws one table cell: label left-aligned, numbers right-aligned and shrunk to fit their column. */
function drawCell(flow: Flow, column: number, text: string, y: number, font: PDFFont, size: number, color = BLACK) {
  const { x, width } = COLUMNS[column]
  const printable = flow.printable(text)
  if (column === 0) return flow.page.drawText(printable, { x, y, size, font, color })
  const fitted = Math.min(size, (size * width) / flow.width(printable, font, size))
  flow.page.drawText(printable, { x: x + width - flow.width(printable, font, fitted), y, size: fitted, font, color })
}

/**
 * The totals, each a sum of per-line integer cents from rules.ts. With VAT charged: the total
 * excluding VAT, the VAT of each rate with its base, and the total including VAT; without any
 * VAT, the total alone (the VAT mention says why).
 */
function drawTotals(flow: Flow, data: InvoicePdfData) {
  const { t } = flow
  const totalCents = invoiceTotalCents(data.lines)
  const breakdown = vatBreakdown(data.lines)
  const euros = (cents: number) => formatEuros(cents, data.language)
  const rows: [string, number, PDFFont][] = chargesVat(data.lines)
    ? [
        [t.totalExclVat, breakdown.reduce((sum, r) => sum + r.baseCents, 0), flow.regular],
        ...breakdown.map((r): [string, number, PDFFont] => [t.vatAt(formatRate(r.vatBasisPoints, t), euros(r.baseCents)), r.vatCents, flow.regular]),
        [t.totalInclVat, totalCents, flow.bold],
      ]
    : [[t.total, totalCents, flow.bold]]
  ensureSpace(flow, 16 * rows.length + 8)
  flow.y -= 8
  for (const [label, cents, font] of rows) {
    flow.y -= 16
    const amount = euros(cents)
    const labelText = flow.printable(label)
    flow.page.drawText(labelText, { x: RIGHT - 130 - flow.width(labelText, font, 10), y: flow.y, size: 10, font, color: BLACK })
    flow.page.drawText(flow.printable(amount), { x: RIGHT - flow.width(flow.printable(amount), font, 10), y: flow.y, size: 10, font, color: BLACK })
  }
  flow.y -= 24
}

/**
 * Payment instructions (invoices only), then the mentions: the VAT exemption when no line carries
 * VAT, else the ISP's VAT number; late-payment penalties, and for an organisation the 40 €
 * recovery indemnity.
 */
function drawMentions(flow: Flow, data: InvoicePdfData) {
  const { isp } = data
  const { t } = flow
  const paragraphs: string[] = []
  if (data.kind === 'INVOICE') {
    if (isp.iban) {
      const details = [`IBAN ${isp.iban}`, isp.bic && `BIC ${isp.bic}`, isp.bankName && `${t.bank} ${isp.bankName}`].filter(Boolean)
      paragraphs.push(t.transfer(details, data.paymentReference))
    }
    if (isp.chequeOrder) paragraphs.push(t.cheque(isp.chequeOrder))
  }
  if (!chargesVat(data.lines) && isp.vatMention) paragraphs.push(isp.vatMention)
  if (chargesVat(data.lines) && isp.vatNumber) paragraphs.push(`${t.vatNumber}${t.colon} ${isp.vatNumber}`)
  if (data.kind === 'INVOICE') {
    paragraphs.push(isp.latePaymentMention || t.latePayment)
    // A professional buyer owes the fixed recovery indemnity on top of the penalties.
    if (data.member.type === 'LEGAL_ENTITY') paragraphs.push(t.recoveryIndemnity)
  }
  for (const paragraph of paragraphs) {
    for (const text of wrapText(flow, paragraph, flow.regular, 8.5, RIGHT - LEFT)) {
      ensureSpace(flow, 11.5)
      flow.y -= 11.5
      flow.page.drawText(text, { x: LEFT, y: flow.y, size: 8.5, font: flow.regular, color: BLACK })
    }
    flow.y -= 5
  }
}

/** "Facture N — Page i/n" at the bottom of every page, once the page count is known. */
function drawFooters(flow: Flow, title: string) {
  const pages = flow.doc.getPages()
  const left = flow.printable(title)
  pages.forEach((page, i) => {
    const right = flow.t.page(i + 1, pages.length)
    page.drawText(left, { x: LEFT, y: 30, size: 7.5, font: flow.regular, color: GREY })
    page.drawText(right, { x: RIGHT - flow.width(right, flow.regular, 7.5), y: 30, size: 7.5, font: flow.regular, color: GREY })
  })
}

/** Starts a new page (running `onNewPage`, e.g. the table header) when `height` does not fit. */
function ensureSpace(flow: Flow, height: number) {
  if (flow.y - height >= BOTTOM) return
  flow.page = flow.doc.addPage(PAGE)
  flow.y = TOP
  flow.onNewPage()
}

/**
 * Splits text into lines no wider than `width`: on newlines, then between words (no-break
 * spaces keep their neighbours together), then inside a word that is wider than a line.
 * Returns printable text; empty text gives no line.
 */
function wrapText(flow: Flow, text: string, font: PDFFont, size: number, width: number) {
  const lines: string[] = []
  for (const paragraph of text.split(/\r?\n/)) {
    let line = ''
    for (const word of flow.printable(paragraph).split(/ +/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word
      if (flow.width(candidate, font, size) <= width) {
        line = candidate
        continue
      }
      if (line) lines.push(line)
      line = word
      while (flow.width(line, font, size) > width && line.length > 1) {
        let cut = line.length - 1
        while (cut > 1 && flow.width(line.slice(0, cut), font, size) > width) cut--
        lines.push(line.slice(0, cut))
        line = line.slice(cut)
      }
    }
    if (line) lines.push(line)
  }
  return lines
}

/** dd/mm/yyyy in French, "15 Jan 2025" in English; dates are UTC midnight. */
function formatDate(date: Date, t: Strings) {
  const year = date.getUTCFullYear()
  if (t.months) return `${date.getUTCDate()} ${t.months[date.getUTCMonth()]} ${year}`
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${pad(date.getUTCDate())}/${pad(date.getUTCMonth() + 1)}/${year}`
}

/** Hundredths with two decimals: 84 → "0,84". */
function formatQuantity(hundredths: number, t: Strings) {
  const sign = hundredths < 0 ? '-' : ''
  const abs = Math.abs(hundredths)
  return `${sign}${Math.floor(abs / 100)}${t.decimal}${String(abs % 100).padStart(2, '0')}`
}

/** Basis points as a percentage without trailing zeros: 2000 → "20 %", 550 → "5,5 %". */
function formatRate(basisPoints: number, t: Strings) {
  const decimals = String(basisPoints % 100).padStart(2, '0').replace(/0+$/, '')
  return `${Math.floor(basisPoints / 100)}${decimals ? t.decimal + decimals : ''}${t.percent}`
}
