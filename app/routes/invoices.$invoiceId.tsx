import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { InvoiceStatus } from '#app/components/invoice-status.tsx'
import { InvoiceView } from '#app/components/invoice-view.tsx'
import { InvoiceIdParams } from '#app/models/invoice/invoice.schema.ts'
import { getInvoice } from '#app/models/invoice/invoices.server.ts'
import { requireMember } from '#app/utils/auth.server.ts'
import { today } from '#app/utils/dates.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const member = await requireMember(request)
  const { invoiceId } = InvoiceIdParams.parse(params)
  // Only the session member's validated invoices are found: anything else is a 404.
  const invoice = invoiceId ? await getInvoice(invoiceId, { memberId: member.id, today: today() }) : null
  if (!invoice) notFound()
  const { pdfSha256: _sha, ...rest } = invoice
  return { invoice: rest }
}

export default function MyInvoice() {
  const { invoice } = useLoaderData<typeof loader>()
  const { t } = useTranslation('billing')
  return (
    <div className="mx-auto max-w-4xl space-y-4">
      <p className="text-sm"><Link to="/invoices">← {t('mine.title')}</Link></p>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{t(invoice.kind === 'CREDIT_NOTE' ? 'view.creditNoteTitle' : 'view.invoiceTitle', { number: invoice.label })}</h1>
        <InvoiceStatus invoice={invoice} />
        <a href={`/invoices/${invoice.id}.pdf`} download className="btn-secondary">{t('view.downloadPdf')}</a>
      </div>
      <InvoiceView invoice={invoice} basePath="/invoices" />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, data?.invoice.kind === 'CREDIT_NOTE' ? 'billing:view.creditNoteTitle' : 'billing:view.invoiceTitle', { number: data?.invoice.label ?? '' })
