import { getFormProps, getInputProps, getTextareaProps, useForm, type SubmissionResult } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { Field, SubmitButton, TextareaField, useIsPending } from '#app/components/forms.tsx'
import { formatDateTime } from '#app/components/member-status.tsx'
import { displayName } from '#app/models/member/username.ts'
import { approveRequest, listRequestsForStaff, rejectRequest } from '#app/models/subscription/requests.server.ts'
import { IsoDateSchema } from '#app/utils/date.schema.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { toIsoDate, today } from '#app/utils/dates.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { readFormData } from '#app/utils/form.server.ts'
import { IdSchema } from '#app/utils/request.schema.ts'

const id = IdSchema

const ApproveSchema = z.object({
  intent: z.literal('approve'),
  id,
  subscriptionDate: IsoDateSchema,
  commitmentMonths: z.coerce.number().int({ message: 'wholeNumber' }).min(0, { message: 'commitmentInvalid' }).max(120, { message: 'commitmentInvalid' }).default(0),
})

const RejectSchema = z.object({
  intent: z.literal('reject'),
  id,
  reason: z.string({ error: 'required' }).trim().min(1, { message: 'required' }).max(2000, { message: 'tooLong' }),
})

const ActionSchema = z.discriminatedUnion('intent', [ApproveSchema, RejectSchema])

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  const { pending, decided } = await listRequestsForStaff()
  const withName = <T extends { member: Parameters<typeof displayName>[0] }>(r: T) => ({ ...r, memberName: displayName(r.member) })
  return { pending: pending.map(withName), decided: decided.map(withName), today: toIsoDate(today()) }
}

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request)
  const submission = parseWithZod(await readFormData(request), { schema: ActionSchema })
  // The form that was sent, so that its errors show on it and not on the other requests' forms.
  const payload = submission.payload
  const formId = `${String(payload.intent)}-${String(payload.id)}`
  if (submission.status !== 'success') return data({ result: submission.reply(), formId }, { status: 400 })
  const value = submission.value
  try {
    if (value.intent === 'approve') {
      await approveRequest({ id: value.id, staffId: staff.id, subscriptionDate: value.subscriptionDate, commitmentMonths: value.commitmentMonths })
    } else {
      await rejectRequest({ id: value.id, staffId: staff.id, reason: value.reason })
    }
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    if (error.status === 404) notFound()
    return data({ result: submission.reply({ formErrors: [error.message] }), formId }, { status: error.status })
  }
  return redirect(`/admin/requests?decided=${value.intent}`)
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>

export default function Requests() {
  const { pending, decided, today } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t, i18n } = useTranslation('fees')
  const done = searchParams.get('decided')
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('requests.title')}</h1>
      {done === 'approve' || done === 'reject' ? (
        <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t(`requests.done.${done}`)}</p>
      ) : null}
      <section aria-labelledby="pending" className="space-y-3">
        <h2 id="pending" className="text-lg font-semibold">{t('requests.pending', { count: pending.length })}</h2>
        {pending.length === 0 ? <p className="text-sm text-gray-600">{t('requests.nonePending')}</p> : null}
        {pending.map((r) => (
          <PendingRequest key={r.id} request={r} today={today} actionData={actionData} />
        ))}
      </section>
      <section aria-labelledby="decided" className="space-y-3">
        <h2 id="decided" className="text-lg font-semibold">{t('requests.decided')}</h2>
        {decided.length === 0 ? <p className="text-sm text-gray-600">{t('requests.noneDecided')}</p> : (
          <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
            <table className="min-w-full divide-y divide-gray-200 text-sm">
              <thead className="bg-gray-50 text-left">
                <tr>
                  <th scope="col" className="px-3 py-2 font-semibold">{t('requests.member')}</th>
                  <th scope="col" className="px-3 py-2 font-semibold">{t('requests.offer')}</th>
                  <th scope="col" className="px-3 py-2 font-semibold">{t('requests.decision')}</th>
                  <th scope="col" className="px-3 py-2 font-semibold">{t('requests.decidedAt')}</th>
                  <th scope="col" className="px-3 py-2 font-semibold">{t('requests.details')}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-gray-100">
                {decided.map((r) => (
                  <tr key={r.id}>
                    <td className="px-3 py-2"><Link to={`/admin/members/${r.member.id}`}>{r.memberName}</Link></td>
                    <td className="px-3 py-2">{r.offer.name}</td>
                    <td className="px-3 py-2">{t(`requests.statuses.${r.status}`)}</td>
                    <td className="px-3 py-2 whitespace-nowrap">{formatDateTime(r.decidedAt, i18n.language)}</td>
                    <td className="px-3 py-2">
                      {r.subscriptionId ? <Link to={`/admin/subscriptions/${r.subscriptionId}`}>{t('requests.seeSubscription')}</Link> : r.rejectReason}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  )
}

/** One pending request with its approve and reject forms. */
function PendingRequest({ request: r, today, actionData }: {
  request: Loaded['pending'][number]
  today: string
  actionData?: { formId: string; result: SubmissionResult<string[]> }
}) {
  const { t, i18n } = useTranslation('fees')
  const pending = useIsPending()
  const [approve, approveFields] = useForm({
    id: `approve-${r.id}`,
    lastResult: actionData?.formId === `approve-${r.id}` ? actionData.result : undefined,
    constraint: getZodConstraint(ApproveSchema),
    defaultValue: { subscriptionDate: today, commitmentMonths: '0' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ApproveSchema }),
    shouldValidate: 'onBlur',
  })
  const [reject, rejectFields] = useForm({
    id: `reject-${r.id}`,
    lastResult: actionData?.formId === `reject-${r.id}` ? actionData.result : undefined,
    constraint: getZodConstraint(RejectSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: RejectSchema }),
    shouldValidate: 'onBlur',
  })
  const formErrors = [...(approve.errors ?? []), ...(reject.errors ?? [])]
  return (
    <article className="card space-y-3" aria-labelledby={`request-${r.id}`}>
      <header className="flex flex-wrap items-baseline gap-x-3">
        <h3 id={`request-${r.id}`} className="font-semibold">
          <Link to={`/admin/members/${r.member.id}`}>{r.memberName}</Link> — {r.offer.name}
        </h3>
        <span className="font-mono text-xs text-gray-600">{r.member.username} · {r.offer.reference}</span>
        <span className="text-sm text-gray-600">{t('requests.sentOn', { date: formatDateTime(r.createdAt, i18n.language) })}</span>
      </header>
      {r.message ? <blockquote className="border-l-4 border-gray-200 pl-3 text-sm whitespace-pre-line">{r.message}</blockquote> : null}
      {formErrors.length ? <p role="alert" className="rounded bg-red-50 p-2 text-sm text-red-800">{formErrors.map((e) => t(`errors:${e}`)).join(' ')}</p> : null}
      <div className="grid gap-4 md:grid-cols-2">
        <Form method="POST" {...getFormProps(approve)} className="space-y-2" aria-label={t('requests.approveFor', { name: r.memberName })}>
          <input type="hidden" name="intent" value="approve" />
          <input type="hidden" name="id" value={r.id} />
          <div className="grid grid-cols-2 gap-2">
            <Field label={t('requests.subscriptionDate')} {...getInputProps(approveFields.subscriptionDate, { type: 'date' })} errors={approveFields.subscriptionDate.errors} />
            <Field label={t('requests.commitmentMonths')} {...getInputProps(approveFields.commitmentMonths, { type: 'number' })} errors={approveFields.commitmentMonths.errors} />
          </div>
          <SubmitButton pending={pending}>{t('requests.approve')}</SubmitButton>
        </Form>
        <Form method="POST" {...getFormProps(reject)} className="space-y-2" aria-label={t('requests.rejectFor', { name: r.memberName })}>
          <input type="hidden" name="intent" value="reject" />
          <input type="hidden" name="id" value={r.id} />
          <TextareaField label={t('requests.reason')} {...getTextareaProps(rejectFields.reason)} errors={rejectFields.reason.errors} rows={2} />
          <SubmitButton pending={pending} className="btn-danger">{t('requests.reject')}</SubmitButton>
        </Form>
      </div>
    </article>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'fees:requests.title')
