import type { PaymentMethod, Prisma } from '#app/generated/prisma/client.ts'
import { recordAudit, type Actor } from '#app/models/audit/audit.server.ts'
import { AMOUNTS_JOIN, REMAINING } from '#app/models/invoice/amounts.server.ts'
import { allocateFifo } from '#app/models/invoice/rules.ts'
import { prisma } from '#app/utils/db.server.ts'
import { groupBy } from '#app/utils/collections.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { MAX_AMOUNT_CENTS } from '#app/utils/money.ts'
import { notFound } from '#app/utils/http.server.ts'
import { toIsoDate } from '#app/utils/dates.ts'
import { PaymentIdParams } from './payment.schema.ts'

type Tx = Prisma.TransactionClient

/**
 * Payments and Coin's reconciliation (§2.6.4), kept in the database: every change to a member's
 * payments or validated invoices runs `reconcileMember` in the same transaction, with the
 * member's row locked so that two changes for one member never allocate the same money twice.
 *
 * Amounts: an invoice's *due* amount is its total plus its validated credit notes (negative
 * totals); its *remaining* amount is due minus what payments allocated to it. The balance is
 * Σ payments − Σ due amounts, i.e. unallocated money − remaining amounts (negative: the member
 * owes money; positive: credit that pays the next invoice).
 */

/** Locks the member's row for the rest of the transaction: reconciliation is per member. */
export function lockMember(tx: Tx, memberId: number) {
  return lockMembers(tx, [memberId])
}

/** Locks these members' rows, in id order (the order every other lock takes). */
export async function lockMembers(tx: Tx, memberIds: number[]) {
  const rows = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM "Member" WHERE id = ANY(${memberIds}::int[]) ORDER BY id FOR UPDATE`
  if (rows.length < new Set(memberIds).size) throw new DomainError({ code: 'MEMBER_NOT_FOUND', message: 'memberNotFound', status: 400 })
}

/** Validated invoices of these members with their due and remaining amounts, in cents. */
async function invoiceAmounts(tx: Tx, memberIds: number[]) {
  return tx.$queryRaw<{ id: number; memberId: number; date: Date; status: 'OPEN' | 'CLOSED' | 'TROUBLE'; dueCents: number; remainingCents: number }[]>`
    SELECT i.id, i."memberId", i.date, i.status::text AS status,
           (i."totalCents" + COALESCE(c.credited, 0))::int AS "dueCents",
           (i."totalCents" + COALESCE(c.credited, 0) - COALESCE(a.paid, 0))::int AS "remainingCents"
    FROM "Invoice" i
    LEFT JOIN (SELECT "creditedInvoiceId" AS id, sum("totalCents") AS credited FROM "Invoice"
               WHERE validated AND kind = 'CREDIT_NOTE' AND "memberId" = ANY(${memberIds}::int[]) GROUP BY 1) c ON c.id = i.id
    LEFT JOIN (SELECT pa."invoiceId" AS id, sum(pa."amountCents") AS paid FROM "PaymentAllocation" pa
               JOIN "Payment" p ON p.id = pa."paymentId" WHERE p."memberId" = ANY(${memberIds}::int[]) GROUP BY 1) a ON a.id = i.id
    WHERE i."memberId" = ANY(${memberIds}::int[]) AND i.validated AND i.kind = 'INVOICE'
    ORDER BY i.date, i.id`
}

/** These members' payments with what is left of each after its allocations, in cents, and the invoices staff took each off. */
async function paymentAmounts(tx: Tx, memberIds: number[]) {
  return tx.$queryRaw<{ id: number; memberId: number; date: Date; forcedInvoiceId: number | null; amountCents: number; unallocatedCents: number; refusedInvoiceIds: number[] }[]>`
    SELECT p.id, p."memberId", p.date, p."forcedInvoiceId", p."amountCents",
           (p."amountCents" - COALESCE((SELECT sum(a."amountCents") FROM "PaymentAllocation" a WHERE a."paymentId" = p.id), 0))::int AS "unallocatedCents",
           ARRAY(SELECT r."invoiceId" FROM "AllocationRefusal" r WHERE r."paymentId" = p.id) AS "refusedInvoiceIds"
    FROM "Payment" p WHERE p."memberId" = ANY(${memberIds}::int[])
    ORDER BY p.date, p.id`
}

/**
 * Coin's `update_accounting_for_member`: allocates unallocated money to open invoices (forced
 * invoice first, then oldest first), closes invoices with nothing left to pay and reopens closed
 * ones that are no longer paid. Disputed invoices (TROUBLE) take only the payments forced onto
 * them, and are closed once nothing is left to pay. Call it inside a transaction that locked the
 * member.
 */
export function reconcileMember(tx: Tx, memberId: number, actor: Actor = {}) {
  return reconcileMembers(tx, [memberId], actor)
}

/**
 * `reconcileMember` for many members at once, with a handful of statements whatever their
 * number (a bank statement pays thousands of members in one transaction).
 */
export async function reconcileMembers(tx: Tx, memberIds: number[], { actorId = null }: Actor = {}) {
  const [invoiceRows, paymentRows] = await Promise.all([invoiceAmounts(tx, memberIds), paymentAmounts(tx, memberIds)])
  const invoicesOf = groupBy(invoiceRows, (i) => i.memberId)
  const paymentsOf = groupBy(paymentRows, (p) => p.memberId)
  const allocations: ReturnType<typeof allocateFifo> = []
  const toClose: number[] = []
  const toReopen: number[] = []
  for (const memberId of new Set(memberIds)) {
    // A closed invoice that is no longer paid (a payment deleted) takes money like an open one.
    const payable = (invoicesOf.get(memberId) ?? [])
      .filter((i) => i.status !== 'CLOSED' || i.remainingCents > 0)
      .map((i) => ({ ...i, disputed: i.status === 'TROUBLE' }))
    const allocated = allocateFifo(paymentsOf.get(memberId) ?? [], payable)
    allocations.push(...allocated)
    const paid = new Map<number, number>()
    for (const a of allocated) paid.set(a.invoiceId, (paid.get(a.invoiceId) ?? 0) + a.amountCents)
    const settled = (i: (typeof payable)[number]) => i.remainingCents - (paid.get(i.id) ?? 0) <= 0
    toClose.push(...payable.filter((i) => i.status !== 'CLOSED' && settled(i)).map((i) => i.id))
    toReopen.push(...payable.filter((i) => i.status === 'CLOSED' && !settled(i)).map((i) => i.id))
  }
  if (allocations.length > 0) {
    const memberOf = new Map(paymentRows.map((p) => [p.id, p.memberId]))
    const created = await tx.$queryRaw<{ id: number; paymentId: number; invoiceId: number; amountCents: number }[]>`
      INSERT INTO "PaymentAllocation" ("paymentId", "invoiceId", "amountCents")
      SELECT * FROM unnest(${allocations.map((a) => a.paymentId)}::int[], ${allocations.map((a) => a.invoiceId)}::int[], ${allocations.map((a) => a.amountCents)}::int[])
      RETURNING id, "paymentId", "invoiceId", "amountCents"`
    // Each allocation is in the log, made by whoever's change caused it (Coin for its own runs).
    await recordAudit(tx, created.map(({ id, ...allocation }) => ({ actorId, action: 'allocation.create' as const, entity: 'allocation' as const, entityId: id, memberId: memberOf.get(allocation.paymentId)!, after: allocation })))
  }
  if (toClose.length > 0) await tx.invoice.updateMany({ where: { id: { in: toClose } }, data: { status: 'CLOSED' } })
  if (toReopen.length > 0) await tx.invoice.updateMany({ where: { id: { in: toReopen } }, data: { status: 'OPEN' } })
  return { allocations, closed: toClose, reopened: toReopen }
}

/** Runs `work` in a transaction holding the member's lock, then reconciles the member. */
export function withMemberAccounts<T>(memberId: number, work: (tx: Tx) => Promise<T>, actor: Actor = {}) {
  return prisma.$transaction(async (tx) => {
    await lockMember(tx, memberId)
    const result = await work(tx)
    await reconcileMember(tx, memberId, actor)
    return result
  })
}

export type PaymentInput = {
  memberId: number
  method: PaymentMethod
  amountCents: number
  date: Date
  label?: string
  forcedInvoiceId?: number | null
  /** Set by the bank import: a second payment with the same key is not recorded. */
  importKey?: string | null
}

/** A forced invoice must be a validated invoice of the same member. */
async function checkForcedInvoices(tx: Tx, inputs: { memberId: number; forcedInvoiceId?: number | null }[]) {
  const forced = inputs.filter((i) => i.forcedInvoiceId)
  if (forced.length === 0) return
  const invoices = new Map((await tx.invoice.findMany({
    where: { id: { in: [...new Set(forced.map((i) => i.forcedInvoiceId!))] } },
    select: { id: true, memberId: true, validated: true, kind: true },
  })).map((i) => [i.id, i]))
  for (const { memberId, forcedInvoiceId } of forced) {
    const invoice = invoices.get(forcedInvoiceId!)
    if (!invoice || invoice.memberId !== memberId) throw new DomainError({ code: 'INVOICE_OF_ANOTHER_MEMBER', message: 'invoiceOfAnotherMember', status: 400 })
    if (!invoice.validated || invoice.kind !== 'INVOICE') throw new DomainError({ code: 'INVOICE_NOT_PAYABLE', message: 'invoiceNotPayable', status: 400 })
  }
}

function checkAmount(amountCents: number) {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) throw new DomainError({ code: 'AMOUNT_INVALID', message: 'amountInvalid', status: 400 })
  if (amountCents > MAX_AMOUNT_CENTS) throw new DomainError({ code: 'AMOUNT_TOO_LARGE', message: 'amountTooLarge', status: 400 })
}

/** What the audit log keeps of a payment. */
const paymentTrail = (p: { amountCents: number; method: PaymentMethod; date: Date; label: string; forcedInvoiceId?: number | null }) => ({
  amountCents: p.amountCents, method: p.method, date: toIsoDate(p.date), label: p.label, forcedInvoiceId: p.forcedInvoiceId ?? null,
})

/** Records one payment and reconciles the member's account. */
export async function recordPayment({ actorId = null, ...input }: PaymentInput & Actor) {
  checkAmount(input.amountCents)
  return withMemberAccounts(input.memberId, async (tx) => {
    await checkForcedInvoices(tx, [input])
    const payment = await tx.payment.create({ data: { ...input, label: input.label ?? '' }, select: { id: true } })
    await recordAudit(tx, { actorId, action: 'payment.create', entity: 'payment', entityId: payment.id, memberId: input.memberId, after: paymentTrail({ ...input, label: input.label ?? '' }) })
    return payment
  }, { actorId })
}

/**
 * Records many payments at once (the bank import), all or nothing, and reconciles each member
 * once. Payments whose `importKey` is already recorded are skipped and counted as duplicates.
 */
export async function recordPayments(inputs: PaymentInput[], { actorId = null }: Actor = {}) {
  for (const input of inputs) checkAmount(input.amountCents)
  return prisma.$transaction(
    async (tx) => {
      await lockMembers(tx, inputs.map((i) => i.memberId))
      const keys = inputs.flatMap((i) => (i.importKey ? [i.importKey] : []))
      // One array parameter, however many keys (a bank statement has tens of thousands).
      const known = new Set(
        keys.length === 0 ? [] : (await tx.$queryRaw<{ importKey: string }[]>`SELECT "importKey" FROM "Payment" WHERE "importKey" = ANY(${keys}::varchar[])`).map((p) => p.importKey),
      )
      const fresh = inputs.filter((i) => !i.importKey || !known.has(i.importKey))
      await checkForcedInvoices(tx, fresh)
      if (fresh.length > 0) {
        // One array a column: Prisma's createManyAndReturn took 20 s for 40,000 payments.
        const created = await tx.$queryRaw<{ id: number; memberId: number; amountCents: number; method: PaymentMethod; date: Date; label: string; forcedInvoiceId: number | null }[]>`
          INSERT INTO "Payment" ("memberId", method, "amountCents", date, label, "forcedInvoiceId", "importKey")
          SELECT * FROM unnest(${fresh.map((i) => i.memberId)}::int[], ${fresh.map((i) => i.method)}::"PaymentMethod"[], ${fresh.map((i) => i.amountCents)}::int[],
                               ${fresh.map((i) => toIsoDate(i.date))}::date[], ${fresh.map((i) => i.label ?? '')}::varchar[],
                               ${fresh.map((i) => i.forcedInvoiceId ?? null)}::int[], ${fresh.map((i) => i.importKey ?? null)}::varchar[])
          RETURNING id, "memberId", "amountCents", method::text AS method, date, label, "forcedInvoiceId"`
        await recordAudit(tx, created.map((p) => ({ actorId, action: 'payment.import' as const, entity: 'payment' as const, entityId: p.id, memberId: p.memberId, after: paymentTrail(p) })))
      }
      await reconcileMembers(tx, fresh.map((i) => i.memberId), { actorId })
      return { created: fresh.length, duplicates: inputs.length - fresh.length }
    },
    // A bank statement can record tens of thousands of payments in one transaction (40,000: about 10 s).
    { timeout: 60_000 + 2 * inputs.length },
  )
}

/** Deletes a payment: what it paid is reopened, then the member's other money is reallocated. */
export async function deletePayment({ id, actorId = null }: { id: number } & Actor) {
  const payment = await prisma.payment.findUnique({ where: { id }, select: { memberId: true } })
  if (!payment) throw new DomainError({ code: 'PAYMENT_NOT_FOUND', message: 'notFound', status: 404 })
  const remove = async (tx: Tx) => {
    const deleted = await tx.payment.delete({ where: { id }, select: { id: true, amountCents: true, method: true, date: true, label: true, forcedInvoiceId: true } })
    await recordAudit(tx, { actorId, action: 'payment.delete', entity: 'payment', entityId: id, memberId: payment.memberId, before: paymentTrail(deleted) })
  }
  if (payment.memberId === null) return prisma.$transaction(remove)
  return withMemberAccounts(payment.memberId, remove, { actorId })
}

/**
 * Takes a payment's money off an invoice (a mistake to undo). The invoice reopens, and this
 * payment never pays it automatically again (an AllocationRefusal). The money goes where staff
 * say: to another invoice of the member (`moveToInvoiceId`, made the payment's forced invoice,
 * and allocated at once), or stays as credit, which pays the member's next invoices.
 */
export async function cancelAllocation({ id, paymentId, moveToInvoiceId = null, actorId = null }: { id: number; paymentId: number; moveToInvoiceId?: number | null } & Actor) {
  const allocation = await prisma.paymentAllocation.findUnique({
    where: { id },
    select: { invoiceId: true, paymentId: true, amountCents: true, invoice: { select: { number: true } }, payment: { select: { memberId: true, forcedInvoiceId: true } } },
  })
  if (!allocation || allocation.paymentId !== paymentId) throw new DomainError({ code: 'ALLOCATION_NOT_FOUND', message: 'notFound', status: 404 })
  const memberId = allocation.payment.memberId
  if (moveToInvoiceId !== null && moveToInvoiceId === allocation.invoiceId) throw new DomainError({ code: 'MOVE_TO_SAME_INVOICE', message: 'moveToSameInvoice', status: 400 })
  return prisma.$transaction(async (tx) => {
    if (memberId !== null) await lockMember(tx, memberId)
    const { count } = await tx.paymentAllocation.deleteMany({ where: { id } })
    if (count === 0) throw new DomainError({ code: 'ALLOCATION_NOT_FOUND', message: 'notFound', status: 404 })
    await tx.allocationRefusal.upsert({ where: { paymentId_invoiceId: { paymentId, invoiceId: allocation.invoiceId } }, create: { paymentId, invoiceId: allocation.invoiceId }, update: {} })
    await tx.invoice.updateMany({ where: { id: allocation.invoiceId, status: 'CLOSED' }, data: { status: 'OPEN' } })
    let movedTo: Awaited<ReturnType<typeof forceOnto>> | null = null
    if (moveToInvoiceId !== null) {
      if (memberId === null) throw new DomainError({ code: 'INVOICE_OF_ANOTHER_MEMBER', message: 'invoiceOfAnotherMember', status: 400 })
      movedTo = await forceOnto(tx, { paymentId, memberId, invoiceId: moveToInvoiceId, actorId })
    } else if (allocation.payment.forcedInvoiceId === allocation.invoiceId) {
      await tx.payment.update({ where: { id: paymentId }, data: { forcedInvoiceId: null } })
    }
    // In the history of the payment and in that of the invoice it was taken off.
    const change = {
      actorId, action: movedTo ? 'allocation.move' : 'allocation.cancel', memberId,
      before: { invoice: allocation.invoice.number, amountCents: allocation.amountCents },
      after: movedTo ?? { credit: true },
    } as const
    await recordAudit(tx, [{ ...change, entity: 'payment', entityId: paymentId }, { ...change, entity: 'invoice', entityId: allocation.invoiceId }])
  })
}

/**
 * Puts what a payment has left (credit) on an invoice of its member that staff choose: it becomes
 * the payment's forced invoice (even if staff once took the payment off it) and is allocated at once.
 */
export async function allocateCredit({ paymentId, invoiceId, actorId = null }: { paymentId: number; invoiceId: number } & Actor) {
  const payment = await prisma.payment.findUnique({ where: { id: paymentId }, select: { memberId: true } })
  if (!payment) throw new DomainError({ code: 'PAYMENT_NOT_FOUND', message: 'notFound', status: 404 })
  const memberId = payment.memberId
  if (memberId === null) throw new DomainError({ code: 'INVOICE_OF_ANOTHER_MEMBER', message: 'invoiceOfAnotherMember', status: 400 })
  return prisma.$transaction(async (tx) => {
    await lockMember(tx, memberId)
    const moved = await forceOnto(tx, { paymentId, memberId, invoiceId, actorId })
    if (moved.allocations.length === 0) throw new DomainError({ code: 'NOTHING_TO_ALLOCATE', message: 'nothingToAllocate' })
    await recordAudit(tx, { actorId, action: 'allocation.move', entity: 'payment', entityId: paymentId, memberId, before: { credit: true }, after: moved })
  })
}

/**
 * Makes `invoiceId` the payment's forced invoice (lifting a refusal staff once left on that pair)
 * and reconciles the member (locked by the caller): the invoice takes what it still owes from the
 * payment, the rest, if any, pays the oldest open ones. Returns the invoice's number and what the
 * payment was allocated, for the audit log.
 */
async function forceOnto(tx: Tx, { paymentId, memberId, invoiceId, actorId }: { paymentId: number; memberId: number; invoiceId: number } & Actor) {
  await checkForcedInvoices(tx, [{ memberId, forcedInvoiceId: invoiceId }])
  await tx.allocationRefusal.deleteMany({ where: { paymentId, invoiceId } })
  const { forcedInvoice } = await tx.payment.update({ where: { id: paymentId }, data: { forcedInvoiceId: invoiceId }, select: { forcedInvoice: { select: { number: true } } } })
  const { allocations } = await reconcileMember(tx, memberId, { actorId })
  return {
    invoice: forcedInvoice?.number ?? null,
    allocations: allocations.filter((a) => a.paymentId === paymentId).map(({ invoiceId: id, amountCents }) => ({ invoiceId: id, amountCents })),
  }
}

/** A member's balance in cents: unallocated money − remaining amounts (negative: owes money). */
export async function getMemberBalance(memberId: number, db: Tx = prisma) {
  return (await getMemberBalances([memberId], db)).get(memberId)!
}

/** The balances of several members in one query, by member id. */
export async function getMemberBalances(memberIds: number[], db: Tx = prisma) {
  const rows = await db.$queryRaw<{ id: number; balance: number }[]>`
    SELECT m.id, ((SELECT COALESCE(sum("amountCents"), 0) FROM "Payment" WHERE "memberId" = m.id)
          - (SELECT COALESCE(sum("totalCents"), 0) FROM "Invoice" WHERE "memberId" = m.id AND validated))::int AS balance
    FROM unnest(${memberIds}::int[]) AS m(id)`
  return new Map(rows.map((r) => [r.id, r.balance]))
}

/** The payment a page's URL names (`$paymentId`), or a 404 for the page. */
export async function requirePayment(params: Record<string, string | undefined>) {
  const { paymentId } = PaymentIdParams.parse(params)
  const payment = paymentId ? await getPayment(paymentId) : null
  if (!payment) notFound()
  return payment
}

/** One payment with its member, forced invoice and allocations, or null. */
export function getPayment(id: number) {
  return prisma.payment.findUnique({
    where: { id },
    select: {
      id: true, method: true, amountCents: true, date: true, label: true, importKey: true, createdAt: true,
      member: { select: { id: true, username: true, type: true, organizationName: true, nickname: true, firstName: true, lastName: true } },
      forcedInvoice: { select: { id: true, number: true } },
      allocations: { orderBy: { id: 'asc' }, select: { id: true, amountCents: true, invoice: { select: { id: true, number: true, date: true } } } },
    },
  })
}

/** A member's validated invoices with something left to pay (disputed ones too), oldest first: where staff may move a payment's money. */
export function listPayableInvoices(memberId: number) {
  return prisma.$queryRaw<{ id: number; number: string; date: Date; remainingCents: number; disputed: boolean }[]>`
    SELECT i.id, i.number, i.date, (${REMAINING})::int AS "remainingCents", i.status = 'TROUBLE' AS disputed
    FROM "Invoice" i ${AMOUNTS_JOIN}
    WHERE i."memberId" = ${memberId} AND i.validated AND i.kind = 'INVOICE' AND ${REMAINING} > 0
    ORDER BY i.date, i.id`
}

/** A member's payments, newest first, with what each paid. */
export function listMemberPayments(memberId: number) {
  return prisma.payment.findMany({
    where: { memberId },
    orderBy: [{ date: 'desc' }, { id: 'desc' }],
    select: {
      id: true,
      method: true,
      amountCents: true,
      date: true,
      label: true,
      allocations: { select: { id: true, amountCents: true, invoice: { select: { id: true, number: true } } } },
    },
  })
}

export type PaymentListFilter = { month?: string; memberId?: number; unallocated?: boolean; page?: number }
export const PAYMENTS_PER_PAGE = 50

/** All payments for the admin list, newest first, with their unallocated part. */
export async function listPayments({ month, memberId, unallocated = false, page = 1 }: PaymentListFilter) {
  if (month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new RangeError(`month "${month}" is not YYYY-MM`)
  const monthStart = month ? new Date(`${month}-01T00:00:00Z`) : null
  const monthEnd = monthStart ? new Date(Date.UTC(monthStart.getUTCFullYear(), monthStart.getUTCMonth() + 1, 1)) : null
  const rows = await prisma.$queryRaw<
    { id: number; memberId: number | null; username: string | null; method: PaymentMethod; amountCents: number; date: Date; label: string; unallocatedCents: number; total: number }[]
  >`
    SELECT p.id, p."memberId", m.username, p.method::text AS method, p."amountCents", p.date, p.label,
           (p."amountCents" - COALESCE(a.allocated, 0))::int AS "unallocatedCents", (count(*) OVER ())::int AS total
    FROM "Payment" p
    LEFT JOIN "Member" m ON m.id = p."memberId"
    LEFT JOIN (SELECT "paymentId", sum("amountCents") AS allocated FROM "PaymentAllocation" GROUP BY 1) a ON a."paymentId" = p.id
    WHERE (${monthStart}::date IS NULL OR (p.date >= ${monthStart}::date AND p.date < ${monthEnd}::date))
      AND (${memberId ?? null}::int IS NULL OR p."memberId" = ${memberId ?? null}::int)
      AND (NOT ${unallocated} OR p."amountCents" - COALESCE(a.allocated, 0) > 0)
    ORDER BY p.date DESC, p.id DESC
    LIMIT ${PAYMENTS_PER_PAGE} OFFSET ${(page - 1) * PAYMENTS_PER_PAGE}`
  return { payments: rows.map(({ total: _total, ...row }) => row), total: rows[0]?.total ?? 0 }
}
