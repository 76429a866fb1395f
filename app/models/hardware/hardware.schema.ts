import { z } from 'zod'
import { OptionalIsoDateSchema } from '#app/utils/date.schema.ts'
import { IdSchema, MAX_ID, SearchTextSchema } from '#app/utils/request.schema.ts'
import { normalizeMac } from './mac.ts'

const text = (max: number) => z.string().trim().max(max, { message: 'tooLong' }).default('')
const required = (max: number) => z.string({ error: 'required' }).trim().min(1, { message: 'required' }).max(max, { message: 'tooLong' })
const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()).default(false)
/** An optional id from a select: '' is none. */
const optionalId = z.preprocess((v) => (v === '' || v === undefined ? null : v), IdSchema.nullable())

export const AVAILABILITIES = ['available', 'borrowed', 'deployed'] as const
export type Availability = (typeof AVAILABILITIES)[number]

/** The admin items list's query string: search, filters, page. */
export const ItemListQuerySchema = z.object({
  q: SearchTextSchema,
  availability: z.enum(AVAILABILITIES).optional().catch(undefined),
  typeId: z.coerce.number().int().min(1).max(MAX_ID).optional().catch(undefined),
  storageId: z.coerce.number().int().min(1).max(MAX_ID).optional().catch(undefined),
  /** "association" (no owner), or a member's username. */
  owner: z.string().trim().max(64).transform((s) => s.replaceAll('\u0000', '')).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
})
export type ItemListQuery = z.infer<typeof ItemListQuerySchema>

/** The admin loans list's query string. */
export const LoanListQuerySchema = z.object({
  status: z.enum(['running', 'finished', 'all']).catch('running'),
  /** The borrower's username. */
  member: z.string().trim().max(64).transform((s) => s.replaceAll('\u0000', '')).catch(''),
  itemId: z.coerce.number().int().min(1).max(MAX_ID).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
})
export type LoanListQuery = z.infer<typeof LoanListQuerySchema>

export const MacSchema = z.string().max(64, { message: 'tooLong' }).default('').transform((value, ctx) => {
  const mac = normalizeMac(value)
  if (mac === null) {
    ctx.addIssue({ code: 'custom', message: 'hardware:errors.macInvalid' })
    return z.NEVER
  }
  return mac
})

/** The staff item form. */
export const ItemSchema = z.object({
  designation: required(100),
  typeId: IdSchema,
  storageId: optionalId,
  macAddress: MacSchema,
  serial: text(250),
  buyDate: OptionalIsoDateSchema,
  /** The member who owns it when it is not the association's: a member number or username. */
  owner: text(64),
  deployed: checkbox,
  comment: text(5000),
})
export type ItemInput = z.infer<typeof ItemSchema>

export const StorageSchema = z.object({ name: required(100), notes: text(5000) })
export const ItemTypeSchema = z.object({ name: required(100) })

/** A positive id in a URL; anything else becomes null (a 404). */
export const ItemIdParams = z.object({
  itemId: z.string().regex(/^\d{1,10}$/).transform(Number).pipe(z.number().int().min(1).max(MAX_ID)).nullable().catch(null),
})

/** The member page's forms. */
export const MemberLoanActionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('borrow'), itemId: IdSchema, notes: text(1000) }),
  z.object({ intent: z.literal('return'), loanId: IdSchema, storageId: optionalId }),
  z.object({ intent: z.literal('transfer'), loanId: IdSchema, username: required(64) }),
])
