import { z } from 'zod'
import { IsoDateSchema, OptionalIsoDateSchema } from '#app/utils/date.schema.ts'
import { IdSchema } from '#app/utils/request.schema.ts'

const id = IdSchema

/** The fields of a subscription, without the rule between them (for forms to extend). */
export const SubscriptionFieldsSchema = z.object({
  memberId: id,
  offerId: id,
  subscriptionDate: IsoDateSchema,
  resignDate: OptionalIsoDateSchema,
  commitmentMonths: z.coerce.number().int({ message: 'wholeNumber' }).min(0, { message: 'commitmentInvalid' }).max(120, { message: 'commitmentInvalid' }).default(0),
  comments: z.string().trim().max(5000, { message: 'tooLong' }).default(''),
})

/** A subscription does not end before it starts (checked even when another field is wrong). */
export function refineSubscriptionDates<S extends z.ZodType<{ subscriptionDate?: unknown; resignDate?: unknown }>>(schema: S): S {
  return schema.superRefine((v, ctx) => {
    if (v.resignDate instanceof Date && v.subscriptionDate instanceof Date && v.resignDate < v.subscriptionDate) {
      ctx.addIssue({ code: 'custom', path: ['resignDate'], message: 'resignBeforeSubscribe' })
    }
  }, { when: () => true })
}

export const SubscriptionSchema = refineSubscriptionDates(SubscriptionFieldsSchema)
export type SubscriptionInput = z.infer<typeof SubscriptionSchema>

export const ResignSchema = z.object({
  resignDate: IsoDateSchema,
  /** Set when staff confirmed resigning before the end of the commitment. */
  confirmEarly: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()).default(false),
})

export const RequestSchema = z.object({
  offerId: id,
  message: z.string().trim().max(2000, { message: 'tooLong' }).default(''),
})

/** What staff correct on a subscription: its comments, commitment and transfer reference override. */
export const SubscriptionEditSchema = z.object({
  comments: SubscriptionFieldsSchema.shape.comments,
  commitmentMonths: SubscriptionFieldsSchema.shape.commitmentMonths,
  /** Empty: the computed reference (SUBSCRIPTION_REFERENCE). */
  reference: z
    .string()
    .trim()
    .max(64, { message: 'tooLong' })
    .regex(/^$|^(?=.*[A-Za-z0-9])[A-Za-z0-9._/-]+$/, { message: 'subscriptions:errors.referenceInvalid' })
    .default(''),
})
export type SubscriptionEditInput = z.infer<typeof SubscriptionEditSchema>
