import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { InvoiceStatus } from '#app/components/invoice-status.tsx'
import { formatDate } from '#app/components/member-status.tsx'
import { listMemberInvoices } from '#app/models/invoice/invoices.server.ts'
import { getMemberBalance } from '#app/models/payment/payments.server.ts'
import { requireMember } from '#app/utils/auth.server.ts'
import { today } from '#app/utils/dates.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { formatEuros } from '#app/utils/money.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(request)
  // The member always comes from the session: nobody lists another member's invoices.
  const [balanceCents, invoices] = await Promise.all([getMemberBalance(member.id), listMemberInvoices(member.id, today())])
  return {
    balanceCents,
    invoices: invoices.map((i) => ({
      id: i.id, number: i.number, kind: i.kind, status: i.status, validated: i.validated, date: i.date,
      dueDate: i.dueDate, totalCents: i.totalCents, remainingCents: i.remainingCents, overdue: i.overdue,
    })),
  }
}

export default function MyInvoices() {
  const { balanceCents, invoices } = useLoaderData<typeof loader>()
  const { t, i18n } = useTranslation('billing')
  const lang = i18n.language
  const balance = balanceCents < 0 ? t('mine.owes', { amount: formatEuros(-balanceCents, lang) })
    : balanceCents > 0 ? t('mine.credit', { amount: formatEuros(balanceCents, lang) }) : t('mine.upToDate')
  return (
    <div className="mx-auto max-w-4xl space-y-6">
      <h1 className="text-2xl font-semibold">{t('mine.title')}</h1>
      <section aria-labelledby="balance" className={`card ${balanceCents < 0 ? 'border-amber-300 bg-amber-50' : ''}`}>
        <h2 id="balance" className="text-sm font-medium text-gray-600">{t('mine.balance')}</h2>
        <p className="text-lg font-semibold">{balance}</p>
      </section>
      <section aria-labelledby="invoices" className="space-y-2">
        <h2 id="invoices" className="text-lg font-semibold">{t('mine.invoices')}</h2>
        {invoices.length === 0 ? <p className="text-sm text-gray-600">{t('mine.none')}</p> : (
          <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
            <table className="min-w-full divide-y divide-gray-200 text-sm">
              <thead className="bg-gray-50 text-left">
                <tr>
                  <th scope="col" className="px-3 py-2 font-semibold">{t('invoice.number')}</th>
                  <th scope="col" className="px-3 py-2 font-semibold">{t('invoice.date')}</th>
                  <th scope="col" className="px-3 py-2 text-right font-semibold">{t('invoice.total')}</th>
                  <th scope="col" className="px-3 py-2 font-semibold">{t('invoice.status')}</th>
                  <th scope="col" className="px-3 py-2 text-right font-semibold">{t('invoice.remaining')}</th>
                  <th scope="col" className="px-3 py-2 font-semibold">{t('invoice.pdf')}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-gray-100">
                {invoices.map((i) => (
                  <tr key={i.id}>
                    <td className="px-3 py-2 font-mono"><Link to={`/invoices/${i.id}`}>{i.number}</Link></td>
                    <td className="px-3 py-2 whitespace-nowrap">{formatDate(i.date, lang)}</td>
                    <td className="px-3 py-2 text-right whitespace-nowrap">{formatEuros(i.totalCents, lang)}</td>
                    <td className="px-3 py-2">
                      <InvoiceStatus invoice={i} />
                    </td>
                    <td className="px-3 py-2 text-right whitespace-nowrap">{i.kind === 'INVOICE' ? formatEuros(i.remainingCents, lang) : '—'}</td>
                    <td className="px-3 py-2">
                      <a href={`/invoices/${i.id}.pdf`} download aria-label={t('invoice.pdfOf', { number: i.number })}>PDF</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'billing:mine.title')
