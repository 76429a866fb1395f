import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { Field, SubmitButton, useIsPending } from '#app/components/forms.tsx'
import { checkResetToken, resetPassword } from '#app/models/member/password-reset.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { readFormData } from '#app/utils/form.server.ts'

/** The rules of the change-password page: at least 10 characters, typed twice. */
const ResetPasswordSchema = z
  .object({
    newPassword: z.string({ error: 'required' }).min(10, { message: 'passwordTooShort' }).max(200, { message: 'tooLong' }),
    confirmPassword: z.string({ error: 'required' }).min(1, { message: 'required' }),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: 'passwordMismatch' })

const TokenParams = z.object({ token: z.string().catch('') })

const HIDDEN = { hideFields: ['newPassword', 'confirmPassword'] }

export async function loader({ params }: LoaderFunctionArgs) {
  // Public page: the token in the address is the credential.
  const { token } = TokenParams.parse(params)
  const account = await checkResetToken({ token })
  if (!account) return data({ valid: false, username: '' }, { status: 410 })
  return data({ valid: true, username: account.username })
}

export async function action({ request, params }: ActionFunctionArgs) {
  // Public action: the token is checked by resetPassword; the origin check runs in the server.
  const { token } = TokenParams.parse(params)
  const submission = parseWithZod(await readFormData(request), { schema: ResetPasswordSchema })
  if (submission.status !== 'success') return data({ valid: true, result: submission.reply(HIDDEN) }, { status: 400 })
  try {
    await resetPassword({ token, password: submission.value.newPassword })
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    return data({ valid: false, result: submission.reply({ formErrors: [error.message], ...HIDDEN }) }, { status: error.status })
  }
  return redirect('/login?reset=1')
}

export default function ResetPassword() {
  const { valid: linkValid, username } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation('emails')
  const pending = useIsPending()
  const [form, fields] = useForm({
    id: 'reset-password',
    lastResult: actionData?.result,
    constraint: getZodConstraint(ResetPasswordSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ResetPasswordSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  if (!(actionData?.valid ?? linkValid)) {
    return (
      <div className="card mx-auto max-w-md space-y-3" role="alert">
        <h1 className="text-xl font-semibold">{t('reset.invalidTitle')}</h1>
        <p className="text-gray-700">{t('reset.invalidText')}</p>
        <p><Link className="btn" to="/forgot-password">{t('reset.askNew')}</Link></p>
      </div>
    )
  }
  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-semibold">{t('reset.title')}</h1>
      <Form method="POST" {...getFormProps(form)} className="card space-y-4">
        <p className="text-sm text-gray-700">{t('reset.account', { username })}</p>
        {/* Lets password managers store the new password under the right account. */}
        <input type="text" name="username" value={username} autoComplete="username" readOnly hidden />
        <Field label={t('reset.new')} {...getInputProps(fields.newPassword, { type: 'password' })} errors={fields.newPassword.errors} autoComplete="new-password" help={t('reset.help')} autoFocus />
        <Field label={t('reset.confirm')} {...getInputProps(fields.confirmPassword, { type: 'password' })} errors={fields.confirmPassword.errors} autoComplete="new-password" />
        <SubmitButton pending={pending}>{t('reset.submit')}</SubmitButton>
      </Form>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

// The address holds a secret: no cache keeps the page (entry.server's same-origin Referrer-Policy keeps it from other sites).
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'no-store' })

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'emails:reset.title')
