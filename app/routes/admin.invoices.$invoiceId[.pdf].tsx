import type { LoaderFunctionArgs } from '@remix-run/node'
import { InvoiceIdParams } from '#app/models/invoice/invoice.schema.ts'
import { getInvoice } from '#app/models/invoice/invoices.server.ts'
import { getInvoicePdf } from '#app/models/invoice/pdf.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { today } from '#app/utils/dates.ts'
import { notFound } from '#app/utils/http.server.ts'

/** The stored PDF of any validated invoice or credit note, for staff. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request)
  const { invoiceId } = InvoiceIdParams.parse(params)
  const invoice = invoiceId ? await getInvoice(invoiceId, { today: today() }) : null
  const pdf = invoice ? await getInvoicePdf(invoice.id) : null
  if (!invoice || !pdf) notFound()
  const etag = `"${pdf.sha256}"`
  const headers = {
    'Content-Type': 'application/pdf',
    'Content-Disposition': `attachment; filename="${invoice.kind === 'CREDIT_NOTE' ? 'Avoir' : 'Facture'}_${pdf.number}.pdf"`,
    ETag: etag,
    'Cache-Control': 'private',
  }
  if (request.headers.get('If-None-Match') === etag) return new Response(null, { status: 304, headers })
  return new Response(pdf.pdf, { headers: { ...headers, 'Content-Length': String(pdf.pdf.byteLength) } })
}
