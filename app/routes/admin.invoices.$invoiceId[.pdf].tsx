import type { LoaderFunctionArgs } from '@remix-run/node'
import { InvoiceIdParams } from '#app/models/invoice/invoice.schema.ts'
import { getInvoice } from '#app/models/invoice/invoices.server.ts'
import { getInvoicePdf } from '#app/models/invoice/pdf.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { today } from '#app/utils/dates.ts'
import { immutableDownload, notFound } from '#app/utils/http.server.ts'

/** The stored PDF of any validated invoice or credit note, for staff. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request)
  const { invoiceId } = InvoiceIdParams.parse(params)
  const invoice = invoiceId ? await getInvoice(invoiceId, { today: today() }) : null
  const pdf = invoice ? await getInvoicePdf(invoice.id) : null
  if (!invoice || !pdf) notFound()
  return immutableDownload(request, { bytes: pdf.pdf, filename: pdf.filename, sha256: pdf.sha256, contentType: 'application/pdf' })
}
