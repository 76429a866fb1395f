import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formatDateTime } from '#app/components/member-status.tsx'

export type DeliveryPauseView = { error: string; tries: number; nextAttemptAt: string | Date; waiting: number }

/**
 * The banner staff see while the SMTP server refuses Coin (a wrong password, a certificate):
 * the server's answer, when Coin tries again, and that nothing is lost meanwhile. `children`:
 * what the page offers besides (a link to the Courriels page, a retry button).
 */
export function EmailDeliveryBanner({ pause, children, linkToOutbox = false }: { pause: DeliveryPauseView; children?: React.ReactNode; linkToOutbox?: boolean }) {
  const { t, i18n } = useTranslation('emails')
  return (
    <section role="alert" aria-labelledby="email-delivery-paused" className="space-y-1 rounded border border-red-200 bg-red-50 p-3 text-sm text-red-900">
      <h2 id="email-delivery-paused" className="font-semibold">{t('delivery.pausedTitle')}</h2>
      <p>{t('delivery.pausedHelp', { count: pause.waiting })}</p>
      <p>{t('delivery.serverAnswer')} <code className="break-words">{pause.error}</code></p>
      <p>{t('delivery.nextTry', { date: formatDateTime(pause.nextAttemptAt, i18n.language), count: pause.tries })}</p>
      {linkToOutbox ? <p><Link to="/admin/emails?status=QUEUED">{t('delivery.seeOutbox')}</Link></p> : null}
      {children}
    </section>
  )
}
