import { z } from 'zod'
import { MAX_AMOUNT_CENTS, parseEuros } from '#app/utils/money.ts'
import { IdSchema } from '#app/utils/request.schema.ts'

const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()).default(false)

/** An amount typed in euros ("12,50" or "12.50"), as cents, at most MAX_AMOUNT_CENTS. */
export const EurosSchema = z
  .string({ error: 'required' })
  .trim()
  .min(1, { message: 'required' })
  .transform((text, ctx) => {
    const cents = parseEuros(text)
    if (cents === null || cents > MAX_AMOUNT_CENTS) {
      ctx.addIssue({ code: 'custom', message: cents === null ? 'amountInvalid' : 'amountTooLarge' })
      return z.NEVER
    }
    return cents
  })

export const OfferSchema = z.object({
  name: z.string({ error: 'required' }).trim().min(1, { message: 'required' }).max(255, { message: 'tooLong' }),
  reference: z
    .string({ error: 'required' })
    .trim()
    .min(1, { message: 'required' })
    .max(64, { message: 'tooLong' })
    .regex(/^[A-Za-z0-9_-]+$/, { message: 'offerReferenceInvalid' }),
  description: z.string().trim().max(5000, { message: 'tooLong' }).default(''),
  /** A registered, switched-on backend ("none" for no technical side): checked by the server. */
  backend: z.string().trim().max(32, { message: 'tooLong' }).default('none'),
  /** The pools a configuration of this offer gets its subnets from (backends with subnets). */
  poolIds: z.array(IdSchema).max(100).default([]),
  billingPeriodMonths: z.coerce
    .number({ error: 'required' })
    .int({ message: 'wholeNumber' })
    .min(1, { message: 'periodInvalid' })
    .max(120, { message: 'periodInvalid' }),
  periodFee: EurosSchema,
  initialFee: EurosSchema,
  nonBillable: checkbox,
  visibleToMembers: checkbox,
  active: checkbox,
})
export type OfferInput = z.infer<typeof OfferSchema>
