import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { BarChart } from '#app/components/bar-chart.tsx'
import { countMembersByJoinYear, countMembersByStatus } from '#app/models/member/list.server.ts'
import { MEMBER_STATUSES } from '#app/models/member/member.schema.ts'
import { countPendingRequests } from '#app/models/subscription/requests.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { pageTitle } from '#app/utils/meta.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  const [counts, joins, pendingRequests] = await Promise.all([countMembersByStatus(), countMembersByJoinYear(), countPendingRequests()])
  return { counts, joins, pendingRequests }
}

export default function AdminOverview() {
  const { counts, joins, pendingRequests } = useLoaderData<typeof loader>()
  const { t } = useTranslation()
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t('admin.overview')}</h1>
      {pendingRequests > 0 ? (
        <p role="status" className="rounded bg-amber-50 p-3 text-sm text-amber-900">
          <Link to="/admin/requests">{t('admin.pendingRequests', { count: pendingRequests })}</Link>
        </p>
      ) : null}
      <ul className="grid gap-3 sm:grid-cols-3">
        {MEMBER_STATUSES.map((status) => (
          <li key={status} className="card">
            <Link to={`/admin/members?status=${status}`} className="block no-underline">
              <span className="block text-3xl font-bold text-gray-900">{counts[status] ?? 0}</span>
              <span className="text-sm text-gray-600">{t(`member.statusesPlural.${status}`)}</span>
            </Link>
          </li>
        ))}
      </ul>
      {joins.length ? (
        <BarChart
          title={t('admin.joinsByYear')}
          data={joins.map((j) => ({ key: String(j.year), value: j.count }))}
          label={(count) => t('members.count', { count })}
        />
      ) : null}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'admin.overview')
