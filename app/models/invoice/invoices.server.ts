import { Prisma, type InvoiceStatus } from '#app/generated/prisma/client.ts'
import { recordAudit, type Actor } from '#app/models/audit/audit.server.ts'
import { queueEmailsForLater, recipientSelect } from '#app/models/email/outbox.server.ts'
import { getIspIdentity } from '#app/models/isp/settings.server.ts'
import { lockMember, reconcileMember, withMemberAccounts } from '#app/models/payment/payments.server.ts'
import { prisma } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { MAX_AMOUNT_CENTS } from '#app/utils/money.ts'
import { toIsoDate } from '#app/utils/dates.ts'
import { AMOUNTS_JOIN, REMAINING } from './amounts.server.ts'
import { lineTotalCents } from './rules.ts'
import { buyerOf, readBuyer, readSeller, sellerOf } from './snapshot.ts'
import { validateInvoiceIn } from './validate.server.ts'

type Tx = Prisma.TransactionClient

/**
 * Invoices: drafts staff edit line by line, validation, credit notes, and the lists. What a
 * validated invoice says never changes (the database refuses it); its status follows payments.
 */

export type LineInput = {
  label: string
  unitCents: number
  quantityHundredths: number
  vatBasisPoints: number
  subscriptionId?: number | null
  periodFrom?: Date | null
  periodTo?: Date | null
}

/** A draft's label shown until it is validated, as in Coin. */
export const draftLabel = (id: number) => `DRAFT-${id}`

const notFound = () => new DomainError({ code: 'INVOICE_NOT_FOUND', message: 'notFound', status: 404 })
const notDraft = () => new DomainError({ code: 'INVOICE_NOT_DRAFT', message: 'invoiceNotDraft' })

/** Locks a draft for editing; refuses a validated invoice with the message staff should read. */
async function lockDraft(tx: Tx, id: number) {
  const [row] = await tx.$queryRaw<{ validated: boolean; memberId: number | null }[]>`SELECT validated, "memberId" FROM "Invoice" WHERE id = ${id} FOR UPDATE`
  if (!row) throw notFound()
  if (row.validated) throw notDraft()
  return row
}

/** The most a line may total (1,000,000 €): a typing slip, not an ISP's invoice, beyond that. */
export const MAX_LINE_TOTAL_CENTS = MAX_AMOUNT_CENTS

/**
 * What a draft line must be, whatever form or script sends it: a label, a unit price ≥ 0 (credit
 * notes are made by `createCreditNote`), a quantity > 0, a VAT rate within 0–100 %, a period with
 * both ends in order or none, and a sane total.
 */
function checkLine(line: LineInput) {
  const refuse = (code: string, message: string) => new DomainError({ code, message, status: 400 })
  if (!line.label.trim() || line.label.length > 200) throw refuse('LINE_LABEL_INVALID', line.label.trim() ? 'tooLong' : 'required')
  if (!Number.isSafeInteger(line.unitCents) || line.unitCents < 0) throw refuse('AMOUNT_INVALID', 'amountInvalid')
  if (!Number.isSafeInteger(line.quantityHundredths) || line.quantityHundredths <= 0) throw refuse('QUANTITY_INVALID', 'quantityInvalid')
  if (!Number.isSafeInteger(line.vatBasisPoints) || line.vatBasisPoints < 0 || line.vatBasisPoints > 10_000) throw refuse('VAT_INVALID', 'vatInvalid')
  if (!line.periodFrom !== !line.periodTo) throw refuse('PERIOD_INCOMPLETE', 'periodIncomplete')
  if (line.periodFrom && line.periodTo && line.periodTo < line.periodFrom) throw refuse('PERIOD_REVERSED', 'endBeforeStart')
  if (lineTotalCents(line) > MAX_LINE_TOTAL_CENTS) throw refuse('LINE_TOTAL_TOO_LARGE', 'lineTotalTooLarge')
}

/** The database refuses a subscription period another line already bills: say so in words. */
async function refusingDoubleBilling<T>(work: Promise<T>) {
  try {
    return await work
  } catch (error) {
    if (error instanceof Error && error.message.includes('InvoiceLine_no_double_billing')) {
      throw new DomainError({ code: 'PERIOD_ALREADY_BILLED', message: 'periodAlreadyBilled', cause: error })
    }
    throw error
  }
}

/**
 * A staff validation or credit note runs in a transaction that may wait for the member's lock or
 * the month's counter while the billing run holds them (a batch takes a few seconds): it waits up
 * to a minute, and past that says Coin is busy instead of failing with a database error.
 */
async function waitingForBillingRun<T>(work: (tx: Tx) => Promise<T>) {
  try {
    return await prisma.$transaction(work, { maxWait: 10_000, timeout: 60_000 })
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'P2028' || code === 'P2024') throw new DomainError({ code: 'BILLING_BUSY', message: 'billingBusy', status: 503, cause: error })
    throw error
  }
}

/** A line's subscription must belong to the invoice's member. */
async function checkLineSubscription(tx: Tx, memberId: number | null, line: LineInput) {
  if (!line.subscriptionId) return
  const subscription = await tx.subscription.findUnique({ where: { id: line.subscriptionId }, select: { memberId: true } })
  if (!subscription || subscription.memberId !== memberId) throw new DomainError({ code: 'SUBSCRIPTION_OF_ANOTHER_MEMBER', message: 'subscriptionNotFound', status: 400 })
}

/** Creates an empty draft for a member. */
export async function createDraft({ memberId, dueDate = null }: { memberId: number; dueDate?: Date | null }) {
  const member = await prisma.member.findUnique({ where: { id: memberId }, select: { id: true } })
  if (!member) throw new DomainError({ code: 'MEMBER_NOT_FOUND', message: 'memberNotFound', status: 400 })
  return prisma.invoice.create({ data: { memberId, dueDate }, select: { id: true } })
}

/** Sets a draft's due date (empty: `PAYMENT_DELAY` days after validation). */
export function setDraftDueDate(id: number, dueDate: Date | null) {
  return prisma.$transaction(async (tx) => {
    await lockDraft(tx, id)
    await tx.invoice.update({ where: { id }, data: { dueDate } })
  })
}

const lineNotFound = () => new DomainError({ code: 'LINE_NOT_FOUND', message: 'lineNotFound', status: 404 })

export function addDraftLine(invoiceId: number, line: LineInput) {
  checkLine(line)
  return refusingDoubleBilling(prisma.$transaction(async (tx) => {
    const draft = await lockDraft(tx, invoiceId)
    await checkLineSubscription(tx, draft.memberId, line)
    return tx.invoiceLine.create({ data: { ...line, invoiceId }, select: { id: true } })
  }))
}

export function updateDraftLine(invoiceId: number, lineId: number, line: LineInput) {
  checkLine(line)
  return refusingDoubleBilling(prisma.$transaction(async (tx) => {
    const draft = await lockDraft(tx, invoiceId)
    await checkLineSubscription(tx, draft.memberId, line)
    const { count } = await tx.invoiceLine.updateMany({ where: { id: lineId, invoiceId }, data: line })
    if (count === 0) throw lineNotFound()
  }))
}

export function deleteDraftLine(invoiceId: number, lineId: number) {
  return prisma.$transaction(async (tx) => {
    await lockDraft(tx, invoiceId)
    const { count } = await tx.invoiceLine.deleteMany({ where: { id: lineId, invoiceId } })
    if (count === 0) throw lineNotFound()
  })
}

export function deleteDraft(id: number) {
  return prisma.$transaction(async (tx) => {
    await lockDraft(tx, id)
    await tx.invoice.delete({ where: { id } })
  })
}

/**
 * Validates a draft, reconciles the member's account (credit pays the new invoice) and queues the
 * "new invoice" email, which waits for the PDF and says what is left to pay when it is sent.
 * Returns the number.
 */
export function validateDraft({ actorId = null, ...input }: { id: number; today: Date; paymentDelayDays: number } & Actor) {
  return waitingForBillingRun(async (tx) => {
    const { number, memberId, kind, totalCents, dueDate } = await validateInvoiceIn(tx, input)
    await recordAudit(tx, { actorId, action: 'invoice.validate', entity: 'invoice', entityId: input.id, memberId, after: { number, totalCents, date: toIsoDate(input.today), dueDate: toIsoDate(dueDate) } })
    if (memberId === null) return number
    await reconcileMember(tx, memberId, { actorId })
    if (kind === 'INVOICE') await queueNewInvoiceEmails(tx, [input.id])
    return number
  })
}

/**
 * Queues the "new invoice" email of validated invoices, unrendered: the worker renders each when
 * it sends it, once the PDF it attaches is stored, with what is left to pay at that moment
 * (outbox.server.ts). What it says about the invoice comes from the invoice's own snapshot.
 */
export async function queueNewInvoiceEmails(tx: Tx, ids: number[]) {
  const invoices = await tx.invoice.findMany({
    where: { id: { in: ids }, validated: true, kind: 'INVOICE', memberId: { not: null } },
    select: { id: true, number: true, date: true, dueDate: true, totalCents: true, seller: true, member: { select: recipientSelect } },
  })
  const baseUrl = getEnv().PUBLIC_URL
  await queueEmailsForLater(invoices.map(({ member, number, seller, ...invoice }) => {
    const isp = readSeller(seller)
    return {
      template: 'new-invoice' as const,
      member: member!,
      attachInvoiceIds: [invoice.id],
      props: {
        invoiceId: invoice.id, number: number!, date: invoice.date, dueDate: invoice.dueDate, totalCents: invoice.totalCents,
        // Until it is rendered: what the member owes now (their credit may have paid part of it).
        remainingCents: invoice.totalCents,
        paidByCreditCents: 0,
        invoiceUrl: `${baseUrl}/invoices/${invoice.id}`, paymentReference: number!, iban: isp?.iban ?? '', bic: isp?.bic ?? '',
      },
    }
  }), tx)
}

/**
 * Issues a validated credit note of `amountCents` against a validated invoice: one line, a
 * negative amount, its own AV- number. The invoice's due amount drops by as much; money already
 * allocated to it beyond the new due amount is released (newest allocation first) and becomes
 * credit, which reconciliation then uses for the member's other open invoices.
 */
export function createCreditNote({ invoiceId, amountCents, reason, today, paymentDelayDays, actorId = null }: {
  invoiceId: number; amountCents: number; reason: string; today: Date; paymentDelayDays: number
} & Actor) {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) throw new DomainError({ code: 'AMOUNT_INVALID', message: 'amountInvalid', status: 400 })
  return waitingForBillingRun(async (tx) => {
    const invoice = await tx.invoice.findUnique({ where: { id: invoiceId }, select: { memberId: true, validated: true, kind: true, number: true, totalCents: true } })
    if (!invoice) throw notFound()
    if (!invoice.validated || invoice.kind !== 'INVOICE') throw new DomainError({ code: 'INVOICE_NOT_CREDITABLE', message: 'invoiceNotCreditable' })
    if (invoice.memberId !== null) await lockMember(tx, invoice.memberId)
    const { _sum } = await tx.invoice.aggregate({ where: { creditedInvoiceId: invoiceId, validated: true }, _sum: { totalCents: true } })
    const dueCents = invoice.totalCents + (_sum.totalCents ?? 0)
    if (amountCents > dueCents) throw new DomainError({ code: 'CREDIT_TOO_LARGE', message: 'creditTooLarge' })
    const note = await tx.invoice.create({
      data: {
        kind: 'CREDIT_NOTE', memberId: invoice.memberId, creditedInvoiceId: invoiceId, dueDate: today,
        lines: { create: [{ label: reason.trim() || `Avoir sur la facture ${invoice.number}`, unitCents: -amountCents, quantityHundredths: 100 }] },
      },
      select: { id: true },
    })
    const { number } = await validateInvoiceIn(tx, { id: note.id, today, paymentDelayDays })
    await recordAudit(tx, [
      { actorId, action: 'invoice.creditNote', entity: 'invoice', entityId: invoiceId, memberId: invoice.memberId, before: { dueCents }, after: { dueCents: dueCents - amountCents, creditNote: number } },
      { actorId, action: 'invoice.validate', entity: 'invoice', entityId: note.id, memberId: invoice.memberId, after: { number, totalCents: -amountCents, date: toIsoDate(today), credits: invoice.number } },
    ])
    const released = await releaseAllocationsBeyond(tx, invoiceId, dueCents - amountCents)
    await recordAudit(tx, released.map((r) => ({ actorId, action: 'allocation.release' as const, entity: 'allocation' as const, entityId: r.id, memberId: invoice.memberId, before: { amountCents: r.amountCents }, after: { amountCents: r.amountCents - r.freedCents, creditNote: number } })))
    if (invoice.memberId !== null) await reconcileMember(tx, invoice.memberId, { actorId })
    return { id: note.id, number }
  })
}

/** Shrinks an invoice's allocations, newest first, until they total at most `dueCents`; returns what each freed. */
async function releaseAllocationsBeyond(tx: Tx, invoiceId: number, dueCents: number) {
  const allocations = await tx.paymentAllocation.findMany({ where: { invoiceId }, orderBy: { id: 'desc' }, select: { id: true, amountCents: true } })
  let excess = allocations.reduce((sum, a) => sum + a.amountCents, 0) - Math.max(dueCents, 0)
  const released: { id: number; amountCents: number; freedCents: number }[] = []
  for (const allocation of allocations) {
    if (excess <= 0) break
    if (allocation.amountCents <= excess) await tx.paymentAllocation.delete({ where: { id: allocation.id } })
    else await tx.paymentAllocation.update({ where: { id: allocation.id }, data: { amountCents: allocation.amountCents - excess } })
    released.push({ ...allocation, freedCents: Math.min(allocation.amountCents, excess) })
    excess -= allocation.amountCents
  }
  return released
}

/**
 * Marks a validated invoice disputed (TROUBLE: no automatic allocation, but a payment forced onto
 * it still pays it) or back to normal; reconciliation then closes it if nothing is left to pay.
 */
export async function setInvoiceDisputed({ id, disputed, actorId = null }: { id: number; disputed: boolean } & Actor) {
  const invoice = await prisma.invoice.findUnique({ where: { id }, select: { memberId: true, validated: true, kind: true } })
  if (!invoice) throw notFound()
  if (!invoice.validated || invoice.kind !== 'INVOICE' || invoice.memberId === null) throw new DomainError({ code: 'INVOICE_NOT_PAYABLE', message: 'invoiceNotPayable' })
  const memberId = invoice.memberId
  return withMemberAccounts(memberId, async (tx) => {
    const { status } = await tx.invoice.findUniqueOrThrow({ where: { id }, select: { status: true } })
    // A settled invoice has nothing left to contest: a credit note corrects it.
    if (disputed && status === 'CLOSED') throw new DomainError({ code: 'INVOICE_SETTLED', message: 'invoiceSettledNoDispute' })
    const next = disputed ? 'TROUBLE' : 'OPEN'
    if (status === next) return
    await tx.invoice.update({ where: { id }, data: { status: next } })
    await recordAudit(tx, { actorId, action: disputed ? 'invoice.dispute' : 'invoice.undispute', entity: 'invoice', entityId: id, memberId, before: { status }, after: { status: next } })
  }, { actorId })
}

/** Invoice `i` is late on `today`: validated, open, due before, and not fully paid. */
const overdueOn = (today: Date) => Prisma.sql`(i.validated AND i.kind = 'INVOICE' AND i.status = 'OPEN' AND i."dueDate" < ${today}::date AND ${REMAINING} > 0)`

export type InvoiceFilter = {
  status?: InvoiceStatus | 'DRAFT'
  /** YYYY-MM */
  month?: string
  memberId?: number
  overdue?: boolean
  kind?: 'INVOICE' | 'CREDIT_NOTE'
  validated?: boolean
}

function filterSql({ status, month, memberId, overdue, kind, validated }: InvoiceFilter, today: Date) {
  const conditions: Prisma.Sql[] = []
  if (validated !== undefined) conditions.push(validated ? Prisma.sql`i.validated` : Prisma.sql`NOT i.validated`)
  if (status === 'DRAFT') conditions.push(Prisma.sql`NOT i.validated`)
  else if (status) conditions.push(Prisma.sql`i.validated AND i.status = ${status}::"InvoiceStatus"`)
  if (month) {
    const start = new Date(`${month}-01T00:00:00Z`)
    conditions.push(Prisma.sql`i.date >= ${start}::date AND i.date < ${new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1))}::date`)
  }
  if (memberId) conditions.push(Prisma.sql`i."memberId" = ${memberId}`)
  if (kind) conditions.push(Prisma.sql`i.kind = ${kind}::"InvoiceKind"`)
  if (overdue) conditions.push(overdueOn(today))
  return conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty
}

export type InvoiceRow = {
  id: number
  number: string | null
  kind: 'INVOICE' | 'CREDIT_NOTE'
  status: InvoiceStatus
  validated: boolean
  date: Date
  dueDate: Date | null
  totalCents: number
  remainingCents: number
  overdue: boolean
  memberId: number | null
  username: string | null
  memberName: string | null
}

export const INVOICES_PER_PAGE = 50

async function queryInvoices(filter: InvoiceFilter, today: Date, page: Prisma.Sql) {
  return prisma.$queryRaw<(InvoiceRow & { count: number; sumTotal: number; sumRemaining: number })[]>`
    SELECT i.id, i.number, i.kind::text AS kind, i.status::text AS status, i.validated, i.date, i."dueDate",
           (CASE WHEN i.validated THEN i."totalCents" ELSE COALESCE(l.total, 0) END)::int AS "totalCents",
           (${REMAINING})::int AS "remainingCents",
           ${overdueOn(today)} AS overdue,
           i."memberId", m.username,
           -- The name the invoice was issued to; a draft's member as they are now.
           COALESCE(i.buyer->>'name', CASE WHEN m.type = 'LEGAL_ENTITY' THEN NULLIF(m."organizationName", '') END,
                    NULLIF(trim(m."firstName" || ' ' || m."lastName"), ''), m.username) AS "memberName",
           (count(*) OVER ())::int AS count,
           (sum(CASE WHEN i.validated THEN i."totalCents" ELSE 0 END) OVER ())::int AS "sumTotal",
           (sum(${REMAINING}) OVER ())::int AS "sumRemaining"
    FROM "Invoice" i
    LEFT JOIN "Member" m ON m.id = i."memberId"
    -- A draft's total, rounded like lineTotalCents (half away from zero, per line).
    LEFT JOIN (SELECT "invoiceId", sum(round("unitCents"::numeric * "quantityHundredths" * (10000 + "vatBasisPoints") / 1000000)) AS total
               FROM "InvoiceLine" GROUP BY 1) l ON l."invoiceId" = i.id
    ${AMOUNTS_JOIN}
    ${filterSql(filter, today)}
    ORDER BY i.validated, i.date DESC, i.id DESC
    ${page}`
}

/**
 * Invoices for the staff list: drafts first, then newest first, 50 a page, with the totals of
 * the whole filtered list (validated totals and remaining amounts; drafts count for nothing).
 */
export async function listInvoices(filter: InvoiceFilter & { page?: number }, today: Date) {
  const page = filter.page ?? 1
  const rows = await queryInvoices(filter, today, Prisma.sql`LIMIT ${INVOICES_PER_PAGE} OFFSET ${(page - 1) * INVOICES_PER_PAGE}`)
  const totals = rows[0] ? { count: rows[0].count, totalCents: rows[0].sumTotal, remainingCents: rows[0].sumRemaining } : { count: 0, totalCents: 0, remainingCents: 0 }
  return { invoices: rows.map(stripTotals), totals }
}

/** Every invoice matching the filter, for the CSV export. */
export async function listAllInvoices(filter: InvoiceFilter, today: Date) {
  return (await queryInvoices(filter, today, Prisma.empty)).map(stripTotals)
}

function stripTotals({ count: _c, sumTotal: _t, sumRemaining: _r, ...row }: InvoiceRow & { count: number; sumTotal: number; sumRemaining: number }): InvoiceRow {
  return row
}

/** A member's validated invoices and credit notes, newest first (members never see drafts). */
export async function listMemberInvoices(memberId: number, today: Date) {
  return (await queryInvoices({ memberId, validated: true }, today, Prisma.empty)).map(stripTotals)
}

/**
 * One invoice with its lines, payments, credit notes and amounts. With `memberId`, only that
 * member's validated invoices are found (the member pages): anything else is null, i.e. 404.
 */
export async function getInvoice(id: number, { memberId, today }: { memberId?: number; today: Date }) {
  const invoice = await prisma.invoice.findUnique({
    where: { id },
    select: {
      id: true, number: true, kind: true, status: true, validated: true, validatedAt: true, date: true, dueDate: true, totalCents: true, memberId: true,
      pdfSha256: true, buyer: true, seller: true,
      member: { select: { id: true, username: true, type: true, firstName: true, lastName: true, organizationName: true, address: true, postalCode: true, city: true, country: true, email: true, language: true } },
      creditedInvoice: { select: { id: true, number: true, date: true } },
      creditNotes: { where: { validated: true }, select: { id: true, number: true, date: true, totalCents: true }, orderBy: { id: 'asc' } },
      lines: {
        orderBy: { id: 'asc' },
        select: { id: true, label: true, unitCents: true, quantityHundredths: true, vatBasisPoints: true, halfEven: true, periodFrom: true, periodTo: true, subscriptionId: true, isSetupFee: true },
      },
      allocations: { orderBy: { id: 'asc' }, select: { id: true, amountCents: true, payment: { select: { id: true, date: true, method: true, label: true } } } },
    },
  })
  if (!invoice) return null
  if (memberId !== undefined && (invoice.memberId !== memberId || !invoice.validated)) return null
  const { buyer: buyerJson, seller: sellerJson, member, ...rest } = invoice
  // A validated invoice shows what it captured; a draft, the member and the ISP as they are now.
  const seller = readSeller(sellerJson) ?? sellerOf(await getIspIdentity(), null)
  const buyer = invoice.validated ? (buyerJson ? readBuyer(buyerJson) : null) : member && buyerOf(member)
  const lines = invoice.lines.map((line) => ({ ...line, totalCents: lineTotalCents(line) }))
  const totalCents = invoice.validated ? invoice.totalCents : lines.reduce((sum, l) => sum + l.totalCents, 0)
  const dueCents = totalCents + invoice.creditNotes.reduce((sum, c) => sum + c.totalCents, 0)
  const paidCents = invoice.allocations.reduce((sum, a) => sum + a.amountCents, 0)
  const remainingCents = invoice.validated && invoice.kind === 'INVOICE' ? Math.max(dueCents - paidCents, 0) : 0
  const overdue = invoice.validated && invoice.status === 'OPEN' && remainingCents > 0 && invoice.dueDate !== null && invoice.dueDate < today
  return {
    ...rest, member: member && { id: member.id, username: member.username }, buyer, seller,
    lines, totalCents, dueCents, paidCents, remainingCents, overdue, label: invoice.number ?? draftLabel(invoice.id),
  }
}

/** How old a draft may get before the admin overview points at it. */
export const STALE_DRAFT_DAYS = 7

/**
 * Drafts created more than `STALE_DRAFT_DAYS` before `now`, oldest first: forgotten drafts hold
 * their subscriptions' periods, which the monthly run then leaves unbilled.
 */
export async function listStaleDrafts(now: Date) {
  const where = { validated: false, createdAt: { lt: new Date(now.getTime() - STALE_DRAFT_DAYS * 86_400_000) } }
  const [drafts, count] = await Promise.all([
    prisma.invoice.findMany({ where, orderBy: { createdAt: 'asc' }, take: 20, select: { id: true, createdAt: true, member: { select: { id: true, username: true } } } }),
    prisma.invoice.count({ where }),
  ])
  return { drafts, count }
}

/** The id of the invoice with this number, or null. */
export async function findInvoiceIdByNumber(number: string) {
  const row = await prisma.invoice.findUnique({ where: { number }, select: { id: true } })
  return row?.id ?? null
}
