import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { AuditHistory } from '#app/components/audit-history.tsx'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { SubmitButton } from '#app/components/forms.tsx'
import { FeesSection, SubscriptionsSection } from '#app/components/member-admin-sections.tsx'
import { BillingSection } from '#app/components/member-billing-section.tsx'
import { MemberDetailsList } from '#app/components/member-fields.tsx'
import { formatDate, formatDateTime, StatusBadge } from '#app/components/member-status.tsx'
import { listAuditEntries } from '#app/models/audit/list.server.ts'
import { getMemberFeeStatus, listMemberFees } from '#app/models/fee/fees.server.ts'
import { listMemberInvoices } from '#app/models/invoice/invoices.server.ts'
import { getMemberDetail, setMembersStatus } from '#app/models/member/manage.server.ts'
import { MEMBER_STATUSES } from '#app/models/member/member.schema.ts'
import { MemberIdParams } from '#app/models/member/params.ts'
import { sendWelcomeEmails } from '#app/models/member/password-reset.server.ts'
import { getMemberBalance, listMemberPayments } from '#app/models/payment/payments.server.ts'
import { listSubscriptions } from '#app/models/subscription/subscriptions.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { ldapKeeps, ldapStatuses } from '#app/models/ldap/sync-queue.server.ts'
import { ServiceStatusBadge } from '#app/components/service.tsx'
import { today } from '#app/utils/dates.ts'
import { notFound } from '#app/utils/http.server.ts'
import { displayName } from '#app/models/member/username.ts'
import { listSessions, revokeSessions } from '#app/utils/session.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { readFormData } from '#app/utils/form.server.ts'
import { moduleEnabled } from '#app/utils/modules.server.ts'

/** How many invoices and payments the billing section shows, newest first. */
const BILLING_ROWS = 10

/** How many of the member's latest audit entries the page shows. */
const HISTORY_ROWS = 20

const ActionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('status'), status: z.enum(MEMBER_STATUSES) }),
  z.object({ intent: z.literal('revokeSessions') }),
  z.object({ intent: z.literal('welcome') }),
])

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request)
  const { memberId } = MemberIdParams.parse(params)
  const member = memberId ? await getMemberDetail(memberId) : null
  if (!member) notFound()
  const date = today()
  const [sessions, fees, fee, subscriptions, balanceCents, invoices, payments, history, ldap] = await Promise.all([
    listSessions({ memberId: member.id }),
    listMemberFees({ memberId: member.id }),
    getMemberFeeStatus({ memberId: member.id, date }),
    listSubscriptions({ memberId: member.id, date }),
    getMemberBalance(member.id),
    listMemberInvoices(member.id, date),
    listMemberPayments(member.id),
    listAuditEntries({ memberId: member.id, pageSize: HISTORY_ROWS }),
    // The member's LDAP entry (LDAP_MEMBERS_BASE_DN): synced, pending, failed with LDAP's message.
    ldapKeeps('member') ? ldapStatuses('member', [member.id]).then((statuses) => statuses.get(member.id) ?? null) : null,
  ])
  return {
    ldap,
    maillists: moduleEnabled('maillists'),
    member: { ...member, sessions, displayName: displayName(member), hasPassword: Boolean(member.password) },
    fees,
    fee,
    subscriptions: {
      total: subscriptions.total,
      rows: subscriptions.subscriptions.map((s) => ({
        id: s.id, offerName: s.offer.name, reference: s.reference, subscriptionDate: s.subscriptionDate, resignDate: s.resignDate, state: s.state,
      })),
    },
    billing: {
      balanceCents,
      invoiceCount: invoices.length,
      invoices: invoices.slice(0, BILLING_ROWS).map((i) => ({
        id: i.id, number: i.number, kind: i.kind, status: i.status, date: i.date, totalCents: i.totalCents, remainingCents: i.remainingCents, overdue: i.overdue,
      })),
      paymentCount: payments.length,
      payments: payments.slice(0, BILLING_ROWS).map(({ allocations, ...p }) => ({
        ...p, unallocatedCents: p.amountCents - allocations.reduce((sum, a) => sum + a.amountCents, 0),
      })),
    },
    history: { entries: history.entries, total: history.total },
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request)
  const { memberId } = MemberIdParams.parse(params)
  if (!memberId) notFound()
  const submission = parseWithZod(await readFormData(request), { schema: ActionSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  if (submission.value.intent === 'status') {
    if ((await setMembersStatus({ ids: [memberId], status: submission.value.status, actorId: staff.id })) === 0) notFound()
    return redirect(`/admin/members/${memberId}?saved=status`)
  }
  if (submission.value.intent === 'welcome') {
    const { sent, skipped } = await sendWelcomeEmails({ memberIds: [memberId] })
    if (skipped[0]?.reason === 'notFound') notFound()
    if (sent.length === 0) return data({ result: submission.reply({ formErrors: ['memberInactive'] }) }, { status: 409 })
    return redirect(`/admin/members/${memberId}?welcomeQueued=1`)
  }
  const count = await revokeSessions({ memberId })
  return redirect(`/admin/members/${memberId}?revoked=${count}`)
}

export default function MemberDetail() {
  const { ldap, maillists, member, fees, fee, subscriptions, billing, history } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const formErrors = actionData?.result.error?.[''] ?? []
  const [searchParams] = useSearchParams()
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const revoked = searchParams.get('revoked')
  const notice = searchParams.get('created') ? t('members.created')
    : searchParams.get('saved') ? t('members.saved')
    : searchParams.get('feeRecorded') ? t('fees:recorded')
    : searchParams.get('feeUpdated') ? t('fees:updated')
    : searchParams.get('feeDeleted') ? t('fees:deleted')
    : searchParams.get('paymentRecorded') ? t('payments:recorded')
    : searchParams.get('paymentDeleted') ? t('payments:detail.deleted')
    : searchParams.get('welcomeQueued') ? t('emails:welcome.queued', { email: member.email })
    : revoked !== null ? t('members.revoked', { count: Number(revoked) }) : null
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to="/admin/members">← {t('admin.members')}</Link></p>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{member.displayName}</h1>
        <StatusBadge status={member.status} label={t(`member.statuses.${member.status}`)} />
        <span className="font-mono text-sm text-gray-600">{member.username}</span>
        {maillists ? <Link className="btn-secondary btn ml-auto" to="lists">{t('lists:memberLists.link')}</Link> : null}
        <Link className={maillists ? 'btn' : 'btn ml-auto'} to="edit">{t('actions.edit')}</Link>
      </div>
      {notice ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{notice}</p> : null}
      {formErrors.length ? <p role="alert" className="rounded bg-red-50 p-2 text-sm text-red-800">{formErrors.map((e) => t(`errors:${e}`)).join(' ')}</p> : null}
      <div className="grid gap-4 lg:grid-cols-2">
        <section className="card" aria-labelledby="identity">
          <h2 id="identity" className="mb-2 text-lg font-semibold">{t('member.identity')}</h2>
          <MemberDetailsList member={member} />
        </section>
        <section className="card space-y-3" aria-labelledby="membership">
          <h2 id="membership" className="text-lg font-semibold">{t('member.membership')}</h2>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-gray-600">{t('member.dateJoined')}</dt>
            <dd>{formatDate(member.dateJoined, lang)}</dd>
            {member.resignDate ? (<><dt className="text-gray-600">{t('member.resignDate')}</dt><dd>{formatDate(member.resignDate, lang)}</dd></>) : null}
            <dt className="text-gray-600">{t('member.sendMembershipFeesEmail')}</dt>
            <dd>{member.sendMembershipFeesEmail ? t('yes') : t('no')}</dd>
          </dl>
          <p className="text-sm">
            {t('card:staffLink')} (<a href={`/admin/members/${member.id}/card.png`} download aria-label={t('card:downloadPng')}>{t('card:png')}</a>, <a href={`/admin/members/${member.id}/card.pdf`} aria-label={t('card:downloadPdf')}>{t('card:pdf')}</a>)
          </p>
          <Form method="POST" className="flex flex-wrap items-end gap-2">
            <input type="hidden" name="intent" value="status" />
            <div>
              <label htmlFor="status">{t('members.changeStatus')}</label>
              <select id="status" name="status" defaultValue={member.status} className="input">
                {MEMBER_STATUSES.map((s) => <option key={s} value={s}>{t(`member.statuses.${s}`)}</option>)}
              </select>
            </div>
            <SubmitButton className="btn-secondary">{t('actions.apply')}</SubmitButton>
          </Form>
          {member.comments ? (
            <div>
              <h3 className="text-sm font-medium text-gray-600">{t('member.comments')}</h3>
              <p className="whitespace-pre-line text-sm">{member.comments}</p>
            </div>
          ) : null}
        </section>
        <FeesSection memberId={member.id} status={fee.status} endDate={fee.endDate} fees={fees} />
        <SubscriptionsSection memberId={member.id} subscriptions={subscriptions.rows} total={subscriptions.total} />
        <BillingSection memberId={member.id} billing={billing} />
        <section className="card space-y-3 lg:col-span-2" aria-labelledby="account">
          <h2 id="account" className="text-lg font-semibold">{t('member.account')}</h2>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-gray-600">{t('member.roles')}</dt>
            <dd>{member.roles.map((r) => t(`member.roleNames.${r}`)).join(', ')}</dd>
            <dt className="text-gray-600">{t('member.isActive')}</dt>
            <dd>{member.isActive ? t('yes') : t('no')}</dd>
            <dt className="text-gray-600">{t('member.password')}</dt>
            <dd>{member.hasPassword ? t('members.passwordSet') : t('members.passwordUnset')}</dd>
            <dt className="text-gray-600">{t('members.lastLogin')}</dt>
            <dd>{member.lastLoginAt ? formatDateTime(member.lastLoginAt, lang) : t('members.never')}</dd>
            {ldap ? <><dt className="text-gray-600">{t('vpn:account.status')}</dt><dd><ServiceStatusBadge status={ldap} detailed /></dd></> : null}
          </dl>
          <h3 className="text-sm font-semibold">{t('members.sessions', { count: member.sessions.length })}</h3>
          {member.sessions.length ? (
            <ul className="space-y-1 text-sm">
              {member.sessions.map((s) => (
                <li key={s.id}>{formatDateTime(s.lastSeenAt, lang)} — {s.ipAddress} — <span className="text-gray-600">{s.userAgent.slice(0, 80)}</span></li>
              ))}
            </ul>
          ) : null}
          <div className="flex flex-wrap items-start gap-3">
            <Form method="POST">
              <input type="hidden" name="intent" value="revokeSessions" />
              <SubmitButton className="btn-danger" disabled={member.sessions.length === 0}>{t('members.revokeSessions')}</SubmitButton>
            </Form>
            <Form method="POST" className="space-y-1">
              <input type="hidden" name="intent" value="welcome" />
              <SubmitButton className="btn-secondary" disabled={!member.isActive} aria-describedby="welcome-help">{t('emails:welcome.send')}</SubmitButton>
              <p id="welcome-help" className="text-xs text-gray-500">{member.isActive ? t('emails:welcome.help') : t('emails:welcome.inactive')}</p>
            </Form>
          </div>
        </section>
        <div className="lg:col-span-2">
          <AuditHistory
            entries={history.entries}
            title={t('audit:history.memberTitle')}
            more={history.total > 0 ? { to: `/admin/audit?member=${member.id}`, label: t('audit:history.seeAll') } : undefined}
          />
        </div>
      </div>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, 'members.detailTitle', { name: data?.member.displayName ?? '' })
