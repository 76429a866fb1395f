import { MAX_LINE_TOTAL_CENTS } from './invoice.schema.ts'
import { billedPeriod, lineTotalCents, periodsOverlap } from './rules.ts'

/**
 * What `charge_subscriptions` puts on a member's invoice for the month of a date (§2.6.5), as a
 * pure function: the command loads the rows, this decides, the database enforces.
 */

export type ChargeableSubscription = {
  id: number
  subscriptionDate: Date
  resignDate: Date | null
  offer: { name: string; billingPeriodMonths: number; periodFeeCents: number; initialFeeCents: number; nonBillable: boolean }
  /** True when some invoice line already references this subscription (set-up fee billed). */
  hasLines: boolean
  /** Billed periods of this subscription that may overlap the period billed now; `draftId` when a draft holds it. */
  billedPeriods: { from: Date; to: Date; draftId: number | null }[]
}

export type PlannedLine = {
  label: string
  unitCents: number
  quantityHundredths: number
  vatBasisPoints: number
  subscriptionId: number
  periodFrom: Date | null
  periodTo: Date | null
  isSetupFee: boolean
}

export type SkipReason = 'nonBillable' | 'alreadyBilled' | 'notInPeriod' | 'heldByDraft'

/** Why the run cannot bill a member at all (the member is named in the summary, the others are billed). */
export type NotBilledReason = 'lineTooLarge' | 'totalTooLarge' | 'failed'

export type MemberPlan = {
  lines: PlannedLine[]
  totalCents: number
  skipped: { subscriptionId: number; reason: SkipReason; draftId?: number }[]
  /** Set when the invoice cannot be made: a line over the 1 M€ cap, or a total beyond what an invoice holds. */
  refused?: Exclude<NotBilledReason, 'failed'>
}

/** The largest invoice total the database stores (a 32-bit integer of cents). */
export const MAX_INVOICE_TOTAL_CENTS = 2_147_483_647

export const SETUP_FEE_SUFFIX = 'Frais de mise en service'

/**
 * The lines of one member's invoice for the month of `date`: for each subscription of a billable
 * offer, the set-up fee the first time it is billed, and the billing period starting on the first
 * of the month (clamped to the subscription and resign dates, prorated by days) unless it is a
 * single day or a billed period overlaps it. A staff draft holding the period skips the
 * subscription too, and says which draft. A plan with a line over MAX_LINE_TOTAL_CENTS, or a total
 * beyond MAX_INVOICE_TOTAL_CENTS, is `refused`: the run bills the others and names this member.
 */
export function planMemberInvoice(subscriptions: ChargeableSubscription[], date: Date, vatBasisPoints: number): MemberPlan {
  const lines: PlannedLine[] = []
  const skipped: MemberPlan['skipped'] = []
  for (const s of subscriptions) {
    if (s.offer.nonBillable) {
      skipped.push({ subscriptionId: s.id, reason: 'nonBillable' })
      continue
    }
    const period = billedPeriod(s, date, s.offer.billingPeriodMonths)
    const overlapping = period && s.billedPeriods.find((billed) => periodsOverlap(billed, period))
    if (overlapping) {
      skipped.push(overlapping.draftId === null ? { subscriptionId: s.id, reason: 'alreadyBilled' } : { subscriptionId: s.id, reason: 'heldByDraft', draftId: overlapping.draftId })
      continue
    }
    if (!s.hasLines && s.offer.initialFeeCents > 0) {
      lines.push({
        label: `${s.offer.name} - ${SETUP_FEE_SUFFIX}`, unitCents: s.offer.initialFeeCents, quantityHundredths: 100, vatBasisPoints,
        subscriptionId: s.id, periodFrom: null, periodTo: null, isSetupFee: true,
      })
    }
    if (!period) {
      skipped.push({ subscriptionId: s.id, reason: 'notInPeriod' })
      continue
    }
    lines.push({
      label: s.offer.name, unitCents: s.offer.periodFeeCents, quantityHundredths: period.quantityHundredths, vatBasisPoints,
      subscriptionId: s.id, periodFrom: period.from, periodTo: period.to, isSetupFee: false,
    })
  }
  const totals = lines.map((line) => lineTotalCents(line))
  const totalCents = totals.reduce((sum, total) => sum + total, 0)
  const refused = totals.some((total) => total > MAX_LINE_TOTAL_CENTS) ? 'lineTooLarge' : totalCents > MAX_INVOICE_TOTAL_CENTS ? 'totalTooLarge' : undefined
  return { lines, totalCents, skipped, ...(refused ? { refused } : {}) }
}

/** The first and last day of the month of `date`. */
export function billingMonth(date: Date) {
  const start = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1))
  const end = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0))
  return { start, end }
}
