import { createHash } from 'node:crypto'
import type { Prisma } from '#app/generated/prisma/client.ts'
import type { InvoicePdfData } from '#app/integrations/pdf/invoice-pdf.server.ts'
import { renderInThisThread } from '#app/integrations/pdf/pdf-pool.server.ts'
import { databasePool, prisma } from '#app/utils/db.server.ts'
import { readBuyer, readSeller } from './snapshot.ts'

/**
 * An invoice's PDF is rendered once, right after validation, from the frozen invoice (its lines
 * and the buyer and seller it captured), and stored with its SHA-256: every download returns
 * those bytes, and a render at any later time gives the same bytes. Rendering happens outside the
 * validating transaction (it is the slow part); an invoice validated by a run that died before
 * its PDF was stored gets it on the next run or the first download.
 */

export type Render = (data: InvoicePdfData) => Promise<Uint8Array>

const pdfSelect = {
  id: true, kind: true, number: true, date: true, dueDate: true, validated: true, validatedAt: true, buyer: true, seller: true,
  creditedInvoice: { select: { number: true, date: true } },
  lines: { orderBy: { id: 'asc' }, select: { label: true, unitCents: true, quantityHundredths: true, vatBasisPoints: true, halfEven: true, periodFrom: true, periodTo: true } },
} satisfies Prisma.InvoiceSelect

type PdfSource = Prisma.InvoiceGetPayload<{ select: typeof pdfSelect }>
type Logo = { bytes: Uint8Array; mimeType: string }

/** The logos these invoices name, by hash. */
async function loadLogos(invoices: PdfSource[]) {
  const hashes = [...new Set(invoices.flatMap((i) => readSeller(i.seller)?.logoSha256 ?? []))]
  if (hashes.length === 0) return new Map<string, Logo>()
  const rows = await prisma.ispLogo.findMany({ where: { sha256: { in: hashes } }, select: { sha256: true, bytes: true, mimeType: true } })
  return new Map(rows.map((r) => [r.sha256, { bytes: new Uint8Array(r.bytes), mimeType: r.mimeType }]))
}

/** What the PDF prints: only what the invoice captured when it was validated. */
function toPdfData(invoice: PdfSource, logos: Map<string, Logo>): InvoicePdfData {
  const seller = readSeller(invoice.seller)
  if (!seller) throw new Error(`invoice ${invoice.number} has no seller snapshot`)
  const { language, ...member } = readBuyer(invoice.buyer)
  const { logoSha256, ...isp } = seller
  const logo = logoSha256 ? logos.get(logoSha256) : undefined
  return {
    kind: invoice.kind,
    number: invoice.number!,
    date: invoice.date,
    dueDate: invoice.dueDate,
    credited: invoice.creditedInvoice?.number ? { number: invoice.creditedInvoice.number, date: invoice.creditedInvoice.date } : null,
    language,
    isp: { ...isp, logo: logo?.bytes ?? null, logoMimeType: logo?.mimeType ?? null },
    member,
    lines: invoice.lines,
    paymentReference: invoice.number!,
    validatedAt: invoice.validatedAt ?? invoice.date,
  }
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/** What the PDFs of these validated invoices print, for those that have none stored yet. */
export async function loadMissingPdfData(ids: number[]) {
  if (ids.length === 0) return []
  const invoices = await prisma.invoice.findMany({ where: { id: { in: ids }, validated: true, pdfSha256: null }, select: pdfSelect })
  const logos = await loadLogos(invoices)
  return invoices.map((invoice) => ({ id: invoice.id, data: toPdfData(invoice, logos) }))
}

/** Renders the documents of `loadMissingPdfData`, `render` doing the work. */
export function renderPdfs(sources: { id: number; data: InvoicePdfData }[], render: Render = renderInThisThread) {
  return Promise.all(sources.map(async ({ id, data }) => ({ id, pdf: await render(data) })))
}

/**
 * Stores rendered PDFs, a thousand a statement (PostgreSQL takes 65,535 parameters at most). A
 * PDF already stored is never replaced: the UPDATE only writes where none is, and the database
 * refuses the rest. The bytes go to PostgreSQL as binary parameters (see databasePool): through
 * Prisma, a month of PDFs made gigabytes of transient strings.
 */
export async function storePdfs(pdfs: { id: number; pdf: Uint8Array }[]) {
  let stored = 0
  for (let start = 0; start < pdfs.length; start += 1000) {
    const chunk = pdfs.slice(start, start + 1000)
    const rows = chunk.map((_, i) => `($${3 * i + 1}::int, $${3 * i + 2}::bytea, $${3 * i + 3}::text)`)
    const params = chunk.flatMap(({ id, pdf }) => [id, Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength), sha256(pdf)])
    const { rowCount } = await databasePool().query(
      `UPDATE "Invoice" i SET pdf = v.pdf, "pdfSha256" = v.sha FROM (VALUES ${rows.join(', ')}) AS v(id, pdf, sha) WHERE i.id = v.id AND i."pdfSha256" IS NULL`,
      params,
    )
    stored += rowCount ?? 0
  }
  return stored
}

/**
 * Renders and stores the PDFs of validated invoices that have none yet, `render` doing the
 * work (the main thread, or a pool of threads for the monthly run).
 */
export async function storeMissingPdfs(ids: number[], render: Render = renderInThisThread) {
  return storePdfs(await renderPdfs(await loadMissingPdfData(ids), render))
}

/** Validated invoices without a stored PDF (a run interrupted between validation and PDF). */
export async function invoicesMissingPdf() {
  const rows = await prisma.invoice.findMany({ where: { validated: true, pdfSha256: null, number: { not: null } }, select: { id: true }, orderBy: { id: 'asc' } })
  return rows.map((r) => r.id)
}

/** The stored PDF of a validated invoice (and its download name), rendered and stored first if it is missing. */
export async function getInvoicePdf(id: number) {
  const read = () => prisma.invoice.findUnique({ where: { id }, select: { validated: true, kind: true, number: true, pdf: true, pdfSha256: true } })
  let invoice = await read()
  if (!invoice?.validated || !invoice.number) return null
  if (!invoice.pdf) {
    await storeMissingPdfs([id])
    invoice = await read()
  }
  if (!invoice?.pdf || !invoice.number) return null
  const filename = `${invoice.kind === 'CREDIT_NOTE' ? 'Avoir' : 'Facture'}_${invoice.number}.pdf`
  return { number: invoice.number, filename, pdf: new Uint8Array(invoice.pdf), sha256: invoice.pdfSha256! }
}
