import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useLocation, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { FeeStatusBadge, useFeeStatusLabels } from '#app/components/fee-status.tsx'
import { Pager } from '#app/components/pager.tsx'
import { formatDate } from '#app/components/member-status.tsx'
import { listMembersByFee } from '#app/models/fee/fees.server.ts'
import { EXPIRING_SOON_DAYS, feeStatus } from '#app/models/fee/rules.ts'
import { displayName } from '#app/models/member/username.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { parseIsoDate, toIsoDate, today } from '#app/utils/dates.ts'
import { pageTitle } from '#app/utils/meta.ts'

const FILTERS = ['expired', 'expiring', 'upToDate'] as const

/** The list's GET parameters; a wrong value falls back to its default. */
const FeeListQuerySchema = z.object({
  filter: z.enum(FILTERS).optional().catch(undefined),
  days: z.coerce.number().int().min(1).max(3660).catch(EXPIRING_SOON_DAYS),
  date: z.string().transform((text) => parseIsoDate(text)).catch(null),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
})

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  const query = FeeListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  const date = query.date ?? today()
  const { members, total, pageCount } = await listMembersByFee({ filter: query.filter, date, days: query.days, page: query.page })
  return {
    query: { filter: query.filter ?? '', days: query.days, date: toIsoDate(date), page: query.page },
    total,
    pageCount,
    members: members.map((m) => ({ id: m.id, username: m.username, name: displayName(m), endDate: m.endDate, status: feeStatus(m.endDate, date) })),
  }
}

export default function FeesList() {
  const { query, members, total, pageCount } = useLoaderData<typeof loader>()
  const [searchParams] = useSearchParams()
  const location = useLocation()
  const { t, i18n } = useTranslation('fees')
  const labels = useFeeStatusLabels()
  const back = new URLSearchParams(searchParams)
  back.delete('feeRecorded')
  const backTo = encodeURIComponent(`${location.pathname}?${back.toString()}`)
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t('list.title')}</h1>
      <Form method="GET" className="card flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="filter">{t('list.situation')}</label>
          <select id="filter" name="filter" defaultValue={query.filter} className="input">
            <option value="">{t('list.all')}</option>
            {FILTERS.map((f) => <option key={f} value={f}>{t(`list.filters.${f}`)}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="days">{t('list.days')}</label>
          <input id="days" name="days" type="number" min={1} max={3660} defaultValue={query.days} className="input w-24" />
        </div>
        <div>
          <label htmlFor="date">{t('list.date')}</label>
          <input id="date" name="date" type="date" defaultValue={query.date} className="input" />
        </div>
        <button type="submit" className="btn">{t('list.submit')}</button>
        <Link className="btn-secondary ml-auto" to="/admin/fees/new">{t('new.title')}</Link>
      </Form>
      {searchParams.get('feeRecorded') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('recorded')}</p> : null}
      <p className="text-sm text-gray-600" role="status">{t('list.count', { count: total, date: formatDate(query.date, i18n.language) })}</p>
      <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
        <table className="min-w-full divide-y divide-gray-200 text-sm">
          <thead className="bg-gray-50 text-left">
            <tr>
              <th scope="col" className="px-3 py-2 font-semibold">{t('common:member.username')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('common:member.name')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('feeStatus')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('endDate')}</th>
              <th scope="col" className="px-3 py-2"><span className="sr-only">{t('list.actions')}</span></th>
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {members.map((m) => (
              <tr key={m.id} className="hover:bg-gray-50">
                <td className="px-3 py-2 font-mono"><Link to={`/admin/members/${m.id}`}>{m.username}</Link></td>
                <td className="px-3 py-2">{m.name}</td>
                <td className="px-3 py-2 whitespace-nowrap"><FeeStatusBadge status={m.status} label={labels[m.status]} /></td>
                <td className="px-3 py-2 whitespace-nowrap">{m.endDate ? formatDate(m.endDate, i18n.language) : '—'}</td>
                <td className="px-3 py-2 text-right whitespace-nowrap">
                  <Link to={`/admin/fees/new?memberId=${m.id}&redirectTo=${backTo}`} aria-label={t('list.recordFor', { name: m.name || m.username })}>
                    {t('list.record')}
                  </Link>
                </td>
              </tr>
            ))}
            {members.length === 0 ? (
              <tr><td colSpan={5} className="px-3 py-6 text-center text-gray-600">{t('list.none')}</td></tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <Pager page={query.page} pageCount={pageCount} label={t('list.title')} hrefOf={(page) => `?${new URLSearchParams({ ...Object.fromEntries(back), page: String(page) }).toString()}`} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'fees:list.title')
