import { createHash } from 'node:crypto'
import type { Prisma } from '#app/generated/prisma/client.ts'
import { renderInvoicePdf, type InvoicePdfData } from '#app/integrations/pdf/invoice-pdf.server.ts'
import { getIspIdentity, type IspIdentity } from '#app/models/isp/settings.server.ts'
import { displayName } from '#app/models/member/username.ts'
import { prisma } from '#app/utils/db.server.ts'

/**
 * An invoice's PDF is rendered once, right after validation, from the frozen invoice, and
 * stored with its SHA-256: every download returns those bytes. Rendering happens outside the
 * validating transaction (it is the slow part); an invoice validated by a run that died before
 * its PDF was stored gets it on the next run or the first download.
 */

export type Render = (data: InvoicePdfData) => Promise<Uint8Array>

const pdfSelect = {
  id: true, kind: true, number: true, date: true, dueDate: true, validated: true, validatedAt: true,
  creditedInvoice: { select: { number: true } },
  member: { select: { type: true, firstName: true, lastName: true, nickname: true, organizationName: true, username: true, address: true, postalCode: true, city: true, country: true, email: true, language: true } },
  lines: { orderBy: { id: 'asc' }, select: { label: true, unitCents: true, quantityHundredths: true, vatBasisPoints: true, periodFrom: true, periodTo: true } },
} satisfies Prisma.InvoiceSelect

type PdfSource = Prisma.InvoiceGetPayload<{ select: typeof pdfSelect }>

/** What the PDF prints, from an invoice row and the ISP identity. */
function toPdfData(invoice: PdfSource, isp: IspIdentity): InvoicePdfData {
  const member = invoice.member
  return {
    kind: invoice.kind,
    number: invoice.number!,
    date: invoice.date,
    dueDate: invoice.dueDate,
    creditedNumber: invoice.creditedInvoice?.number ?? null,
    language: member?.language ?? 'fr',
    isp,
    member: member
      ? { name: displayName(member), address: member.address, postalCode: member.postalCode, city: member.city, country: member.country, email: member.email }
      : { name: '', address: '', postalCode: '', city: '', country: '', email: '' },
    lines: invoice.lines,
    paymentReference: invoice.number!,
    validatedAt: invoice.validatedAt ?? invoice.date,
  }
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/**
 * Renders and stores the PDFs of validated invoices that have none yet, `render` doing the
 * work (the main thread, or a pool of threads for the monthly run). A PDF already stored is
 * never replaced: the UPDATE only writes where none is, and the database refuses the rest.
 */
export async function storeMissingPdfs(ids: number[], render: Render = renderInvoicePdf) {
  if (ids.length === 0) return 0
  const [isp, invoices] = await Promise.all([
    getIspIdentity(),
    prisma.invoice.findMany({ where: { id: { in: ids }, validated: true, pdfSha256: null }, select: pdfSelect }),
  ])
  const pdfs = await Promise.all(invoices.map(async (invoice) => ({ id: invoice.id, pdf: await render(toPdfData(invoice, isp)) })))
  if (pdfs.length === 0) return 0
  return prisma.$executeRaw`
    UPDATE "Invoice" i SET pdf = v.pdf, "pdfSha256" = v.sha
    FROM unnest(${pdfs.map((p) => p.id)}::int[], ${pdfs.map((p) => Buffer.from(p.pdf))}::bytea[], ${pdfs.map((p) => sha256(p.pdf))}::text[]) AS v(id, pdf, sha)
    WHERE i.id = v.id AND i."pdfSha256" IS NULL`
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
