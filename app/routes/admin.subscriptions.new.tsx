import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorList, Field, SelectField, SubmitButton, TextareaField, useIsPending } from '#app/components/forms.tsx'
import { displayName } from '#app/models/member/username.ts'
import { listOffers } from '#app/models/offer/offers.server.ts'
import { refineSubscriptionDates, SubscriptionFieldsSchema, SubscriptionSchema } from '#app/models/subscription/subscription.schema.ts'
import { createSubscription } from '#app/models/subscription/subscriptions.server.ts'
import { findMemberByIdOrUsername } from '#app/models/member/lookup.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { toIsoDate, today } from '#app/utils/dates.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { readFormData } from '#app/utils/form.server.ts'

/**
 * What the browser checks before sending: the model's fields and rule, with the member typed as a
 * number or a username. The server resolves the member, then checks everything with SubscriptionSchema.
 */
const SubscriptionFormSchema = refineSubscriptionDates(
  SubscriptionFieldsSchema.extend({
    memberId: z.string({ error: 'required' }).trim().min(1, { message: 'required' }).max(64, { message: 'tooLong' }),
  }),
)

/** Which field a refusal of createSubscription belongs to. */
const ERROR_FIELDS: Record<string, string> = { MEMBER_NOT_FOUND: 'memberId', OFFER_NOT_FOUND: 'offerId', OFFER_RETIRED: 'offerId' }

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  const searchParams = new URL(request.url).searchParams
  const memberText = searchParams.get('memberId')?.trim().slice(0, 64) ?? ''
  const [offers, member] = await Promise.all([listOffers(), memberText ? findMemberByIdOrUsername(memberText) : null])
  return {
    offers: offers.filter((o) => o.active).map((o) => ({ id: o.id, name: o.name, reference: o.reference })),
    member: member ? { id: member.id, username: member.username, name: displayName(member) } : null,
    defaults: {
      memberId: member ? String(member.id) : memberText,
      offerId: searchParams.get('offerId') ?? '',
      subscriptionDate: toIsoDate(today()),
      commitmentMonths: '0',
    },
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request)
  const formData = await readFormData(request)
  const memberText = String(formData.get('memberId') ?? '').trim()
  const member = memberText ? await findMemberByIdOrUsername(memberText) : null
  if (member) formData.set('memberId', String(member.id))
  const submission = parseWithZod(formData, { schema: SubscriptionSchema })
  if (memberText && !member) return data({ result: submission.reply({ fieldErrors: { memberId: ['memberNotFound'] } }) }, { status: 400 })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  try {
    const subscription = await createSubscription({ ...submission.value, actorId: staff.id })
    return redirect(`/admin/subscriptions/${subscription.id}?created=1`)
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    const field = ERROR_FIELDS[error.code]
    const reply = field ? { fieldErrors: { [field]: [error.message] } } : { formErrors: [error.message] }
    return data({ result: submission.reply(reply) }, { status: 400 })
  }
}

export default function NewSubscription() {
  const { offers, member, defaults } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation('subscriptions')
  const pending = useIsPending()
  const [form, fields] = useForm<z.input<typeof SubscriptionFormSchema>, z.output<typeof SubscriptionFormSchema>>({
    id: 'subscription-new',
    lastResult: actionData?.result,
    constraint: getZodConstraint(SubscriptionFormSchema),
    defaultValue: defaults,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SubscriptionFormSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to="/admin/subscriptions">← {t('subscriptions.title')}</Link></p>
      <h1 className="text-2xl font-semibold">{t('subscriptions.new')}</h1>
      <Form method="POST" {...getFormProps(form)} className="card space-y-4">
        {form.errors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={form.errors} /></div> : null}
        <div className="grid gap-3 sm:grid-cols-2">
          <Field
            label={t('subscription.member')}
            {...getInputProps(fields.memberId, { type: 'text' })}
            errors={fields.memberId.errors}
            help={member && fields.memberId.value === String(member.id) ? t('new.memberIs', { name: member.name, username: member.username }) : t('new.memberHelp')}
            autoComplete="off"
          />
          <SelectField label={t('subscription.offer')} {...getSelectProps(fields.offerId)} errors={fields.offerId.errors}>
            <option value="">{t('new.chooseOffer')}</option>
            {offers.map((o) => <option key={o.id} value={o.id}>{o.name} ({o.reference})</option>)}
          </SelectField>
        </div>
        <div className="grid gap-3 sm:grid-cols-3">
          <Field label={t('subscription.subscriptionDate')} {...getInputProps(fields.subscriptionDate, { type: 'date' })} errors={fields.subscriptionDate.errors} />
          <Field label={t('subscription.resignDate')} {...getInputProps(fields.resignDate, { type: 'date' })} errors={fields.resignDate.errors} help={t('new.resignHelp')} />
          <Field label={t('subscription.commitmentMonths')} {...getInputProps(fields.commitmentMonths, { type: 'number' })} errors={fields.commitmentMonths.errors} help={t('new.commitmentHelp')} />
        </div>
        <TextareaField label={t('subscription.comments')} {...getTextareaProps(fields.comments)} errors={fields.comments.errors} rows={3} />
        <SubmitButton pending={pending}>{t('new.create')}</SubmitButton>
      </Form>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'subscriptions:subscriptions.new')
