import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { FeeStatusBadge, useFeeStatusLabels } from '#app/components/fee-status.tsx'
import { StatusBadge, formatDate } from '#app/components/member-status.tsx'
import { getMemberFeeStatus } from '#app/models/fee/fees.server.ts'
import { listCachedFeeds } from '#app/models/feeds/cache.server.ts'
import { getProfile } from '#app/models/member/profile.server.ts'
import { listMemberRequests } from '#app/models/subscription/requests.server.ts'
import { listMemberSubscriptions } from '#app/models/subscription/subscriptions.server.ts'
import { requireMember } from '#app/utils/auth.server.ts'
import { today } from '#app/utils/dates.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { pageTitle } from '#app/utils/meta.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(request)
  const date = today()
  const env = getEnv()
  const [profile, fee, subscriptions, requests, feeds] = await Promise.all([
    getProfile({ memberId: member.id }),
    getMemberFeeStatus({ memberId: member.id, date }),
    listMemberSubscriptions({ memberId: member.id, date }),
    listMemberRequests({ memberId: member.id }),
    listCachedFeeds({ feeds: env.FEEDS }),
  ])
  const infoUrl = env.MEMBER_MEMBERSHIP_INFO_URL
  return {
    displayName: member.displayName,
    status: profile.status,
    dateJoined: profile.dateJoined,
    resignDate: profile.resignDate,
    fee: { status: fee.status, endDate: fee.endDate, infoUrl: fee.status !== 'upToDate' && infoUrl ? infoUrl : null },
    subscriptions: subscriptions.filter((s) => s.state !== 'resigned').map((s) => ({ id: s.id, offerName: s.offer.name, reference: s.reference, state: s.state })),
    pendingRequests: requests.filter((r) => r.status === 'PENDING').length,
    feeds,
  }
}

export default function Dashboard() {
  const { displayName, status, dateJoined, resignDate, fee, subscriptions, pendingRequests, feeds } = useLoaderData<typeof loader>()
  const { t, i18n } = useTranslation()
  const feeLabels = useFeeStatusLabels()
  const feeEnd = formatDate(fee.endDate, i18n.language)
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t('dashboard.hello', { name: displayName })}</h1>
      <div className="grid gap-4 lg:grid-cols-2">
        <section className="card" aria-labelledby="membership-title">
          <h2 id="membership-title" className="mb-2 text-lg font-semibold">{t('dashboard.membership')}</h2>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-gray-600">{t('member.status')}</dt>
            <dd><StatusBadge status={status} label={t(`member.statuses.${status}`)} /></dd>
            <dt className="text-gray-600">{t('member.dateJoined')}</dt>
            <dd>{formatDate(dateJoined, i18n.language)}</dd>
            {resignDate ? (
              <>
                <dt className="text-gray-600">{t('member.resignDate')}</dt>
                <dd>{formatDate(resignDate, i18n.language)}</dd>
              </>
            ) : null}
          </dl>
          <p className="mt-3 text-sm"><Link to="/profile">{t('dashboard.seeProfile')}</Link></p>
        </section>
        <section className="card space-y-2" aria-labelledby="fee-title">
          <h2 id="fee-title" className="text-lg font-semibold">{t('fees:dashboard.fee')}</h2>
          <p><FeeStatusBadge status={fee.status} label={feeLabels[fee.status]} /></p>
          <p className="text-sm">{t(`fees:dashboard.feeText.${fee.status}`, { date: feeEnd })}</p>
          {fee.infoUrl ? <p className="text-sm"><a href={fee.infoUrl}>{t(fee.status === 'none' ? 'fees:dashboard.howToPay' : 'fees:dashboard.howToRenew')}</a></p> : null}
        </section>
      </div>
      <section className="card space-y-2" aria-labelledby="subscriptions-title">
        <h2 id="subscriptions-title" className="text-lg font-semibold">{t('nav.subscriptions')}</h2>
        {subscriptions.length ? (
          <ul className="space-y-1 text-sm">
            {subscriptions.map((s) => (
              <li key={s.id}>
                {s.offerName} — <span className="font-mono">{s.reference}</span>
                {s.state === 'future' ? <span className="text-gray-600"> ({t('fees:subscription.states.future')})</span> : null}
              </li>
            ))}
          </ul>
        ) : <p className="text-sm text-gray-600">{t('fees:mine.noSubscriptions')}</p>}
        {pendingRequests ? <p className="text-sm">{t('fees:dashboard.pendingRequests', { count: pendingRequests })}</p> : null}
        <p className="text-sm"><Link to="/subscriptions">{t('fees:dashboard.seeSubscriptions')}</Link></p>
      </section>
      {feeds.length ? (
        <div className="grid gap-4 lg:grid-cols-2">
          {feeds.map((feed) => (
            <section key={feed.name} className="card space-y-2" aria-labelledby={`feed-${feed.name}`}>
              <h2 id={`feed-${feed.name}`} className="text-lg font-semibold">{t(`feeds:dashboard.names.${feed.name}`, { defaultValue: t('feeds:dashboard.title') })}</h2>
              <ul className="space-y-1 text-sm">
                {feed.entries.map((entry, index) => (
                  <li key={index}>
                    {entry.link ? <a href={entry.link} rel="noopener noreferrer nofollow">{entry.title}</a> : entry.title}
                    {entry.date ? <span className="text-gray-600"> — {formatDate(entry.date, i18n.language)}</span> : null}
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      ) : null}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'nav.dashboard')
