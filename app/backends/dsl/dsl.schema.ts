import { z } from 'zod'
import { OptionalIsoDateSchema } from '#app/utils/date.schema.ts'
import { MAX_ID, SearchTextSchema } from '#app/utils/request.schema.ts'
import { normalizePhoneNumber } from './phone.ts'

/** The admin list's query string: search (phone number, reference, provider, PPP login, member), page. */
export const DslListQuerySchema = z.object({
  q: SearchTextSchema,
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
})
export type DslListQuery = z.infer<typeof DslListQuerySchema>

/** A phone number typed by staff, normalised to E.164; empty while it is not known yet. */
export const PhoneNumberSchema = z
  .string()
  .trim()
  .max(32, { message: 'dsl:errors.phoneInvalid' })
  .default('')
  .transform((text, ctx) => {
    if (text === '') return ''
    const e164 = normalizePhoneNumber(text)
    if (e164 === null) {
      ctx.addIssue({ code: 'custom', message: 'dsl:errors.phoneInvalid' })
      return z.NEVER
    }
    return e164
  })

/** Printable ASCII without spaces: what RADIUS servers and CPEs take as a PPP login. */
export const PPP_LOGIN_PATTERN = /^[\x21-\x7e]+$/

const isControlCharacter = (c: string) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f

const text = (max: number) => z.string().trim().max(max, { message: 'tooLong' }).default('')

export const DslEditSchema = z.object({
  phoneNumber: PhoneNumberSchema,
  lineReference: text(64),
  providerName: text(64),
  pppLogin: text(64).refine((login) => login === '' || PPP_LOGIN_PATTERN.test(login), { message: 'dsl:errors.pppLoginInvalid' }),
  // Kept exactly as typed (spaces included): RADIUS compares it with what the router sends.
  pppPassword: z.string().max(128, { message: 'tooLong' }).default('')
    .refine((password) => ![...password].some(isControlCharacter), { message: 'dsl:errors.pppPasswordInvalid' }),
  activationDate: OptionalIsoDateSchema,
  comment: text(512),
})
export type DslEditInput = z.infer<typeof DslEditSchema>

/** The line (configuration) id in a URL; anything but a positive integer becomes null (a 404). */
export const DslIdParams = z.object({
  dslId: z.string().regex(/^\d{1,10}$/).transform(Number).pipe(z.number().int().min(1).max(MAX_ID)).nullable().catch(null),
})
