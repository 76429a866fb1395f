import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { InvoiceStatus } from '#app/components/invoice-status.tsx'
import { formatDate } from '#app/components/member-status.tsx'
import { Pager } from '#app/components/pager.tsx'
import { INVOICE_LIST_STATUSES, InvoiceListQuerySchema } from '#app/models/invoice/invoice.schema.ts'
import { draftLabel, INVOICES_PER_PAGE, listInvoices } from '#app/models/invoice/invoices.server.ts'
import { findMemberByIdOrUsername } from '#app/models/member/lookup.server.ts'
import { displayName } from '#app/models/member/username.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { today } from '#app/utils/dates.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { formatEuros } from '#app/utils/money.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  const query = InvoiceListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  const member = query.member ? await findMemberByIdOrUsername(query.member) : null
  const memberUnknown = Boolean(query.member && !member)
  const { invoices, totals } = memberUnknown
    ? { invoices: [], totals: { count: 0, totalCents: 0, remainingCents: 0 } }
    : await listInvoices({ status: query.status, month: query.month, memberId: member?.id, overdue: query.overdue, page: query.page }, today())
  return {
    query,
    member: member ? { id: member.id, username: member.username, name: displayName(member) } : null,
    memberUnknown,
    totals,
    pageCount: Math.ceil(totals.count / INVOICES_PER_PAGE),
    invoices: invoices.map((i) => ({ ...i, label: i.number ?? draftLabel(i.id) })),
  }
}

export default function InvoicesList() {
  const { query, member, memberUnknown, totals, pageCount, invoices } = useLoaderData<typeof loader>()
  const [searchParams] = useSearchParams()
  const { t, i18n } = useTranslation('billing')
  const lang = i18n.language
  const withPage = (page: number) => {
    const next = new URLSearchParams(searchParams)
    next.set('page', String(page))
    next.delete('deleted')
    return `?${next.toString()}`
  }
  const csvParams = new URLSearchParams(searchParams)
  csvParams.delete('page')
  csvParams.delete('deleted')
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-semibold">{t('list.title')}</h1>
        <div className="flex flex-wrap gap-2">
          <a className="btn-secondary" href={`/admin/invoices.csv?${csvParams.toString()}`} download>{t('list.exportCsv')}</a>
          <Link className="btn" to={member ? `/admin/invoices/new?memberId=${member.id}` : '/admin/invoices/new'}>{t('list.new')}</Link>
        </div>
      </div>
      {searchParams.get('deleted') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('list.deleted')}</p> : null}
      <Form method="GET" role="search" className="card flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="status">{t('invoice.status')}</label>
          <select id="status" name="status" defaultValue={query.status ?? ''} className="input">
            <option value="">{t('list.allStatuses')}</option>
            {INVOICE_LIST_STATUSES.map((s) => <option key={s} value={s}>{t(`status.${s}`)}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="month">{t('list.month')}</label>
          <input id="month" name="month" type="month" defaultValue={query.month ?? ''} className="input" />
        </div>
        <div className="min-w-48 flex-1">
          <label htmlFor="member">{t('invoice.member')}</label>
          <input id="member" name="member" type="search" defaultValue={query.member} className="input" placeholder={t('list.memberPlaceholder')} />
        </div>
        <label className="mb-2 flex items-center gap-2 font-normal">
          <input type="checkbox" name="overdue" defaultChecked={query.overdue} />
          {t('list.overdueOnly')}
        </label>
        <button type="submit" className="btn">{t('list.filter')}</button>
      </Form>
      {memberUnknown ? <p role="alert" className="rounded bg-amber-50 p-2 text-sm text-amber-900">{t('list.memberUnknown', { member: query.member })}</p> : null}
      {member ? (
        <p className="text-sm">
          {t('list.ofMember')} <Link to={`/admin/members/${member.id}`}>{member.name}</Link> <span className="font-mono text-gray-600">{member.username}</span>
        </p>
      ) : null}
      <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
        <table className="min-w-full divide-y divide-gray-200 text-sm">
          <thead className="bg-gray-50 text-left">
            <tr>
              <th scope="col" className="px-3 py-2 font-semibold">{t('invoice.number')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('invoice.member')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('invoice.date')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('invoice.dueDate')}</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">{t('invoice.total')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('invoice.status')}</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">{t('invoice.remaining')}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {invoices.map((i) => (
              <tr key={i.id} className="hover:bg-gray-50">
                <td className="px-3 py-2 font-mono"><Link to={`/admin/invoices/${i.id}`}>{i.label}</Link></td>
                <td className="px-3 py-2">
                  {i.memberId ? <><Link to={`/admin/members/${i.memberId}`}>{i.memberName}</Link> <span className="font-mono text-gray-600">{i.username}</span></> : '—'}
                </td>
                <td className="px-3 py-2 whitespace-nowrap">{formatDate(i.date, lang)}</td>
                <td className="px-3 py-2 whitespace-nowrap">{i.kind === 'INVOICE' ? formatDate(i.dueDate, lang) : ''}</td>
                <td className="px-3 py-2 text-right whitespace-nowrap">{formatEuros(i.totalCents, lang)}</td>
                <td className="px-3 py-2">
                  <InvoiceStatus invoice={i} />
                </td>
                <td className="px-3 py-2 text-right whitespace-nowrap">{i.validated && i.kind === 'INVOICE' ? formatEuros(i.remainingCents, lang) : '—'}</td>
              </tr>
            ))}
            {invoices.length === 0 ? <tr><td colSpan={7} className="px-3 py-6 text-center text-gray-600">{t('list.none')}</td></tr> : null}
          </tbody>
          <tfoot className="border-t-2 border-gray-300 bg-gray-50 font-semibold">
            <tr>
              <th scope="row" colSpan={4} className="px-3 py-2 text-left">{t('list.totals', { count: totals.count })}</th>
              <td className="px-3 py-2 text-right whitespace-nowrap">{formatEuros(totals.totalCents, lang)}</td>
              <td />
              <td className="px-3 py-2 text-right whitespace-nowrap">{formatEuros(totals.remainingCents, lang)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
      <Pager page={query.page} pageCount={pageCount} label={t('list.pagination')} hrefOf={withPage} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'billing:list.title')
