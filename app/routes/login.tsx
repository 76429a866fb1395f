import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Field, SubmitButton, useIsPending } from '#app/components/forms.tsx'
import { authenticateLogin, LoginError, safeRedirect } from '#app/utils/auth.server.ts'
import { createSession, getSessionMember } from '#app/utils/session.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { shareMetaTags } from '#app/models/isp/share-card.ts'
import { getShareMeta } from '#app/models/isp/share-card.server.tsx'
import { getLanguage } from '#app/utils/i18n.server.ts'
import { readFormData } from '#app/utils/form.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  // Public page: the only check is that a logged-in member has nothing to do here.
  if (await getSessionMember(request)) throw redirect('/')
  // What a link to this page shows when shared (Open Graph tags, see meta).
  return { share: await getShareMeta(await getLanguage(request)) }
}

export async function action({ request }: ActionFunctionArgs) {
  // Public action: authentication is what it does; the origin check runs in the server.
  const form = await readFormData(request.clone())
  const redirectTo = safeRedirect(form.get('redirectTo'))
  try {
    const memberId = await authenticateLogin(request)
    const cookie = await createSession({ memberId, request })
    return redirect(redirectTo, { headers: { 'Set-Cookie': cookie } })
  } catch (error) {
    if (!(error instanceof LoginError)) throw error
    const identifier = String(form.get('identifier') ?? '')
    if (error.code === 'THROTTLED') {
      return data(
        { error: 'throttled' as const, minutes: Math.ceil(error.retryAfterSeconds / 60), identifier },
        { status: 429, headers: { 'Retry-After': String(error.retryAfterSeconds) } },
      )
    }
    return data({ error: 'invalid' as const, minutes: 0, identifier }, { status: 400 })
  }
}

export default function Login() {
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation()
  const pending = useIsPending()
  return (
    <div className="mx-auto max-w-sm">
      <h1 className="mb-4 text-2xl font-semibold">{t('login.title')}</h1>
      {searchParams.get('reset') === '1' ? (
        <p role="status" className="mb-4 rounded bg-green-50 p-2 text-sm text-green-800">{t('emails:reset.done')}</p>
      ) : null}
      <Form method="POST" className="card space-y-4">
        {actionData?.error ? (
          <p role="alert" className="rounded bg-red-50 p-2 text-sm text-red-800">
            {actionData.error === 'throttled' ? t('login.throttled', { count: actionData.minutes }) : t('login.invalid')}
          </p>
        ) : null}
        <input type="hidden" name="redirectTo" value={searchParams.get('redirectTo') ?? '/'} />
        <Field
          label={t('login.identifier')}
          name="identifier"
          autoComplete="username"
          required
          autoFocus
          defaultValue={actionData?.identifier ?? ''}
        />
        <Field label={t('login.password')} name="password" type="password" autoComplete="current-password" required />
        <SubmitButton pending={pending} className="btn w-full justify-center">{t('login.submit')}</SubmitButton>
      </Form>
      <p className="mt-3 text-sm"><Link to="/forgot-password">{t('emails:forgot.link')}</Link></p>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => [...pageTitle(matches, 'login.title'), ...shareMetaTags(data?.share)]
