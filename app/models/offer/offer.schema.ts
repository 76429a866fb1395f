import { z } from 'zod'
import { MAX_AMOUNT_CENTS, parseEuros } from '#app/utils/money.ts'

export const BACKEND_KINDS = ['none'] as const

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
  backend: z.enum(BACKEND_KINDS).default('none'),
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
