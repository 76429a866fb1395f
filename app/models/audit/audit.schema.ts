import { z } from 'zod'
import { OptionalIsoDateSchema } from '#app/utils/date.schema.ts'
import type { AuditEntity } from './audit.server.ts'

/** The kinds of rows the audit log names, in the order the journal's filter lists them. */
export const AUDIT_ENTITIES = ['payment', 'allocation', 'invoice', 'fee', 'subscription', 'member'] as const satisfies readonly AuditEntity[]

const emptyToUndefined = (value: unknown) => (value === '' || value === null ? undefined : value)

/**
 * The journal's GET parameters. A wrong staff person, member text or date is a field error
 * (the filter is shown back with its message); an unknown entity or page falls back to none / 1.
 */
export const AuditQuerySchema = z
  .object({
    actor: z.preprocess(emptyToUndefined, z.string().regex(/^\d{1,9}$/, { message: 'audit:errors.actorInvalid' }).transform(Number).optional()),
    member: z.string().trim().max(64, { message: 'tooLong' }).optional().transform((v) => v || undefined),
    entity: z.enum(AUDIT_ENTITIES).optional().catch(undefined),
    from: OptionalIsoDateSchema,
    to: OptionalIsoDateSchema,
    page: z.coerce.number().int().min(1).max(100_000).catch(1),
  })
  .superRefine((v, ctx) => {
    if (v.from && v.to && v.to < v.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'endBeforeStart' })
  })

export type AuditQuery = z.infer<typeof AuditQuerySchema>
