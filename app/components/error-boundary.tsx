import { isRouteErrorResponse, Link, useRouteError } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'

type StatusHandler = (info: { status: number; data: unknown }) => ReactNode

/** What a 4xx thrown by the body guard (app/utils/form.server.ts) says went wrong. */
function badRequestText(data: unknown, t: (key: string, options?: Record<string, string>) => string) {
  const body = typeof data === 'string' ? safeJson(data) : data
  const { code, field } = (body ?? {}) as { code?: string; field?: string }
  if (!code || !['notAForm', 'malformedForm', 'nulCharacter', 'formTooLarge'].includes(code)) return t('errorPage.badRequest.text')
  return t(`errorPage.badRequest.${code}`, { field: field ?? '' })
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

/**
 * The one error boundary: 403 and 404 say so plainly, a bad request says what was wrong with it,
 * anything else is an unexpected error.
 */
export function GeneralErrorBoundary({ statusHandlers = {} }: { statusHandlers?: Record<number, StatusHandler> }) {
  const error = useRouteError()
  const { t } = useTranslation()
  if (isRouteErrorResponse(error)) {
    const handler = statusHandlers[error.status]
    if (handler) return <>{handler({ status: error.status, data: error.data })}</>
    if ([400, 413, 415].includes(error.status)) return <ErrorPanel status={error.status} title={t('errorPage.badRequest.title')} text={badRequestText(error.data, t)} />
    const key = error.status === 404 ? 'notFound' : error.status === 403 ? 'forbidden' : error.status === 429 ? 'tooManyRequests' : 'unexpected'
    return <ErrorPanel status={error.status} title={t(`errorPage.${key}.title`)} text={t(`errorPage.${key}.text`)} />
  }
  return <ErrorPanel status={500} title={t('errorPage.unexpected.title')} text={t('errorPage.unexpected.text')} />
}

function ErrorPanel({ status, title, text }: { status: number; title: string; text: string }) {
  const { t } = useTranslation()
  return (
    <div className="card mx-auto my-8 max-w-lg text-center" role="alert">
      <p className="text-4xl font-bold text-gray-400">{status}</p>
      <h1 className="mt-2 text-xl font-semibold">{title}</h1>
      <p className="mt-2 text-gray-700">{text}</p>
      <p className="mt-4">
        <Link to="/">{t('errorPage.home')}</Link>
      </p>
    </div>
  )
}
