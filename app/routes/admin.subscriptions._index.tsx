import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { formatDate } from '#app/components/member-status.tsx'
import { displayName } from '#app/models/member/username.ts'
import { listOffers } from '#app/models/offer/offers.server.ts'
import type { SubscriptionState } from '#app/models/subscription/rules.ts'
import { listSubscriptions, SUBSCRIPTIONS_PAGE_SIZE } from '#app/models/subscription/subscriptions.server.ts'
import { findMemberByIdOrUsername } from '#app/models/member/lookup.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { parseIsoDate, toIsoDate, today } from '#app/utils/dates.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { SubscriptionStateBadge } from '#app/components/subscription-state.tsx'

const STATES = ['future', 'active', 'resigned'] as const satisfies readonly SubscriptionState[]
// A bad parameter falls back to "no filter" rather than an error page.
const ListQuerySchema = z.object({
  offer: z.coerce.number().int().positive().max(2_000_000_000).optional().catch(undefined),
  state: z.enum(STATES).optional().catch(undefined),
  date: z.string().trim().optional().catch(undefined),
  member: z.string().trim().max(254).default('').catch(''),
  /** The member page links here with ?memberId=. */
  memberId: z.string().trim().max(254).default('').catch(''),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1).catch(1),
})

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  const { date: dateText, memberId, ...query } = ListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  const filters = { ...query, member: query.member || memberId }
  const date = (dateText ? parseIsoDate(dateText) : null) ?? today()
  const member = filters.member ? await findMemberByIdOrUsername(filters.member) : null
  const [offers, { total, subscriptions }] = await Promise.all([
    listOffers(),
    filters.member && !member
      ? { total: 0, subscriptions: [] }
      : listSubscriptions({ offerId: filters.offer, memberId: member?.id, state: filters.state, date, page: filters.page }),
  ])
  return {
    query: { ...filters, date: toIsoDate(date) },
    member: member ? { id: member.id, username: member.username, name: displayName(member) } : null,
    memberUnknown: Boolean(filters.member && !member),
    offers: offers.map((o) => ({ id: o.id, name: o.name, active: o.active })),
    total,
    pageCount: Math.ceil(total / SUBSCRIPTIONS_PAGE_SIZE),
    subscriptions: subscriptions.map((s) => ({
      id: s.id, reference: s.reference, state: s.state, subscriptionDate: s.subscriptionDate, resignDate: s.resignDate,
      offer: s.offer, member: { id: s.member.id, username: s.member.username, name: displayName(s.member) },
    })),
  }
}

export default function SubscriptionsList() {
  const { query, member, memberUnknown, offers, total, pageCount, subscriptions } = useLoaderData<typeof loader>()
  const [searchParams] = useSearchParams()
  const { t, i18n } = useTranslation('subscriptions')
  const lang = i18n.language
  const withPage = (page: number) => {
    const next = new URLSearchParams(searchParams)
    next.set('page', String(page))
    return `?${next.toString()}`
  }
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-semibold">{t('subscriptions.title')}</h1>
        <Link className="btn" to={member ? `/admin/subscriptions/new?memberId=${member.id}` : '/admin/subscriptions/new'}>{t('subscriptions.new')}</Link>
      </div>
      <Form method="GET" role="search" className="card flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="offer">{t('subscription.offer')}</label>
          <select id="offer" name="offer" defaultValue={query.offer ?? ''} className="input">
            <option value="">{t('subscriptions.allOffers')}</option>
            {offers.map((o) => <option key={o.id} value={o.id}>{o.active ? o.name : t('subscriptions.retiredOffer', { name: o.name })}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="state">{t('subscription.state')}</label>
          <select id="state" name="state" defaultValue={query.state ?? ''} className="input">
            <option value="">{t('subscriptions.allStates')}</option>
            {STATES.map((s) => <option key={s} value={s}>{t(`states.${s}`)}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="date">{t('subscriptions.atDate')}</label>
          <input id="date" name="date" type="date" defaultValue={query.date} className="input" />
        </div>
        <div className="min-w-48 flex-1">
          <label htmlFor="member">{t('subscription.member')}</label>
          <input id="member" name="member" type="search" defaultValue={query.member} className="input" placeholder={t('subscriptions.memberPlaceholder')} />
        </div>
        <button type="submit" className="btn">{t('subscriptions.filter')}</button>
      </Form>
      {memberUnknown ? <p role="alert" className="rounded bg-amber-50 p-2 text-sm text-amber-900">{t('subscriptions.memberUnknown', { member: query.member })}</p> : null}
      {member ? (
        <p className="text-sm">
          {t('subscriptions.ofMember')} <Link to={`/admin/members/${member.id}`}>{member.name}</Link> <span className="font-mono text-gray-600">{member.username}</span>
        </p>
      ) : null}
      <p className="text-sm text-gray-600" role="status">{t('subscriptions.count', { count: total })}</p>
      <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
        <table className="min-w-full divide-y divide-gray-200 text-sm">
          <thead className="bg-gray-50 text-left">
            <tr>
              <th scope="col" className="px-3 py-2 font-semibold">{t('subscription.reference')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('subscription.member')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('subscription.offer')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('subscription.subscriptionDate')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('subscription.resignDate')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('subscriptions.stateAt', { date: formatDate(query.date, lang) })}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {subscriptions.map((s) => (
              <tr key={s.id} className="hover:bg-gray-50">
                <td className="px-3 py-2 font-mono"><Link to={`/admin/subscriptions/${s.id}`}>{s.reference}</Link></td>
                <td className="px-3 py-2"><Link to={`/admin/members/${s.member.id}`}>{s.member.name}</Link> <span className="font-mono text-gray-600">{s.member.username}</span></td>
                <td className="px-3 py-2"><Link to={`/admin/offers/${s.offer.id}`}>{s.offer.name}</Link></td>
                <td className="px-3 py-2 whitespace-nowrap">{formatDate(s.subscriptionDate, lang)}</td>
                <td className="px-3 py-2 whitespace-nowrap">{formatDate(s.resignDate, lang)}</td>
                <td className="px-3 py-2"><SubscriptionStateBadge state={s.state} label={t(`states.${s.state}`)} /></td>
              </tr>
            ))}
            {subscriptions.length === 0 ? (
              <tr><td colSpan={6} className="px-3 py-6 text-center text-gray-600">{t('subscriptions.none')}</td></tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {pageCount > 1 ? (
        <nav aria-label={t('subscriptions.pagination')} className="flex items-center gap-3 text-sm">
          {query.page > 1 ? <Link to={withPage(query.page - 1)} rel="prev">← {t('subscriptions.previous')}</Link> : null}
          <span>{t('subscriptions.page', { page: query.page, pageCount })}</span>
          {query.page < pageCount ? <Link to={withPage(query.page + 1)} rel="next">{t('subscriptions.next')} →</Link> : null}
        </nav>
      ) : null}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'subscriptions:subscriptions.title')
