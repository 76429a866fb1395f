import type { Prisma } from '#app/generated/prisma/client.ts'
import { recordAudit } from '#app/models/audit/audit.server.ts'
import { getIspIdentity, type IspIdentity } from '#app/models/isp/settings.server.ts'
import { lockMembers, reconcileMembers } from '#app/models/payment/payments.server.ts'
import { groupBy } from '#app/utils/collections.ts'
import { addDays, toIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { isDatabaseUnreachable } from '#app/utils/maintenance.server.ts'
import { draftLabel, queueNewInvoiceEmails } from './invoices.server.ts'
import { billingMonth, planMemberInvoice, type ChargeableSubscription, type NotBilledReason, type PlannedLine, type SkipReason } from './charge.ts'
import { invoicesMissingPdf, loadMissingPdfData, renderPdfs, storePdfs, type Render } from './pdf.server.ts'
import { allocateInvoiceNumbers, captureIdentities, refusingTakenNumbers } from './validate.server.ts'

type Tx = Prisma.TransactionClient

/**
 * `charge_subscriptions` (§2.6.5): one validated invoice per member for the month of a date,
 * with its PDF. Members are billed in batches, one transaction each: a batch's invoices, lines,
 * numbers and validation commit together or not at all, so a run killed midway leaves whole
 * invoices with gapless numbers, and the next run bills only what is left (the overlap check,
 * backed by the database's exclusion constraint). PDFs are rendered after each commit while the
 * next batch is written; invoices a dead run left without PDF get theirs at the start.
 */

/** Serialises concurrent runs (worker and a treasurer at the terminal): one batch at a time. */
const CHARGE_LOCK = 7_425_001
export const CHARGE_BATCH_SIZE = 100

export type ChargeOptions = {
  /** Any day of the month to bill. */
  date: Date
  /** The date invoices get, unless `antidate`. */
  today: Date
  /** Date the invoices on the first day of the billed month instead of today. */
  antidate?: boolean
  dryRun?: boolean
  paymentDelayDays: number
  render?: Render
  batchSize?: number
  onProgress?: (progress: { done: number; total: number }) => void
  /** Stops the run at its next batch boundary (the worker's stop). */
  signal?: AbortSignal
}

export type ChargeSummary = {
  month: string
  dryRun: boolean
  /** Members with at least one subscription to consider. */
  members: number
  invoices: number
  lines: number
  totalCents: number
  firstNumber: string | null
  lastNumber: string | null
  skipped: Record<SkipReason | 'zeroTotal', number>
  /** Subscriptions a staff draft holds (the run left them to that draft): who, and which draft. */
  heldByDrafts: { memberId: number; username: string; draftId: number; draft: string }[]
  /** Members the run could not bill (a line over the cap, a total too large, a failed write); the others are billed. */
  notBilled: { memberId: number; username: string; reason: NotBilledReason; message?: string }[]
  /** True when the run stopped early on its signal: what is left is billed by the next run. */
  interrupted: boolean
  pdfs: number
  pdfMs: number
}

type Candidate = Omit<ChargeableSubscription, 'hasLines' | 'billedPeriods'> & { memberId: number }

/** Subscriptions that may be billed for the month: running at some point of it. */
async function loadCandidates(start: Date, end: Date) {
  const rows = await prisma.$queryRaw<(Omit<Candidate, 'offer'> & Candidate['offer'] & { offerName: string })[]>`
    SELECT s.id, s."memberId", s."subscriptionDate", s."resignDate", o.name AS "offerName", o."billingPeriodMonths",
           o."periodFeeCents", o."initialFeeCents", o."nonBillable"
    FROM "Subscription" s JOIN "Offer" o ON o.id = s."offerId"
    WHERE s."subscriptionDate" <= ${end}::date AND (s."resignDate" IS NULL OR s."resignDate" >= ${start}::date)
    ORDER BY s."memberId", s.id`
  const candidates = rows.map((r): Candidate => ({
    id: r.id, memberId: r.memberId, subscriptionDate: r.subscriptionDate, resignDate: r.resignDate,
    offer: { name: r.offerName, billingPeriodMonths: r.billingPeriodMonths, periodFeeCents: r.periodFeeCents, initialFeeCents: r.initialFeeCents, nonBillable: r.nonBillable },
  }))
  return groupBy(candidates, (c) => c.memberId)
}

/** What is already billed for these subscriptions from `start` on, and whether any line names them. */
async function loadBilled(db: Tx, ids: number[], start: Date) {
  const rows = await db.$queryRaw<{ id: number; hasLines: boolean; periods: [string, string, number | null][] }[]>`
    SELECT s.id,
           EXISTS (SELECT 1 FROM "InvoiceLine" l WHERE l."subscriptionId" = s.id) AS "hasLines",
           COALESCE((SELECT json_agg(json_build_array(l."periodFrom", l."periodTo", CASE WHEN NOT i.validated THEN i.id END))
                     FROM "InvoiceLine" l JOIN "Invoice" i ON i.id = l."invoiceId"
                     WHERE l."subscriptionId" = s.id AND l."periodTo" >= ${start}::date), '[]'::json) AS periods
    FROM unnest(${ids}::int[]) AS s(id)`
  const day = (iso: string) => new Date(`${iso}T00:00:00Z`)
  return new Map(rows.map((r) => [r.id, { hasLines: r.hasLines, billedPeriods: r.periods.map(([from, to, draftId]) => ({ from: day(from), to: day(to), draftId })) }]))
}

function emptySummary(month: string, dryRun: boolean, members: number): ChargeSummary {
  return {
    month, dryRun, members, invoices: 0, lines: 0, totalCents: 0, firstNumber: null, lastNumber: null,
    skipped: { nonBillable: 0, alreadyBilled: 0, notInPeriod: 0, heldByDraft: 0, zeroTotal: 0 }, heldByDrafts: [], notBilled: [], interrupted: false, pdfs: 0, pdfMs: 0,
  }
}

type PlannedInvoice = { memberId: number; lines: PlannedLine[]; totalCents: number }

/** What planning a batch found, merged into the summary once the batch is committed. */
type BatchPlan = {
  invoices: PlannedInvoice[]
  skipped: ChargeSummary['skipped']
  heldByDrafts: ChargeSummary['heldByDrafts']
  notBilled: ChargeSummary['notBilled']
}

/** Plans the invoices of a batch of members from what the database holds now. */
async function planBatch(db: Tx, batch: [number, Candidate[]][], start: Date, date: Date, vatBasisPoints: number): Promise<BatchPlan> {
  const billed = await loadBilled(db, batch.flatMap(([, subs]) => subs.map((s) => s.id)), start)
  const plan: BatchPlan = { invoices: [], skipped: emptySummary('', false, 0).skipped, heldByDrafts: [], notBilled: [] }
  const held: { memberId: number; draftId: number }[] = []
  const refused: { memberId: number; reason: NotBilledReason }[] = []
  for (const [memberId, subs] of batch) {
    const member = planMemberInvoice(subs.map((s) => ({ ...s, ...billed.get(s.id)! })), date, vatBasisPoints)
    for (const { reason, draftId } of member.skipped) {
      plan.skipped[reason] += 1
      if (draftId !== undefined && !held.some((h) => h.draftId === draftId)) held.push({ memberId, draftId })
    }
    if (member.lines.length === 0) continue
    if (member.refused) refused.push({ memberId, reason: member.refused })
    // Coin refuses to validate a zero invoice (free offers): nothing to send.
    else if (member.totalCents === 0) plan.skipped.zeroTotal += 1
    else plan.invoices.push({ memberId, lines: member.lines, totalCents: member.totalCents })
  }
  if (held.length > 0 || refused.length > 0) {
    const ids = [...held, ...refused].map((h) => h.memberId)
    const usernames = new Map((await db.member.findMany({ where: { id: { in: ids } }, select: { id: true, username: true } })).map((m) => [m.id, m.username]))
    plan.heldByDrafts = held.map((h) => ({ ...h, username: usernames.get(h.memberId) ?? '', draft: draftLabel(h.draftId) }))
    plan.notBilled = refused.map((r) => ({ ...r, username: usernames.get(r.memberId) ?? '' }))
  }
  return plan
}

function mergePlan(summary: ChargeSummary, plan: BatchPlan) {
  for (const [reason, n] of Object.entries(plan.skipped)) summary.skipped[reason as keyof ChargeSummary['skipped']] += n
  for (const h of plan.heldByDrafts) if (!summary.heldByDrafts.some((known) => known.draftId === h.draftId)) summary.heldByDrafts.push(h)
  summary.notBilled.push(...plan.notBilled)
  summary.invoices += plan.invoices.length
  summary.lines += plan.invoices.reduce((sum, i) => sum + i.lines.length, 0)
  summary.totalCents += plan.invoices.reduce((sum, i) => sum + i.totalCents, 0)
}

/** Writes a batch's invoices as drafts with their lines, then numbers and validates them. */
async function writeBatch(tx: Tx, invoices: PlannedInvoice[], invoiceDate: Date, dueDate: Date, isp: IspIdentity) {
  const memberIds = invoices.map((i) => i.memberId)
  // The members' accounts are locked like any payment or validation would (same order: by id).
  await lockMembers(tx, memberIds)
  const created = await tx.$queryRaw<{ id: number; memberId: number }[]>`
    INSERT INTO "Invoice" ("memberId", date, "dueDate", "updatedAt")
    SELECT m, ${invoiceDate}::date, ${dueDate}::date, now() FROM unnest(${memberIds}::int[]) AS m
    RETURNING id, "memberId"`
  const idOf = new Map(created.map((c) => [c.memberId, c.id]))
  const lines = invoices.flatMap((i) => i.lines.map((line) => ({ ...line, invoiceId: idOf.get(i.memberId)! })))
  const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null)
  await tx.$executeRaw`
    INSERT INTO "InvoiceLine" ("invoiceId", label, "unitCents", "quantityHundredths", "vatBasisPoints", "subscriptionId", "periodFrom", "periodTo", "isSetupFee")
    SELECT * FROM unnest(${lines.map((l) => l.invoiceId)}::int[], ${lines.map((l) => l.label)}::text[], ${lines.map((l) => l.unitCents)}::int[],
                         ${lines.map((l) => l.quantityHundredths)}::int[], ${lines.map((l) => l.vatBasisPoints)}::int[], ${lines.map((l) => l.subscriptionId)}::int[],
                         ${lines.map((l) => day(l.periodFrom))}::date[], ${lines.map((l) => day(l.periodTo))}::date[], ${lines.map((l) => l.isSetupFee)}::boolean[])`
  const ids = invoices.map((i) => idOf.get(i.memberId)!)
  await captureIdentities(tx, ids, isp)
  const numbers = await allocateInvoiceNumbers(tx, { kind: 'INVOICE', date: invoiceDate, count: invoices.length })
  await refusingTakenNumbers(tx.$executeRaw`
    UPDATE "Invoice" i SET validated = true, "validatedAt" = now(), number = v.number, "totalCents" = v.total
    FROM unnest(${ids}::int[], ${numbers}::text[], ${invoices.map((i) => i.totalCents)}::int[]) AS v(id, number, total)
    WHERE i.id = v.id`)
  // Credit (overpayments) pays the new invoices at once, as any validation does.
  const withCredit = await tx.$queryRaw<{ memberId: number }[]>`
    SELECT DISTINCT p."memberId" FROM "Payment" p
    WHERE p."memberId" = ANY(${memberIds}::int[])
      AND p."amountCents" > COALESCE((SELECT sum(a."amountCents") FROM "PaymentAllocation" a WHERE a."paymentId" = p.id), 0)`
  if (withCredit.length > 0) await reconcileMembers(tx, withCredit.map((m) => m.memberId))
  // Each member is sent the invoice; the message waits for the PDF the run stores next, and is
  // rendered when sent, saying what is left to pay then. Queued in this transaction, so it
  // exists exactly when the invoice does.
  await queueNewInvoiceEmails(tx, ids)
  await recordAudit(tx, invoices.map((invoice, i) => ({
    actorId: null, action: 'invoice.charge' as const, entity: 'invoice' as const, entityId: ids[i], memberId: invoice.memberId,
    after: { number: numbers[i], totalCents: invoice.totalCents, date: toIsoDate(invoiceDate) },
  })))
  return { ids, numbers }
}

/**
 * Runs `charge_subscriptions` for the month of `options.date`; see the module comment. When
 * `signal` is aborted, the run stops before its next batch, finishes the PDFs of what it committed
 * and returns a summary with `interrupted`; running it again bills the rest.
 */
export async function chargeSubscriptions(options: ChargeOptions): Promise<ChargeSummary> {
  const { date, today, antidate = false, dryRun = false, paymentDelayDays, render, batchSize = CHARGE_BATCH_SIZE, onProgress, signal } = options
  const { start, end } = billingMonth(date)
  const invoiceDate = antidate ? start : today
  const dueDate = addDays(invoiceDate, paymentDelayDays)
  const [byMember, isp] = await Promise.all([loadCandidates(start, end), getIspIdentity()])
  const members = [...byMember.entries()]
  const summary = emptySummary(start.toISOString().slice(0, 7), dryRun, members.length)

  // PDFs are rendered a batch at a time, one batch after the other. A stopped run still renders
  // the PDFs of the batches it committed (one batch at most rendering, one waiting), but not
  // those an earlier run left missing: the next run, or the first download, renders them. A
  // batch's invoices are read while the batch before renders, and its PDFs stored while the batch
  // after renders, so that the PDF threads do not wait for the database between batches.
  let pdfWork = Promise.resolve()
  let storing = Promise.resolve()
  let storeFailure: { error: unknown } | undefined
  const renderBatchPdfs = (ids: number[], { leftByEarlierRun = false } = {}) => {
    const previous = pdfWork
    const previousStoring = storing
    // Read now, unless an earlier run left these (all of them are queued at once).
    const loading = leftByEarlierRun ? undefined : loadMissingPdfData(ids)
    loading?.catch(() => {}) // awaited below; handled here so a failure waits for its turn
    const rendered = (async () => {
      await previous
      if (storeFailure) throw storeFailure.error
      if (leftByEarlierRun && signal?.aborted) return []
      const began = performance.now()
      const pdfs = await renderPdfs(await (loading ?? loadMissingPdfData(ids)), render)
      summary.pdfMs += performance.now() - began
      return pdfs
    })()
    pdfWork = rendered.then(() => {})
    storing = (async () => {
      const pdfs = await rendered
      await previousStoring
      summary.pdfs += await storePdfs(pdfs)
    })()
    storing.catch((error: unknown) => (storeFailure ??= { error }))
  }
  if (!dryRun) {
    const missing = await invoicesMissingPdf()
    for (let i = 0; i < missing.length; i += batchSize) renderBatchPdfs(missing.slice(i, i + batchSize), { leftByEarlierRun: true })
  }

  /** Plans, writes and validates the invoices of `batch` in one transaction; null when it writes nothing. */
  const commitBatch = (batch: [number, Candidate[]][]) =>
    prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CHARGE_LOCK})`
        const plan = await planBatch(tx, batch, start, date, isp.defaultVatBasisPoints)
        if (plan.invoices.length === 0) return { plan, written: null }
        return { plan, written: await writeBatch(tx, plan.invoices, invoiceDate, dueDate, isp) }
      },
      { timeout: 120_000 },
    )

  const committed = async ({ plan, written }: Awaited<ReturnType<typeof commitBatch>>) => {
    mergePlan(summary, plan)
    if (!written) return
    summary.firstNumber ??= written.numbers[0]
    summary.lastNumber = written.numbers.at(-1)!
    // Queue these PDFs (their invoices are read now), then wait for the previous batch's to
    // be rendered: at most one batch rendering and one waiting.
    const previous = pdfWork
    renderBatchPdfs(written.ids)
    await previous
  }

  for (let i = 0; i < members.length; i += batchSize) {
    if (signal?.aborted) {
      summary.interrupted = true
      break
    }
    const batch = members.slice(i, i + batchSize)
    if (dryRun) {
      mergePlan(summary, await planBatch(prisma, batch, start, date, isp.defaultVatBasisPoints))
    } else {
      try {
        await committed(await commitBatch(batch))
      } catch (error) {
        // Without a database, nothing can be billed: the run fails and a later one resumes it.
        if (isDatabaseUnreachable(error)) throw error
        // Otherwise one member's rows made the batch fail: bill the others one by one, name that member.
        for (const one of batch) {
          try {
            await committed(await commitBatch([one]))
          } catch (memberError) {
            if (isDatabaseUnreachable(memberError)) throw memberError
            const member = await prisma.member.findUnique({ where: { id: one[0] }, select: { username: true } })
            summary.notBilled.push({ memberId: one[0], username: member?.username ?? '', reason: 'failed', message: memberError instanceof Error ? memberError.message : String(memberError) })
          }
        }
      }
    }
    onProgress?.({ done: Math.min(i + batchSize, members.length), total: members.length })
  }
  await pdfWork
  await storing
  return summary
}
