import type { Prisma } from '#app/generated/prisma/client.ts'
import { prisma } from '#app/utils/db.server.ts'

const CACHE_MS = 10_000
let cached: { name: string; at: number } | undefined

/** The ISP's name for page headers (cached briefly: it is read on every page). */
export async function getIspName() {
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.name
  const row = await prisma.ispSettings.findUnique({ where: { id: 1 }, select: { name: true } })
  cached = { name: row?.name ?? 'Coin', at: Date.now() }
  return cached.name
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
