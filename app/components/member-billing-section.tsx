import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formatEuros } from '#app/utils/money.ts'
import { InvoiceStatus } from './invoice-status.tsx'
import { formatDate } from './member-status.tsx'

type Day = Date | string

type InvoiceRow = {
  id: number
  number: string | null
  kind: 'INVOICE' | 'CREDIT_NOTE'
  status: 'OPEN' | 'CLOSED' | 'TROUBLE'
  date: Day
  totalCents: number
  remainingCents: number
  overdue: boolean
}
type PaymentRow = { id: number; method: string; amountCents: number; date: Day; label: string; unallocatedCents: number }

export type MemberBilling = {
  balanceCents: number
  invoices: InvoiceRow[]
  invoiceCount: number
  payments: PaymentRow[]
  paymentCount: number
}


/**
 * The staff member page's billing: the balance (what the member owes, or their credit), the last
 * invoices and payments, and the links to record a payment or start an invoice.
 */
export function BillingSection({ memberId, billing }: { memberId: number; billing: MemberBilling }) {
  const { t, i18n } = useTranslation('payments')
  const lang = i18n.language
  const { balanceCents, invoices, payments } = billing
  const balance = balanceCents < 0 ? t('member.owes', { amount: formatEuros(-balanceCents, lang) })
    : balanceCents > 0 ? t('member.credit', { amount: formatEuros(balanceCents, lang) })
    : t('member.settled')
  return (
    <section className="card space-y-3 lg:col-span-2" aria-labelledby="billing">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="billing" className="text-lg font-semibold">{t('member.title')}</h2>
        <span className={`badge ${balanceCents < 0 ? 'bg-amber-100 text-amber-900' : 'bg-green-100 text-green-800'}`}>{balance}</span>
        <div className="ml-auto flex flex-wrap gap-2">
          <Link className="btn-secondary" to={`/admin/payments/new?memberId=${memberId}`}>{t('new.title')}</Link>
          <Link className="btn-secondary" to={`/admin/invoices/new?memberId=${memberId}`}>{t('member.newInvoice')}</Link>
        </div>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <div className="space-y-2">
          <h3 className="text-sm font-semibold">{t('member.invoices')}</h3>
          {invoices.length === 0 ? <p className="text-sm text-gray-600">{t('member.noInvoices')}</p> : (
            <div className="overflow-x-auto">
              <table className="min-w-full divide-y divide-gray-200 text-sm">
                <thead className="text-left">
                  <tr>
                    <th scope="col" className="py-1 pr-3 font-semibold">{t('invoice.number')}</th>
                    <th scope="col" className="py-1 pr-3 font-semibold">{t('invoice.date')}</th>
                    <th scope="col" className="py-1 pr-3 text-right font-semibold">{t('invoice.amount')}</th>
                    <th scope="col" className="py-1 pr-3 font-semibold">{t('invoice.status')}</th>
                    <th scope="col" className="py-1 text-right font-semibold">{t('invoice.remaining')}</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-gray-100">
                  {invoices.map((i) => (
                    <tr key={i.id}>
                      <td className="py-1 pr-3 font-mono"><Link to={`/admin/invoices/${i.id}`}>{i.number}</Link></td>
                      <td className="py-1 pr-3 whitespace-nowrap">{formatDate(i.date, lang)}</td>
                      <td className="py-1 pr-3 text-right whitespace-nowrap">{formatEuros(i.totalCents, lang)}</td>
                      <td className="py-1 pr-3 whitespace-nowrap">
                        <InvoiceStatus invoice={{ ...i, validated: true }} />
                      </td>
                      <td className="py-1 text-right whitespace-nowrap">{i.kind === 'INVOICE' ? formatEuros(i.remainingCents, lang) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {billing.invoiceCount > invoices.length ? (
            <p className="text-sm"><Link to={`/admin/invoices?member=${memberId}`}>{t('member.allInvoices', { count: billing.invoiceCount })}</Link></p>
          ) : null}
        </div>
        <div className="space-y-2">
          <h3 className="text-sm font-semibold">{t('member.payments')}</h3>
          {payments.length === 0 ? <p className="text-sm text-gray-600">{t('member.noPayments')}</p> : (
            <div className="overflow-x-auto">
              <table className="min-w-full divide-y divide-gray-200 text-sm">
                <thead className="text-left">
                  <tr>
                    <th scope="col" className="py-1 pr-3 font-semibold">{t('payment.date')}</th>
                    <th scope="col" className="py-1 pr-3 font-semibold">{t('payment.method')}</th>
                    <th scope="col" className="py-1 pr-3 text-right font-semibold">{t('payment.amount')}</th>
                    <th scope="col" className="py-1 text-right font-semibold">{t('payment.unallocated')}</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-gray-100">
                  {payments.map((p) => (
                    <tr key={p.id}>
                      <td className="py-1 pr-3 whitespace-nowrap"><Link to={`/admin/payments/${p.id}`}>{formatDate(p.date, lang)}</Link></td>
                      <td className="py-1 pr-3">{t(`fees:paymentMethods.${p.method}`)}</td>
                      <td className="py-1 pr-3 text-right whitespace-nowrap">{formatEuros(p.amountCents, lang)}</td>
                      <td className="py-1 text-right whitespace-nowrap">{p.unallocatedCents > 0 ? formatEuros(p.unallocatedCents, lang) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {billing.paymentCount > payments.length ? (
            <p className="text-sm"><Link to={`/admin/payments?member=${memberId}`}>{t('member.allPayments', { count: billing.paymentCount })}</Link></p>
          ) : null}
        </div>
      </div>
    </section>
  )
}
