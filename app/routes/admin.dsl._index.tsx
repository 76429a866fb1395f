import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DslListQuerySchema } from '#app/backends/dsl/dsl.schema.ts'
import { listDslLines } from '#app/backends/dsl/lines.server.ts'
import { formatPhoneNumber } from '#app/backends/dsl/phone.ts'
import { requireBackend } from '#app/backends/registry.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { formatDate } from '#app/components/member-status.tsx'
import { Pager } from '#app/components/pager.tsx'
import { requireStaff } from '#app/utils/auth.server.ts'
import { pageTitle } from '#app/utils/meta.ts'

/** Staff's list of DSL lines, searched by phone number (typed the French way or +33), reference, provider or member. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  requireBackend('dsl')
  const query = DslListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  return { query, ...await listDslLines(query) }
}

export default function DslLines() {
  const { query, total, pageCount, lines } = useLoaderData<typeof loader>()
  const [searchParams] = useSearchParams()
  const { t, i18n } = useTranslation('dsl')
  const hrefOf = (page: number) => {
    const params = new URLSearchParams(searchParams)
    params.set('page', String(page))
    return `/admin/dsl?${params}`
  }
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t('admin.title')}</h1>
      <Form method="GET" className="card flex flex-wrap items-end gap-3" role="search">
        <label className="flex flex-col text-sm">
          {t('admin.search')}
          <input type="search" name="q" defaultValue={query.q} className="input" placeholder={t('admin.searchPlaceholder')} />
        </label>
        <button type="submit" className="btn-secondary btn">{t('admin.filter')}</button>
      </Form>
      <p className="text-sm">{t('admin.count', { count: total })}</p>
      <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
        <table className="min-w-full divide-y divide-gray-200 text-sm">
          <thead className="bg-gray-50 text-left">
            <tr>
              <th scope="col" className="px-3 py-2 font-semibold">{t('line.phoneNumber')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('line.member')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('line.providerName')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('line.lineReference')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('line.pppLogin')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('line.activationDate')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('line.comment')}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {lines.map((line) => (
              <tr key={line.configurationId}>
                <td className="px-3 py-2 font-mono">
                  <Link to={`/admin/dsl/${line.configurationId}`}>
                    {line.phoneNumber ? formatPhoneNumber(line.phoneNumber) : t('line.titleNoPhone', { id: line.configurationId })}
                  </Link>
                  {line.suspended ? <span className="ml-2 badge bg-gray-200 text-gray-700">{t('line.suspended')}</span> : null}
                </td>
                <td className="px-3 py-2"><Link to={`/admin/members/${line.member.id}`}>{line.member.name}</Link></td>
                <td className="px-3 py-2">{line.providerName}</td>
                <td className="px-3 py-2 font-mono">{line.lineReference}</td>
                <td className="px-3 py-2 font-mono">{line.pppLogin}</td>
                <td className="px-3 py-2">{formatDate(line.activationDate, i18n.language)}</td>
                <td className="px-3 py-2">{line.comment}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {lines.length === 0 ? <p className="p-3 text-sm text-gray-600">{t('admin.none')}</p> : null}
      </div>
      <Pager page={query.page} pageCount={pageCount} hrefOf={hrefOf} label={t('admin.pagination')} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'dsl:admin.title')
