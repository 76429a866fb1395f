import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { Form, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { SubmitButton } from '#app/components/forms.tsx'
import { formatDateTime } from '#app/components/member-status.tsx'
import { requireMember } from '#app/utils/auth.server.ts'
import { listSessions, revokeSessions } from '#app/utils/session.server.ts'
import { pageTitle } from '#app/utils/meta.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(request)
  const sessions = await listSessions({ memberId: member.id })
  return { sessions: sessions.map(({ id, ...s }) => ({ ...s, current: id === member.sessionId })) }
}

export async function action({ request }: ActionFunctionArgs) {
  const member = await requireMember(request)
  const count = await revokeSessions({ memberId: member.id, exceptSessionId: member.sessionId })
  return redirect(`/sessions?revoked=${count}`)
}

export default function Sessions() {
  const { sessions } = useLoaderData<typeof loader>()
  const [searchParams] = useSearchParams()
  const { t, i18n } = useTranslation()
  const revoked = searchParams.get('revoked')
  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <h1 className="text-2xl font-semibold">{t('sessions.title')}</h1>
      {revoked !== null ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('members.revoked', { count: Number(revoked) })}</p> : null}
      <p className="text-sm text-gray-700">{t('sessions.intro')}</p>
      <ul className="card divide-y divide-gray-100 p-0">
        {sessions.map((s) => (
          <li key={new Date(s.createdAt).toISOString()} className="px-4 py-3 text-sm">
            <p className="font-medium">
              {s.userAgent || t('sessions.unknownBrowser')}
              {s.current ? <span className="badge ml-2 bg-brand-100 text-brand-800">{t('sessions.current')}</span> : null}
            </p>
            <p className="text-gray-600">
              {t('sessions.details', { address: s.ipAddress, since: formatDateTime(s.createdAt, i18n.language), lastSeen: formatDateTime(s.lastSeenAt, i18n.language) })}
            </p>
          </li>
        ))}
      </ul>
      <Form method="POST">
        <SubmitButton className="btn-danger" disabled={sessions.length < 2}>{t('sessions.revokeOthers')}</SubmitButton>
      </Form>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'sessions.title')
