import { getFormProps, getInputProps, getTextareaProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { requireBackend } from '#app/backends/registry.server.ts'
import { deleteVpnAccount, getVpnAccount, requeueVpnSync, resetVpnPassword, updateVpnAccount } from '#app/backends/vpn/accounts.server.ts'
import { VpnEditSchema, VpnIdParams } from '#app/backends/vpn/vpn.schema.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ConfirmDeleteForm, ErrorList, Field, SubmitButton, TextareaField, useIsPending } from '#app/components/forms.tsx'
import { ServiceStatusBadge, SubnetList, VpnPasswordSection } from '#app/components/service.tsx'
import { requireStaff } from '#app/utils/auth.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { readFormData } from '#app/utils/form.server.ts'

const ActionSchema = z.discriminatedUnion('intent', [
  VpnEditSchema.extend({ intent: z.literal('save') }),
  z.object({ intent: z.literal('password') }),
  z.object({ intent: z.literal('sync') }),
  z.object({ intent: z.literal('delete') }),
  z.object({ intent: z.literal('confirmDelete') }),
])

async function requireAccount(params: LoaderFunctionArgs['params']) {
  const { vpnId } = VpnIdParams.parse(params)
  const vpn = vpnId ? await getVpnAccount({ configurationId: vpnId }) : null
  return vpn ?? notFound()
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request)
  requireBackend('vpn')
  return { vpn: await requireAccount(params) }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request)
  requireBackend('vpn')
  const { configurationId } = await requireAccount(params)
  const submission = parseWithZod(await readFormData(request), { schema: ActionSchema })
  if (submission.status !== 'success') return data({ result: submission.reply(), password: null }, { status: 400 })
  const value = submission.value
  if (value.intent === 'password') return { result: null, password: await resetVpnPassword({ configurationId }) }
  if (value.intent === 'delete') return { result: null, password: null, confirmDelete: true }
  if (value.intent === 'confirmDelete') {
    await deleteVpnAccount({ configurationId, actorId: staff.id })
    return redirect('/admin/vpn?deleted=1')
  }
  if (value.intent === 'sync') {
    await requeueVpnSync(configurationId)
    return redirect(`/admin/vpn/${configurationId}?queued=1`)
  }
  try {
    const { intent: _intent, ...input } = value
    await updateVpnAccount({ configurationId, ...input })
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    const field = ({ IPV4_ENDPOINT_OUTSIDE: 'ipv4Endpoint', IPV6_ENDPOINT_OUTSIDE: 'ipv6Endpoint', VPN_LOGIN_TAKEN: 'login' } as const satisfies Record<string, string>)[error.code] ?? null
    return data({ result: submission.reply(field ? { fieldErrors: { [field]: [error.message] } } : { formErrors: [error.message] }), password: null }, { status: error.status })
  }
  return redirect(`/admin/vpn/${configurationId}?saved=1`)
}

export default function AdminVpnAccount() {
  const { vpn } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const pending = useIsPending()
  const { t } = useTranslation('vpn')
  const [form, fields] = useForm({
    id: 'vpn-edit',
    lastResult: actionData?.result,
    constraint: getZodConstraint(VpnEditSchema),
    defaultValue: { login: vpn.login, activated: vpn.activated ? 'on' : undefined, ipv4Endpoint: vpn.ipv4Endpoint ?? '', ipv6Endpoint: vpn.ipv6Endpoint ?? '', comment: vpn.comment },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: VpnEditSchema }),
    shouldValidate: 'onBlur',
  })
  const notice = searchParams.get('saved') ? t('admin.saved') : searchParams.get('queued') ? t('admin.queued') : null
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to="/admin/vpn">← {t('admin.title')}</Link></p>
      <h1 className="text-2xl font-semibold">{t('account.title', { login: vpn.login })}</h1>
      {notice ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{notice}</p> : null}
      <section className="card space-y-2" aria-labelledby="vpn-details">
        <h2 id="vpn-details" className="text-lg font-semibold">{t('account.details')}</h2>
        <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="font-medium">{t('account.login')}</dt><dd className="font-mono">{vpn.login}</dd>
          <dt className="font-medium">{t('account.member')}</dt><dd><Link to={`/admin/members/${vpn.member.id}`}>{vpn.member.name}</Link> ({vpn.member.username})</dd>
          <dt className="font-medium">{t('account.subscription')}</dt>
          <dd><Link to={`/admin/subscriptions/${vpn.subscription.id}`}>{vpn.subscription.offer.name}</Link></dd>
          <dt className="font-medium">{t('account.status')}</dt><dd><ServiceStatusBadge status={vpn.status} detailed /></dd>
          {vpn.suspended ? <><dt className="font-medium">{t('account.state')}</dt><dd>{t('account.suspendedHelp')}</dd></> : null}
        </dl>
        <SubnetList subnets={vpn.subnets} poolLinks />
        <Form method="POST">
          <input type="hidden" name="intent" value="sync" />
          <SubmitButton className="btn-secondary btn">{t('admin.syncNow')}</SubmitButton>
        </Form>
      </section>
      <Form method="POST" {...getFormProps(form)} className="card space-y-3">
        <h2 className="text-lg font-semibold">{t('admin.edit')}</h2>
        <input type="hidden" name="intent" value="save" />
        {form.errors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={form.errors} /></div> : null}
        <Field label={t('account.login')} {...getInputProps(fields.login, { type: 'text' })} errors={fields.login.errors} help={t('admin.loginHelp')} autoComplete="off" />
        <label className="flex items-center gap-2 font-normal">
          <input {...getInputProps(fields.activated, { type: 'checkbox' })} />
          {t('account.activated')}
        </label>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label={t('account.ipv4Endpoint')} {...getInputProps(fields.ipv4Endpoint, { type: 'text' })} errors={fields.ipv4Endpoint.errors} help={t('admin.endpointHelp')} />
          <Field label={t('account.ipv6Endpoint')} {...getInputProps(fields.ipv6Endpoint, { type: 'text' })} errors={fields.ipv6Endpoint.errors} help={t('admin.endpointHelp')} />
        </div>
        <TextareaField label={t('account.comment')} {...getTextareaProps(fields.comment)} errors={fields.comment.errors} rows={2} />
        <SubmitButton pending={pending}>{t('common:actions.save')}</SubmitButton>
      </Form>
      <VpnPasswordSection password={actionData?.password} hasPassword={vpn.hasPassword} shownOnce={t('password.shownOnceStaff')} />
      <section className="card space-y-3" aria-labelledby="vpn-delete">
        <h2 id="vpn-delete" className="text-lg font-semibold">{t('admin.delete')}</h2>
        <p className="text-sm">{t('admin.deleteHelp')}</p>
        <ConfirmDeleteForm
          confirming={Boolean(actionData && 'confirmDelete' in actionData)}
          question={t('admin.deleteQuestion', { login: vpn.login })}
          labels={{ delete: t('admin.delete'), confirm: t('admin.deleteConfirm'), cancel: t('admin.deleteCancel') }}
        />
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, 'vpn:account.title', { login: data?.vpn.login ?? '' })
