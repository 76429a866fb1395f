import { getFormProps, getInputProps, getTextareaProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { describeConfigurations } from '#app/backends/registry.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorList, SubmitButton, TextareaField, useIsPending } from '#app/components/forms.tsx'
import { formatDate, formatDateTime } from '#app/components/member-status.tsx'
import { listRequestableOffers } from '#app/models/offer/offers.server.ts'
import { createRequest, listMemberRequests } from '#app/models/subscription/requests.server.ts'
import { RequestSchema } from '#app/models/subscription/subscription.schema.ts'
import { listMemberSubscriptions } from '#app/models/subscription/subscriptions.server.ts'
import { requireMember } from '#app/utils/auth.server.ts'
import { today } from '#app/utils/dates.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { formatEuros } from '#app/utils/money.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { SubscriptionStateBadge } from '#app/components/subscription-state.tsx'
import { readFormData } from '#app/utils/form.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(request)
  const [subscriptions, requests, offers] = await Promise.all([
    listMemberSubscriptions({ memberId: member.id, date: today() }),
    listMemberRequests({ memberId: member.id }),
    listRequestableOffers(),
  ])
  const services = await describeConfigurations(subscriptions.map((s) => s.id), { withStatus: false })
  return {
    subscriptions: subscriptions.map((s) => ({
      id: s.id, offerName: s.offer.name, reference: s.reference, subscriptionDate: s.subscriptionDate, resignDate: s.resignDate, state: s.state,
      servicePath: services.get(s.id)?.memberPath ?? null,
    })),
    requests: requests.map((r) => ({
      id: r.id, offerName: r.offer.name, message: r.message, status: r.status, createdAt: r.createdAt, decidedAt: r.decidedAt, rejectReason: r.rejectReason,
    })),
    offers: offers.map((o) => ({
      id: o.id, name: o.name, description: o.description, billingPeriodMonths: o.billingPeriodMonths,
      periodFeeCents: o.periodFeeCents, initialFeeCents: o.initialFeeCents, nonBillable: o.nonBillable,
    })),
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const member = await requireMember(request)
  const submission = parseWithZod(await readFormData(request), { schema: RequestSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  try {
    // The member always comes from the session; a member id in the form is ignored.
    await createRequest({ memberId: member.id, offerId: submission.value.offerId, message: submission.value.message })
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    return data({ result: submission.reply({ fieldErrors: { offerId: [error.message] } }) }, { status: error.status })
  }
  return redirect('/subscriptions?requested=1')
}

const REQUEST_STYLE = { PENDING: 'bg-amber-100 text-amber-900', APPROVED: 'bg-green-100 text-green-800', REJECTED: 'bg-red-100 text-red-800' } as const

export default function MySubscriptions() {
  const { subscriptions, requests, offers } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t, i18n } = useTranslation('fees')
  const lang = i18n.language
  const pending = useIsPending()
  const [form, fields] = useForm({
    id: 'request-offer',
    lastResult: actionData?.result,
    constraint: getZodConstraint(RequestSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: RequestSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  // "8,00 € par mois", with the set-up fee when there is one.
  const priceOf = (o: (typeof offers)[number]) => {
    if (o.nonBillable) return t('offer.notBilled')
    const period = t('offer.price', { price: formatEuros(o.periodFeeCents, lang), count: o.billingPeriodMonths })
    return o.initialFeeCents > 0 ? `${period} ${t('offer.initialFee', { price: formatEuros(o.initialFeeCents, lang) })}` : period
  }
  const offerErrorId = fields.offerId.errors?.length ? `${fields.offerId.id}-error` : undefined
  return (
    <div className="mx-auto max-w-4xl space-y-6">
      <h1 className="text-2xl font-semibold">{t('common:nav.subscriptions')}</h1>
      {searchParams.get('requested') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('mine.requested')}</p> : null}
      <section aria-labelledby="subscriptions" className="space-y-2">
        <h2 id="subscriptions" className="text-lg font-semibold">{t('mine.subscriptions')}</h2>
        {subscriptions.length === 0 ? <p className="text-sm text-gray-600">{t('mine.noSubscriptions')}</p> : (
          <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
            <table className="min-w-full divide-y divide-gray-200 text-sm">
              <thead className="bg-gray-50 text-left">
                <tr>
                  <th scope="col" className="px-3 py-2 font-semibold">{t('subscription.offer')}</th>
                  <th scope="col" className="px-3 py-2 font-semibold">{t('subscription.reference')}</th>
                  <th scope="col" className="px-3 py-2 font-semibold">{t('subscription.start')}</th>
                  <th scope="col" className="px-3 py-2 font-semibold">{t('subscription.end')}</th>
                  <th scope="col" className="px-3 py-2 font-semibold">{t('subscription.state')}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-gray-100">
                {subscriptions.map((s) => (
                  <tr key={s.id} className={s.state === 'resigned' ? 'text-gray-500' : undefined}>
                    <td className="px-3 py-2">{s.servicePath ? <Link to={s.servicePath}>{s.offerName}</Link> : s.offerName}</td>
                    <td className="px-3 py-2 font-mono">{s.reference}</td>
                    <td className="px-3 py-2 whitespace-nowrap">{formatDate(s.subscriptionDate, lang)}</td>
                    <td className="px-3 py-2 whitespace-nowrap">{s.resignDate ? formatDate(s.resignDate, lang) : '—'}</td>
                    <td className="px-3 py-2"><SubscriptionStateBadge state={s.state} label={t(`subscription.states.${s.state}`)} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {subscriptions.length ? <p className="text-xs text-gray-600">{t('mine.referenceHelp')}</p> : null}
      </section>
      {requests.length ? (
        <section aria-labelledby="requests" className="space-y-2">
          <h2 id="requests" className="text-lg font-semibold">{t('mine.requests')}</h2>
          <ul className="card divide-y divide-gray-100 p-0">
            {requests.map((r) => (
              <li key={r.id} className="space-y-1 px-4 py-3 text-sm">
                <p className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">{r.offerName}</span>
                  <span className={`badge ${REQUEST_STYLE[r.status]}`}>{t(`mine.statuses.${r.status}`)}</span>
                  <span className="text-gray-600">{t('mine.sentOn', { date: formatDateTime(r.createdAt, lang) })}</span>
                </p>
                {r.message ? <p className="whitespace-pre-line text-gray-700">{r.message}</p> : null}
                {r.status === 'REJECTED' && r.rejectReason ? <p><span className="font-medium">{t('mine.reason')}</span> {r.rejectReason}</p> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="request-offer-title" className="card space-y-3">
        <h2 id="request-offer-title" className="text-lg font-semibold">{t('mine.requestTitle')}</h2>
        {offers.length === 0 ? <p className="text-sm text-gray-600">{t('mine.noOffers')}</p> : (
          <Form method="POST" {...getFormProps(form)} className="space-y-4">
            <fieldset aria-describedby={offerErrorId} aria-invalid={offerErrorId ? true : undefined}>
              <legend className="text-sm font-medium text-gray-800">{t('mine.offer')}</legend>
              <div className="mt-2 space-y-2">
                {offers.map((o) => (
                  <label key={o.id} className="flex items-start gap-3 rounded-md border border-gray-200 p-3 font-normal has-checked:border-brand-600 has-checked:bg-brand-50">
                    <input {...getInputProps(fields.offerId, { type: 'radio', value: String(o.id) })} id={`offer-${o.id}`} aria-describedby={undefined} className="mt-1" />
                    <span>
                      <span className="block font-medium">{o.name}</span>
                      <span className="block text-gray-700">{priceOf(o)}</span>
                      {o.description ? <span className="block text-gray-600">{o.description}</span> : null}
                    </span>
                  </label>
                ))}
              </div>
              <ErrorList id={offerErrorId} errors={fields.offerId.errors} />
            </fieldset>
            <TextareaField label={t('mine.message')} {...getTextareaProps(fields.message)} errors={fields.message.errors} rows={3} help={t('mine.messageHelp')} />
            <SubmitButton pending={pending}>{t('mine.send')}</SubmitButton>
          </Form>
        )}
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'nav.subscriptions')
