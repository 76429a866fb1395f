import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requireBackend } from '#app/backends/registry.server.ts'
import { getVpnAccount, resetVpnPassword } from '#app/backends/vpn/accounts.server.ts'
import { VpnIdParams } from '#app/backends/vpn/vpn.schema.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ServiceStatusBadge, SubnetList, VpnPasswordSection } from '#app/components/service.tsx'
import { requireMember } from '#app/utils/auth.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { readFormData } from '#app/utils/form.server.ts'

/** One of the session member's VPN accounts: its state, addresses, a new password, the client file. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const member = await requireMember(request)
  requireBackend('vpn')
  const { vpnId } = VpnIdParams.parse(params)
  // The member comes from the session: another member's account is not found.
  const vpn = vpnId ? await getVpnAccount({ configurationId: vpnId, memberId: member.id }) : null
  if (!vpn) notFound()
  return { vpn, canDownload: getEnv().OPENVPN_SERVER !== '' }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const member = await requireMember(request)
  requireBackend('vpn')
  const { vpnId } = VpnIdParams.parse(params)
  const form = await readFormData(request)
  if (!vpnId || form.get('intent') !== 'password') notFound()
  const password = await resetVpnPassword({ configurationId: vpnId, memberId: member.id })
  if (password === null) notFound()
  // Shown in this answer only: the page is never cached (Cache-Control: private, no-store).
  return { password }
}

export default function VpnAccount() {
  const { vpn, canDownload } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation('vpn')
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to="/subscriptions">← {t('common:nav.subscriptions')}</Link></p>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{t('account.title', { login: vpn.login })}</h1>
        <span className={`badge ${vpn.activated && !vpn.suspended ? 'bg-green-100 text-green-800' : 'bg-gray-200 text-gray-700'}`}>
          {vpn.suspended ? t('account.suspended') : vpn.activated ? t('account.activated') : t('account.deactivated')}
        </span>
      </div>
      <section className="card space-y-2" aria-labelledby="vpn-details">
        <h2 id="vpn-details" className="text-lg font-semibold">{t('account.details')}</h2>
        <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="font-medium">{t('account.login')}</dt><dd className="font-mono">{vpn.login}</dd>
          <dt className="font-medium">{t('account.offer')}</dt><dd>{vpn.subscription.offer.name}</dd>
          <dt className="font-medium">{t('account.ipv4Endpoint')}</dt><dd className="font-mono">{vpn.ipv4Endpoint ?? '—'}</dd>
          <dt className="font-medium">{t('account.ipv6Endpoint')}</dt><dd className="font-mono">{vpn.ipv6Endpoint ?? '—'}</dd>
          <dt className="font-medium">{t('account.status')}</dt><dd><ServiceStatusBadge status={vpn.status} /></dd>
          {vpn.comment ? <><dt className="font-medium">{t('account.comment')}</dt><dd>{vpn.comment}</dd></> : null}
        </dl>
        <SubnetList subnets={vpn.subnets} />
      </section>
      <VpnPasswordSection password={actionData?.password} hasPassword={vpn.hasPassword} shownOnce={t('password.shownOnce')} />
      {canDownload ? (
        <section className="card space-y-2" aria-labelledby="vpn-client">
          <h2 id="vpn-client" className="text-lg font-semibold">{t('client.title')}</h2>
          <p className="text-sm">{t('client.help')}</p>
          <a className="btn" href={`/vpn/${vpn.configurationId}.ovpn`} download>{t('client.download')}</a>
        </section>
      ) : null}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, 'vpn:account.title', { login: data?.vpn.login ?? '' })
