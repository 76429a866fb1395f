import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorList, SubmitButton } from '#app/components/forms.tsx'
import { OfferForm, offerErrorReply, type OfferDefaults } from '#app/components/offer-form.tsx'
import { OfferSchema } from '#app/models/offer/offer.schema.ts'
import { OfferIdParams } from '#app/models/member/params.ts'
import { deleteOffer, getOffer, offerFormChoices, setOfferActive, updateOffer } from '#app/models/offer/offers.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { centsToInput } from '#app/utils/money.ts'
import { readFormData } from '#app/utils/form.server.ts'

/** An offer id from the URL; anything that is not a positive integer becomes null (a 404). */
const ActionSchema = z.discriminatedUnion('intent', [
  OfferSchema.extend({ intent: z.literal('save') }),
  z.object({ intent: z.literal('delete') }),
  z.object({ intent: z.literal('retire') }),
])

async function requireOffer(params: LoaderFunctionArgs['params']) {
  const { offerId } = OfferIdParams.parse(params)
  const offer = offerId ? await getOffer(offerId) : null
  if (!offer) notFound()
  return offer
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request)
  const { _count, periodFeeCents, initialFeeCents, pools, ...offer } = await requireOffer(params)
  const defaults: OfferDefaults = {
    ...offer,
    poolIds: pools.map((p) => String(p.id)),
    billingPeriodMonths: String(offer.billingPeriodMonths),
    periodFee: centsToInput(periodFeeCents),
    initialFee: centsToInput(initialFeeCents),
  }
  return {
    offer: { id: offer.id, name: offer.name, active: offer.active, subscriptionCount: _count.subscriptions },
    defaults,
    choices: await offerFormChoices(offer.backend),
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  await requireStaff(request)
  const { id } = await requireOffer(params)
  const submission = parseWithZod(await readFormData(request), { schema: ActionSchema })
  if (submission.status !== 'success') return data({ intent: 'save', result: submission.reply() }, { status: 400 })
  const value = submission.value
  try {
    if (value.intent === 'save') {
      const { intent: _intent, ...input } = value
      await updateOffer(id, input)
      return redirect(`/admin/offers/${id}?saved=1`)
    }
    if (value.intent === 'retire') {
      await setOfferActive({ id, active: false })
      return redirect(`/admin/offers/${id}?retired=1`)
    }
    await deleteOffer(id)
    return redirect('/admin/offers?deleted=1')
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    const reply = offerErrorReply(error)
    return data({ intent: value.intent, result: submission.reply(reply) }, { status: 400 })
  }
}

export default function EditOffer() {
  const { offer, defaults, choices } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('subscriptions')
  const notice = searchParams.get('created') ? t('offers.created') : searchParams.get('saved') ? t('offers.saved') : searchParams.get('retired') ? t('offers.retired') : null
  const otherErrors = actionData && actionData.intent !== 'save' ? actionData.result.error?.[''] : undefined
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to="/admin/offers">← {t('offers.title')}</Link></p>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{t('offers.edit', { name: offer.name })}</h1>
        <span className={`badge ${offer.active ? 'bg-green-100 text-green-800' : 'bg-gray-200 text-gray-700'}`}>
          {offer.active ? t('offer.states.active') : t('offer.states.retired')}
        </span>
      </div>
      {notice ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{notice}</p> : null}
      <OfferForm isNew={false} lastResult={actionData?.intent === 'save' ? actionData.result : undefined} defaultValue={defaults} choices={choices} />
      <section className="card space-y-3" aria-labelledby="offer-removal">
        <h2 id="offer-removal" className="text-lg font-semibold">{t('offers.removal')}</h2>
        {otherErrors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={otherErrors} /></div> : null}
        {offer.subscriptionCount > 0 ? (
          <>
            <p className="text-sm">
              {t('offers.hasSubscriptions', { count: offer.subscriptionCount })}{' '}
              <Link to={`/admin/subscriptions?offer=${offer.id}`}>{t('offers.seeSubscriptions')}</Link>
            </p>
            {offer.active ? (
              <Form method="POST">
                <input type="hidden" name="intent" value="retire" />
                <SubmitButton className="btn-secondary">{t('offers.retire')}</SubmitButton>
              </Form>
            ) : <p className="text-sm text-gray-600">{t('offers.isRetired')}</p>}
          </>
        ) : (
          <>
            <p className="text-sm">{t('offers.canDelete')}</p>
            <Form method="POST">
              <input type="hidden" name="intent" value="delete" />
              <SubmitButton className="btn-danger">{t('offers.delete')}</SubmitButton>
            </Form>
          </>
        )}
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, 'subscriptions:offers.edit', { name: data?.offer.name ?? '' })
