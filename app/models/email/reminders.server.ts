import { AMOUNTS_JOIN, REMAINING } from '#app/models/invoice/amounts.server.ts'
import { displayName } from '#app/models/member/username.ts'
import { addDays } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { queueEmail, queueEmailToAddress, recipientSelect } from './outbox.server.ts'
import {
  describeFeeCall, describeSkip, describeUnpaidReminder, feeReminderCase, feeWhen, guardCutoff, recentlyRemindedReason, remindedRecently,
  reminderNeeded, UNPAID_AFTER_DAYS, type FeeWhen, type ReportLanguage, type SkipCode,
} from './reminder-rules.ts'

/**
 * The reminder runs: calls for membership fees (daily, and the staff bulk action) and reminders of
 * unpaid invoices (daily). Each email is queued in the outbox in the same transaction that records
 * when it was sent, so a run stopped midway and run again sends nothing twice, and the 3-week
 * guard is checked again in that transaction's `where`, so two runs at once send one email.
 */

/** Someone left out of a run: why in English (`reason`), and what the report needs to say it in French. */
export type ReminderSkip = { id: number; name: string; reason: string; code: SkipCode; lastAt?: Date | null }

export type FeeCallRecipient = { id: number; name: string; email: string; when: FeeWhen; feeEndDate: Date | null; detail: string }

export type FeeCallResult = { recipients: FeeCallRecipient[]; skipped: ReminderSkip[] }

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name, 'fr')

const CHANGED_REASON = 'changed by another run or by staff meanwhile'

/**
 * Fee ends that one of the offsets lands on `date`. Several ends can: at the end of a short month
 * (28 February, +1m) the ends of 28 to 31 January all do.
 */
function candidateEndDates(date: Date, offsets: readonly number[]) {
  const ends: Date[] = []
  for (const offset of offsets) {
    // Every day of the month `offset` months before the date: at most 31 days to look at.
    const first = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - offset, 1))
    for (let end = first; end.getUTCMonth() === first.getUTCMonth(); end = addDays(end, 1)) {
      if (feeReminderCase(end, date, [offset])) ends.push(end)
    }
  }
  return ends
}

/**
 * Calls members for their membership fee and records when (`lastFeeReminderAt = now`).
 *
 * The daily run (no `memberIds`): members with status MEMBER who did not opt out and whose latest
 * fee (the one ending last) ends at one of the `offsets` from `date` (see `feeReminderCase`).
 * Members who never paid a fee are not called: there is no end date to count from, and calling
 * them every day would be spam; staff call them by hand.
 *
 * The staff bulk action (`memberIds`): every listed member with status MEMBER, whatever their fee
 * and their opt-out (which is about the automatic emails), worded from their fee end and `date`.
 *
 * Both skip members called less than 3 weeks before `now`; `override` (bulk only) lifts that.
 * `dryRun` returns who would be called and records nothing.
 */
export async function callForMembershipFees({ date, now = new Date(), dryRun = false, offsets, memberIds, override = false }: {
  date: Date
  now?: Date
  dryRun?: boolean
  offsets: readonly number[]
  memberIds?: number[]
  override?: boolean
}): Promise<FeeCallResult> {
  const bulk = memberIds !== undefined
  const guard = !(bulk && override)
  const members = await prisma.member.findMany({
    where: bulk
      ? { id: { in: memberIds } }
      : { status: 'MEMBER', sendMembershipFeesEmail: true, membershipFees: { some: { endDate: { in: candidateEndDates(date, offsets) } } } },
    select: {
      ...recipientSelect,
      status: true,
      lastFeeReminderAt: true,
      membershipFees: { orderBy: [{ endDate: 'desc' }, { id: 'desc' }], take: 1, select: { endDate: true, amountCents: true } },
    },
  })
  const recipients: FeeCallRecipient[] = []
  const skipped: ReminderSkip[] = []
  if (bulk) {
    const found = new Set(members.map((m) => m.id))
    for (const id of new Set(memberIds)) if (!found.has(id)) skipped.push({ id, name: `#${id}`, reason: 'no such member', code: 'unknown' })
  }
  const infoUrl = getEnv().MEMBER_MEMBERSHIP_INFO_URL || null
  for (const member of members) {
    const name = displayName(member)
    const fee = member.membershipFees[0] ?? null
    if (bulk && member.status !== 'MEMBER') {
      skipped.push({ id: member.id, name, reason: member.status === 'PENDING' ? 'not a member yet (membership pending)' : 'not a member', code: 'notMember' })
      continue
    }
    const feeEndDate = fee?.endDate ?? null
    let when = feeWhen(feeEndDate, date)
    if (!bulk) {
      // The prefilter found a fee ending on a candidate day; the latest fee must be the one.
      const match = fee ? feeReminderCase(fee.endDate, date, offsets) : null
      if (!match) continue
      when = match.when
    }
    const last = member.lastFeeReminderAt
    if (guard && last && remindedRecently(last, now)) {
      skipped.push({ id: member.id, name, reason: recentlyRemindedReason(last), code: 'recent', lastAt: last })
      continue
    }
    const recipient = { id: member.id, name, email: member.email, when, feeEndDate, detail: describeFeeCall({ when, feeEndDate }) }
    if (!dryRun) {
      const queued = await prisma.$transaction(async (tx) => {
        const { count } = await tx.member.updateMany({
          where: {
            id: member.id,
            status: 'MEMBER',
            ...(bulk ? {} : { sendMembershipFeesEmail: true }),
            ...(guard ? { OR: [{ lastFeeReminderAt: null }, { lastFeeReminderAt: { lte: guardCutoff(now) } }] } : {}),
          },
          data: { lastFeeReminderAt: now },
        })
        if (count === 0) return false
        await queueEmail({
          template: 'call-for-membership-fees',
          props: { when, feeEndDate, amountCents: fee?.amountCents ?? null, infoUrl },
          member,
          administrative: true,
        }, tx)
        return true
      })
      if (!queued) {
        skipped.push({ id: member.id, name, reason: CHANGED_REASON, code: 'changed' })
        continue
      }
    }
    recipients.push(recipient)
  }
  return { recipients: recipients.sort(byName), skipped: skipped.sort(byName) }
}

/**
 * The members a staff call for fees left out, named again from their ids and why: the outcome of
 * the bulk action travels in the page's address, as ids and reason codes only.
 */
export async function nameSkippedMembers(skipped: { id: number; code: SkipCode }[]) {
  const members = new Map((await prisma.member.findMany({
    where: { id: { in: skipped.map((s) => s.id) } },
    select: { id: true, type: true, organizationName: true, nickname: true, firstName: true, lastName: true, username: true },
  })).map((m) => [m.id, displayName(m)]))
  return skipped.map(({ id, code }) => ({ id, name: members.get(id) ?? `#${id}`, reason: code }))
}

export type UnpaidReminderRecipient = {
  /** The invoice's id. */
  id: number
  number: string
  memberId: number
  name: string
  email: string
  dueDate: Date
  remainingCents: number
  detail: string
}

export type UnpaidReminderSkip = ReminderSkip & { number: string }

export type UnpaidReminderResult = { recipients: UnpaidReminderRecipient[]; skipped: UnpaidReminderSkip[] }

type OverdueInvoice = { id: number; number: string; date: Date; dueDate: Date; lastReminderAt: Date | null; memberId: number; remainingCents: number; iban: string; bic: string }

/**
 * Reminds members of their unpaid invoices (Coin era 2), one email per invoice with its PDF, and
 * records when (`lastReminderAt = now`): validated open invoices with a member and something left
 * to pay (total + credit notes − allocated payments), due more than 4 weeks before `date`, not
 * reminded in the 3 weeks before `now`. `dryRun` records nothing.
 */
export async function remindUnpaidInvoices({ date, now = new Date(), dryRun = false }: { date: Date; now?: Date; dryRun?: boolean }): Promise<UnpaidReminderResult> {
  const invoices = await prisma.$queryRaw<OverdueInvoice[]>`
    SELECT i.id, i.number, i.date, i."dueDate", i."lastReminderAt", i."memberId",
           (${REMAINING})::int AS "remainingCents",
           -- How to pay, as the invoice itself says it.
           COALESCE(i.seller->>'iban', '') AS iban, COALESCE(i.seller->>'bic', '') AS bic
    FROM "Invoice" i
    ${AMOUNTS_JOIN}
    WHERE i.validated AND i.kind = 'INVOICE' AND i.status = 'OPEN' AND i."memberId" IS NOT NULL AND i.number IS NOT NULL
      AND i."dueDate" < ${addDays(date, -UNPAID_AFTER_DAYS)}::date
      AND ${REMAINING} > 0
    ORDER BY i."dueDate", i.id`
  const members = new Map((await prisma.member.findMany({
    where: { id: { in: [...new Set(invoices.map((i) => i.memberId))] } },
    select: recipientSelect,
  })).map((m) => [m.id, m]))
  const baseUrl = getEnv().PUBLIC_URL
  const recipients: UnpaidReminderRecipient[] = []
  const skipped: UnpaidReminderSkip[] = []
  for (const invoice of invoices) {
    const member = members.get(invoice.memberId)
    if (!member) continue
    const name = displayName(member)
    if (!reminderNeeded(invoice, now, date)) {
      // The query selected invoices due long enough ago: only the 3-week guard is left.
      const last = invoice.lastReminderAt
      skipped.push({ id: invoice.id, number: invoice.number, name, reason: `${invoice.number}: ${last ? recentlyRemindedReason(last) : 'not due for a reminder'}`, code: 'recent', lastAt: last })
      continue
    }
    if (!dryRun) {
      const queued = await prisma.$transaction(async (tx) => {
        // Only lastReminderAt changes: the database lets it change on a validated invoice.
        const { count } = await tx.invoice.updateMany({
          where: { id: invoice.id, validated: true, status: 'OPEN', OR: [{ lastReminderAt: null }, { lastReminderAt: { lte: guardCutoff(now) } }] },
          data: { lastReminderAt: now },
        })
        if (count === 0) return false
        await queueEmail({
          template: 'unpaid-invoice-reminder',
          props: {
            number: invoice.number, date: invoice.date, dueDate: invoice.dueDate, remainingCents: invoice.remainingCents, invoiceUrl: `${baseUrl}/invoices/${invoice.id}`, automatic: true,
            paymentReference: invoice.number, iban: invoice.iban, bic: invoice.bic,
          },
          member,
          administrative: true,
          attachInvoiceIds: [invoice.id],
        }, tx)
        return true
      })
      if (!queued) {
        skipped.push({ id: invoice.id, number: invoice.number, name, reason: `${invoice.number}: ${CHANGED_REASON}`, code: 'changed' })
        continue
      }
    }
    recipients.push({
      id: invoice.id, number: invoice.number, memberId: member.id, name, email: member.email, dueDate: invoice.dueDate, remainingCents: invoice.remainingCents,
      detail: describeUnpaidReminder(invoice),
    })
  }
  return { recipients, skipped }
}

/** What a report lists: who got an email and who was skipped, from either run. */
export type ReminderRun = FeeCallResult | UnpaidReminderResult

/**
 * The language of the ISP's own mail: French. The ISP has no language setting; its volunteers
 * read French, as its members do by default.
 */
export const ISP_LANGUAGE = 'fr'

/** A recipient's line of detail, in `language`: the fee's end, or the invoice and what is left to pay. */
const recipientDetail = (recipient: ReminderRun['recipients'][number], language: ReportLanguage) =>
  'number' in recipient ? describeUnpaidReminder(recipient, language) : describeFeeCall(recipient, language)

/**
 * Queues the summary of a reminder run to `REMINDER_REPORT_EMAIL` (the successor of cron's
 * MAILTO), in the ISP's language. A run that concerned nobody (no recipient, nobody skipped) has
 * nothing to report and sends nothing. Does nothing when the variable is unset.
 */
export async function sendReminderReport({ job, date, dryRun, result }: { job: string; date: Date; dryRun: boolean; result: ReminderRun }) {
  const address = getEnv().REMINDER_REPORT_EMAIL
  if (!address) return null
  if (result.recipients.length === 0 && result.skipped.length === 0) return null
  const language = ISP_LANGUAGE
  return queueEmailToAddress({
    template: 'reminder-report',
    props: {
      job,
      date,
      dryRun,
      recipients: result.recipients.map((recipient) => ({ name: recipient.name, email: recipient.email, detail: recipientDetail(recipient, language) })),
      skipped: result.skipped.map((skip) => ({ name: skip.name, reason: describeSkip(skip, language) })),
    },
    to: { name: '', email: address, language },
  })
}
