import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { FeePaymentFields } from '#app/components/fee-payment-fields.tsx'
import { FeeStatusBadge, useFeeStatusLabels } from '#app/components/fee-status.tsx'
import { ErrorList, Field, SubmitButton, useIsPending } from '#app/components/forms.tsx'
import { formatDate } from '#app/components/member-status.tsx'
import { FeeFieldsSchema, refineFeeDates } from '#app/models/fee/fee.schema.ts'
import { getMemberFeeStatus, recordFee } from '#app/models/fee/fees.server.ts'
import { defaultFeeEnd } from '#app/models/fee/rules.ts'
import { findMemberByIdOrUsername } from '#app/models/member/lookup.server.ts'
import { getMemberDetail } from '#app/models/member/manage.server.ts'
import { MemberIdParams } from '#app/models/member/params.ts'
import { displayName } from '#app/models/member/username.ts'
import { requireStaff, safeRedirect } from '#app/utils/auth.server.ts'
import { addDays, parseIsoDate, toIsoDate, today } from '#app/utils/dates.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { readFormData } from '#app/utils/form.server.ts'

/** The form names the member by number or username; the server resolves it. */
const FeeFormSchema = refineFeeDates(
  FeeFieldsSchema.omit({ memberId: true }).extend({
    member: z.string({ error: 'required' }).trim().min(1, { message: 'required' }).max(64, { message: 'tooLong' }),
  }),
)

/** Where to go once the fee is recorded: an admin page given by the link, or the member's page. */
function backTo(value: FormDataEntryValue | string | null, memberId: number) {
  const target = safeRedirect(value, '')
  const url = new URL(target.startsWith('/admin/') ? target : `/admin/members/${memberId}`, 'http://localhost')
  url.searchParams.set('feeRecorded', '1')
  return url.pathname + url.search
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  const url = new URL(request.url)
  const date = today()
  const redirectTo = url.searchParams.get('redirectTo') ?? ''
  if (!url.searchParams.has('memberId')) return { member: null, startDate: toIsoDate(date), redirectTo }
  const { memberId } = MemberIdParams.parse({ memberId: url.searchParams.get('memberId') })
  const member = memberId ? await getMemberDetail(memberId) : null
  if (!member) notFound()
  const fee = await getMemberFeeStatus({ memberId: member.id, date })
  // A renewal starts the day after the current fee ends, unless that fee ended before today.
  const next = fee.endDate ? addDays(fee.endDate, 1) : date
  return {
    member: { id: member.id, username: member.username, name: displayName(member), feeStatus: fee.status, feeEnd: fee.endDate },
    startDate: toIsoDate(next > date ? next : date),
    redirectTo: redirectTo || `/admin/members/${member.id}`,
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request)
  const formData = await readFormData(request)
  const submission = parseWithZod(formData, { schema: FeeFormSchema })
  const typed = String(formData.get('member') ?? '')
  const member = typed.trim() ? await findMemberByIdOrUsername(typed) : null
  if (submission.status !== 'success' || !member) {
    const memberError = typed.trim() && !member ? { fieldErrors: { member: ['memberNotFound'] } } : {}
    return data({ result: submission.reply(memberError) }, { status: 400 })
  }
  const { member: _typed, ...fee } = submission.value
  try {
    await recordFee({ ...fee, memberId: member.id, actorId: staff.id })
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    return data({ result: submission.reply({ formErrors: [error.message] }) }, { status: error.status })
  }
  return redirect(backTo(formData.get('redirectTo'), member.id))
}

export default function NewFee() {
  const { member, startDate, redirectTo } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t, i18n } = useTranslation('fees')
  const labels = useFeeStatusLabels()
  const pending = useIsPending()
  const [form, fields] = useForm({
    id: 'fee-new',
    lastResult: actionData?.result,
    constraint: getZodConstraint(FeeFormSchema),
    defaultValue: { member: member ? String(member.id) : '', startDate },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: FeeFormSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  const [endEdited, setEndEdited] = useState(false)
  const fillEnd = (start: string) => {
    const date = parseIsoDate(start)
    if (date && !endEdited) form.update({ name: fields.endDate.name, value: toIsoDate(defaultFeeEnd(date)) })
  }
  const initialStart = fields.startDate.initialValue
  // With JavaScript, the end date shows its default as soon as the page loads; without, the server fills it.
  useEffect(() => {
    if (!fields.endDate.initialValue && typeof initialStart === 'string') fillEnd(initialStart)
  }, [])
  const back = member ? `/admin/members/${member.id}` : '/admin/fees'
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to={back}>← {member ? member.name : t('list.title')}</Link></p>
      <h1 className="text-2xl font-semibold">{t('new.title')}</h1>
      <Form method="POST" {...getFormProps(form)} className="card max-w-2xl space-y-4">
        {form.errors?.length ? <p role="alert" className="rounded bg-red-50 p-2 text-sm text-red-800">{form.errors.map((e) => t(`errors:${e}`)).join(' ')}</p> : null}
        <input type="hidden" name="redirectTo" value={redirectTo} />
        {member ? (
          <div>
            <input type="hidden" name="member" value={member.id} />
            <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className="text-gray-600">{t('fee.member')}</dt>
              <dd>{member.name} <span className="font-mono text-gray-600">{member.username}</span></dd>
              <dt className="text-gray-600">{t('feeStatus')}</dt>
              <dd className="flex items-center gap-2">
                <FeeStatusBadge status={member.feeStatus} label={labels[member.feeStatus]} />
                {member.feeEnd ? t('endsOn', { date: formatDate(member.feeEnd, i18n.language) }) : null}
              </dd>
            </dl>
            <ErrorList errors={fields.member.errors} />
          </div>
        ) : (
          <Field label={t('fee.member')} {...getInputProps(fields.member, { type: 'text' })} errors={fields.member.errors} help={t('fee.memberHelp')} autoComplete="off" required />
        )}
        <div className="grid gap-3 sm:grid-cols-3">
          <Field label={t('fee.amount')} {...getInputProps(fields.amount, { type: 'text' })} errors={fields.amount.errors} inputMode="decimal" placeholder="20,00" />
          <Field
            label={t('fee.startDate')}
            {...getInputProps(fields.startDate, { type: 'date' })}
            errors={fields.startDate.errors}
            onChange={(event) => fillEnd(event.currentTarget.value)}
          />
          <Field
            label={t('fee.endDate')}
            {...getInputProps(fields.endDate, { type: 'date' })}
            errors={fields.endDate.errors}
            help={t('fee.endDateHelp')}
            onChange={() => setEndEdited(true)}
          />
        </div>
        <FeePaymentFields paymentMethod={fields.paymentMethod} reference={fields.reference} comment={fields.comment} />
        <SubmitButton pending={pending}>{t('new.submit')}</SubmitButton>
      </Form>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'fees:new.title')
