import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, HeadersFunction, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { Field, SubmitButton, useIsPending } from '#app/components/forms.tsx'
import { requestPasswordReset } from '#app/models/member/password-reset.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { readFormData } from '#app/utils/form.server.ts'

const ForgotPasswordSchema = z.object({
  identifier: z.string({ error: 'required' }).trim().min(1, { message: 'required' }).max(254, { message: 'tooLong' }),
})

export async function loader() {
  // Public page: anyone may ask for a link; nothing here depends on who asks.
  return null
}

export async function action({ request }: ActionFunctionArgs) {
  // Public action: the answer is the same whether or not the account exists; the origin check runs in the server.
  const submission = parseWithZod(await readFormData(request), { schema: ForgotPasswordSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  await requestPasswordReset({ identifier: submission.value.identifier })
  return redirect('/forgot-password?sent=1')
}

export default function ForgotPassword() {
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('emails')
  const pending = useIsPending()
  const [form, fields] = useForm({
    id: 'forgot-password',
    lastResult: actionData?.result,
    constraint: getZodConstraint(ForgotPasswordSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ForgotPasswordSchema }),
    shouldValidate: 'onBlur',
  })
  const sent = searchParams.get('sent') === '1'
  return (
    <div className="mx-auto max-w-sm space-y-4">
      <h1 className="text-2xl font-semibold">{t('forgot.title')}</h1>
      {sent ? (
        <div role="status" className="space-y-1 rounded bg-green-50 p-3 text-sm text-green-800">
          <p>{t('forgot.sent')}</p>
          <p>{t('forgot.sentHelp')}</p>
        </div>
      ) : (
        <p className="text-sm text-gray-700">{t('forgot.intro')}</p>
      )}
      <Form method="POST" {...getFormProps(form)} className="card space-y-4">
        <Field
          label={t('forgot.identifier')}
          {...getInputProps(fields.identifier, { type: 'text' })}
          errors={fields.identifier.errors}
          autoComplete="username"
          autoFocus={!sent}
        />
        <SubmitButton pending={pending} className="btn w-full justify-center">{t('forgot.submit')}</SubmitButton>
      </Form>
      <p className="text-sm"><Link to="/login">{t('forgot.backToLogin')}</Link></p>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

// The answer never depends on the account, and never belongs in a shared cache.
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'no-store' })

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'emails:forgot.title')
