import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { formatCount, PoolUsageBar } from '#app/components/ip-usage.tsx'
import { listPools } from '#app/models/ip/pools.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { pageTitle } from '#app/utils/meta.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  return { pools: await listPools() }
}

export default function PoolsList() {
  const { pools } = useLoaderData<typeof loader>()
  const [searchParams] = useSearchParams()
  const { t, i18n } = useTranslation('ip')
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-semibold">{t('pools.title')}</h1>
        <div className="flex flex-wrap items-center gap-3">
          <Link to="/admin/nameservers">{t('pools.nameServers')}</Link>
          <Link className="btn" to="/admin/pools/new">{t('pools.new')}</Link>
        </div>
      </div>
      {searchParams.get('deleted') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('pools.deleted')}</p> : null}
      <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
        <table className="min-w-full divide-y divide-gray-200 text-sm">
          <thead className="bg-gray-50 text-left">
            <tr>
              <th scope="col" className="px-3 py-2 font-semibold">{t('pool.name')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('pool.network')}</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">{t('pool.defaultPrefixLengthShort')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('pools.usage')}</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">{t('pools.subnetCount')}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {pools.map((pool) => (
              <tr key={pool.id} className="hover:bg-gray-50">
                <td className="px-3 py-2"><Link to={`/admin/pools/${pool.id}`}>{pool.name}</Link></td>
                <td className="px-3 py-2 font-mono">{pool.network}</td>
                <td className="px-3 py-2 text-right font-mono">/{pool.defaultPrefixLength}</td>
                <td className="px-3 py-2"><PoolUsageBar usage={pool.usage} defaultPrefixLength={pool.defaultPrefixLength} name={pool.name} /></td>
                <td className="px-3 py-2 text-right">{formatCount(String(pool.subnetCount), i18n.language)}</td>
              </tr>
            ))}
            {pools.length === 0 ? (
              <tr><td colSpan={5} className="px-3 py-6 text-center text-gray-600">{t('pools.none')}</td></tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'ip:pools.title')
