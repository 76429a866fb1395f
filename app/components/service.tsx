import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { SubmitButton } from './forms.tsx'
import { formatDateTime } from './member-status.tsx'

type Status = { state: 'synced' | 'pending' | 'failed' | 'off'; message: string | null; at: string | Date | null }

const STATE_STYLE = {
  synced: 'bg-green-100 text-green-800',
  pending: 'bg-amber-100 text-amber-900',
  failed: 'bg-red-100 text-red-800',
  off: 'bg-gray-200 text-gray-700',
} as const

/**
 * Where a configuration's service stands outside Coin (its LDAP entry): synced, pending, failed
 * with the outside system's message, or off. The words say it; the colour only repeats them.
 */
export function ServiceStatusBadge({ status, detailed = false }: { status: Status | null; detailed?: boolean }) {
  const { t, i18n } = useTranslation('vpn')
  if (!status) return <span className="text-gray-600">—</span>
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <span className={`badge ${STATE_STYLE[status.state]}`}>{t(`status.${status.state}`)}</span>
      {detailed && status.at ? (
        <span className="text-sm text-gray-600">
          {t(status.state === 'synced' ? 'status.syncedAt' : 'status.nextAttemptAt', { at: formatDateTime(status.at, i18n.language) })}
        </span>
      ) : null}
      {status.state === 'failed' && status.message ? <span className="text-sm text-red-800">{status.message}</span> : null}
    </span>
  )
}

/** A configuration's subnets, IPv4 then IPv6, with their pool. */
export function SubnetList({ subnets, poolLinks = false }: { subnets: { id: number; cidr: string; poolId: number; poolName: string }[]; poolLinks?: boolean }) {
  const { t } = useTranslation('vpn')
  if (subnets.length === 0) return <p className="text-sm text-gray-600">{t('account.noSubnets')}</p>
  return (
    <div>
      <h3 className="text-sm font-medium">{t('account.subnets')}</h3>
      <ul className="text-sm">
        {subnets.map((s) => (
          <li key={s.id}>
            <span className="font-mono">{s.cidr}</span>{' '}
            <span className="text-gray-600">({poolLinks ? <a href={`/admin/pools/${s.poolId}`}>{s.poolName}</a> : s.poolName})</span>
          </li>
        ))}
      </ul>
    </div>
  )
}

/**
 * A VPN account's password: the new one when the action just made it (shown this once; the page
 * is never cached), else whether one is set, and the button that makes a new one.
 */
export function VpnPasswordSection({ password, hasPassword, shownOnce }: { password: string | null | undefined; hasPassword: boolean; shownOnce: string }) {
  const { t } = useTranslation('vpn')
  return (
    <section className="card space-y-3" aria-labelledby="vpn-password">
      <h2 id="vpn-password" className="text-lg font-semibold">{t('password.title')}</h2>
      {password ? (
        <div role="status" className="space-y-1 rounded bg-green-50 p-3 text-sm text-green-900">
          <p>{shownOnce}</p>
          <p className="font-mono text-lg select-all" aria-label={t('password.new')}>{password}</p>
        </div>
      ) : <p className="text-sm">{hasPassword ? t('password.hasOne') : t('password.none')}</p>}
      <Form method="POST">
        <input type="hidden" name="intent" value="password" />
        <SubmitButton>{t('password.generate')}</SubmitButton>
      </Form>
    </section>
  )
}
