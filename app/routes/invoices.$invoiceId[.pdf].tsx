import type { LoaderFunctionArgs } from '@remix-run/node'
import { InvoiceIdParams } from '#app/models/invoice/invoice.schema.ts'
import { getInvoice } from '#app/models/invoice/invoices.server.ts'
import { getInvoicePdf } from '#app/models/invoice/pdf.server.ts'
import { requireMember } from '#app/utils/auth.server.ts'
import { today } from '#app/utils/dates.ts'
import { immutableDownload, notFound } from '#app/utils/http.server.ts'

/** The stored PDF of one of the session member's validated invoices or credit notes. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const member = await requireMember(request)
  const { invoiceId } = InvoiceIdParams.parse(params)
  const invoice = invoiceId ? await getInvoice(invoiceId, { memberId: member.id, today: today() }) : null
  const pdf = invoice ? await getInvoicePdf(invoice.id) : null
  if (!invoice || !pdf) notFound()
  return immutableDownload(request, { bytes: pdf.pdf, filename: pdf.filename, sha256: pdf.sha256, contentType: 'application/pdf' })
}
