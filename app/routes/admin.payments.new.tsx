import { getFormProps, getInputProps, getSelectProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorList, Field, SelectField, SubmitButton, useIsPending } from '#app/components/forms.tsx'
import { PAYMENT_METHODS } from '#app/models/fee/fee.schema.ts'
import { getInvoice } from '#app/models/invoice/invoices.server.ts'
import { findMemberByIdOrUsername } from '#app/models/member/lookup.server.ts'
import { displayName } from '#app/models/member/username.ts'
import { PaymentSchema } from '#app/models/payment/payment.schema.ts'
import { recordPayment } from '#app/models/payment/payments.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { toIsoDate, today } from '#app/utils/dates.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { centsToInput, formatEuros } from '#app/utils/money.ts'
import { readFormData } from '#app/utils/form.server.ts'

/** `?memberId=` and `?invoiceId=` prefill the form; a present but malformed or unknown id is a 404. */
const id = z.string().regex(/^\d{1,9}$/).transform(Number).nullable().catch(null)
const PrefillSchema = z.object({ memberId: id, invoiceId: id })

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  const params = new URL(request.url).searchParams
  const { memberId, invoiceId } = PrefillSchema.parse({ memberId: params.get('memberId'), invoiceId: params.get('invoiceId') })
  if ((params.has('memberId') && !memberId) || (params.has('invoiceId') && !invoiceId)) notFound()
  const invoice = invoiceId ? await getInvoice(invoiceId, { today: today() }) : null
  if (invoiceId && !invoice) notFound()
  const found = memberId ?? invoice?.memberId
  const member = found ? await findMemberByIdOrUsername(String(found)) : null
  if (memberId && !member) notFound()
  return {
    member: member ? { id: member.id, username: member.username, name: displayName(member) } : null,
    invoice: invoice ? { id: invoice.id, label: invoice.label, remainingCents: invoice.remainingCents } : null,
    date: toIsoDate(today()),
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request)
  const formData = await readFormData(request)
  const submission = parseWithZod(formData, { schema: PaymentSchema })
  const typed = String(formData.get('member') ?? '')
  const member = typed.trim() ? await findMemberByIdOrUsername(typed) : null
  if (submission.status !== 'success' || !member) {
    const memberError = typed.trim() && !member ? { fieldErrors: { member: ['memberNotFound'] } } : {}
    return data({ result: submission.reply(memberError) }, { status: 400 })
  }
  const { method, amount, date, label, invoiceId } = submission.value
  try {
    await recordPayment({ memberId: member.id, method, amountCents: amount, date, label, forcedInvoiceId: invoiceId ?? null, actorId: staff.id })
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    return data({ result: submission.reply({ formErrors: [error.message] }) }, { status: error.status })
  }
  return redirect(invoiceId ? `/admin/invoices/${invoiceId}?paymentRecorded=1` : `/admin/members/${member.id}?paymentRecorded=1`)
}

export default function NewPayment() {
  const { member, invoice, date } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t, i18n } = useTranslation('payments')
  const pending = useIsPending()
  const [form, fields] = useForm({
    id: 'payment-new',
    lastResult: actionData?.result,
    constraint: getZodConstraint(PaymentSchema),
    defaultValue: {
      member: member ? String(member.id) : '',
      date,
      amount: invoice && invoice.remainingCents > 0 ? centsToInput(invoice.remainingCents) : '',
      invoiceId: invoice ? String(invoice.id) : '',
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PaymentSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  const back = invoice ? `/admin/invoices/${invoice.id}` : member ? `/admin/members/${member.id}` : '/admin/payments'
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to={back}>← {invoice ? invoice.label : member ? member.name : t('list.title')}</Link></p>
      <h1 className="text-2xl font-semibold">{t('new.title')}</h1>
      <Form method="POST" {...getFormProps(form)} className="card max-w-2xl space-y-4">
        {form.errors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={form.errors} /></div> : null}
        {member ? (
          <div>
            <input type="hidden" name={fields.member.name} value={member.id} />
            <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className="text-gray-600">{t('payment.member')}</dt>
              <dd>{member.name} <span className="font-mono text-gray-600">{member.username}</span></dd>
            </dl>
            <ErrorList errors={fields.member.errors} />
          </div>
        ) : (
          <Field label={t('payment.member')} {...getInputProps(fields.member, { type: 'text' })} errors={fields.member.errors} help={t('form.memberHelp')} autoComplete="off" />
        )}
        {invoice ? (
          <div>
            <input type="hidden" name={fields.invoiceId.name} value={invoice.id} />
            <p className="text-sm">
              {t('new.forInvoice')} <Link to={`/admin/invoices/${invoice.id}`} className="font-mono">{invoice.label}</Link>
              {' '}<span className="text-gray-600">({t('new.remaining', { amount: formatEuros(invoice.remainingCents, i18n.language) })})</span>
            </p>
            <p className="text-xs text-gray-500">{t('new.forInvoiceHelp')}</p>
            <ErrorList errors={fields.invoiceId.errors} />
          </div>
        ) : null}
        <div className="grid gap-3 sm:grid-cols-3">
          <Field label={t('form.amount')} {...getInputProps(fields.amount, { type: 'text' })} errors={fields.amount.errors} inputMode="decimal" placeholder="20,00" />
          <SelectField label={t('payment.method')} {...getSelectProps(fields.method)} errors={fields.method.errors}>
            <option value="">{t('form.chooseMethod')}</option>
            {PAYMENT_METHODS.map((m) => <option key={m} value={m}>{t(`fees:paymentMethods.${m}`)}</option>)}
          </SelectField>
          <Field label={t('payment.date')} {...getInputProps(fields.date, { type: 'date' })} errors={fields.date.errors} />
        </div>
        <Field label={t('payment.label')} {...getInputProps(fields.label, { type: 'text' })} errors={fields.label.errors} help={t('form.labelHelp')} />
        <p className="text-sm text-gray-600">{t('new.allocationHelp')}</p>
        <SubmitButton pending={pending}>{t('new.submit')}</SubmitButton>
      </Form>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'payments:new.title')
