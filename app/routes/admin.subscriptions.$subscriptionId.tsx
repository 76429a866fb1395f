import { getFormProps, getInputProps, getTextareaProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuditHistory } from '#app/components/audit-history.tsx'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorList, Field, SubmitButton, TextareaField, useIsPending } from '#app/components/forms.tsx'
import { formatDate, formatDateTime } from '#app/components/member-status.tsx'
import { loadHistory } from '#app/models/audit/list.server.ts'
import { displayName } from '#app/models/member/username.ts'
import { commitmentEnd } from '#app/models/subscription/rules.ts'
import { ResignSchema, SubscriptionEditSchema } from '#app/models/subscription/subscription.schema.ts'
import { getSubscription, resignSubscription, updateSubscription } from '#app/models/subscription/subscriptions.server.ts'
import { SubscriptionIdParams } from '#app/models/member/params.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { toIsoDate, today } from '#app/utils/dates.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { SubscriptionStateBadge } from '#app/components/subscription-state.tsx'
import { ServiceStatusBadge } from '#app/components/service.tsx'
import { describeConfigurations } from '#app/backends/registry.server.ts'
import { readFormData } from '#app/utils/form.server.ts'

/** A subscription id from the URL; anything that is not a positive integer becomes null (a 404). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request)
  const { subscriptionId } = SubscriptionIdParams.parse(params)
  const date = today()
  const subscription = subscriptionId ? await getSubscription(subscriptionId, date) : null
  if (!subscription) notFound()
  const { member, ...rest } = subscription
  return {
    today: toIsoDate(date),
    history: await loadHistory({ entity: 'subscription', entityId: subscription.id }),
    service: (await describeConfigurations([subscription.id])).get(subscription.id) ?? null,
    subscription: { ...rest, commitmentEnd: commitmentEnd(subscription), member: { id: member.id, username: member.username, name: displayName(member) } },
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request)
  const { subscriptionId } = SubscriptionIdParams.parse(params)
  if (!subscriptionId) notFound()
  const formData = await readFormData(request)
  if (formData.get('intent') === 'edit') {
    const submission = parseWithZod(formData, { schema: SubscriptionEditSchema })
    if (submission.status !== 'success') return data({ form: 'edit', result: submission.reply(), confirmation: null }, { status: 400 })
    try {
      await updateSubscription({ ...submission.value, id: subscriptionId, actorId: staff.id })
      return redirect(`/admin/subscriptions/${subscriptionId}?saved=1`)
    } catch (error) {
      if (!(error instanceof DomainError)) throw error
      if (error.code === 'SUBSCRIPTION_NOT_FOUND') notFound()
      const reply = error.code === 'REFERENCE_TAKEN' || error.code === 'REFERENCE_LOOKS_COMPUTED' ? { fieldErrors: { reference: [error.message] } } : { formErrors: [error.message] }
      return data({ form: 'edit', result: submission.reply(reply), confirmation: null }, { status: 400 })
    }
  }
  const submission = parseWithZod(formData, { schema: ResignSchema })
  if (submission.status !== 'success') return data({ form: 'resign', result: submission.reply(), confirmation: null }, { status: 400 })
  const { resignDate, confirmEarly } = submission.value
  try {
    const outcome = await resignSubscription({ id: subscriptionId, resignDate, confirmEarly, staffId: staff.id })
    if (outcome.status === 'resigned') return redirect(`/admin/subscriptions/${subscriptionId}?resigned=1`)
    const confirmation = { resignDate: toIsoDate(resignDate), commitmentEnd: toIsoDate(outcome.commitmentEnd) }
    return data({ form: 'resign', result: submission.reply(), confirmation })
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    if (error.code === 'SUBSCRIPTION_NOT_FOUND') notFound()
    const reply = error.code === 'RESIGN_BEFORE_SUBSCRIBE' ? { fieldErrors: { resignDate: [error.message] } } : { formErrors: [error.message] }
    return data({ form: 'resign', result: submission.reply(reply), confirmation: null }, { status: 400 })
  }
}

export default function SubscriptionDetail() {
  const { today, subscription: s, history, service } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t, i18n } = useTranslation('subscriptions')
  const lang = i18n.language
  const pending = useIsPending()
  const confirmation = actionData?.confirmation
  const [form, fields] = useForm({
    id: 'resign',
    lastResult: actionData?.form === 'resign' ? actionData.result : undefined,
    constraint: getZodConstraint(ResignSchema),
    defaultValue: { resignDate: s.resignDate ? toIsoDate(new Date(s.resignDate)) : today },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ResignSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  const [editForm, editFields] = useForm({
    id: 'edit',
    lastResult: actionData?.form === 'edit' ? actionData.result : undefined,
    constraint: getZodConstraint(SubscriptionEditSchema),
    defaultValue: { comments: s.comments, commitmentMonths: String(s.commitmentMonths), reference: s.referenceOverride },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SubscriptionEditSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  const notice = searchParams.get('created') ? t('detail.created')
    : searchParams.get('resigned') ? t('detail.resigned')
    : searchParams.get('saved') ? t('detail.saved') : null
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to="/admin/subscriptions">← {t('subscriptions.title')}</Link></p>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{t('detail.title', { offer: s.offer.name, member: s.member.name })}</h1>
        <SubscriptionStateBadge state={s.state} label={t(`states.${s.state}`)} />
      </div>
      {notice ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{notice}</p> : null}
      <section className="card" aria-labelledby="subscription-details">
        <h2 id="subscription-details" className="mb-2 text-lg font-semibold">{t('detail.details')}</h2>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-gray-600">{t('subscription.reference')}</dt>
          <dd className="font-mono">{s.reference}</dd>
          <dt className="text-gray-600">{t('subscription.member')}</dt>
          <dd><Link to={`/admin/members/${s.member.id}`}>{s.member.name}</Link> <span className="font-mono text-gray-600">{s.member.username}</span></dd>
          <dt className="text-gray-600">{t('subscription.offer')}</dt>
          <dd><Link to={`/admin/offers/${s.offer.id}`}>{s.offer.name}</Link> <span className="font-mono text-gray-600">{s.offer.reference}</span></dd>
          {service ? (
            <>
              <dt className="text-gray-600">{t('detail.service')}</dt>
              <dd className="flex flex-wrap items-center gap-2">
                {service.adminPath ? <Link to={service.adminPath}>{t(`offer.backends.${service.backend}`, { defaultValue: service.backend })}</Link> : t(`offer.backends.${service.backend}`, { defaultValue: service.backend })}
                <ServiceStatusBadge status={service.status} />
              </dd>
            </>
          ) : null}
          <dt className="text-gray-600">{t('subscription.subscriptionDate')}</dt>
          <dd>{formatDate(s.subscriptionDate, lang)}</dd>
          <dt className="text-gray-600">{t('subscription.commitment')}</dt>
          <dd>{s.commitmentEnd ? t('detail.commitment', { count: s.commitmentMonths, end: formatDate(s.commitmentEnd, lang) }) : t('detail.noCommitment')}</dd>
          <dt className="text-gray-600">{t('subscription.resignDate')}</dt>
          <dd>{s.resignDate ? formatDate(s.resignDate, lang) : t('detail.notResigned')}</dd>
          {s.earlyResignConfirmedAt ? (
            <>
              <dt className="text-gray-600">{t('detail.earlyResign')}</dt>
              <dd>{t('detail.earlyResignConfirmed', { at: formatDateTime(s.earlyResignConfirmedAt, lang), by: s.earlyResignConfirmedBy ?? '?' })}</dd>
            </>
          ) : null}
        </dl>
        {s.comments ? (
          <div className="mt-3">
            <h3 className="text-sm font-medium text-gray-600">{t('subscription.comments')}</h3>
            <p className="whitespace-pre-line text-sm">{s.comments}</p>
          </div>
        ) : null}
      </section>
      <section className="card space-y-3" aria-labelledby="edit-subscription">
        <h2 id="edit-subscription" className="text-lg font-semibold">{t('detail.edit')}</h2>
        <Form method="POST" {...getFormProps(editForm)} className="max-w-2xl space-y-3">
          {editForm.errors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={editForm.errors} /></div> : null}
          <input type="hidden" name="intent" value="edit" />
          <div className="grid gap-3 sm:grid-cols-2">
            <Field
              label={t('subscription.referenceOverride')}
              {...getInputProps(editFields.reference, { type: 'text' })}
              errors={editFields.reference.errors}
              help={t('detail.referenceHelp', { computed: s.computedReference })}
              autoComplete="off"
            />
            <Field label={t('subscription.commitmentMonths')} {...getInputProps(editFields.commitmentMonths, { type: 'number' })} errors={editFields.commitmentMonths.errors} />
          </div>
          <TextareaField label={t('subscription.comments')} {...getTextareaProps(editFields.comments)} errors={editFields.comments.errors} rows={3} />
          <SubmitButton className="btn-secondary" pending={pending}>{t('detail.editSubmit')}</SubmitButton>
        </Form>
      </section>
      <section className="card space-y-3" aria-labelledby="resign">
        <h2 id="resign" className="text-lg font-semibold">{s.resignDate ? t('detail.changeResign') : t('detail.resign')}</h2>
        {confirmation ? (
          <div role="alert" className="space-y-2 rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
            <p>{t('detail.needsConfirmation', { end: formatDate(confirmation.commitmentEnd, lang), date: formatDate(confirmation.resignDate, lang) })}</p>
            <Form method="POST">
              <input type="hidden" name="resignDate" value={confirmation.resignDate} />
              <input type="hidden" name="confirmEarly" value="on" />
              <SubmitButton className="btn-danger" pending={pending}>{t('detail.confirmEarly')}</SubmitButton>
            </Form>
          </div>
        ) : null}
        <Form method="POST" {...getFormProps(form)} className="flex flex-wrap items-end gap-2">
          {form.errors?.length ? <div role="alert" className="w-full rounded bg-red-50 p-2"><ErrorList errors={form.errors} /></div> : null}
          <Field label={t('subscription.resignDate')} {...getInputProps(fields.resignDate, { type: 'date' })} errors={fields.resignDate.errors} />
          <SubmitButton className="btn-secondary mb-0.5" pending={pending}>{s.resignDate ? t('detail.changeResignSubmit') : t('detail.resignSubmit')}</SubmitButton>
        </Form>
      </section>
      <AuditHistory entries={history} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, 'subscriptions:detail.pageTitle', { reference: data?.subscription.reference ?? '' })
