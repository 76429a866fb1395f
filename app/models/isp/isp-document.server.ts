import { createHash } from 'node:crypto'
import { z } from 'zod'
import { stateWhere } from '#app/models/subscription/subscriptions.server.ts'
import { today, toIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { isWebUrl, TECHNOLOGIES } from './isp-database.schema.ts'

/**
 * /isp.json: the ISP's description in the FFDN format 0.1 (docs/isp-database.md), built from the
 * ISP record, its covered areas and live counts. Only the fields that are set are written. A
 * public contract, so the result is checked against a zod mirror of the FFDN schema before it is
 * served; the tests check it against the FFDN schema itself (ajv, draft-04).
 */

const position = z.tuple([z.number(), z.number()]).or(z.tuple([z.number(), z.number(), z.number()]))
const polygon = z.array(z.array(position).min(4)).min(1)
const webUrl = z.string().refine(isWebUrl)

export const IspDocumentSchema = z.object({
  name: z.string().min(1),
  shortname: z.string().max(15).optional(),
  description: z.string().optional(),
  logoURL: webUrl.optional(),
  website: webUrl.optional(),
  otherWebsites: z.record(z.string().min(1), webUrl).optional(),
  email: z.email(),
  mainMailingList: z.email().optional(),
  creationDate: z.iso.date().optional(),
  ffdnMemberSince: z.iso.date().optional(),
  progressStatus: z.number().int().min(1).max(7).optional(),
  memberCount: z.number().int().min(0),
  subscriberCount: z.number().int().min(0),
  chatrooms: z.array(z.string().regex(/^[a-z][a-z0-9+.-]*:\S+$/i)).optional(),
  registeredOffice: z.object({
    'street-address': z.string().optional(),
    'extended-address': z.string().optional(),
    'postal-code': z.string().optional(),
    locality: z.string(),
    region: z.string(),
    'country-name': z.string(),
  }).optional(),
  coordinates: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }).optional(),
  coveredAreas: z.array(z.object({
    name: z.string(),
    technologies: z.array(z.enum(TECHNOLOGIES)),
    area: z.discriminatedUnion('type', [
      z.object({ type: z.literal('Polygon'), coordinates: polygon }),
      z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(polygon).min(1) }),
    ]).optional(),
  })),
  version: z.literal(0.1),
})
export type IspDocument = z.infer<typeof IspDocumentSchema>

/** The crawler of db.ffdn.org reads at most this much. */
export const MAX_DOCUMENT_BYTES = 1024 * 1024

/** Only the fields that are set: '' and null and empty lists or objects are left out. */
function present<T extends Record<string, unknown>>(fields: T) {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== '' && v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0) && !(typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0)))
}

/** The ISP record and areas as the document says them, counts given (the save checks a draft with them). */
export function buildIspDocument(
  isp: {
    name: string; shortname: string; description: string; logoUrl: string; website: string; otherWebsites: unknown; contactEmail: string; email: string
    mainMailingList: string; creationDate: Date | null; ffdnMemberSince: Date | null; progressStatus: number | null; chatrooms: string[]
    latitude: number | null; longitude: number | null; officeStreet: string; officeExtended: string; officePostalCode: string; officeLocality: string; officeRegion: string; officeCountry: string
  },
  areas: { name: string; technologies: string[]; area: unknown }[],
  counts: { memberCount: number; subscriberCount: number },
) {
  const office = present({
    'street-address': isp.officeStreet, 'extended-address': isp.officeExtended, 'postal-code': isp.officePostalCode,
    locality: isp.officeLocality, region: isp.officeRegion, 'country-name': isp.officeCountry,
  })
  return IspDocumentSchema.safeParse({
    ...present({
      name: isp.name,
      shortname: isp.shortname,
      description: isp.description,
      logoURL: isp.logoUrl,
      website: isp.website,
      otherWebsites: isp.otherWebsites,
      // The published contact; the administrative email stands in until one is set.
      email: isp.contactEmail || isp.email,
      mainMailingList: isp.mainMailingList,
      creationDate: isp.creationDate ? toIsoDate(isp.creationDate) : null,
      ffdnMemberSince: isp.ffdnMemberSince ? toIsoDate(isp.ffdnMemberSince) : null,
      progressStatus: isp.progressStatus,
      chatrooms: isp.chatrooms,
      registeredOffice: office,
      coordinates: isp.latitude !== null && isp.longitude !== null ? { latitude: isp.latitude, longitude: isp.longitude } : null,
    }),
    ...counts,
    coveredAreas: areas.map(({ name, technologies, area }) => ({ name, technologies, ...(area ? { area } : {}) })),
    version: 0.1,
  })
}

/** The live counts: members with status "member", and subscriptions active today. */
export async function ispCounts(now = new Date()) {
  const [memberCount, subscriberCount] = await Promise.all([
    prisma.member.count({ where: { status: 'MEMBER' } }),
    prisma.subscription.count({ where: stateWhere('active', today(now)) }),
  ])
  return { memberCount, subscriberCount }
}

/**
 * The document with its body and ETag, or null when the record cannot make a valid one (no
 * name or no email yet: nothing is published rather than an invalid document).
 */
export async function getIspDocument(now = new Date()) {
  const [isp, areas, counts] = await Promise.all([
    prisma.ispSettings.findUnique({ where: { id: 1 } }),
    prisma.coveredArea.findMany({ orderBy: [{ position: 'asc' }, { id: 'asc' }], select: { name: true, technologies: true, area: true } }),
    ispCounts(now),
  ])
  if (!isp) return null
  // Without a website of its own, the ISP's site is where its members reach Coin (PUBLIC_URL).
  const document = buildIspDocument({ ...isp, website: isp.website || getEnv().PUBLIC_URL }, areas, counts)
  if (!document.success) return null
  const body = `${JSON.stringify(document.data)}\n`
  return { document: document.data, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` }
}
