import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, Form, Link, useLoaderData } from '@remix-run/react'
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
import { availableCharts, loadChart } from '#app/models/charts/charts.server.tsx'
import { CHART_HEIGHT, CHART_WIDTH } from '#app/models/charts/chart-size.ts'
import { isRangeProblem, parseMonthRange } from '#app/models/charts/range.ts'
import { today } from '#app/utils/dates.ts'
import { getLanguage } from '#app/utils/i18n.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request)
  const url = new URL(request.url)
  const asked = { from: url.searchParams.get('from') ?? '', to: url.searchParams.get('to') ?? '' }
  const range = parseMonthRange(asked, today())
  const language = await getLanguage(request, staff.language)
  const [counts, joins, pendingRequests, staleDrafts] = await Promise.all([countMembersByStatus(), countMembersByJoinYear(), countPendingRequests(), listStaleDrafts(new Date())])
  const [emailPause, ldapTrouble] = await Promise.all([getDeliveryPause(), ldapSyncTrouble()])
  // Each chart's sentence (its text alternative) and the version of its numbers, for the <img>.
  const charts = isRangeProblem(range) ? [] : await Promise.all(availableCharts().map(async (name) => {
    const chart = await loadChart(name, { range, today: today(), language })
    const query = `from=${range.from}&to=${range.to}`
    return { name, alt: chart.alt, src: `/admin/charts/${name}.png?${query}&v=${chart.etag.slice(1, 9)}`, svg: `/admin/charts/${name}.svg?${query}`, csv: `/admin/charts/${name}.csv?${query}` }
  }))
  const body = {
    emailPause, ldapTrouble, counts, joins, pendingRequests, staleDrafts: staleDrafts.drafts.map((d) => ({ ...d, label: draftLabel(d.id) })), staleDraftCount: staleDrafts.count, staleDraftDays: STALE_DRAFT_DAYS,
    charts, range: isRangeProblem(range) ? { ...asked, problem: range } : { from: range.from, to: range.to, problem: null },
  }
  return data(body, { status: isRangeProblem(range) ? 400 : 200 })
}

export default function AdminOverview() {
  const { emailPause, ldapTrouble, counts, joins, pendingRequests, staleDrafts, staleDraftCount, staleDraftDays, charts, range } = useLoaderData<typeof loader>()
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
      <section aria-labelledby="charts-heading" className="space-y-3">
        <h2 id="charts-heading" className="text-xl font-semibold">{t('charts:heading')}</h2>
        <Form method="get" className="flex flex-wrap items-end gap-3" aria-describedby={range.problem ? 'range-problem' : undefined}>
          <fieldset className="flex flex-wrap items-end gap-3">
            <legend className="sr-only">{t('charts:rangeLegend')}</legend>
            <label className="text-sm">
              {t('charts:from')}
              <input type="month" name="from" defaultValue={range.from} className="input mt-1 block" aria-invalid={range.problem?.field === 'from' || undefined} />
            </label>
            <label className="text-sm">
              {t('charts:to')}
              <input type="month" name="to" defaultValue={range.to} className="input mt-1 block" aria-invalid={range.problem?.field === 'to' || undefined} />
            </label>
            <button type="submit" className="btn">{t('charts:show')}</button>
          </fieldset>
        </Form>
        {range.problem ? <p id="range-problem" role="alert" className="text-sm text-red-700">{t(`charts:${range.problem.message}`)}</p> : null}
        <div className="grid gap-4 xl:grid-cols-2">
          {charts.map((chart) => (
            <figure key={chart.name} className="card space-y-2">
              <img src={chart.src} alt={chart.alt} width={CHART_WIDTH} height={CHART_HEIGHT} loading="lazy" className="h-auto w-full" />
              <figcaption className="flex flex-wrap gap-3 text-sm">
                <a href={chart.csv} download>{t('charts:downloadCsv')}</a>
                <a href={chart.src}>{t('charts:downloadPng')}</a>
                <a href={chart.svg}>{t('charts:downloadSvg')}</a>
              </figcaption>
            </figure>
          ))}
        </div>
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'admin.overview')
