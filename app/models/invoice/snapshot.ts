import type { IspIdentity } from '#app/models/isp/settings.server.ts'

/**
 * What a validated invoice says about who it names, captured in the validating transaction and
 * frozen with it (a French invoice is a fixed document): the PDF, the HTML invoice, the emails and
 * the CSV read these, never the member's or the ISP's current data.
 */

export type InvoiceBuyer = {
  type: 'NATURAL_PERSON' | 'LEGAL_ENTITY'
  /** The organisation's name, or the person's first and last names (never a nickname). */
  name: string
  address: string
  postalCode: string
  city: string
  country: string
  email: string
  /** The language the invoice is printed in. */
  language: 'fr' | 'en'
}

export type InvoiceSeller = {
  name: string
  address: string
  postalCode: string
  city: string
  siret: string
  rna: string
  vatNumber: string
  email: string
  website: string
  iban: string
  bic: string
  bankName: string
  chequeOrder: string
  vatMention: string
  latePaymentMention: string
  /** The IspLogo row (SHA-256 of its bytes) printed at the top, or null. */
  logoSha256: string | null
  /** The ISP's colour (#rrggbb) of the title and totals, '' for black (invoices before it). */
  primaryColor: string
}

type MemberIdentity = {
  type: string
  firstName: string
  lastName: string
  organizationName: string
  username: string
  address: string
  postalCode: string
  city: string
  country: string
  email: string
  language: 'fr' | 'en' | null
}

/** The name an invoice gives a member: the organisation's, else first and last names, else the username. */
export function invoiceName(m: Pick<MemberIdentity, 'type' | 'organizationName' | 'firstName' | 'lastName' | 'username'>) {
  if (m.type === 'LEGAL_ENTITY' && m.organizationName) return m.organizationName
  return `${m.firstName} ${m.lastName}`.trim() || m.username
}

export function buyerOf(m: MemberIdentity): InvoiceBuyer {
  return {
    type: m.type === 'LEGAL_ENTITY' ? 'LEGAL_ENTITY' : 'NATURAL_PERSON',
    name: invoiceName(m), address: m.address, postalCode: m.postalCode, city: m.city, country: m.country, email: m.email,
    language: m.language ?? 'fr',
  }
}

export function sellerOf(isp: Omit<IspIdentity, 'logo' | 'logoMimeType' | 'defaultVatBasisPoints'>, logoSha256: string | null): InvoiceSeller {
  return {
    name: isp.name, address: isp.address, postalCode: isp.postalCode, city: isp.city, siret: isp.siret, rna: isp.rna, vatNumber: isp.vatNumber,
    email: isp.email, website: isp.website, iban: isp.iban, bic: isp.bic, bankName: isp.bankName, chequeOrder: isp.chequeOrder,
    vatMention: isp.vatMention, latePaymentMention: isp.latePaymentMention, logoSha256, primaryColor: isp.primaryColor,
  }
}

/** A buyer for an invoice without a member (kept for old rows): every field empty. */
export const NO_BUYER: InvoiceBuyer = { type: 'NATURAL_PERSON', name: '', address: '', postalCode: '', city: '', country: '', email: '', language: 'fr' }

const NO_SELLER: InvoiceSeller = {
  name: '', address: '', postalCode: '', city: '', siret: '', rna: '', vatNumber: '', email: '', website: '', iban: '', bic: '', bankName: '',
  chequeOrder: '', vatMention: '', latePaymentMention: '', logoSha256: null, primaryColor: '',
}

/**
 * A stored snapshot, typed: what buyerOf/sellerOf made, or what an import wrote, a field it did
 * not know being empty.
 */
export const readBuyer = (json: unknown): InvoiceBuyer => (json && typeof json === 'object' ? { ...NO_BUYER, ...(json as Partial<InvoiceBuyer>) } : NO_BUYER)
export const readSeller = (json: unknown): InvoiceSeller | null => (json && typeof json === 'object' ? { ...NO_SELLER, ...(json as Partial<InvoiceSeller>) } : null)
