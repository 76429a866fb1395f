import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { formatDate, StatusBadge } from '#app/components/member-status.tsx'
import { listMembers } from '#app/models/member/list.server.ts'
import { setMembersStatus } from '#app/models/member/manage.server.ts'
import { MEMBER_STATUSES, MemberListQuerySchema } from '#app/models/member/member.schema.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { displayName } from '#app/models/member/username.ts'
import { pageTitle } from '#app/utils/meta.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  const query = MemberListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  const { total, pageCount, members } = await listMembers(query)
  return {
    query,
    total,
    pageCount,
    members: members.map((m) => ({ id: m.id, username: m.username, name: displayName(m), email: m.email, status: m.status, dateJoined: m.dateJoined, organizationName: m.organizationName })),
  }
}

const BulkStatusSchema = z.object({
  intent: z.literal('setStatus'),
  status: z.enum(MEMBER_STATUSES, { message: 'required' }),
  ids: z.array(z.coerce.number().int().positive()).min(1, { message: 'noneSelected' }).max(500),
})

export async function action({ request }: ActionFunctionArgs) {
  await requireStaff(request)
  const submission = parseWithZod(await request.formData(), { schema: BulkStatusSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  const count = await setMembersStatus(submission.value)
  const back = new URL(request.url).searchParams
  back.set('updated', String(count))
  return redirect(`/admin/members?${back.toString()}`)
}

const SORTABLE = [
  ['username', 'member.username'],
  ['name', 'member.name'],
  ['email', 'member.email'],
  ['status', 'member.status'],
  ['dateJoined', 'member.dateJoined'],
] as const

export default function MembersList() {
  const { query, total, pageCount, members } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const bulkErrors = actionData?.result.error
  const [searchParams] = useSearchParams()
  const updated = searchParams.get('updated')
  const { t, i18n } = useTranslation()
  const withParams = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(searchParams)
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k)
      else next.set(k, v)
    }
    return `?${next.toString()}`
  }
  const csvParams = new URLSearchParams(searchParams)
  csvParams.delete('page')
  csvParams.delete('updated')
  const listParams = new URLSearchParams(searchParams)
  listParams.delete('updated')
  const statusLabels = Object.fromEntries(MEMBER_STATUSES.map((s) => [s, t(`member.statuses.${s}`)]))
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-semibold">{t('admin.members')}</h1>
        <div className="flex gap-2">
          <a className="btn-secondary" href={`/admin/members.csv?${csvParams.toString()}`} download>{t('members.exportCsv')}</a>
          <Link className="btn" to="/admin/members/new">{t('members.new')}</Link>
        </div>
      </div>
      <Form method="GET" role="search" className="card flex flex-wrap items-end gap-3">
        <div className="min-w-56 flex-1">
          <label htmlFor="q">{t('members.search')}</label>
          <input id="q" name="q" type="search" defaultValue={query.q} className="input" placeholder={t('members.searchPlaceholder')} />
        </div>
        <div>
          <label htmlFor="status">{t('member.status')}</label>
          <select id="status" name="status" defaultValue={query.status ?? ''} className="input">
            <option value="">{t('members.allStatuses')}</option>
            {MEMBER_STATUSES.map((s) => <option key={s} value={s}>{t(`member.statuses.${s}`)}</option>)}
          </select>
        </div>
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="dir" value={query.dir} />
        <button type="submit" className="btn">{t('members.filter')}</button>
      </Form>
      {updated !== null ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('members.bulkUpdated', { count: Number(updated) })}</p> : null}
      <div className="flex flex-wrap items-end justify-between gap-3">
        <p className="text-sm text-gray-600" role="status">{t('members.count', { count: total })}</p>
        <Form id="bulk" method="POST" action={`/admin/members?${listParams.toString()}`} className="flex flex-wrap items-end gap-2">
          <input type="hidden" name="intent" value="setStatus" />
          <div>
            <label htmlFor="bulk-status">{t('members.bulkLabel')}</label>
            <select id="bulk-status" name="status" className="input" defaultValue="MEMBER">
              {MEMBER_STATUSES.map((s) => <option key={s} value={s}>{t('members.bulkSetStatus', { status: t(`member.statuses.${s}`) })}</option>)}
            </select>
          </div>
          <button type="submit" className="btn-secondary">{t('actions.apply')}</button>
          {bulkErrors?.ids ? <p role="alert" className="w-full text-sm text-red-700">{t('errors:noneSelected')}</p> : null}
        </Form>
      </div>
      <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
        <table className="min-w-full divide-y divide-gray-200 text-sm">
          <thead className="bg-gray-50 text-left">
            <tr>
              <th scope="col" className="w-8 px-3 py-2"><span className="sr-only">{t('members.select')}</span></th>
              {SORTABLE.map(([key, label]) => {
                const active = query.sort === key
                const nextDir = active && query.dir === 'asc' ? 'desc' : 'asc'
                return (
                  <th key={key} scope="col" className="px-3 py-2 font-semibold" aria-sort={active ? (query.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                    <Link to={withParams({ sort: key, dir: nextDir, page: null })} className="text-gray-900">
                      {t(label)} {active ? (query.dir === 'asc' ? '▲' : '▼') : ''}
                    </Link>
                  </th>
                )
              })}
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {members.map((m) => (
              <tr key={m.id} className="hover:bg-gray-50">
                <td className="px-3 py-2">
                  <input type="checkbox" form="bulk" name="ids" value={m.id} aria-label={t('members.selectOne', { name: m.name || m.username })} />
                </td>
                <td className="px-3 py-2 font-mono"><Link to={`/admin/members/${m.id}`}>{m.username}</Link></td>
                <td className="px-3 py-2">{m.name}</td>
                <td className="px-3 py-2">{m.email}</td>
                <td className="px-3 py-2"><StatusBadge status={m.status} label={statusLabels[m.status]} /></td>
                <td className="px-3 py-2 whitespace-nowrap">{formatDate(m.dateJoined, i18n.language)}</td>
              </tr>
            ))}
            {members.length === 0 ? (
              <tr><td colSpan={6} className="px-3 py-6 text-center text-gray-600">{t('members.none')}</td></tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {pageCount > 1 ? (
        <nav aria-label={t('members.pagination')} className="flex items-center gap-3 text-sm">
          {query.page > 1 ? <Link to={withParams({ page: String(query.page - 1) })} rel="prev">← {t('members.previous')}</Link> : null}
          <span>{t('members.page', { page: query.page, pageCount })}</span>
          {query.page < pageCount ? <Link to={withParams({ page: String(query.page + 1) })} rel="next">{t('members.next')} →</Link> : null}
        </nav>
      ) : null}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'admin.members')
