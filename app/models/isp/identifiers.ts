/**
 * Checks of the identifiers an ISP prints on its invoices, as pure functions. Each check takes
 * what staff typed and returns the value to store, or the key of the "errors" message to show.
 */

export type Checked = { value: string; error?: undefined } | { value?: undefined; error: string }

/** Characters people type between groups of digits: spaces, no-break spaces, dots, dashes. */
const SEPARATORS = /[\s\u00a0\u202f.-]/g

/** IBAN length per country (ISO 13616 registry). French overseas territories use FR. */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28,
  CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23,
  GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28,
  LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24,
  SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
}

/** ISO 7064 mod 97-10 of an IBAN moved to check order (letters as 10–35), computed digit by digit. */
function ibanMod97(iban: string) {
  let remainder = 0
  for (const char of iban.slice(4) + iban.slice(0, 4)) {
    const digits = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55)
    for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97
  }
  return remainder
}

/**
 * An IBAN typed with or without spaces, in any case: checks the country code, the country's
 * length and the mod-97 checksum. The value is upper case without spaces ("FR7630006000011234567890189").
 */
export function checkIban(text: string): Checked {
  const iban = text.replace(SEPARATORS, '').toUpperCase()
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return { error: 'ibanInvalid' }
  const length = IBAN_LENGTHS[iban.slice(0, 2)]
  if (length === undefined) return { error: 'ibanCountryUnknown' }
  if (iban.length !== length) return { error: 'ibanLengthInvalid' }
  if (ibanMod97(iban) !== 1) return { error: 'ibanChecksumInvalid' }
  return { value: iban }
}

/** An IBAN in groups of four characters, as printed: "FR76 3000 6000 0112 3456 7890 189". */
export function formatIban(iban: string) {
  return iban.replace(/\s/g, '').replace(/(.{4})(?=.)/g, '$1 ')
}

/** True when the digits pass the Luhn check (every second digit from the right doubled). */
export function luhnValid(digits: string) {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    sum += digit
  }
  return sum % 10 === 0
}

/** A SIRET: 14 digits (spaces allowed) whose Luhn check holds. La Poste's exception is not handled. */
export function checkSiret(text: string): Checked {
  const siret = text.replace(SEPARATORS, '')
  if (!/^\d{14}$/.test(siret)) return { error: 'siretInvalid' }
  if (!luhnValid(siret)) return { error: 'siretChecksumInvalid' }
  return { value: siret }
}

/** An association's RNA number: W followed by 9 digits ("W751234567"). */
export function checkRna(text: string): Checked {
  const rna = text.replace(SEPARATORS, '').toUpperCase()
  return /^W\d{9}$/.test(rna) ? { value: rna } : { error: 'rnaInvalid' }
}

/** A BIC: bank (4 letters), country (2 letters), location (2), optional branch (3): 8 or 11 characters. */
export function checkBic(text: string): Checked {
  const bic = text.replace(SEPARATORS, '').toUpperCase()
  return /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/.test(bic) ? { value: bic } : { error: 'bicInvalid' }
}

/**
 * An intra-community VAT number: a country code and 2 to 13 letters or digits. A French one is
 * FR, a 2-digit key and the SIREN (the SIRET's first 9 digits), the key being
 * (12 + 3 × (SIREN mod 97)) mod 97.
 */
export function checkVatNumber(text: string): Checked {
  const vat = text.replace(SEPARATORS, '').toUpperCase()
  if (!/^[A-Z]{2}[0-9A-Z]{2,13}$/.test(vat)) return { error: 'vatNumberInvalid' }
  if (vat.startsWith('FR')) {
    const match = /^FR(\d{2})(\d{9})$/.exec(vat)
    if (!match) return { error: 'vatNumberInvalid' }
    if (Number(match[1]) !== (12 + 3 * (Number(match[2]) % 97)) % 97) return { error: 'vatNumberChecksumInvalid' }
  }
  return { value: vat }
}

/**
 * A VAT rate typed in percent with a comma or a dot and at most two decimals, between 0 and 100,
 * as basis points without floating point: "20" → 2000, "5,5" → 550, "2.10" → 210. Null otherwise.
 */
export function parseVatPercent(text: string): number | null {
  const match = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(text.replace(/[\s\u00a0\u202f%]/g, ''))
  if (!match) return null
  const basisPoints = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  return basisPoints <= 10_000 ? basisPoints : null
}

/** Basis points as a percentage for a form field, French style: 2000 → "20", 550 → "5,5", 210 → "2,1". */
export function basisPointsToPercent(basisPoints: number) {
  const whole = Math.floor(basisPoints / 100)
  const decimals = String(basisPoints % 100).padStart(2, '0').replace(/0+$/, '')
  return decimals ? `${whole},${decimals}` : String(whole)
}

/** The image type of a logo from its first bytes (PNG or JPEG signature), whatever its name says. */
export function imageMimeType(bytes: Uint8Array): 'image/png' | 'image/jpeg' | null {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
  if (bytes.length >= png.length && png.every((b, i) => bytes[i] === b)) return 'image/png'
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg'
  return null
}
