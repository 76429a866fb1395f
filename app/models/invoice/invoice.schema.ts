import { z } from 'zod'
import { EurosSchema } from '#app/models/offer/offer.schema.ts'
import { OptionalIsoDateSchema } from '#app/utils/date.schema.ts'
import { lineTotalCents } from './rules.ts'
import { MonthFilterSchema } from '#app/utils/request.schema.ts'

/** The forms of the invoice pages, shared by the browser and the server. */

const QUANTITY = /^(\d{1,5})(?:[.,](\d{1,2}))?$/

/**
 * Parses a quantity typed with a comma or a dot ("0,84", "1", "2.5") into hundredths, exactly
 * (no floating point). Null unless it is a positive number with at most two decimals.
 */
export function parseQuantity(text: string): number | null {
  const match = QUANTITY.exec(text.replace(/[\s\u00a0\u202f]/g, ''))
  if (!match) return null
  const hundredths = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  return hundredths > 0 ? hundredths : null
}

const PERCENT = /^(\d{1,3})(?:[.,](\d{1,2}))?$/

/**
 * Parses a VAT rate in percent ("20", "5,5", "2.10 %") into basis points (2000, 550, 210).
 * Null unless it is between 0 and 100 with at most two decimals.
 */
export function parseVatPercent(text: string): number | null {
  const match = PERCENT.exec(text.replace(/[\s\u00a0\u202f%]/g, ''))
  if (!match) return null
  const basisPoints = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  return basisPoints <= 10_000 ? basisPoints : null
}

/** 2000 → "20", 550 → "5,5": a VAT rate for a form field, which parseVatPercent reads back. */
export function vatToInput(basisPoints: number) {
  const decimals = String(basisPoints % 100).padStart(2, '0').replace(/0+$/, '')
  return decimals ? `${Math.floor(basisPoints / 100)},${decimals}` : String(Math.floor(basisPoints / 100))
}

/** 84 → "0,84": a quantity for a form field. */
export function quantityToInput(hundredths: number) {
  return `${Math.floor(hundredths / 100)},${String(hundredths % 100).padStart(2, '0')}`
}

/** A typed value turned into a number by `parse`, or the error key `message`. */
function parsed(parse: (text: string) => number | null, message: string) {
  return z
    .string({ error: 'required' })
    .trim()
    .min(1, { message: 'required' })
    .transform((text, ctx) => {
      const value = parse(text)
      if (value === null) {
        ctx.addIssue({ code: 'custom', message })
        return z.NEVER
      }
      return value
    })
}

export const QuantitySchema = parsed(parseQuantity, 'quantityInvalid')
export const VatPercentSchema = parsed(parseVatPercent, 'vatInvalid')

/** One line: keeps a draft's total far below what the database's integers hold. */
export const MAX_LINE_TOTAL_CENTS = 100_000_000

/** A draft line typed by staff: the unit price is never negative (corrections are credit notes). */
export const LineSchema = z
  .object({
    label: z.string({ error: 'required' }).trim().min(1, { message: 'required' }).max(200, { message: 'tooLong' }),
    unitPrice: EurosSchema,
    quantity: QuantitySchema,
    vat: VatPercentSchema,
    subscriptionId: z.coerce.number().int().positive().max(2_000_000_000).optional(),
    periodFrom: OptionalIsoDateSchema,
    periodTo: OptionalIsoDateSchema,
  })
  .superRefine((line, ctx) => {
    if (line.periodFrom && !line.periodTo) ctx.addIssue({ code: 'custom', path: ['periodTo'], message: 'periodIncomplete' })
    if (line.periodTo && !line.periodFrom) ctx.addIssue({ code: 'custom', path: ['periodFrom'], message: 'periodIncomplete' })
    if (line.periodFrom && line.periodTo && line.periodTo < line.periodFrom) ctx.addIssue({ code: 'custom', path: ['periodTo'], message: 'endBeforeStart' })
    if (lineTotalCents({ unitCents: line.unitPrice, quantityHundredths: line.quantity, vatBasisPoints: line.vat }) > MAX_LINE_TOTAL_CENTS) {
      ctx.addIssue({ code: 'custom', path: ['unitPrice'], message: 'lineTotalTooLarge' })
    }
  })
export type LineFormValue = z.infer<typeof LineSchema>

/** The model's input for a line typed in LineSchema. */
export function toLineInput({ label, unitPrice, quantity, vat, subscriptionId, periodFrom, periodTo }: LineFormValue) {
  return { label, unitCents: unitPrice, quantityHundredths: quantity, vatBasisPoints: vat, subscriptionId: subscriptionId ?? null, periodFrom, periodTo }
}

/** A draft's due date; empty means the payment delay after validation. */
export const DueDateSchema = z.object({ dueDate: OptionalIsoDateSchema })

/** A credit note against a validated invoice. */
export const CreditNoteSchema = z.object({
  amount: EurosSchema.refine((cents) => cents > 0, { message: 'amountInvalid' }),
  reason: z.string().trim().max(200, { message: 'tooLong' }).default(''),
})

/** A new draft: the member named by number or username, and an optional due date. */
export const NewDraftSchema = z.object({
  member: z.string({ error: 'required' }).trim().min(1, { message: 'required' }).max(64, { message: 'tooLong' }),
  dueDate: OptionalIsoDateSchema,
})

export const INVOICE_LIST_STATUSES = ['DRAFT', 'OPEN', 'CLOSED', 'TROUBLE'] as const

/** The staff list's filters, from the URL; a bad parameter falls back to "no filter". */
export const InvoiceListQuerySchema = z.object({
  status: z.enum(INVOICE_LIST_STATUSES).optional().catch(undefined),
  month: MonthFilterSchema,
  member: z.string().trim().max(64).default('').catch(''),
  overdue: z.preprocess((v) => v === 'on' || v === 'true' || v === '1', z.boolean()).catch(false),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1).catch(1),
})
export type InvoiceListQuery = z.infer<typeof InvoiceListQuerySchema>

/** An invoice id from the URL; anything that is not a positive integer becomes null (a 404). */
export const InvoiceIdParams = z.object({
  invoiceId: z.string().regex(/^\d{1,9}$/).transform(Number).nullable().catch(null),
})
