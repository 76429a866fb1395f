import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requireBackend } from '#app/backends/registry.server.ts'
import { bulkVpnAction, listVpnAccounts } from '#app/backends/vpn/accounts.server.ts'
import { VPN_BULK_ACTIONS, VpnBulkSchema, VpnListQuerySchema } from '#app/backends/vpn/vpn.schema.ts'
import { SelectableTable } from '#app/components/selectable-table.tsx'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorList, SubmitButton } from '#app/components/forms.tsx'
import { Pager } from '#app/components/pager.tsx'
import { ServiceStatusBadge } from '#app/components/service.tsx'
import { requireStaff } from '#app/utils/auth.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { readFormData } from '#app/utils/form.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  requireBackend('vpn')
  const query = VpnListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  return { query, ...await listVpnAccounts(query) }
}

/** Coin's admin actions on the ticked accounts; the count comes back in the address (`done`). */
export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request)
  requireBackend('vpn')
  const submission = parseWithZod(await readFormData(request), { schema: VpnBulkSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  const back = new URL(request.url).searchParams
  try {
    const changed = await bulkVpnAction({ ...submission.value, actorId: staff.id })
    back.set('done', `${submission.value.action}:${changed}`)
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    return data({ result: submission.reply({ formErrors: [error.message] }) }, { status: error.status })
  }
  return redirect(`/admin/vpn?${back}`)
}

export default function VpnAccounts() {
  const { query, total, pageCount, accounts } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('vpn')
  const [doneAction, doneCount] = (searchParams.get('done') ?? '').split(':')
  const done = VPN_BULK_ACTIONS.find((a) => a === doneAction)
  const hrefOf = (page: number) => {
    const params = new URLSearchParams(searchParams)
    params.delete('done')
    params.set('page', String(page))
    return `/admin/vpn?${params}`
  }
  const errors = [...actionData?.result.error?.[''] ?? [], ...actionData?.result.error?.ids ?? [], ...actionData?.result.error?.action ?? []]
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t('admin.title')}</h1>
      {done ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t(`admin.done.${done}`, { count: Number(doneCount) || 0 })}</p> : null}
      {searchParams.get('deleted') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('admin.deleted')}</p> : null}
      <Form method="GET" className="card flex flex-wrap items-end gap-3" role="search">
        <label className="flex flex-col text-sm">
          {t('admin.search')}
          <input type="search" name="q" defaultValue={query.q} className="input" placeholder={t('admin.searchPlaceholder')} />
        </label>
        <label className="flex flex-col text-sm">
          {t('admin.activatedFilter')}
          <select name="activated" defaultValue={query.activated ?? ''} className="input">
            <option value="">{t('admin.all')}</option>
            <option value="yes">{t('account.activated')}</option>
            <option value="no">{t('account.deactivated')}</option>
          </select>
        </label>
        <button type="submit" className="btn-secondary btn">{t('admin.filter')}</button>
      </Form>
      <p className="text-sm">{t('admin.count', { count: total })}</p>
      {errors.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={errors} /></div> : null}
      <Form method="POST" className="space-y-3">
        <SelectableTable
          selectLabel={t('admin.select')} empty={t('admin.none')} isEmpty={accounts.length === 0}
          headers={[t('account.login'), t('account.member'), t('account.state'), t('account.ipv4Endpoint'), t('account.ipv6Endpoint'), t('account.status'), t('account.comment')]}
        >
          {accounts.map((a) => (
            <tr key={a.configurationId}>
              <td className="px-3 py-2">
                <input type="checkbox" name="ids" value={a.configurationId} aria-label={t('admin.selectOne', { login: a.login })} />
              </td>
              <td className="px-3 py-2 font-mono"><Link to={`/admin/vpn/${a.configurationId}`}>{a.login}</Link></td>
              <td className="px-3 py-2"><Link to={`/admin/members/${a.member.id}`}>{a.member.name}</Link></td>
              <td className="px-3 py-2">{a.suspended ? t('account.suspended') : a.activated ? t('account.activated') : t('account.deactivated')}</td>
              <td className="px-3 py-2 font-mono">{a.ipv4Endpoint ?? '—'}</td>
              <td className="px-3 py-2 font-mono">{a.ipv6Endpoint ?? '—'}</td>
              <td className="px-3 py-2"><ServiceStatusBadge status={a.status} /></td>
              <td className="px-3 py-2">{a.comment}</td>
            </tr>
          ))}
        </SelectableTable>
        <fieldset className="flex flex-wrap gap-2">
          <legend className="mb-1 text-sm font-medium">{t('admin.bulk')}</legend>
          {VPN_BULK_ACTIONS.map((a) => (
            <SubmitButton key={a} name="action" value={a} className="btn-secondary btn">{t(`admin.actions.${a}`)}</SubmitButton>
          ))}
        </fieldset>
      </Form>
      <Pager page={query.page} pageCount={pageCount} hrefOf={hrefOf} label={t('admin.pagination')} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'vpn:admin.title')
