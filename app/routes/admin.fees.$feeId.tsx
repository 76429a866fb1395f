import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuditHistory } from '#app/components/audit-history.tsx'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { FeePaymentFields } from '#app/components/fee-payment-fields.tsx'
import { ConfirmDeleteForm, ErrorList, Field, SubmitButton, useIsPending } from '#app/components/forms.tsx'
import { formatDate } from '#app/components/member-status.tsx'
import { loadHistory } from '#app/models/audit/list.server.ts'
import { FeeEditSchema, FeeIdParams } from '#app/models/fee/fee.schema.ts'
import { deleteFee, getFee, updateFee } from '#app/models/fee/fees.server.ts'
import { displayName } from '#app/models/member/username.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { toIsoDate } from '#app/utils/dates.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { centsToInput, formatEuros } from '#app/utils/money.ts'
import { readFormData } from '#app/utils/form.server.ts'

/** The fee of the URL with its member, or a 404. */
async function requireFee(params: LoaderFunctionArgs['params']) {
  const { feeId } = FeeIdParams.parse(params)
  const fee = feeId ? await getFee({ id: feeId }) : null
  if (!fee) notFound()
  return fee
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request)
  const { member, ...fee } = await requireFee(params)
  const history = await loadHistory({ entity: 'fee', entityId: fee.id })
  return {
    fee: {
      id: fee.id,
      amountCents: fee.amountCents,
      startDate: fee.startDate,
      endDate: fee.endDate,
      defaults: {
        amount: centsToInput(fee.amountCents),
        startDate: toIsoDate(fee.startDate),
        endDate: toIsoDate(fee.endDate),
        paymentMethod: fee.paymentMethod ?? '',
        reference: fee.reference,
        comment: fee.comment,
      },
    },
    member: { id: member.id, username: member.username, name: displayName(member) },
    history,
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request)
  const fee = await requireFee(params)
  const formData = await readFormData(request)
  const intent = formData.get('intent')
  const submission = parseWithZod(formData, { schema: FeeEditSchema })
  // Without JavaScript, deleting takes two posts: the first only asks for confirmation.
  if (intent === 'delete') return data({ confirmDelete: true, result: null })
  try {
    if (intent === 'confirmDelete') {
      await deleteFee({ id: fee.id, actorId: staff.id })
      return redirect(`/admin/members/${fee.member.id}?feeDeleted=1`)
    }
    if (submission.status !== 'success') return data({ confirmDelete: false, result: submission.reply() }, { status: 400 })
    await updateFee({ ...submission.value, id: fee.id, actorId: staff.id })
    return redirect(`/admin/members/${fee.member.id}?feeUpdated=1`)
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    if (error.status === 404) notFound()
    return data({ confirmDelete: false, result: submission.reply({ formErrors: [error.message] }) }, { status: error.status })
  }
}

export default function EditFee() {
  const { fee, member, history } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t, i18n } = useTranslation('fees')
  const lang = i18n.language
  const pending = useIsPending()
  const [form, fields] = useForm({
    id: 'fee-edit',
    lastResult: actionData?.result,
    constraint: getZodConstraint(FeeEditSchema),
    defaultValue: fee.defaults,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: FeeEditSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  const period = t('fee.fromTo', { start: formatDate(fee.startDate, lang), end: formatDate(fee.endDate, lang) })
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to={`/admin/members/${member.id}`}>← {member.name}</Link></p>
      <h1 className="text-2xl font-semibold">{t('edit.title', { name: member.name })}</h1>
      <Form method="POST" {...getFormProps(form)} className="card max-w-2xl space-y-4">
        {form.errors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={form.errors} /></div> : null}
        <input type="hidden" name="intent" value="update" />
        <div className="grid gap-3 sm:grid-cols-3">
          <Field label={t('fee.amount')} {...getInputProps(fields.amount, { type: 'text' })} errors={fields.amount.errors} inputMode="decimal" />
          <Field label={t('fee.startDate')} {...getInputProps(fields.startDate, { type: 'date' })} errors={fields.startDate.errors} />
          <Field label={t('fee.endDate')} {...getInputProps(fields.endDate, { type: 'date' })} errors={fields.endDate.errors} help={t('fee.endDateHelp')} />
        </div>
        <FeePaymentFields paymentMethod={fields.paymentMethod} reference={fields.reference} comment={fields.comment} />
        <p className="text-sm text-gray-600">{t('edit.help')}</p>
        <SubmitButton pending={pending}>{t('edit.submit')}</SubmitButton>
      </Form>
      <section className="card max-w-2xl space-y-3" aria-labelledby="removal">
        <h2 id="removal" className="text-lg font-semibold">{t('edit.removal')}</h2>
        <p className="text-sm">{t('edit.deleteHelp')}</p>
        <ConfirmDeleteForm
          confirming={actionData?.confirmDelete === true}
          question={t('edit.confirmQuestion', { amount: formatEuros(fee.amountCents, lang), period })}
          labels={{ delete: t('edit.delete'), confirm: t('edit.confirmDelete'), cancel: t('edit.cancel') }}
        />
      </section>
      <AuditHistory entries={history} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'fees:edit.pageTitle')
