import { z } from 'zod'
import { OptionalIsoDateSchema } from '#app/utils/date.schema.ts'
import { SearchTextSchema } from '#app/utils/request.schema.ts'

export const MEMBER_STATUSES = ['PENDING', 'MEMBER', 'NOT_MEMBER'] as const
export const MEMBER_TYPES = ['NATURAL_PERSON', 'LEGAL_ENTITY'] as const
export const ROLES = ['MEMBER', 'STAFF', 'SUPERUSER'] as const
export const LANGUAGES = ['fr', 'en'] as const

// Messages are i18n keys (namespace "errors"); the form components translate them.
const text = (max: number) => z.string().trim().max(max, { message: 'tooLong' }).default('')
const phone = z
  .string()
  .trim()
  .max(25, { message: 'tooLong' })
  .regex(/^[0-9+().\s-]*$/, { message: 'phoneInvalid' })
  .default('')

export const UsernameSchema = z
  .string()
  .trim()
  .min(1, { message: 'required' })
  .max(64, { message: 'tooLong' })
  .regex(/^[a-z0-9_.-]+$/, { message: 'usernameInvalid' })

export const EmailSchema = z
  .string({ error: 'required' })
  .trim()
  .toLowerCase()
  .min(1, { message: 'required' })
  .max(254, { message: 'tooLong' })
  .pipe(z.email({ message: 'emailInvalid' }))

// Cross-field rules run even when another field is wrong, so a form shows every error at once.
const everyError = { when: () => true }

/** Contact and identity fields a member may edit on their profile (when the ISP allows it). */
export const ProfileSchema = z
  .object({
    type: z.enum(MEMBER_TYPES, { message: 'required' }).default('NATURAL_PERSON'),
    firstName: text(150),
    lastName: text(150),
    nickname: text(64),
    organizationName: text(200),
    email: EmailSchema,
    homePhone: phone,
    mobilePhone: phone,
    address: text(1000),
    postalCode: z.string().trim().max(16, { message: 'tooLong' }).regex(/^[0-9A-Za-z -]*$/, { message: 'postalCodeInvalid' }).default(''),
    city: text(200),
    country: text(200),
    language: z.enum(LANGUAGES).optional(),
  })
  .superRefine((value, ctx) => {
    // Coin's rule: a legal entity needs its name, a natural person both names.
    if (value.type === 'LEGAL_ENTITY' && !value.organizationName) {
      ctx.addIssue({ code: 'custom', path: ['organizationName'], message: 'organizationRequired' })
    }
    if (value.type === 'NATURAL_PERSON') {
      if (!value.firstName) ctx.addIssue({ code: 'custom', path: ['firstName'], message: 'nameRequired' })
      if (!value.lastName) ctx.addIssue({ code: 'custom', path: ['lastName'], message: 'nameRequired' })
    }
    if (value.country?.toLowerCase() === 'france' && value.postalCode && !/^\d{5}$/.test(value.postalCode)) {
      ctx.addIssue({ code: 'custom', path: ['postalCode'], message: 'postalCodeInvalid' })
    }
  }, everyError)

/** What staff edit on a member: the profile plus status, dates, roles, notes and login. */
export const AdminMemberSchema = z
  .object({
    username: UsernameSchema.optional(),
    status: z.enum(MEMBER_STATUSES, { message: 'required' }).default('MEMBER'),
    dateJoined: OptionalIsoDateSchema,
    resignDate: OptionalIsoDateSchema,
    comments: text(10000),
    sendMembershipFeesEmail: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()).default(false),
    isActive: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()).default(false),
    roles: z.array(z.enum(ROLES)).default([]),
    password: z
      .string()
      .max(200, { message: 'tooLong' })
      .refine((v) => v === '' || v.length >= 10, { message: 'passwordTooShort' })
      .optional(),
  })
  .and(ProfileSchema)
  .superRefine((value, ctx) => {
    if (value.dateJoined instanceof Date && value.resignDate instanceof Date && value.resignDate < value.dateJoined) {
      ctx.addIssue({ code: 'custom', path: ['resignDate'], message: 'resignBeforeJoin' })
    }
  }, everyError)

export const ChangePasswordSchema = z
  .object({
    currentPassword: z.string({ error: 'required' }).min(1, { message: 'required' }),
    newPassword: z.string({ error: 'required' }).min(10, { message: 'passwordTooShort' }).max(200, { message: 'tooLong' }),
    confirmPassword: z.string({ error: 'required' }).min(1, { message: 'required' }),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: 'passwordMismatch' })

export const MemberListQuerySchema = z.object({
  q: SearchTextSchema,
  status: z.enum(MEMBER_STATUSES).optional().catch(undefined),
  sort: z.enum(['username', 'name', 'email', 'status', 'dateJoined', 'id']).catch('username'),
  dir: z.enum(['asc', 'desc']).catch('asc'),
  page: z.coerce.number().int().min(1).catch(1),
})
export type MemberListQuery = z.infer<typeof MemberListQuerySchema>
