import { z } from 'zod'
import { parseArea } from './geojson.ts'

/**
 * The ISP's public description (the FFDN ISP database, /isp.json, format 0.1): the form's
 * schema, shared by the browser and the server. Each rule keeps the document valid against the
 * FFDN schema and what the federation's crawler checks (absolute http(s) URLs, emails, dates,
 * Polygon or MultiPolygon areas), so a save that would publish an invalid document is refused
 * on its field.
 */

/** progressStatus, with the spec's labels (isp.json §progressStatus). */
export const PROGRESS_STATUSES = [1, 2, 3, 4, 5, 6, 7] as const
/** Technologies of a covered area (the spec's list; "not exhaustive", but the schema's enum). */
export const TECHNOLOGIES = ['ftth', 'fttb', 'dsl', 'wifi', 'vpn', 'cube'] as const

const text = (max: number) => z.string().trim().max(max, { message: 'tooLong' }).default('')

/** An absolute http(s) URL with a host, as the crawler checks website, logoURL and otherWebsites. */
export function isWebUrl(value: string) {
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
  } catch {
    return false
  }
}

const webUrl = (max: number) =>
  text(max).refine((value) => value === '' || isWebUrl(value), { message: 'urlInvalid' })

const email = text(254)
  .transform((value) => value.toLowerCase())
  .refine((value) => value === '' || z.email().safeParse(value).success, { message: 'emailInvalid' })

const isoDate = z
  .string()
  .trim()
  .default('')
  .refine((value) => value === '' || (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)), { message: 'dateInvalid' })

/** A decimal number typed with a dot or a comma, within a range, or nothing. */
const coordinate = (limit: number) =>
  z
    .string()
    .trim()
    .default('')
    .transform((value, ctx) => {
      if (value === '') return null
      const number = Number(value.replace(',', '.'))
      if (!Number.isFinite(number) || Math.abs(number) > limit) {
        ctx.addIssue({ code: 'custom', message: 'isp:database.errors.coordinate' })
        return z.NEVER
      }
      return number
    })

/** Lines of a textarea, trimmed, blank ones dropped. */
const lines = (value: string) => value.split(/\r?\n/).map((line) => line.trim()).filter(Boolean)

/** A URI with a scheme (irc://…, xmpp:…?join, https://…), as chat rooms are. */
const URI = /^[a-z][a-z0-9+.-]*:\S+$/i

/** WCAG contrast ratio of a #rrggbb colour against white. */
export function contrastWithWhite(hex: string) {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
  return 1.05 / (luminance + 0.05)
}

/** The lowest contrast the theme colour may have with white text and backgrounds (WCAG AA). */
export const MIN_CONTRAST = 4.5

export const IspDatabaseSchema = z
  .object({
    shortname: text(15),
    description: text(2000).transform((value) => value.replace(/\r\n?/g, '\n')),
    contactEmail: email,
    mainMailingList: email,
    logoUrl: webUrl(500),
    /** One website a line: "label URL" (the wiki, the pad…). */
    otherWebsites: text(5000).transform((value, ctx) => {
      const sites: Record<string, string> = {}
      for (const line of lines(value)) {
        const match = /^(.+?)\s*[:=]?\s+(\S+)$/.exec(line)
        if (!match || !isWebUrl(match[2]!)) {
          ctx.addIssue({ code: 'custom', message: 'isp:database.errors.otherWebsite' })
          return z.NEVER
        }
        sites[match[1]!.replace(/[:=]$/, '').trim()] = match[2]!
      }
      return sites
    }),
    /** One chat room a line (irc://…, xmpp:…?join). */
    chatrooms: text(5000).transform((value, ctx) => {
      const rooms = [...new Set(lines(value))]
      if (rooms.some((room) => !URI.test(room))) {
        ctx.addIssue({ code: 'custom', message: 'isp:database.errors.chatroom' })
        return z.NEVER
      }
      return rooms
    }),
    creationDate: isoDate,
    ffdnMemberSince: isoDate,
    progressStatus: z
      .string()
      .trim()
      .default('')
      .transform((value, ctx) => {
        if (value === '') return null
        const status = PROGRESS_STATUSES.find((s) => String(s) === value)
        if (!status) {
          ctx.addIssue({ code: 'custom', message: 'isp:database.errors.progressStatus' })
          return z.NEVER
        }
        return status
      }),
    latitude: coordinate(90),
    longitude: coordinate(180),
    officeStreet: text(200),
    officeExtended: text(200),
    officePostalCode: text(16),
    officeLocality: text(200),
    officeRegion: text(200),
    officeCountry: text(200),
    primaryColor: z
      .string()
      .trim()
      .default('')
      .transform((value) => value.toLowerCase())
      .refine((value) => value === '' || /^#[0-9a-f]{6}$/.test(value), { message: 'isp:database.errors.colour' })
      .refine((value) => value === '' || !/^#[0-9a-f]{6}$/.test(value) || contrastWithWhite(value) >= MIN_CONTRAST, { message: 'isp:database.errors.contrast' }),
  })
  .superRefine((value, ctx) => {
    // The registered office is an hCard address: a locality, region and country once any part is
    // given, and an extended address or PO box only with a street address.
    const office = [value.officeStreet, value.officeExtended, value.officePostalCode, value.officeLocality, value.officeRegion, value.officeCountry]
    if (office.some(Boolean)) {
      for (const key of ['officeLocality', 'officeRegion', 'officeCountry'] as const) {
        if (!value[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'isp:database.errors.officeIncomplete' })
      }
    }
    if (value.officeExtended && !value.officeStreet) ctx.addIssue({ code: 'custom', path: ['officeStreet'], message: 'isp:database.errors.officeStreet' })
    if ((value.latitude === null) !== (value.longitude === null)) {
      ctx.addIssue({ code: 'custom', path: [value.latitude === null ? 'latitude' : 'longitude'], message: 'isp:database.errors.coordinatesPair' })
    }
  })
export type IspDatabaseInput = z.infer<typeof IspDatabaseSchema>

/** A covered area: a name, its technologies, and an optional Polygon or MultiPolygon pasted (or uploaded). */
export const CoveredAreaSchema = z.object({
  name: z.string({ error: 'required' }).trim().min(1, { message: 'required' }).max(200, { message: 'tooLong' }),
  technologies: z.array(z.enum(TECHNOLOGIES, { message: 'isp:database.errors.technology' }), { error: 'isp:database.errors.technologies' })
    .min(1, { message: 'isp:database.errors.technologies' }),
  area: z
    .string()
    .trim()
    .max(1024 * 1024, { message: 'isp:database.errors.areaTooLarge' })
    .default('')
    .transform((value, ctx) => {
      if (value === '') return null
      const checked = parseArea(value)
      if ('error' in checked) {
        ctx.addIssue({ code: 'custom', message: `isp:database.errors.${checked.error}` })
        return z.NEVER
      }
      return checked.area
    }),
})
export type CoveredAreaInput = z.infer<typeof CoveredAreaSchema>
