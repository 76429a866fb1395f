import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { StatusBadge, formatDate } from '#app/components/member-status.tsx'
import { getProfile } from '#app/models/member/profile.server.ts'
import { requireMember } from '#app/utils/auth.server.ts'
import { pageTitle } from '#app/utils/meta.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(request)
  const profile = await getProfile({ memberId: member.id })
  return { displayName: member.displayName, status: profile.status, dateJoined: profile.dateJoined, resignDate: profile.resignDate }
}

export default function Dashboard() {
  const { displayName, status, dateJoined, resignDate } = useLoaderData<typeof loader>()
  const { t, i18n } = useTranslation()
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t('dashboard.hello', { name: displayName })}</h1>
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
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'nav.dashboard')
