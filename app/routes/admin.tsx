import type { LoaderFunctionArgs } from '@remix-run/node'
import { NavLink, Outlet, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getBackend } from '#app/backends/registry.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { requireStaff } from '#app/utils/auth.server.ts'
import { moduleEnabled } from '#app/utils/modules.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  // Every child route repeats this guard: Remix runs loaders in parallel.
  await requireStaff(request)
  return { vpn: getBackend('vpn') !== null, hardware: moduleEnabled('hardware'), lists: moduleEnabled('maillists'), dsl: getBackend('dsl') !== null }
}

export default function AdminLayout() {
  const { vpn, dsl, hardware, lists } = useLoaderData<typeof loader>()
  const { t } = useTranslation()
  const navClass = ({ isActive }: { isActive: boolean }) =>
    `block rounded px-2 py-1 text-sm no-underline ${isActive ? 'bg-brand-100 font-semibold text-brand-800' : 'text-gray-700 hover:bg-gray-100'}`
  return (
    <div className="grid gap-6 md:grid-cols-[12rem_1fr]">
      <nav aria-label={t('admin.nav')} className="space-y-1">
        <NavLink to="/admin" end className={navClass}>{t('admin.overview')}</NavLink>
        <NavLink to="/admin/members" className={navClass}>{t('admin.members')}</NavLink>
        <NavLink to="/admin/requests" className={navClass}>{t('admin.requests')}</NavLink>
        <NavLink to="/admin/subscriptions" className={navClass}>{t('admin.subscriptions')}</NavLink>
        <NavLink to="/admin/offers" className={navClass}>{t('admin.offers')}</NavLink>
        {vpn ? <NavLink to="/admin/vpn" className={navClass}>{t('vpn:admin.title')}</NavLink> : null}
        {dsl ? <NavLink to="/admin/dsl" className={navClass}>{t('dsl:admin.title')}</NavLink> : null}
        {hardware ? <NavLink to="/admin/hardware" className={navClass}>{t('hardware:nav.admin')}</NavLink> : null}
        {lists ? <NavLink to="/admin/lists" className={navClass}>{t('lists:nav.admin')}</NavLink> : null}
        <NavLink to="/admin/pools" className={navClass}>{t('ip:pools.title')}</NavLink>
        <NavLink to="/admin/fees" className={navClass}>{t('admin.fees')}</NavLink>
        <NavLink to="/admin/invoices" className={navClass}>{t('admin.invoices')}</NavLink>
        <NavLink to="/admin/payments" className={navClass}>{t('admin.payments')}</NavLink>
        <NavLink to="/admin/emails" className={navClass}>{t('admin.emails')}</NavLink>
        <NavLink to="/admin/jobs" className={navClass}>{t('admin.jobs')}</NavLink>
        <NavLink to="/admin/audit" className={navClass}>{t('admin.audit')}</NavLink>
        <NavLink to="/admin/settings" className={navClass}>{t('admin.settings')}</NavLink>
      </nav>
      <div className="min-w-0">
        <Outlet />
      </div>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
