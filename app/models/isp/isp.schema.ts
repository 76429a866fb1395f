import { z } from 'zod'
import { checkBic, checkIban, checkRna, checkSiret, checkVatNumber, parseVatPercent, type Checked } from './identifiers.ts'

/** Largest logo accepted, in bytes. */
export const LOGO_MAX_BYTES = 1024 * 1024
export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/svg+xml'] as const

const text = (max: number) => z.string().trim().max(max, { message: 'tooLong' }).default('')
/** A textarea: browsers send its line breaks as CRLF; they are stored as LF. */
const multiline = (max: number) => text(max).transform((value) => value.replace(/\r\n?/g, '\n'))

/** An optional identifier: empty is stored as '', anything else must pass `check` and is stored normalised. */
const identifier = (check: (text: string) => Checked) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (!value) return ''
      const checked = check(value)
      if (checked.error !== undefined) {
        ctx.addIssue({ code: 'custom', message: checked.error })
        return z.NEVER
      }
      return checked.value
    })

/**
 * The ISP identity form (Identité du FAI). Every field but the name is optional; identifiers are
 * checked and normalised, the default VAT rate is typed in percent and becomes basis points. The
 * logo's type (LOGO_TYPES) is checked on the server from its first bytes, not from its name.
 */
export const IspIdentitySchema = z.object({
  name: z.string({ error: 'required' }).trim().min(1, { message: 'required' }).max(200, { message: 'tooLong' }),
  address: multiline(1000),
  postalCode: text(16),
  city: text(200),
  siret: identifier(checkSiret),
  rna: identifier(checkRna),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, { message: 'tooLong' })
    .pipe(z.email({ message: 'emailInvalid' }))
    .optional()
    .transform((value) => value ?? ''),
  website: z
    .string()
    .trim()
    .max(200, { message: 'tooLong' })
    .pipe(z.url({ protocol: /^https?$/, message: 'urlInvalid' }))
    .optional()
    .transform((value) => value ?? ''),
  iban: identifier(checkIban),
  bic: identifier(checkBic),
  bankName: text(200),
  chequeOrder: text(200),
  vatMention: text(300),
  vatNumber: identifier(checkVatNumber),
  defaultVatPercent: z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (!value) return 0
      const basisPoints = parseVatPercent(value)
      if (basisPoints === null) {
        ctx.addIssue({ code: 'custom', message: 'vatInvalid' })
        return z.NEVER
      }
      return basisPoints
    }),
  latePaymentMention: multiline(500),
  logo: z.file().max(LOGO_MAX_BYTES, { message: 'logoTooLarge' }).optional(),
  removeLogo: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()).default(false),
})
export type IspIdentityInput = z.infer<typeof IspIdentitySchema>
