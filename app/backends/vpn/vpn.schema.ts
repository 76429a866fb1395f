import { z } from 'zod'
import { parseIp } from '#app/models/ip/address.ts'
import { VPN_LOGIN_PATTERN } from './login.ts'
import { IdSchema, MAX_ID, SearchTextSchema } from '#app/utils/request.schema.ts'

/** The admin list's query string: search, activated filter, page. */
export const VpnListQuerySchema = z.object({
  q: SearchTextSchema,
  activated: z.enum(['yes', 'no']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
})
export type VpnListQuery = z.infer<typeof VpnListQuerySchema>

const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()).default(false)

/** An address of one family typed by staff, or nothing (null). */
const endpoint = (family: 4 | 6) =>
  z
    .string()
    .trim()
    .max(64, { message: 'tooLong' })
    .default('')
    .transform((text, ctx) => {
      if (text === '') return null
      const parsed = parseIp(text)
      if (parsed?.family !== family || parsed.prefixLength !== null) {
        ctx.addIssue({ code: 'custom', message: family === 4 ? 'vpn:errors.notIpv4' : 'vpn:errors.notIpv6' })
        return z.NEVER
      }
      return text
    })

export const VpnEditSchema = z.object({
  login: z.string({ error: 'required' }).trim().min(1, { message: 'required' }).regex(VPN_LOGIN_PATTERN, { message: 'vpn:errors.loginInvalid' }),
  activated: checkbox,
  ipv4Endpoint: endpoint(4),
  ipv6Endpoint: endpoint(6),
  comment: z.string().trim().max(512, { message: 'tooLong' }).default(''),
})
export type VpnEditInput = z.infer<typeof VpnEditSchema>

export const VPN_BULK_ACTIONS = ['activate', 'deactivate', 'assign'] as const
export type VpnBulkAction = (typeof VPN_BULK_ACTIONS)[number]

export const VpnBulkSchema = z.object({
  action: z.enum(VPN_BULK_ACTIONS, { error: 'vpn:errors.bulkAction' }),
  ids: z.array(IdSchema, { error: 'vpn:errors.noneSelected' }).min(1, { message: 'vpn:errors.noneSelected' }).max(1000),
})

/** The account (configuration) id in a URL; anything but a positive integer becomes null (a 404). */
export const VpnIdParams = z.object({
  vpnId: z.string().regex(/^\d{1,10}$/).transform(Number).pipe(z.number().int().min(1).max(MAX_ID)).nullable().catch(null),
})
