import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { formatFeeCalls } from '#cli/call-for-membership-fees.ts'
import { formatUnpaidReminders } from '#cli/remind-unpaid-invoices.ts'
import { run as runUnpaidJob } from '#jobs/remind-unpaid-invoices.ts'
import { run as runFeesJob } from '#jobs/call-for-membership-fees.ts'
import { DEFAULT_FEE_REMINDER_OFFSETS, parseOffsets } from '#app/models/email/reminder-rules.ts'
import { callForMembershipFees, remindUnpaidInvoices, sendReminderReport } from '#app/models/email/reminders.server.ts'
import { createCreditNote } from '#app/models/invoice/invoices.server.ts'
import { updateIspIdentity } from '#app/models/isp/settings.server.ts'
import { recordPayment } from '#app/models/payment/payments.server.ts'
import { addDays, addMonths, parseIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { getEnv, init } from '#app/utils/env.server.ts'
import { logger } from '#app/utils/logger.server.ts'
import { insertDraftInvoice, insertValidatedInvoice } from '#tests/factories/invoice.ts'
import { insertMember } from '#tests/factories/member.ts'

const d = (iso: string) => parseIsoDate(iso)!
const DAY = 86_400_000
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b)
const OFFSETS = parseOffsets(DEFAULT_FEE_REMINDER_OFFSETS)
const ISP_EMAIL = 'bureau@fai-test.example'
const INFO_URL = 'https://fai-test.example/adherer'

/** Runs `work` with some environment variables set (and the env re-read), then puts them back. */
async function withEnv<T>(vars: Record<string, string>, work: () => Promise<T>) {
  const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]))
  Object.assign(process.env, vars)
  init()
  try {
    return await work()
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
    init()
  }
}

/** A member whose latest fee (a year long, 20 €) ends on `end`; other fields as given. */
async function memberWithFee(end: Date | null, overrides: Parameters<typeof insertMember>[0] & { sendMembershipFeesEmail?: boolean; lastFeeReminderAt?: Date } = {}) {
  const { sendMembershipFeesEmail, lastFeeReminderAt, ...memberOverrides } = overrides
  const member = await insertMember(memberOverrides)
  if (sendMembershipFeesEmail !== undefined || lastFeeReminderAt) await prisma.member.update({ where: { id: member.id }, data: { sendMembershipFeesEmail, lastFeeReminderAt } })
  if (end) await prisma.membershipFee.create({ data: { memberId: member.id, amountCents: 2000, startDate: addDays(addMonths(end, -12), 1), endDate: end } })
  return member
}

const emailsOf = (memberIds: number[], template = 'call-for-membership-fees') => prisma.emailMessage.findMany({
  where: { memberId: { in: memberIds }, template },
  orderBy: { id: 'asc' },
  select: { memberId: true, template: true, toAddress: true, fromAddress: true, subject: true, text: true, html: true, attachInvoiceIds: true, status: true },
})

const lastFeeReminders = async (ids: number[]) => Object.fromEntries(
  (await prisma.member.findMany({ where: { id: { in: ids } }, select: { id: true, lastFeeReminderAt: true } })).map((m) => [m.id, m.lastFeeReminderAt]),
)

beforeAll(async () => {
  await updateIspIdentity({ name: 'FAI Test', email: ISP_EMAIL })
})

afterAll(() => {
  init()
})

describe('call_for_membership_fees', () => {
  test('members whose latest fee ends at each offset get exactly one email; the others none', async () => {
    const date = d('2040-06-15')
    const now = new Date('2040-06-15T01:42:00Z')
    const called = {
      before: await memberWithFee(d('2040-07-15')),
      at: await memberWithFee(d('2040-06-15')),
      after1: await memberWithFee(d('2040-05-15')),
      after2: await memberWithFee(d('2040-04-15')),
      after3: await memberWithFee(d('2040-03-15')),
    }
    const renewed = await memberWithFee(d('2040-05-15'))
    await prisma.membershipFee.create({ data: { memberId: renewed.id, amountCents: 2500, startDate: d('2040-05-16'), endDate: d('2041-05-15') } })
    const notCalled = [
      await memberWithFee(d('2040-08-15')),
      await memberWithFee(d('2040-07-16')),
      await memberWithFee(d('2040-06-14')),
      await memberWithFee(d('2040-02-15')),
      await memberWithFee(d('2040-06-15'), { sendMembershipFeesEmail: false }),
      await memberWithFee(d('2040-06-15'), { status: 'NOT_MEMBER' }),
      await memberWithFee(d('2040-06-15'), { status: 'PENDING' }),
      await memberWithFee(null),
      renewed,
    ]
    const calledIds = Object.values(called).map((m) => m.id)

    const result = await withEnv({ MEMBER_MEMBERSHIP_INFO_URL: INFO_URL }, () => callForMembershipFees({ date, now, offsets: OFFSETS }))

    expect(sorted(result.recipients.map((r) => r.id))).toEqual(sorted(calledIds))
    expect(Object.fromEntries(result.recipients.map((r) => [r.id, r.when]))).toEqual({
      [called.before.id]: 'before', [called.at.id]: 'at', [called.after1.id]: 'after', [called.after2.id]: 'after', [called.after3.id]: 'after',
    })
    expect(result.recipients.find((r) => r.id === called.at.id)).toMatchObject({ email: called.at.email, feeEndDate: d('2040-06-15'), detail: 'at: the fee ends today, 2040-06-15' })
    expect(result.skipped).toEqual([])

    const emails = await emailsOf([...calledIds, ...notCalled.map((m) => m.id)])
    expect(sorted(emails.map((e) => e.memberId!))).toEqual(sorted(calledIds))
    for (const member of Object.values(called)) {
      const [email] = emails.filter((e) => e.memberId === member.id)
      expect(email.toAddress).toContain(`<${member.email}>`)
      expect(email.fromAddress).toBe(`"FAI Test" <${ISP_EMAIL}>`)
      expect(email.status).toBe('QUEUED')
      expect(email.text).toContain('20,00')
      expect(email.html).toContain(INFO_URL)
    }
    expect(emails.find((e) => e.memberId === called.before.id)!.subject).toContain('se termine le')
    expect(emails.find((e) => e.memberId === called.after3.id)!.subject).toContain('a pris fin le')
    const reminded = await lastFeeReminders([...calledIds, ...notCalled.map((m) => m.id)])
    for (const id of calledIds) expect(reminded[id]).toEqual(now)
    for (const member of notCalled) expect(reminded[member.id]).toBeNull()
  })

  test('the 3-week guard: nothing the same day or 20 days later; 22 days later, again', async () => {
    const date = d('2040-09-10')
    const now = new Date('2040-09-10T01:42:00Z')
    const member = await memberWithFee(d('2040-09-10'), { firstName: 'Guard', lastName: 'Test' })
    const first = await callForMembershipFees({ date, now, offsets: OFFSETS })
    expect(first.recipients.map((r) => r.id)).toContain(member.id)

    const again = await callForMembershipFees({ date, now: new Date(now.getTime() + 3_600_000), offsets: OFFSETS })
    expect(again.recipients.map((r) => r.id)).not.toContain(member.id)
    expect(again.skipped).toContainEqual({ id: member.id, name: 'Guard Test', reason: 'already reminded on 2040-09-10', code: 'recent', lastAt: expect.any(Date) })
    const later20 = await callForMembershipFees({ date, now: new Date(now.getTime() + 20 * DAY), offsets: OFFSETS })
    expect(later20.recipients.map((r) => r.id)).not.toContain(member.id)
    expect(await emailsOf([member.id])).toHaveLength(1)

    const later22 = new Date(now.getTime() + 22 * DAY)
    const third = await callForMembershipFees({ date, now: later22, offsets: OFFSETS })
    expect(third.recipients.map((r) => r.id)).toContain(member.id)
    expect(await emailsOf([member.id])).toHaveLength(2)
    expect((await lastFeeReminders([member.id]))[member.id]).toEqual(later22)
  })

  test('two runs at once call each member once', async () => {
    const date = d('2040-11-20')
    const now = new Date('2040-11-20T01:42:00Z')
    const members = await Promise.all([d('2040-12-20'), d('2040-11-20'), d('2040-10-20')].map((end) => memberWithFee(end)))
    const runs = await Promise.all([1, 2, 3].map(() => callForMembershipFees({ date, now, offsets: OFFSETS })))
    const ids = members.map((m) => m.id)
    expect(sorted(runs.flatMap((r) => r.recipients.map((x) => x.id)).filter((id) => ids.includes(id)))).toEqual(sorted(ids))
    expect(sorted((await emailsOf(ids)).map((e) => e.memberId!))).toEqual(sorted(ids))
  })

  test('a dry run lists who would be called and records nothing', async () => {
    const date = d('2041-02-28')
    const now = new Date('2041-02-28T01:42:00Z')
    // On 28 February, +1m calls the fees ending 28 to 31 January, and -1m those ending 28 to 31 March.
    const members = await Promise.all(['2041-01-28', '2041-01-31', '2041-03-27', '2041-03-31'].map((end) => memberWithFee(d(end))))
    const result = await callForMembershipFees({ date, now, offsets: OFFSETS, dryRun: true })
    expect(sorted(result.recipients.map((r) => r.id))).toEqual(sorted([members[0].id, members[1].id, members[3].id]))
    expect(await emailsOf(members.map((m) => m.id))).toEqual([])
    expect(Object.values(await lastFeeReminders(members.map((m) => m.id)))).toEqual([null, null, null, null])

    const text = formatFeeCalls(result, { dryRun: true })
    const member = await prisma.member.findUniqueOrThrow({ where: { id: members[1].id }, select: { firstName: true, lastName: true, email: true } })
    expect(text).toContain(`${member.firstName} ${member.lastName} <${member.email}>: after: the fee ended on 2041-01-31\n`)
    expect(text).toMatch(/\n3 members would be called\. Dry run: nothing sent\.\n$/)
  })

  test('staff bulk action: any listed member, offsets and opt-out aside; the guard applies unless overridden', async () => {
    const date = d('2041-05-05')
    const now = new Date('2041-05-05T09:00:00Z')
    const recent = await memberWithFee(d('2041-08-31'), { firstName: 'Recent', lastName: 'Caller', sendMembershipFeesEmail: false, lastFeeReminderAt: new Date(now.getTime() - 5 * DAY) })
    const neverPaid = await memberWithFee(null)
    const former = await memberWithFee(d('2040-01-01'), { status: 'NOT_MEMBER', firstName: 'Former', lastName: 'Member' })
    const unknownId = 2_000_000_000

    const result = await callForMembershipFees({ date, now, offsets: OFFSETS, memberIds: [recent.id, neverPaid.id, former.id, unknownId, neverPaid.id] })
    expect(result.recipients).toEqual([expect.objectContaining({ id: neverPaid.id, when: 'after', feeEndDate: null, detail: 'no fee recorded' })])
    expect(result.skipped).toEqual(expect.arrayContaining([
      { id: recent.id, name: 'Recent Caller', reason: 'already reminded on 2041-04-30', code: 'recent', lastAt: expect.any(Date) },
      { id: former.id, name: 'Former Member', reason: 'not a member', code: 'notMember' },
      { id: unknownId, name: `#${unknownId}`, reason: 'no such member', code: 'unknown' },
    ]))
    expect(result.skipped).toHaveLength(3)
    const [neverPaidEmail] = await emailsOf([neverPaid.id])
    expect(neverPaidEmail.subject).toMatch(/^Appel à cotisation\s: votre adhésion à FAI Test$/)

    const overridden = await callForMembershipFees({ date, now, offsets: OFFSETS, memberIds: [recent.id, former.id], override: true })
    expect(overridden.recipients).toEqual([expect.objectContaining({ id: recent.id, when: 'before', feeEndDate: d('2041-08-31') })])
    expect(overridden.skipped.map((s) => s.code)).toEqual(['notMember'])
    expect(await emailsOf([recent.id])).toHaveLength(1)
    expect((await lastFeeReminders([recent.id]))[recent.id]).toEqual(now)
    expect(await emailsOf([former.id])).toEqual([])
  })
})

describe('remind_unpaid_invoices', () => {
  const date = d('2043-03-31')
  const now = new Date('2043-03-31T08:12:00Z')

  test('validated open invoices due more than 4 weeks ago with something left to pay, each with its PDF', async () => {
    const member = await insertMember({ firstName: 'Unpaid', lastName: 'Member' })
    const invoice = (dueDaysAgo: number) => insertValidatedInvoice({ memberId: member.id, today: addDays(date, -dueDaysAgo - 30), dueDate: addDays(date, -dueDaysAgo) })
    const due29 = await invoice(29)
    const due28 = await invoice(28)
    const due27 = await invoice(27)
    const credited = await invoice(40)
    await createCreditNote({ invoiceId: credited.id, amountCents: 300, reason: 'Geste', today: addDays(date, -35), paymentDelayDays: 30 })
    const draft = await insertDraftInvoice({ memberId: member.id, dueDate: addDays(date, -90) })
    const payer = await insertMember()
    const paid = await insertValidatedInvoice({ memberId: payer.id, today: addDays(date, -90), dueDate: addDays(date, -60) })
    await recordPayment({ memberId: payer.id, method: 'TRANSFER', amountCents: 800, date: addDays(date, -50) })
    const partial = await insertValidatedInvoice({ memberId: payer.id, today: addDays(date, -90), dueDate: addDays(date, -45) })
    await recordPayment({ memberId: payer.id, method: 'TRANSFER', amountCents: 200, date: addDays(date, -40) })

    const result = await remindUnpaidInvoices({ date, now })
    const mine = result.recipients.filter((r) => [member.id, payer.id].includes(r.memberId))
    expect(mine.map((r) => [r.number, r.remainingCents])).toEqual([[partial.number, 600], [credited.number, 500], [due29.number, 800]])
    expect(mine.find((r) => r.id === due29.id)).toMatchObject({ name: 'Unpaid Member', email: member.email, dueDate: addDays(date, -29), detail: `${due29.number} due 2043-03-02, €8.00 left` })

    const emails = await emailsOf([member.id, payer.id], 'unpaid-invoice-reminder')
    expect(emails.map((e) => e.attachInvoiceIds)).toEqual(expect.arrayContaining([[due29.id], [credited.id], [partial.id]]))
    expect(emails).toHaveLength(3)
    const email = emails.find((e) => e.attachInvoiceIds[0] === due29.id)!
    expect(email.toAddress).toContain(`<${member.email}>`)
    expect(email.fromAddress).toBe(`"FAI Test" <${ISP_EMAIL}>`)
    expect(email.subject).toContain(due29.number)
    expect(email.html).toContain(`${getEnv().PUBLIC_URL}/invoices/${due29.id}`)

    const rows = await prisma.invoice.findMany({ where: { id: { in: [due29.id, due28.id, due27.id, credited.id, draft.id, paid.id, partial.id] } }, select: { id: true, lastReminderAt: true } })
    expect(Object.fromEntries(rows.map((r) => [r.id, r.lastReminderAt]))).toEqual({
      [due29.id]: now, [credited.id]: now, [partial.id]: now, [due28.id]: null, [due27.id]: null, [draft.id]: null, [paid.id]: null,
    })

    // Same day: the guard. 20 days later: still the guard, but the other two are now overdue by
    // more than 4 weeks and get their first reminder. 22 days later: the first ones, again.
    const memberIds = (r: { recipients: { id: number; memberId: number }[] }) => sorted(r.recipients.filter((x) => x.memberId === member.id).map((x) => x.id))
    const again = await remindUnpaidInvoices({ date, now: new Date(now.getTime() + 3_600_000) })
    expect(memberIds(again)).toEqual([])
    expect(again.skipped).toContainEqual({ id: due29.id, number: due29.number, name: 'Unpaid Member', reason: `${due29.number}: already reminded on 2043-03-31`, code: 'recent', lastAt: expect.any(Date) })
    expect(memberIds(await remindUnpaidInvoices({ date: addDays(date, 20), now: new Date(now.getTime() + 20 * DAY) }))).toEqual(sorted([due28.id, due27.id]))
    expect(memberIds(await remindUnpaidInvoices({ date: addDays(date, 22), now: new Date(now.getTime() + 22 * DAY) }))).toEqual(sorted([due29.id, credited.id]))
    expect(await emailsOf([member.id], 'unpaid-invoice-reminder')).toHaveLength(6)
  })

  test('a dry run lists the invoices and records nothing', async () => {
    const member = await insertMember({ firstName: 'Dry', lastName: 'Run' })
    const { id, number } = await insertValidatedInvoice({ memberId: member.id, today: d('2044-01-01'), dueDate: d('2044-01-31') })
    const result = await remindUnpaidInvoices({ date: d('2044-03-01'), now: new Date('2044-03-01T09:00:00Z'), dryRun: true })
    expect(result.recipients.map((r) => r.id)).toContain(id)
    expect(await emailsOf([member.id], 'unpaid-invoice-reminder')).toEqual([])
    expect((await prisma.invoice.findUniqueOrThrow({ where: { id }, select: { lastReminderAt: true } })).lastReminderAt).toBeNull()
    const text = formatUnpaidReminders({ recipients: result.recipients.filter((r) => r.id === id), skipped: [] }, { dryRun: true })
    expect(text).toBe(`Dry Run <${member.email}>: ${number} due 2044-01-31, €8.00 left\n1 invoice would be reminded. Dry run: nothing sent.\n`)
  })
})

describe('the report to REMINDER_REPORT_EMAIL', () => {
  const reports = () => prisma.emailMessage.findMany({ where: { template: 'reminder-report' }, orderBy: { id: 'asc' }, select: { memberId: true, toAddress: true, fromAddress: true, subject: true, text: true } })

  test('unset: nothing is queued', async () => {
    const before = (await reports()).length
    expect(await sendReminderReport({ job: 'call-for-membership-fees', date: d('2045-01-01'), dryRun: false, result: { recipients: [], skipped: [] } })).toBeNull()
    expect(await reports()).toHaveLength(before)
  })

  test('set: each job run queues a summary in French, with its recipients and skips', async () => {
    const member = await insertMember({ firstName: 'Report', lastName: 'Unpaid' })
    const { number } = await insertValidatedInvoice({ memberId: member.id, today: d('2045-01-01'), dueDate: d('2045-01-31') })
    const feeMember = await memberWithFee(d('2045-03-31'), { firstName: 'Report', lastName: 'Fees' })
    const now = new Date('2045-03-31T01:42:00Z')
    const before = (await reports()).length
    await withEnv({ REMINDER_REPORT_EMAIL: 'tresorier@fai-test.example' }, async () => {
      const unpaid = await runUnpaidJob({ now, log: logger })
      expect(unpaid.recipients.map((r) => r.memberId)).toContain(member.id)
      const fees = await runFeesJob({ now, log: logger })
      expect(fees.recipients.map((r) => r.id)).toContain(feeMember.id)
    })
    const queued = (await reports()).slice(before)
    expect(queued).toHaveLength(2)
    for (const report of queued) {
      expect(report.memberId).toBeNull()
      expect(report.toAddress).toBe('tresorier@fai-test.example')
    }
    expect(queued[0].subject).toMatch(/^Coin\u00a0: remind-unpaid-invoices du 31 mars 2045, \d+ destinataires?$/)
    expect(queued[0].text).toContain('Voici le compte rendu')
    expect(queued[0].text).toContain('Report Unpaid')
    expect(queued[0].text).toContain(`${number} échue le 31/01/2045, reste 8,00\u00a0€`)
    expect(queued[1].text).toContain('Report Fees')
    expect(queued[1].text).toContain('le jour même : la cotisation se termine aujourd’hui, 31/03/2045')
    for (const report of queued) expect(report.text).not.toMatch(/\b(due|left|the fee)\b/)

    // The next day the same runs skip what they just did: the report says why, in French.
    await withEnv({ REMINDER_REPORT_EMAIL: 'tresorier@fai-test.example' }, () => runUnpaidJob({ now: new Date(now.getTime() + DAY), log: logger }))
    const skips = (await reports()).slice(before + 2)
    expect(skips).toHaveLength(1)
    expect(skips[0].text).toContain(`${number} : déjà relancé le 31/03/2045`)

    // Without the variable, the jobs still run and queue no report.
    await runUnpaidJob({ now: new Date(now.getTime() + 2 * DAY), log: logger })
    expect((await reports()).length).toBe(before + 3)
  })

  test('a run with nothing to report (nobody reminded, nobody skipped) sends no report', async () => {
    const before = (await reports()).length
    await withEnv({ REMINDER_REPORT_EMAIL: 'tresorier@fai-test.example' }, async () => {
      expect(await sendReminderReport({ job: 'call-for-membership-fees', date: d('2046-01-01'), dryRun: false, result: { recipients: [], skipped: [] } })).toBeNull()
      // A day when no fee ends at any offset: the daily job calls nobody and skips nobody.
      const fees = await runFeesJob({ now: new Date('2099-06-15T01:42:00Z'), log: logger })
      expect(fees).toEqual({ recipients: [], skipped: [] })
    })
    expect(await reports()).toHaveLength(before)
  })
})
