import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorList, Field, SubmitButton, useIsPending } from '#app/components/forms.tsx'
import { NewDraftSchema } from '#app/models/invoice/invoice.schema.ts'
import { createDraft } from '#app/models/invoice/invoices.server.ts'
import { findMemberByIdOrUsername } from '#app/models/member/lookup.server.ts'
import { MemberIdParams } from '#app/models/member/params.ts'
import { displayName } from '#app/models/member/username.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { readFormData } from '#app/utils/form.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  const url = new URL(request.url)
  const paymentDelay = getEnv().PAYMENT_DELAY
  if (!url.searchParams.has('memberId')) return { member: null, paymentDelay }
  const { memberId } = MemberIdParams.parse({ memberId: url.searchParams.get('memberId') })
  const member = memberId ? await findMemberByIdOrUsername(String(memberId)) : null
  if (!member) notFound()
  return { member: { id: member.id, username: member.username, name: displayName(member) }, paymentDelay }
}

export async function action({ request }: ActionFunctionArgs) {
  await requireStaff(request)
  const submission = parseWithZod(await readFormData(request), { schema: NewDraftSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  const member = await findMemberByIdOrUsername(submission.value.member)
  if (!member) return data({ result: submission.reply({ fieldErrors: { member: ['memberNotFound'] } }) }, { status: 400 })
  try {
    const draft = await createDraft({ memberId: member.id, dueDate: submission.value.dueDate })
    return redirect(`/admin/invoices/${draft.id}?created=1`)
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    return data({ result: submission.reply({ formErrors: [error.message] }) }, { status: error.status })
  }
}

export default function NewInvoice() {
  const { member, paymentDelay } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation('billing')
  const pending = useIsPending()
  const [form, fields] = useForm({
    id: 'invoice-new',
    lastResult: actionData?.result,
    constraint: getZodConstraint(NewDraftSchema),
    defaultValue: { member: member ? String(member.id) : '' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: NewDraftSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to={member ? `/admin/members/${member.id}` : '/admin/invoices'}>← {member ? member.name : t('list.title')}</Link></p>
      <h1 className="text-2xl font-semibold">{t('new.title')}</h1>
      <Form method="POST" {...getFormProps(form)} className="card max-w-xl space-y-4">
        {form.errors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={form.errors} /></div> : null}
        <Field
          label={t('invoice.member')}
          {...getInputProps(fields.member, { type: 'text' })}
          errors={fields.member.errors}
          help={member ? t('new.memberIs', { name: member.name, username: member.username }) : t('new.memberHelp')}
          autoComplete="off"
        />
        <Field
          label={t('invoice.dueDate')}
          {...getInputProps(fields.dueDate, { type: 'date' })}
          errors={fields.dueDate.errors}
          help={t('draft.dueDateHelp', { count: paymentDelay })}
        />
        <SubmitButton pending={pending}>{t('new.submit')}</SubmitButton>
      </Form>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'billing:new.title')
