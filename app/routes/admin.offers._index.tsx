import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { listOffers } from '#app/models/offer/offers.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { formatEuros } from '#app/utils/money.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  const offers = await listOffers()
  return {
    offers: offers.map(({ _count, description: _d, backend: _b, ...offer }) => ({ ...offer, subscriptionCount: _count.subscriptions })),
  }
}

export default function OffersList() {
  const { offers } = useLoaderData<typeof loader>()
  const [searchParams] = useSearchParams()
  const { t, i18n } = useTranslation('subscriptions')
  const lang = i18n.language
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-semibold">{t('offers.title')}</h1>
        <Link className="btn" to="/admin/offers/new">{t('offers.new')}</Link>
      </div>
      {searchParams.get('deleted') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('offers.deleted')}</p> : null}
      <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
        <table className="min-w-full divide-y divide-gray-200 text-sm">
          <thead className="bg-gray-50 text-left">
            <tr>
              <th scope="col" className="px-3 py-2 font-semibold">{t('offer.name')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('offer.reference')}</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">{t('offer.periodFeeShort')}</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">{t('offer.initialFeeShort')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('offer.flags')}</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">{t('offers.subscriptionCount')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('offer.state')}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {offers.map((o) => (
              <tr key={o.id} className="hover:bg-gray-50">
                <td className="px-3 py-2"><Link to={`/admin/offers/${o.id}`}>{o.name}</Link></td>
                <td className="px-3 py-2 font-mono">{o.reference}</td>
                <td className="px-3 py-2 text-right whitespace-nowrap">
                  {t('offer.perPeriod', { amount: formatEuros(o.periodFeeCents, lang), count: o.billingPeriodMonths })}
                </td>
                <td className="px-3 py-2 text-right whitespace-nowrap">{formatEuros(o.initialFeeCents, lang)}</td>
                <td className="px-3 py-2">
                  {[o.nonBillable ? t('offer.nonBillableShort') : null, o.visibleToMembers ? t('offer.visibleShort') : null].filter(Boolean).join(', ')}
                </td>
                <td className="px-3 py-2 text-right">
                  <Link to={`/admin/subscriptions?offer=${o.id}`}>{o.subscriptionCount}</Link>
                </td>
                <td className="px-3 py-2">
                  <span className={`badge ${o.active ? 'bg-green-100 text-green-800' : 'bg-gray-200 text-gray-700'}`}>
                    {o.active ? t('offer.states.active') : t('offer.states.retired')}
                  </span>
                </td>
              </tr>
            ))}
            {offers.length === 0 ? (
              <tr><td colSpan={7} className="px-3 py-6 text-center text-gray-600">{t('offers.none')}</td></tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'subscriptions:offers.title')
