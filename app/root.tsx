import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, Links, Meta, NavLink, Outlet, Scripts, ScrollRestoration, useLocation, useRouteLoaderData } from '@remix-run/react'
import type { ReactNode } from 'react'
import { I18nextProvider, useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from './components/error-boundary.tsx'
import { DEFAULT_LANGUAGE, getI18n, LANGUAGES } from './i18n.ts'
import { getIspBranding } from './models/isp/settings.server.ts'
import stylesheet from './tailwind.css?url'
import { isStaff } from './utils/auth.server.ts'
import { getLanguage } from './utils/i18n.server.ts'
import { moduleEnabled } from './utils/modules.server.ts'
import { useNonce } from './utils/nonce-provider.ts'
import { getSessionMember } from './utils/session.server.ts'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesheet },
  // The ISP's logo once it has one, else Coin's mark (app/integrations/images/icons.server.tsx).
  { rel: 'icon', href: '/favicon.png', type: 'image/png', sizes: '32x32' },
  { rel: 'apple-touch-icon', href: '/apple-touch-icon.png' },
]

export async function loader({ request }: LoaderFunctionArgs) {
  const [member, branding] = await Promise.all([getSessionMember(request), getIspBranding()])
  const language = await getLanguage(request, member?.language)
  return {
    language,
    ispName: branding.name,
    themeColor: branding.primaryColor,
    logoVersion: branding.logoVersion,
    member: member ? { displayName: member.displayName, username: member.username, isStaff: isStaff(member) } : null,
    hardware: moduleEnabled('hardware'),
    lists: moduleEnabled('maillists'),
  }
}

export type RootLoader = typeof loader

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('root')
  const language = data?.language ?? DEFAULT_LANGUAGE
  const i18n = getI18n(language)
  const nonce = useNonce()
  return (
    <html lang={language}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
        {/* The ISP's colour (ISP record): a tiny stylesheet named by the colour, cached for good. */}
        {data?.themeColor ? <link rel="stylesheet" href={`/theme.css?color=${encodeURIComponent(data.themeColor)}`} /> : null}
      </head>
      <body className="min-h-screen bg-gray-50 text-gray-900">
        <I18nextProvider i18n={i18n}>
          <Shell>{children}</Shell>
        </I18nextProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

function Shell({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('root')
  const { t } = useTranslation()
  const location = useLocation()
  const member = data?.member
  const navClass = ({ isActive }: { isActive: boolean }) =>
    `rounded px-2 py-1 text-sm no-underline hover:bg-brand-50 ${isActive ? 'bg-brand-100 font-semibold text-brand-800' : 'text-gray-700'}`
  return (
    <>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:bg-white focus:p-2">
        {t('nav.skip')}
      </a>
      <header className="border-b border-gray-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
          <Link to="/" className="flex items-center gap-2 text-lg font-bold text-brand-800 no-underline">
            {/* The name beside it says it all: the logo needs no text of its own. */}
            {data?.logoVersion ? <img src={`/logo?v=${data.logoVersion}`} alt="" className="h-8 w-auto" /> : null}
            {data?.ispName ?? 'Coin'}
          </Link>
          {member ? (
            <nav aria-label={t('nav.label')} className="flex flex-wrap items-center gap-1">
              <NavLink to="/" end className={navClass}>{t('nav.dashboard')}</NavLink>
              <NavLink to="/profile" className={navClass}>{t('nav.profile')}</NavLink>
              <NavLink to="/subscriptions" className={navClass}>{t('nav.subscriptions')}</NavLink>
              <NavLink to="/invoices" className={navClass}>{t('nav.billing')}</NavLink>
              {data?.hardware ? <NavLink to="/hardware" className={navClass}>{t('hardware:nav.member')}</NavLink> : null}
              {data?.lists ? <NavLink to="/lists" className={navClass}>{t('lists:nav.member')}</NavLink> : null}
              <NavLink to="/password" className={navClass}>{t('nav.password')}</NavLink>
              {member.isStaff ? <NavLink to="/admin" className={navClass}>{t('nav.admin')}</NavLink> : null}
            </nav>
          ) : null}
          <div className="ml-auto flex items-center gap-3">
            <Form method="POST" action="/language" className="flex items-center gap-1">
              <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
              {LANGUAGES.map((lng) => (
                <button
                  key={lng}
                  type="submit"
                  name="language"
                  value={lng}
                  aria-pressed={data?.language === lng}
                  lang={lng}
                  className="rounded px-1.5 py-0.5 text-xs uppercase text-gray-600 aria-pressed:bg-gray-200 aria-pressed:font-semibold"
                >
                  {lng}
                </button>
              ))}
            </Form>
            {member ? (
              <Form method="POST" action="/logout" className="flex items-center gap-2">
                <span className="text-sm text-gray-600">{member.displayName}</span>
                <button type="submit" className="btn-secondary">{t('nav.logout')}</button>
              </Form>
            ) : null}
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-6">
        {children}
      </main>
    </>
  )
}

export default function App() {
  return <Outlet />
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.ispName ?? 'Coin' }]
