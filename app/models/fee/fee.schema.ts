import { z } from 'zod'
import { EurosSchema } from '#app/models/offer/offer.schema.ts'
import { IsoDateSchema, OptionalIsoDateSchema } from '#app/utils/date.schema.ts'

export const PAYMENT_METHODS = ['CASH', 'CHEQUE', 'TRANSFER', 'OTHER'] as const

/** The fields of a membership fee, without the rule between them (for forms to extend). */
export const FeeFieldsSchema = z.object({
  memberId: z.coerce.number({ error: 'required' }).int().positive({ message: 'required' }),
  amount: EurosSchema,
  startDate: IsoDateSchema,
  endDate: OptionalIsoDateSchema,
  paymentMethod: z.enum(PAYMENT_METHODS).optional(),
  reference: z.string().trim().max(125, { message: 'tooLong' }).default(''),
  comment: z.string().trim().max(5000, { message: 'tooLong' }).default(''),
})

/** The end of a fee is not before its start (checked even when another field is wrong). */
export function refineFeeDates<S extends z.ZodType<{ startDate?: unknown; endDate?: unknown }>>(schema: S): S {
  return schema.superRefine((v, ctx) => {
    if (v.endDate instanceof Date && v.startDate instanceof Date && v.endDate < v.startDate) {
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'endBeforeStart' })
    }
  }, { when: () => true })
}

/** A membership fee typed by staff; an empty end date means one year minus a day. */
export const FeeSchema = refineFeeDates(FeeFieldsSchema)
export type FeeInput = z.infer<typeof FeeSchema>

/** A correction of a recorded fee: every field but the member. */
export const FeeEditSchema = refineFeeDates(FeeFieldsSchema.omit({ memberId: true }))
export type FeeEditInput = z.infer<typeof FeeEditSchema>

/** A fee id from the URL; anything that is not a positive integer becomes null (a 404). */
export const FeeIdParams = z.object({ feeId: z.string().regex(/^\d{1,9}$/).transform(Number).nullable().catch(null) })
