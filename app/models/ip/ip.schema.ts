import { z } from 'zod'
import { IdSchema, SearchTextSchema } from '#app/utils/request.schema.ts'
import { normalizeHostName, parseIp } from './address.ts'

// Messages are i18n keys of the "errors" namespace; `ip:` ones live in app/locales/*/ip.json.

const text = (max: number) => z.string().trim().max(max, { message: 'tooLong' }).default('')
const required = (max: number) => z.string({ error: 'required' }).trim().min(1, { message: 'required' }).max(max, { message: 'tooLong' })
const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()).default(false)

/** An IPv4 or IPv6 network or address as typed (PostgreSQL reads it again on the server). */
const NetworkTextSchema = required(64).refine((value) => parseIp(value) !== null, { message: 'ip:errors.addressInvalid' })

const PrefixLengthSchema = z.coerce
  .number({ error: 'required' })
  .int({ message: 'wholeNumber' })
  .min(0, { message: 'ip:errors.prefixLengthInvalid' })
  .max(128, { message: 'ip:errors.prefixLengthInvalid' })

/** An optional field: an empty text is no value. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional())

export const PoolSchema = z.object({
  name: required(255),
  network: NetworkTextSchema,
  defaultPrefixLength: PrefixLengthSchema,
  description: text(2000),
})
export type PoolInput = z.infer<typeof PoolSchema>

/**
 * Giving out a subnet from a pool page: the network typed, or the first free block of the
 * prefix length (the pool's default size when empty); for a subscription's configuration, or
 * set aside (no subscription) with a comment.
 */
export const AssignSubnetSchema = z.object({
  network: optional(NetworkTextSchema),
  prefixLength: optional(PrefixLengthSchema),
  subscriptionId: optional(IdSchema),
  comment: text(255),
})

export const SubnetListQuerySchema = z.object({
  filter: z.enum(['assigned', 'setAside']).optional().catch(undefined),
  q: SearchTextSchema,
  page: z.coerce.number().int().min(1).max(1_000_000).default(1).catch(1),
})
export type SubnetListQuery = z.infer<typeof SubnetListQuerySchema>

/** A host name, stored lower-case without its trailing dot. */
const HostNameSchema = required(254).transform((value, ctx) => {
  const name = normalizeHostName(value)
  if (name === null) {
    ctx.addIssue({ code: 'custom', message: 'ip:errors.hostNameInvalid' })
    return z.NEVER
  }
  return name
})

export const NameServerSchema = z.object({
  dnsName: HostNameSchema,
  description: text(255),
  /** The member who runs it: a member number or username, or nobody. */
  owner: text(254),
})
export type NameServerInput = z.infer<typeof NameServerSchema>

/** One address, without a prefix length or with the full one (/32, /128). */
const AddressSchema = required(64).refine((value) => {
  const ip = parseIp(value)
  return ip !== null && (ip.prefixLength === null || ip.prefixLength === (ip.family === 4 ? 32 : 128))
}, { message: 'ip:errors.singleAddressInvalid' })

export const ReverseEntrySchema = z.object({
  ip: AddressSchema,
  /** The name the address resolves to; stored ending with a dot, as Coin does. */
  name: HostNameSchema.transform((name) => `${name}.`),
  ttl: z.coerce
    .number({ error: 'required' })
    .int({ message: 'wholeNumber' })
    .min(60, { message: 'ip:errors.ttlTooSmall' })
    .max(2_147_483_647, { message: 'ip:errors.ttlTooLarge' })
    .default(3600),
})
export type ReverseEntryInput = z.infer<typeof ReverseEntrySchema>

export const DelegationSchema = z.object({
  delegateReverseDns: checkbox,
  nameServerIds: z.array(IdSchema).max(20).default([]),
})
export type DelegationInput = z.infer<typeof DelegationSchema>

/** A numeric id from the URL; anything that is not a positive integer becomes null (a 404). */
const idParam = z
  .string()
  .regex(/^\d{1,9}$/)
  .transform(Number)
  .nullable()
  .catch(null)

export const PoolIdParams = z.object({ poolId: idParam })
export const SubnetParams = z.object({ poolId: idParam, subnetId: idParam })
export const NameServerIdParams = z.object({ nameServerId: idParam })
