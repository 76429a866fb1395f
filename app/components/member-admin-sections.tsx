import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { FeeStatus } from '#app/models/fee/rules.ts'
import type { SubscriptionState } from '#app/models/subscription/rules.ts'
import { formatEuros } from '#app/utils/money.ts'
import { FeeStatusBadge, useFeeStatusLabels } from './fee-status.tsx'
import { formatDate } from './member-status.tsx'
import { SubscriptionStateBadge } from '#app/components/subscription-state.tsx'

type Day = Date | string

type FeeRow = { id: number; amountCents: number; startDate: Day; endDate: Day; paymentMethod: string | null; reference: string; comment: string }

/** The staff member page's fees: status at today, each fee, and the link to record one. */
export function FeesSection({ memberId, status, endDate, fees }: { memberId: number; status: FeeStatus; endDate: Day | null; fees: FeeRow[] }) {
  const { t, i18n } = useTranslation('fees')
  const lang = i18n.language
  const labels = useFeeStatusLabels()
  return (
    <section className="card space-y-3 lg:col-span-2" aria-labelledby="fees">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="fees" className="text-lg font-semibold">{t('member.fees')}</h2>
        <FeeStatusBadge status={status} label={labels[status]} />
        {endDate ? <span className="text-sm text-gray-600">{t('endsOn', { date: formatDate(endDate, lang) })}</span> : null}
        <Link className="btn-secondary ml-auto" to={`/admin/fees/new?memberId=${memberId}`}>{t('record')}</Link>
      </div>
      {fees.length === 0 ? <p className="text-sm text-gray-600">{t('member.noFees')}</p> : (
        <div className="overflow-x-auto">
          <table className="min-w-full divide-y divide-gray-200 text-sm">
            <thead className="text-left">
              <tr>
                <th scope="col" className="py-1 pr-3 font-semibold">{t('fee.period')}</th>
                <th scope="col" className="py-1 pr-3 text-right font-semibold">{t('fee.amountShort')}</th>
                <th scope="col" className="py-1 pr-3 font-semibold">{t('fee.paymentMethod')}</th>
                <th scope="col" className="py-1 pr-3 font-semibold">{t('fee.reference')}</th>
                <th scope="col" className="py-1 pr-3 font-semibold">{t('fee.comment')}</th>
                <th scope="col" className="py-1"><span className="sr-only">{t('list.actions')}</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-gray-100">
              {fees.map((f) => {
                const period = t('fee.fromTo', { start: formatDate(f.startDate, lang), end: formatDate(f.endDate, lang) })
                return (
                  <tr key={f.id}>
                    <td className="py-1 pr-3 whitespace-nowrap">{period}</td>
                    <td className="py-1 pr-3 text-right whitespace-nowrap">{formatEuros(f.amountCents, lang)}</td>
                    <td className="py-1 pr-3">{f.paymentMethod ? t(`paymentMethods.${f.paymentMethod}`) : '—'}</td>
                    <td className="py-1 pr-3">{f.reference}</td>
                    <td className="py-1 pr-3 whitespace-pre-line text-gray-700">{f.comment}</td>
                    <td className="py-1 text-right whitespace-nowrap"><Link to={`/admin/fees/${f.id}`} aria-label={t('edit.linkFor', { period })}>{t('edit.link')}</Link></td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

type SubscriptionRow = { id: number; offerName: string; reference: string; subscriptionDate: Day; resignDate: Day | null; state: SubscriptionState }

/** The staff member page's subscriptions, each linking to its page, and the link to add one. */
export function SubscriptionsSection({ memberId, subscriptions, total }: { memberId: number; subscriptions: SubscriptionRow[]; total: number }) {
  const { t, i18n } = useTranslation('fees')
  const lang = i18n.language
  return (
    <section className="card space-y-3 lg:col-span-2" aria-labelledby="subscriptions">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="subscriptions" className="text-lg font-semibold">{t('member.subscriptions')}</h2>
        <Link className="btn-secondary ml-auto" to={`/admin/subscriptions/new?memberId=${memberId}`}>{t('member.newSubscription')}</Link>
      </div>
      {subscriptions.length === 0 ? <p className="text-sm text-gray-600">{t('member.noSubscriptions')}</p> : (
        <ul className="divide-y divide-gray-100 text-sm">
          {subscriptions.map((s) => (
            <li key={s.id} className={`flex flex-wrap items-center gap-x-3 py-1.5 ${s.state === 'resigned' ? 'text-gray-500' : ''}`}>
              <Link to={`/admin/subscriptions/${s.id}`} className="font-medium">{s.offerName}</Link>
              <span className="font-mono">{s.reference}</span>
              <span>{s.resignDate
                ? t('fee.fromTo', { start: formatDate(s.subscriptionDate, lang), end: formatDate(s.resignDate, lang) })
                : t('subscription.from', { date: formatDate(s.subscriptionDate, lang) })}</span>
              <SubscriptionStateBadge state={s.state} label={t(`subscription.states.${s.state}`)} />
            </li>
          ))}
        </ul>
      )}
      {total > subscriptions.length ? (
        <p className="text-sm"><Link to={`/admin/subscriptions?memberId=${memberId}`}>{t('member.allSubscriptions', { count: total })}</Link></p>
      ) : null}
    </section>
  )
}
