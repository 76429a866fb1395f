import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { BarChart } from '#app/components/bar-chart.tsx'
import { EmailDeliveryBanner } from '#app/components/email-delivery-banner.tsx'
import { formatDate, formatDateTime } from '#app/components/member-status.tsx'
import { getDeliveryPause } from '#app/models/email/outbox-admin.server.ts'
import { ldapSyncTrouble } from '#app/models/ldap/sync-queue.server.ts'
import { draftLabel, listStaleDrafts, STALE_DRAFT_DAYS } from '#app/models/invoice/invoices.server.ts'
import { countMembersByJoinYear, countMembersByStatus } from '#app/models/member/list.server.ts'
import { MEMBER_STATUSES } from '#app/models/member/member.schema.ts'
import { countPendingRequests } from '#app/models/subscription/requests.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { pageTitle } from '#app/utils/meta.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  const [counts, joins, pendingRequests, staleDrafts] = await Promise.all([countMembersByStatus(), countMembersByJoinYear(), countPendingRequests(), listStaleDrafts(new Date())])
  const [emailPause, ldapTrouble] = await Promise.all([getDeliveryPause(), ldapSyncTrouble()])
  return { emailPause, ldapTrouble, counts, joins, pendingRequests, staleDrafts: staleDrafts.drafts.map((d) => ({ ...d, label: draftLabel(d.id) })), staleDraftCount: staleDrafts.count, staleDraftDays: STALE_DRAFT_DAYS }
}

export default function AdminOverview() {
  const { emailPause, ldapTrouble, counts, joins, pendingRequests, staleDrafts, staleDraftCount, staleDraftDays } = useLoaderData<typeof loader>()
  const { t, i18n } = useTranslation()
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t('admin.overview')}</h1>
      {emailPause ? <EmailDeliveryBanner pause={emailPause} linkToOutbox /> : null}
      {ldapTrouble ? (
        <section role="alert" aria-labelledby="ldap-sync-failing" className="space-y-1 rounded border border-red-200 bg-red-50 p-3 text-sm text-red-900">
          <h2 id="ldap-sync-failing" className="font-semibold">{t('vpn:ldapBanner.title', { count: ldapTrouble.failed })}</h2>
          <p>{t('vpn:ldapBanner.help')}</p>
          <p>{t('vpn:ldapBanner.error')} <code className="break-words">{ldapTrouble.error}</code></p>
          {ldapTrouble.nextAttemptAt ? <p>{t('vpn:ldapBanner.nextTry', { date: formatDateTime(ldapTrouble.nextAttemptAt, i18n.language) })}</p> : null}
        </section>
      ) : null}
      {pendingRequests > 0 ? (
        <p role="status" className="rounded bg-amber-50 p-3 text-sm text-amber-900">
          <Link to="/admin/requests">{t('admin.pendingRequests', { count: pendingRequests })}</Link>
        </p>
      ) : null}
      {staleDrafts.length > 0 ? (
        <section role="status" aria-labelledby="stale-drafts" className="rounded bg-amber-50 p-3 text-sm text-amber-900">
          <h2 id="stale-drafts" className="font-semibold">{t('billing:overview.staleDrafts', { count: staleDraftCount, days: staleDraftDays })}</h2>
          <p>{t('billing:overview.staleDraftsHelp')}</p>
          <ul className="list-disc pl-5">
            {staleDrafts.map((d) => (
              <li key={d.id}>
                <Link to={`/admin/invoices/${d.id}`} className="font-mono">{d.label}</Link>
                {d.member ? ` — ${d.member.username}` : ''} — {t('billing:overview.createdOn', { date: formatDate(d.createdAt, i18n.language) })}
              </li>
            ))}
          </ul>
        </section>
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
