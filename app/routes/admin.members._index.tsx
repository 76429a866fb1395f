import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { SubmitButton } from '#app/components/forms.tsx'
import { formatDate, StatusBadge } from '#app/components/member-status.tsx'
import { useTableLinkClick } from '#app/components/table-link.tsx'
import { callForMembershipFees, nameSkippedMembers } from '#app/models/email/reminders.server.ts'
import type { SkipCode } from '#app/models/email/reminder-rules.ts'
import { listMembers } from '#app/models/member/list.server.ts'
import { setMembersStatus } from '#app/models/member/manage.server.ts'
import { previewWelcomeEmails, sendWelcomeEmails } from '#app/models/member/password-reset.server.ts'
import { MEMBER_STATUSES, MemberListQuerySchema } from '#app/models/member/member.schema.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { today } from '#app/utils/dates.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { displayName } from '#app/models/member/username.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { readFormData } from '#app/utils/form.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  const query = MemberListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  const { total, pageCount, members } = await listMembers(query)
  const feeCall = await readFeeCallOutcome(new URL(request.url).searchParams)
  return {
    query,
    feeCall,
    total,
    pageCount,
    members: members.map((m) => ({ id: m.id, username: m.username, name: displayName(m), email: m.email, status: m.status, dateJoined: m.dateJoined, organizationName: m.organizationName })),
  }
}

const ids = z.array(z.coerce.number().int().positive()).min(1, { message: 'noneSelected' }).max(500)

/**
 * The bulk actions on the ticked members, one per intent (the submit button pressed). An action
 * that sends something first answers with a confirmation (`confirm`) listing whom it reaches;
 * the confirmation form posts the same intent again with `confirmed=yes`.
 */
const BulkSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('setStatus'), status: z.enum(MEMBER_STATUSES, { message: 'required' }), ids }),
  z.object({ intent: z.literal('welcome'), ids, confirmed: z.literal('yes').optional() }),
  z.object({ intent: z.literal('fees'), ids, confirmed: z.literal('yes').optional(), override: z.literal('yes').optional() }),
])

/** Query parameters that carry a bulk action's outcome, dropped from the list's own links. */
const NOTICE_PARAMS = ['updated', 'welcomed', 'welcomeSkipped', 'feesCalled', 'feesSkipped']

type BulkConfirmation = {
  intent: 'welcome' | 'fees'
  recipients: { id: number; name: string; email: string }[]
  skipped: { id: number; name: string; reason: string }[]
  /** Skipped members the staff may include anyway (calls for fees: called less than 3 weeks ago). */
  overridable: number[]
}

/** What the call for fees did: how many were queued, and who was skipped and why. */
type FeeCallOutcome = { queued: number; skipped: { id: number; name: string; reason: SkipCode }[] }

const SKIP_CODES = ['recent', 'notMember', 'unknown', 'changed'] as const satisfies readonly SkipCode[]

/**
 * The call for fees answers with a redirect, so a refresh never calls again; its outcome rides in
 * the address: `feesCalled=2&feesSkipped=12:recent,15:notMember` (ids and codes; names are read
 * back here). A mangled value shows no outcome rather than an error.
 */
const FeeCallNoticeSchema = z.object({
  feesCalled: z.coerce.number().int().min(0).max(500),
  feesSkipped: z
    .string()
    .max(20_000)
    .regex(new RegExp(`^\\d{1,10}:(${SKIP_CODES.join('|')})(,\\d{1,10}:(${SKIP_CODES.join('|')}))*$`))
    .optional(),
})

async function readFeeCallOutcome(params: URLSearchParams): Promise<FeeCallOutcome | null> {
  if (!params.has('feesCalled')) return null
  const notice = FeeCallNoticeSchema.safeParse({ feesCalled: params.get('feesCalled'), feesSkipped: params.get('feesSkipped') ?? undefined })
  if (!notice.success) return null
  const skipped = (notice.data.feesSkipped?.split(',') ?? []).flatMap((item) => {
    const [id, text] = item.split(':')
    const code = SKIP_CODES.find((c) => c === text)
    return code && Number(id) <= 2_147_483_647 ? [{ id: Number(id), code }] : []
  })
  return { queued: notice.data.feesCalled, skipped: await nameSkippedMembers(skipped.slice(0, 500)) }
}

/** Calls the ticked members for their fee (see `callForMembershipFees`); `dryRun` for the confirmation. */
const callTicked = ({ ids, override, dryRun }: { ids: number[]; override: boolean; dryRun: boolean }) =>
  callForMembershipFees({ date: today(), now: new Date(), offsets: getEnv().FEE_REMINDER_OFFSETS, memberIds: ids, override, dryRun })

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request)
  const submission = parseWithZod(await readFormData(request), { schema: BulkSchema })
  if (submission.status !== 'success') return data({ result: submission.reply(), confirm: null }, { status: 400 })
  const value = submission.value
  const back = new URL(request.url).searchParams
  for (const key of NOTICE_PARAMS) back.delete(key)
  if (value.intent === 'setStatus') {
    back.set('updated', String(await setMembersStatus({ ids: value.ids, status: value.status, actorId: staff.id })))
  } else if (value.intent === 'fees') {
    if (!value.confirmed) {
      const { recipients, skipped } = await callTicked({ ids: value.ids, override: false, dryRun: true })
      const confirm: BulkConfirmation = {
        intent: value.intent,
        recipients: recipients.map(({ id, name, email }) => ({ id, name, email })),
        skipped: skipped.map(({ id, name, code }) => ({ id, name, reason: code })),
        overridable: skipped.filter((m) => m.code === 'recent').map((m) => m.id),
      }
      return data({ result: null, confirm })
    }
    const { recipients, skipped } = await callTicked({ ids: value.ids, override: value.override === 'yes', dryRun: false })
    back.set('feesCalled', String(recipients.length))
    if (skipped.length) back.set('feesSkipped', skipped.map(({ id, code }) => `${id}:${code}`).join(','))
  } else if (!value.confirmed) {
    const { recipients, skipped } = await previewWelcomeEmails({ memberIds: value.ids })
    const confirm: BulkConfirmation = { intent: value.intent, recipients: recipients.map((m) => ({ id: m.id, name: displayName(m), email: m.email })), skipped, overridable: [] }
    return data({ result: null, confirm })
  } else {
    const { sent, skipped } = await sendWelcomeEmails({ memberIds: value.ids })
    back.set('welcomed', String(sent.length))
    if (skipped.length) back.set('welcomeSkipped', String(skipped.length))
  }
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
  const { query, feeCall, total, pageCount, members } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const bulkErrors = actionData?.result?.error
  const [searchParams] = useSearchParams()
  const updated = searchParams.get('updated')
  const welcomed = searchParams.get('welcomed')
  const welcomeSkipped = searchParams.get('welcomeSkipped')
  const { t, i18n } = useTranslation()
  const onRowLinkClick = useTableLinkClick()
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
  const listParams = new URLSearchParams(searchParams)
  for (const key of NOTICE_PARAMS) {
    csvParams.delete(key)
    listParams.delete(key)
  }
  const bulkAction = `/admin/members?${listParams.toString()}`
  const ticked = new Set([...(actionData?.confirm?.recipients ?? []), ...(actionData?.confirm?.skipped ?? [])].map((m) => m.id))
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
      {welcomed !== null ? (
        <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">
          {t('emails:welcome.bulkQueued', { count: Number(welcomed) })}
          {welcomeSkipped ? ` ${t('emails:welcome.bulkSkipped', { count: Number(welcomeSkipped) })}` : null}
        </p>
      ) : null}
      {feeCall ? <FeeCallDone outcome={feeCall} /> : null}
      {actionData?.confirm ? <BulkConfirm confirm={actionData.confirm} action={bulkAction} /> : null}
      <div className="flex flex-wrap items-end justify-between gap-3">
        <p className="text-sm text-gray-600" role="status">{t('members.count', { count: total })}</p>
        <Form id="bulk" method="POST" action={bulkAction} className="flex flex-wrap items-end gap-2">
          <div>
            <label htmlFor="bulk-status">{t('members.bulkLabel')}</label>
            <select id="bulk-status" name="status" className="input" defaultValue="MEMBER">
              {MEMBER_STATUSES.map((s) => <option key={s} value={s}>{t('members.bulkSetStatus', { status: t(`member.statuses.${s}`) })}</option>)}
            </select>
          </div>
          <button type="submit" name="intent" value="setStatus" className="btn-secondary">{t('actions.apply')}</button>
          {BULK_BUTTONS.map((b) => (
            <button key={b.intent} type="submit" name="intent" value={b.intent} className="btn-secondary">{t(b.label)}</button>
          ))}
          {bulkErrors?.ids ? <p role="alert" className="w-full text-sm text-red-700">{t('errors:noneSelected')}</p> : null}
        </Form>
      </div>
      <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
        <table className="min-w-full divide-y divide-gray-200 text-sm">
          <thead className="bg-gray-50 text-left">
            <tr>
              <th scope="col" className="w-8 px-3 py-2"><span id="select-label" className="sr-only">{t('members.select')}</span></th>
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
                  <input type="checkbox" form="bulk" name="ids" value={m.id} defaultChecked={ticked.has(m.id)} aria-labelledby={`select-label member-${m.id}-name member-${m.id}`} />
                </td>
                <td className="px-3 py-2 font-mono"><a id={`member-${m.id}`} href={`/admin/members/${m.id}`} onClick={onRowLinkClick}>{m.username}</a></td>
                <td id={`member-${m.id}-name`} className="px-3 py-2">{m.name}</td>
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

/** Bulk actions besides the status change, each a submit button of the bulk form. */
const BULK_BUTTONS = [
  { intent: 'welcome', label: 'emails:welcome.send' },
  { intent: 'fees', label: 'emails:fees.send' },
] as const

/** Labels of each confirmed bulk action (keys of the emails namespace); `override` labels the checkbox that includes the overridable skips. */
const CONFIRM_LABELS: Record<BulkConfirmation['intent'], { title: string; none: string; skipped: string; reasons: string; submit: string; override?: string }> = {
  welcome: { title: 'welcome.confirmTitle', none: 'welcome.confirmNone', skipped: 'welcome.skippedTitle', reasons: 'welcome.skipReasons', submit: 'welcome.confirm' },
  fees: { title: 'fees.confirmTitle', none: 'fees.confirmNone', skipped: 'fees.skippedTitle', reasons: 'fees.skipReasons', submit: 'fees.confirm', override: 'fees.override' },
}

/** The confirmation step of a bulk action, without JavaScript: whom it reaches, then confirm or cancel. */
function BulkConfirm({ confirm, action }: { confirm: BulkConfirmation; action: string }) {
  const { t } = useTranslation('emails')
  const labels = CONFIRM_LABELS[confirm.intent]
  const count = confirm.recipients.length
  const overridable = labels.override ? confirm.overridable : []
  return (
    <section className="card space-y-3 border-amber-300" aria-labelledby="bulk-confirm">
      <h2 id="bulk-confirm" className="text-lg font-semibold">{count ? t(labels.title, { count }) : t(labels.none)}</h2>
      {count ? (
        <ul className="max-h-64 list-disc overflow-y-auto pl-6 text-sm">
          {confirm.recipients.map((m) => <li key={m.id}>{m.name} &lt;{m.email}&gt;</li>)}
        </ul>
      ) : null}
      {confirm.skipped.length ? (
        <div className="text-sm">
          <p>{t(labels.skipped, { count: confirm.skipped.length })}</p>
          <ul className="list-disc pl-6">
            {confirm.skipped.map((m) => <li key={m.id}>{m.name || `#${m.id}`} — {t(`${labels.reasons}.${m.reason}`)}</li>)}
          </ul>
        </div>
      ) : null}
      <Form method="POST" action={action} className="flex flex-wrap items-center gap-3">
        <input type="hidden" name="intent" value={confirm.intent} />
        <input type="hidden" name="confirmed" value="yes" />
        {confirm.recipients.map((m) => <input key={m.id} type="hidden" name="ids" value={m.id} />)}
        {overridable.map((id) => <input key={id} type="hidden" name="ids" value={id} />)}
        {labels.override && overridable.length ? (
          <label className="flex w-full items-center gap-2 font-normal">
            <input type="checkbox" name="override" value="yes" />
            {t(labels.override)}
          </label>
        ) : null}
        {count || overridable.length ? <SubmitButton>{t(labels.submit)}</SubmitButton> : null}
        <Link to={action}>{t('bulk.cancel')}</Link>
      </Form>
    </section>
  )
}

/** The outcome of a call for fees: how many were queued, how many skipped, and who was skipped and why. */
function FeeCallDone({ outcome }: { outcome: FeeCallOutcome }) {
  const { t } = useTranslation('emails')
  const recent = outcome.skipped.filter((m) => m.reason === 'recent').length
  const others = outcome.skipped.length - recent
  const parts = [
    t('fees.bulkQueued', { count: outcome.queued }),
    ...(recent ? [t('fees.bulkSkippedRecent', { count: recent })] : []),
    ...(others ? [t('fees.bulkSkippedOther', { count: others })] : []),
  ]
  return (
    <div role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">
      <p>{parts.join(', ')}.</p>
      {outcome.skipped.length ? (
        <ul className="list-disc pl-6">
          {outcome.skipped.map((m) => <li key={m.id}>{m.name || `#${m.id}`} — {t(`fees.skipReasons.${m.reason}`)}</li>)}
        </ul>
      ) : null}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'admin.members')
