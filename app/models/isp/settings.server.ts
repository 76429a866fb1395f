import { Prisma } from '#app/generated/prisma/client.ts'
import { parseIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import type { CoveredAreaInput, IspDatabaseInput } from './isp-database.schema.ts'
import { buildIspDocument, MAX_DOCUMENT_BYTES } from './isp-document.server.ts'

const CACHE_MS = 10_000

export type IspBranding = { name: string; primaryColor: string; logoVersion: number | null }
let cached: (IspBranding & { at: number }) | undefined

/**
 * What every page shows of the ISP (its name, theme colour, and whether it has a logo, with a
 * version for the logo's address), cached briefly: it is read on every page. Saves clear it.
 */
export async function getIspBranding(): Promise<IspBranding> {
  if (cached && Date.now() - cached.at < CACHE_MS) return cached
  const [row] = await prisma.$queryRaw<{ name: string; primaryColor: string; hasLogo: boolean; updatedAt: Date }[]>`
    SELECT name, "primaryColor", logo IS NOT NULL AS "hasLogo", "updatedAt" FROM "IspSettings" WHERE id = 1`
  cached = { name: row?.name ?? 'Coin', primaryColor: row?.primaryColor ?? '', logoVersion: row?.hasLogo ? row.updatedAt.getTime() : null, at: Date.now() }
  return cached
}

/** The ISP's name for page headers and titles. */
export async function getIspName() {
  return (await getIspBranding()).name
}

/** Creates or renames the ISP settings row. */
export async function setIspName(name: string) {
  await updateIspIdentity({ name })
}

const identitySelect = {
  name: true,
  address: true,
  postalCode: true,
  city: true,
  siret: true,
  rna: true,
  email: true,
  website: true,
  iban: true,
  bic: true,
  bankName: true,
  chequeOrder: true,
  vatMention: true,
  defaultVatBasisPoints: true,
  latePaymentMention: true,
  vatNumber: true,
  logo: true,
  logoMimeType: true,
  primaryColor: true,
} satisfies Prisma.IspSettingsSelect

/** What invoices print about the ISP: identity, payment instructions and legal mentions. */
export type IspIdentity = Prisma.IspSettingsGetPayload<{ select: typeof identitySelect }>

const EMPTY_IDENTITY: IspIdentity = {
  name: 'Coin',
  address: '',
  postalCode: '',
  city: '',
  siret: '',
  rna: '',
  email: '',
  website: '',
  iban: '',
  bic: '',
  bankName: '',
  chequeOrder: '',
  vatMention: '',
  defaultVatBasisPoints: 0,
  latePaymentMention: '',
  vatNumber: '',
  logo: null,
  logoMimeType: null,
  primaryColor: '',
}

/**
 * The ISP identity printed on invoices. Until the ISP-database issue lands it is the settings
 * row; that issue will change this function, not the PDF.
 */
export async function getIspIdentity(db: Prisma.TransactionClient = prisma): Promise<IspIdentity> {
  const row = await db.ispSettings.findUnique({ where: { id: 1 }, select: identitySelect })
  return row ?? EMPTY_IDENTITY
}

export type IspIdentityUpdate = Partial<Omit<IspIdentity, 'logo'>> & { logo?: Uint8Array<ArrayBuffer> | null }

/** Creates or updates the settings row; only the given fields change. */
export async function updateIspIdentity(data: IspIdentityUpdate) {
  await prisma.ispSettings.upsert({ where: { id: 1 }, create: { name: 'Coin', ...data, id: 1 }, update: data })
  cached = undefined
}

const databaseSelect = {
  name: true, email: true, website: true, shortname: true, description: true, logoUrl: true, otherWebsites: true, contactEmail: true, mainMailingList: true,
  creationDate: true, ffdnMemberSince: true, progressStatus: true, chatrooms: true, latitude: true, longitude: true,
  officeStreet: true, officeExtended: true, officePostalCode: true, officeLocality: true, officeRegion: true, officeCountry: true, primaryColor: true,
} satisfies Prisma.IspSettingsSelect

/** The ISP's public description (the FFDN fields of the record) and its covered areas. */
export async function getIspDatabase() {
  const [row, areas] = await Promise.all([
    prisma.ispSettings.findUnique({ where: { id: 1 }, select: databaseSelect }),
    prisma.coveredArea.findMany({ orderBy: [{ position: 'asc' }, { id: 'asc' }], select: { id: true, name: true, technologies: true, area: true } }),
  ])
  return { isp: row, areas }
}

/**
 * Saves the public description. The document it would publish is built and checked first: a
 * record that would make /isp.json invalid (no contact email at all, say) is refused, naming the
 * field, and nothing is saved.
 */
export async function saveIspDatabase(input: IspDatabaseInput) {
  const { creationDate, ffdnMemberSince, ...rest } = input
  const data = { ...rest, creationDate: creationDate ? parseIsoDate(creationDate) : null, ffdnMemberSince: ffdnMemberSince ? parseIsoDate(ffdnMemberSince) : null }
  await prisma.$transaction(async (tx) => {
    const current = await tx.ispSettings.upsert({ where: { id: 1 }, create: { id: 1, name: 'Coin', ...data }, update: data })
    const areas = await tx.coveredArea.findMany({ select: { name: true, technologies: true, area: true } })
    const document = buildIspDocument(current, areas, { memberCount: 0, subscriberCount: 0 })
    if (!document.success) throw documentError(document.error)
  })
  cached = undefined
}

/** The form field a document problem belongs to, as a DomainError the page shows on it. */
function documentError(error: { issues: { path: PropertyKey[] }[] }) {
  const key = String(error.issues[0]?.path[0] ?? '')
  const field = ({ email: 'contactEmail', logoURL: 'logoUrl', registeredOffice: 'officeLocality', coordinates: 'latitude' } as Record<string, string>)[key] ?? key
  return new DomainError({ code: 'ISP_DOCUMENT_INVALID', message: field === 'contactEmail' ? 'isp:database.errors.contactEmailRequired' : 'isp:database.errors.documentInvalid', status: 400, values: { field } })
}

/** Adds a covered area, after the others; refused when the document would pass 1 MiB. */
export async function addCoveredArea(input: CoveredAreaInput) {
  await prisma.$transaction(async (tx) => {
    const last = await tx.coveredArea.aggregate({ _max: { position: true } })
    await tx.coveredArea.create({ data: { name: input.name, technologies: input.technologies, area: input.area ?? Prisma.DbNull, position: (last._max.position ?? 0) + 1 } })
    const [{ bytes }] = await tx.$queryRaw<{ bytes: number }[]>`SELECT coalesce(sum(octet_length(area::text)), 0)::int AS bytes FROM "CoveredArea"`
    if (bytes > MAX_DOCUMENT_BYTES - 64 * 1024) throw new DomainError({ code: 'ISP_DOCUMENT_TOO_LARGE', message: 'isp:database.errors.documentTooLarge', status: 400 })
  })
}

export function removeCoveredArea(id: number) {
  return prisma.coveredArea.deleteMany({ where: { id } })
}
