import { getFormProps, getInputProps, getSelectProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorList, Field, SelectField, SubmitButton, useIsPending } from '#app/components/forms.tsx'
import { formatDate } from '#app/components/member-status.tsx'
import { PAYMENT_METHODS } from '#app/models/fee/fee.schema.ts'
import { displayName } from '#app/models/member/username.ts'
import { updatePaymentDetails } from '#app/models/payment/edit.server.ts'
import { requirePayment } from '#app/models/payment/payments.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { IsoDateSchema } from '#app/utils/date.schema.ts'
import { toIsoDate } from '#app/utils/dates.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { formatEuros } from '#app/utils/money.ts'
import { readFormData } from '#app/utils/form.server.ts'

/** The form: an imported payment's form has no date or label (they are the bank's). */
const detailsSchema = (imported: boolean) =>
  z.object({
    date: imported ? IsoDateSchema.optional() : IsoDateSchema,
    label: z.string().trim().max(500, { message: 'tooLong' }).optional(),
    method: z.enum(PAYMENT_METHODS, { error: 'required' }),
  })

/** Which field a refusal of updatePaymentDetails belongs to. */
const ERROR_FIELDS: Record<string, string> = { IMPORTED_DATE_FIXED: 'date', IMPORTED_LABEL_FIXED: 'label' }

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request)
  const payment = await requirePayment(params)
  return {
    payment: {
      id: payment.id,
      amountCents: payment.amountCents,
      date: payment.date,
      label: payment.label,
      imported: payment.importKey !== null,
      defaults: { date: toIsoDate(payment.date), label: payment.label, method: payment.method },
    },
    member: payment.member ? { id: payment.member.id, username: payment.member.username, name: displayName(payment.member) } : null,
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request)
  const payment = await requirePayment(params)
  const imported = payment.importKey !== null
  const submission = parseWithZod(await readFormData(request), { schema: detailsSchema(imported) })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  const { date, label, method } = submission.value
  try {
    // An emptied label reaches the server as no label: on a manual payment it means "no label".
    await updatePaymentDetails({ id: payment.id, actorId: staff.id, date, method, label: imported ? label : (label ?? '') })
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    if (error.status === 404) notFound()
    const field = ERROR_FIELDS[error.code]
    const reply = field ? { fieldErrors: { [field]: [error.message] } } : { formErrors: [error.message] }
    return data({ result: submission.reply(reply) }, { status: error.status })
  }
  return redirect(`/admin/payments/${payment.id}?updated=1`)
}

export default function EditPayment() {
  const { payment, member } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t, i18n } = useTranslation('audit')
  const lang = i18n.language
  const pending = useIsPending()
  const schema = detailsSchema(payment.imported)
  const [form, fields] = useForm({
    id: 'payment-edit',
    lastResult: actionData?.result,
    constraint: getZodConstraint(schema),
    defaultValue: payment.defaults,
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to={`/admin/payments/${payment.id}`}>← {t('paymentEdit.back')}</Link></p>
      <h1 className="text-2xl font-semibold">{t('paymentEdit.title')}</h1>
      <Form method="POST" {...getFormProps(form)} className="card max-w-2xl space-y-4">
        {form.errors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={form.errors} /></div> : null}
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-gray-600">{t('paymentEdit.member')}</dt>
          <dd>{member ? <>{member.name} <span className="font-mono text-gray-600">{member.username}</span></> : '—'}</dd>
          <dt className="text-gray-600">{t('paymentEdit.amount')}</dt>
          <dd>{formatEuros(payment.amountCents, lang)}</dd>
          {payment.imported ? (
            <>
              <dt className="text-gray-600">{t('paymentEdit.date')}</dt>
              <dd>{formatDate(payment.date, lang)}</dd>
              <dt className="text-gray-600">{t('paymentEdit.label')}</dt>
              <dd className="break-all">{payment.label || '—'}</dd>
            </>
          ) : null}
        </dl>
        <p className="text-sm text-gray-600">{payment.imported ? t('paymentEdit.imported') : t('paymentEdit.fixedHelp')}</p>
        {payment.imported ? (
          <>
            <ErrorList errors={fields.date.errors} />
            <ErrorList errors={fields.label.errors} />
          </>
        ) : (
          <div className="grid gap-3 sm:grid-cols-[max-content_1fr]">
            <Field label={t('paymentEdit.date')} {...getInputProps(fields.date, { type: 'date' })} errors={fields.date.errors} />
            <Field label={t('paymentEdit.label')} {...getInputProps(fields.label, { type: 'text' })} errors={fields.label.errors} />
          </div>
        )}
        <SelectField label={t('paymentEdit.method')} {...getSelectProps(fields.method)} errors={fields.method.errors} className="max-w-xs">
          {PAYMENT_METHODS.map((m) => <option key={m} value={m}>{t(`fees:paymentMethods.${m}`)}</option>)}
        </SelectField>
        <SubmitButton pending={pending}>{t('paymentEdit.submit')}</SubmitButton>
      </Form>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'audit:paymentEdit.pageTitle')
