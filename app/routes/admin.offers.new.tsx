import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { OfferForm, offerErrorReply } from '#app/components/offer-form.tsx'
import { OfferSchema } from '#app/models/offer/offer.schema.ts'
import { createOffer, offerFormChoices } from '#app/models/offer/offers.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { readFormData } from '#app/utils/form.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  return { choices: await offerFormChoices() }
}

export async function action({ request }: ActionFunctionArgs) {
  await requireStaff(request)
  const submission = parseWithZod(await readFormData(request), { schema: OfferSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  try {
    const offer = await createOffer(submission.value)
    return redirect(`/admin/offers/${offer.id}?created=1`)
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    const reply = offerErrorReply(error)
    return data({ result: submission.reply(reply) }, { status: 400 })
  }
}

export default function NewOffer() {
  const { choices } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation('subscriptions')
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to="/admin/offers">← {t('offers.title')}</Link></p>
      <h1 className="text-2xl font-semibold">{t('offers.new')}</h1>
      <OfferForm
        isNew
        lastResult={actionData?.result}
        defaultValue={{ backend: 'none', billingPeriodMonths: '1', periodFee: '0,00', initialFee: '0,00', active: true }}
        choices={choices}
      />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'subscriptions:offers.new')
