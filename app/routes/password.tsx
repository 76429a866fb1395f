import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { Field, SubmitButton, useIsPending } from '#app/components/forms.tsx'
import { ChangePasswordSchema } from '#app/models/member/member.schema.ts'
import { changePassword } from '#app/models/member/profile.server.ts'
import { requireMember } from '#app/utils/auth.server.ts'
import { revokeSessions } from '#app/utils/session.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { readFormData } from '#app/utils/form.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireMember(request)
  return null
}

export async function action({ request }: ActionFunctionArgs) {
  const member = await requireMember(request)
  const submission = parseWithZod(await readFormData(request), { schema: ChangePasswordSchema })
  if (submission.status !== 'success') {
    return data({ result: submission.reply({ hideFields: ['currentPassword', 'newPassword', 'confirmPassword'] }) }, { status: 400 })
  }
  const changed = await changePassword({ memberId: member.id, ...submission.value })
  if (!changed) {
    return data(
      { result: submission.reply({ fieldErrors: { currentPassword: ['currentPasswordWrong'] }, hideFields: ['currentPassword', 'newPassword', 'confirmPassword'] }) },
      { status: 400 },
    )
  }
  // Other devices logged in with the old password are logged out.
  await revokeSessions({ memberId: member.id, exceptSessionId: member.sessionId })
  return redirect('/password?saved=1')
}

export default function ChangePassword() {
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation()
  const pending = useIsPending()
  const [form, fields] = useForm({
    id: 'password',
    lastResult: actionData?.result,
    constraint: getZodConstraint(ChangePasswordSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ChangePasswordSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-semibold">{t('password.title')}</h1>
      {searchParams.get('saved') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('password.saved')}</p> : null}
      <Form method="POST" {...getFormProps(form)} className="card space-y-4">
        <Field label={t('password.current')} {...getInputProps(fields.currentPassword, { type: 'password' })} errors={fields.currentPassword.errors} autoComplete="current-password" />
        <Field label={t('password.new')} {...getInputProps(fields.newPassword, { type: 'password' })} errors={fields.newPassword.errors} autoComplete="new-password" help={t('password.help')} />
        <Field label={t('password.confirm')} {...getInputProps(fields.confirmPassword, { type: 'password' })} errors={fields.confirmPassword.errors} autoComplete="new-password" />
        <SubmitButton pending={pending}>{t('password.submit')}</SubmitButton>
      </Form>
      <p className="text-sm"><Link to="/sessions">{t('password.sessionsLink')}</Link></p>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'password.title')
