import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { EmailDeliveryBanner } from '#app/components/email-delivery-banner.tsx'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { SubmitButton } from '#app/components/forms.tsx'
import { formatDateTime } from '#app/components/member-status.tsx'
import { EMAILS_PER_PAGE, getDeliveryPause, listEmails, resendEmail, resendFailedEmails } from '#app/models/email/outbox-admin.server.ts'
import { resumeDelivery } from '#app/models/email/outbox.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { readFormData } from '#app/utils/form.server.ts'

const EMAIL_STATUSES = ['QUEUED', 'SENT', 'FAILED'] as const

const TemplateSchema = z.string().regex(/^[a-z][a-z-]{0,63}$/)

const EmailListQuerySchema = z.object({
  status: z.enum(EMAIL_STATUSES).optional().catch(undefined),
  template: TemplateSchema.optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
})

/** One message resent, every failed message of the template filter resent, or the paused delivery tried again now. */
const EmailActionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('resend'), id: z.coerce.number().int().positive().max(2_147_483_647) }),
  z.object({ intent: z.literal('resendFailed'), template: TemplateSchema.optional() }),
  z.object({ intent: z.literal('retryNow') }),
])

/** Query parameters that carry an action's outcome, dropped from the page's own links. */
const NOTICE_PARAMS = ['resent', 'resentCount', 'retrying']

const STATUS_STYLE = {
  QUEUED: 'bg-amber-100 text-amber-900',
  SENT: 'bg-green-100 text-green-800',
  FAILED: 'bg-red-100 text-red-800',
} as const

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  const query = EmailListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  const [{ emails, total, counts, templates }, pause] = await Promise.all([listEmails(query), getDeliveryPause()])
  return { query, emails, total, counts, templates, pause, pageCount: Math.max(1, Math.ceil(total / EMAILS_PER_PAGE)) }
}

export async function action({ request }: ActionFunctionArgs) {
  await requireStaff(request)
  const submission = parseWithZod(await readFormData(request), { schema: EmailActionSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  const value = submission.value
  const back = new URL(request.url).searchParams
  for (const key of NOTICE_PARAMS) back.delete(key)
  if (value.intent === 'resend') {
    if (!(await resendEmail(value.id))) {
      return data({ result: submission.reply({ formErrors: ['emailNotResendable'] }) }, { status: 409 })
    }
    back.set('resent', String(value.id))
  } else if (value.intent === 'resendFailed') {
    back.set('resentCount', String(await resendFailedEmails({ template: value.template })))
  } else {
    await resumeDelivery()
    back.set('retrying', '1')
  }
  return redirect(`/admin/emails?${back.toString()}`)
}

/** `"Élodie Faure" <e@x.fr>` as people write it: `Élodie Faure <e@x.fr>`. */
const readableMailbox = (mailbox: string) => mailbox.replace(/^"(.*)" <(.*)>$/, '$1 <$2>')

export default function Emails() {
  const { query, emails, total, counts, templates, pause, pageCount } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t, i18n } = useTranslation('emails')
  const lang = i18n.language
  const formErrors = actionData?.result.error?.[''] ?? []
  const listParams = new URLSearchParams(searchParams)
  for (const key of NOTICE_PARAMS) listParams.delete(key)
  const withParams = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(listParams)
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k)
      else next.set(k, v)
    }
    return `?${next.toString()}`
  }
  const allCount = EMAIL_STATUSES.reduce((sum, s) => sum + (counts[s] ?? 0), 0)
  const failedCount = query.status === undefined || query.status === 'FAILED' ? (counts.FAILED ?? 0) : 0
  const resentCount = searchParams.get('resentCount')
  const postTo = `/admin/emails?${listParams.toString()}`
  const filters = [
    { status: null, label: t('outbox.all', { count: allCount }) },
    ...EMAIL_STATUSES.map((s) => ({ status: s, label: t('outbox.statusCount', { status: t(`outbox.statuses.${s}`), count: counts[s] ?? 0 }) })),
  ]
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t('outbox.title')}</h1>
      <p className="text-sm text-gray-600">{t('outbox.intro')}</p>
      {pause ? (
        <EmailDeliveryBanner pause={pause}>
          <Form method="POST" action={postTo}>
            <input type="hidden" name="intent" value="retryNow" />
            <SubmitButton className="btn-secondary">{t('delivery.retryNow')}</SubmitButton>
          </Form>
        </EmailDeliveryBanner>
      ) : null}
      {searchParams.get('retrying') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('delivery.retrying')}</p> : null}
      {searchParams.get('resent') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('outbox.resent')}</p> : null}
      {resentCount !== null ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('outbox.resentCount', { count: Number(resentCount) })}</p> : null}
      {formErrors.length ? <p role="alert" className="rounded bg-red-50 p-2 text-sm text-red-800">{formErrors.map((e) => t(`errors:${e}`)).join(' ')}</p> : null}
      <nav aria-label={t('outbox.filter')}>
        <ul className="flex flex-wrap gap-2 text-sm">
          {filters.map((f) => {
            const active = (query.status ?? null) === f.status
            return (
              <li key={f.status ?? 'all'}>
                <Link
                  to={withParams({ status: f.status, page: null })}
                  aria-current={active ? 'page' : undefined}
                  className={`rounded px-2 py-1 no-underline ${active ? 'bg-brand-100 font-semibold text-brand-800' : 'text-gray-700 hover:bg-gray-100'}`}
                >
                  {f.label}
                </Link>
              </li>
            )
          })}
        </ul>
      </nav>
      <Form method="GET" className="flex flex-wrap items-end gap-2 text-sm">
        {query.status ? <input type="hidden" name="status" value={query.status} /> : null}
        <div>
          <label htmlFor="template">{t('outbox.template')}</label>
          <select id="template" name="template" defaultValue={query.template ?? ''} className="input">
            <option value="">{t('outbox.allTemplates')}</option>
            {templates.map((name) => <option key={name} value={name}>{t(`templates.${name}`, { defaultValue: name })}</option>)}
          </select>
        </div>
        <button type="submit" className="btn-secondary">{t('outbox.applyFilter')}</button>
      </Form>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-gray-600" role="status">{t('outbox.count', { count: total })}</p>
        {failedCount > 0 ? (
          <Form method="POST" action={postTo}>
            <input type="hidden" name="intent" value="resendFailed" />
            {query.template ? <input type="hidden" name="template" value={query.template} /> : null}
            <SubmitButton className="btn-secondary">{t('outbox.resendFailed', { count: failedCount })}</SubmitButton>
          </Form>
        ) : null}
      </div>
      <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
        <table className="min-w-full divide-y divide-gray-200 text-sm">
          <thead className="bg-gray-50 text-left">
            <tr>
              {(['createdAt', 'recipient', 'template', 'subject', 'status', 'attempts', 'lastError', 'sentAt', 'actions'] as const).map((key) => (
                <th key={key} scope="col" className="px-3 py-2 font-semibold">{t(`outbox.${key}`)}</th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {emails.map((e) => (
              <tr key={e.id} className="align-top">
                <td className="px-3 py-2 whitespace-nowrap">{formatDateTime(e.createdAt, lang)}</td>
                <td className="px-3 py-2">{e.memberId ? <Link to={`/admin/members/${e.memberId}`}>{readableMailbox(e.toAddress)}</Link> : readableMailbox(e.toAddress)}</td>
                <td className="px-3 py-2">{t(`templates.${e.template}`, { defaultValue: e.template })}</td>
                <td className="px-3 py-2">{e.subject}</td>
                <td className="px-3 py-2"><span className={`badge ${STATUS_STYLE[e.status]}`}>{t(`outbox.statuses.${e.status}`)}</span></td>
                <td className="px-3 py-2 text-right">{e.attempts}</td>
                <td className="max-w-xs px-3 py-2 break-words">
                  {e.lastError && e.status !== 'SENT' ? <span className={e.status === 'FAILED' ? 'text-red-800' : 'text-gray-700'}>{e.lastError}</span> : null}
                  {e.accessError && e.status === 'QUEUED' ? <span className="text-gray-700">{t('delivery.waitingForServer', { error: e.accessError })}</span> : null}
                  {e.status === 'QUEUED' && (e.attempts > 0 || e.accessError) ? <p className="text-xs text-gray-500">{t('outbox.nextAttempt', { date: formatDateTime(e.nextAttemptAt, lang) })}</p> : null}
                </td>
                <td className="px-3 py-2 whitespace-nowrap">{formatDateTime(e.sentAt, lang)}</td>
                <td className="px-3 py-2">
                  {e.resendable ? (
                    <Form method="POST" action={postTo}>
                      <input type="hidden" name="intent" value="resend" />
                      <input type="hidden" name="id" value={e.id} />
                      <SubmitButton className="btn-secondary" aria-label={t('outbox.resendLabel', { subject: e.subject, to: readableMailbox(e.toAddress) })}>{t('outbox.resend')}</SubmitButton>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
            {emails.length === 0 ? (
              <tr><td colSpan={9} className="px-3 py-6 text-center text-gray-600">{t('outbox.none')}</td></tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {pageCount > 1 ? (
        <nav aria-label={t('outbox.pagination')} className="flex items-center gap-3 text-sm">
          {query.page > 1 ? <Link to={withParams({ page: String(query.page - 1) })} rel="prev">← {t('outbox.previous')}</Link> : null}
          <span>{t('outbox.page', { page: query.page, pageCount })}</span>
          {query.page < pageCount ? <Link to={withParams({ page: String(query.page + 1) })} rel="next">{t('outbox.next')} →</Link> : null}
        </nav>
      ) : null}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'emails:outbox.title')
