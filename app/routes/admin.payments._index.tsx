import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { formatDate } from '#app/components/member-status.tsx'
import { Pager } from '#app/components/pager.tsx'
import { findMemberByIdOrUsername } from '#app/models/member/lookup.server.ts'
import { listPayments, PAYMENTS_PER_PAGE } from '#app/models/payment/payments.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { formatEuros } from '#app/utils/money.ts'
import { MonthFilterSchema } from '#app/utils/request.schema.ts'

/** The list's GET parameters; a wrong value falls back to its default. */
const PaymentListQuerySchema = z.object({
  month: MonthFilterSchema,
  member: z.string().trim().max(64).catch(''),
  unallocated: z.literal('on').optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
})

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  const query = PaymentListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  const echo = { month: query.month ?? '', member: query.member, unallocated: Boolean(query.unallocated), page: query.page }
  const member = query.member ? await findMemberByIdOrUsername(query.member) : null
  if (query.member && !member) return { query: echo, memberNotFound: true, payments: [], total: 0, pageCount: 1 }
  const { payments, total } = await listPayments({ month: query.month, memberId: member?.id, unallocated: echo.unallocated, page: query.page })
  return { query: echo, memberNotFound: false, payments, total, pageCount: Math.max(1, Math.ceil(total / PAYMENTS_PER_PAGE)) }
}

export default function PaymentsList() {
  const { query, memberNotFound, payments, total, pageCount } = useLoaderData<typeof loader>()
  const [searchParams] = useSearchParams()
  const { t, i18n } = useTranslation('payments')
  const lang = i18n.language
  const withPage = (page: number) => {
    const next = new URLSearchParams(searchParams)
    next.delete('deleted')
    next.set('page', String(page))
    return `?${next.toString()}`
  }
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-semibold">{t('list.title')}</h1>
        <div className="flex gap-2">
          <Link className="btn-secondary" to="/admin/payments/import">{t('list.import')}</Link>
          <Link className="btn" to="/admin/payments/new">{t('new.title')}</Link>
        </div>
      </div>
      <Form method="GET" role="search" className="card flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="month">{t('list.month')}</label>
          <input id="month" name="month" type="month" defaultValue={query.month} className="input" placeholder="2025-03" />
        </div>
        <div>
          <label htmlFor="member">{t('list.member')}</label>
          <input
            id="member"
            name="member"
            type="text"
            defaultValue={query.member}
            className="input"
            aria-describedby="member-help"
            aria-invalid={memberNotFound || undefined}
            autoComplete="off"
          />
          <p id="member-help" className="mt-1 text-xs text-gray-500">{t('form.memberHelp')}</p>
        </div>
        <div className="flex items-center gap-2 pb-2">
          <input id="unallocated" name="unallocated" type="checkbox" defaultChecked={query.unallocated} />
          <label htmlFor="unallocated" className="mb-0">{t('list.unallocatedOnly')}</label>
        </div>
        <button type="submit" className="btn">{t('list.filter')}</button>
      </Form>
      {searchParams.get('deleted') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('detail.deleted')}</p> : null}
      {memberNotFound ? <p role="alert" className="rounded bg-red-50 p-2 text-sm text-red-800">{t('errors:memberNotFound')}</p> : null}
      <p className="text-sm text-gray-600" role="status">{t('list.count', { count: total })}</p>
      <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
        <table className="min-w-full divide-y divide-gray-200 text-sm">
          <thead className="bg-gray-50 text-left">
            <tr>
              <th scope="col" className="px-3 py-2 font-semibold">{t('payment.date')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('payment.member')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('payment.method')}</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">{t('payment.amount')}</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">{t('payment.unallocated')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('payment.label')}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {payments.map((p) => (
              <tr key={p.id} className="hover:bg-gray-50">
                <td className="px-3 py-2 whitespace-nowrap">
                  <Link to={`/admin/payments/${p.id}`} aria-label={t('list.open', { id: p.id })}>{formatDate(p.date, lang)}</Link>
                </td>
                <td className="px-3 py-2 font-mono">
                  {p.memberId !== null ? <Link to={`/admin/members/${p.memberId}`}>{p.username}</Link> : <span className="text-gray-600">{t('payment.noMember')}</span>}
                </td>
                <td className="px-3 py-2">{t(`fees:paymentMethods.${p.method}`)}</td>
                <td className="px-3 py-2 text-right whitespace-nowrap">{formatEuros(p.amountCents, lang)}</td>
                <td className={`px-3 py-2 text-right whitespace-nowrap ${p.unallocatedCents > 0 ? 'font-semibold text-amber-800' : 'text-gray-600'}`}>
                  {formatEuros(p.unallocatedCents, lang)}
                </td>
                <td className="px-3 py-2 break-all">{p.label}</td>
              </tr>
            ))}
            {payments.length === 0 ? (
              <tr><td colSpan={6} className="px-3 py-6 text-center text-gray-600">{t('list.none')}</td></tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <Pager page={query.page} pageCount={pageCount} label={t('common:members.pagination')} hrefOf={withPage} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'payments:list.title')
