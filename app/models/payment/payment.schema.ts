import { z } from 'zod'
import { PAYMENT_METHODS } from '#app/models/fee/fee.schema.ts'
import { EurosSchema } from '#app/models/offer/offer.schema.ts'
import { OptionalIsoDateSchema } from '#app/utils/date.schema.ts'
import { today } from '#app/utils/dates.ts'
import { IdSchema } from '#app/utils/request.schema.ts'

/**
 * A payment recorded by staff. The member is named by number or username (the server resolves
 * it); the amount is typed in euros and must be more than zero; an empty date is today; a forced
 * invoice, when given, is paid first by this payment.
 */
export const PaymentSchema = z.object({
  member: z.string({ error: 'required' }).trim().min(1, { message: 'required' }).max(64, { message: 'tooLong' }),
  method: z.enum(PAYMENT_METHODS, { error: 'required' }),
  amount: EurosSchema.refine((cents) => cents > 0, { message: 'amountInvalid' }),
  date: OptionalIsoDateSchema.transform((date) => date ?? today()),
  label: z.string().trim().max(500, { message: 'tooLong' }).default(''),
  invoiceId: IdSchema.optional(),
})
export type PaymentFormInput = z.infer<typeof PaymentSchema>

/** The payment of a URL (`$paymentId`): null when it cannot name one (the page answers 404). */
export const PaymentIdParams = z.object({ paymentId: IdSchema.nullable().catch(null) })
