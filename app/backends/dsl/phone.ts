/**
 * Phone numbers of DSL lines, stored in E.164 (`+33472000000`). Pure functions, shared by the
 * server and the browser (the edit form validates with them).
 */

/** What a typed number may hold besides its digits: spaces, dots and dashes between the groups. */
const SEPARATORS = /[\s.\-\u00a0\u202f]/g

/** A French number typed the French way: 0 then 9 digits, the first of them not 0. */
const FRENCH_NATIONAL = /^0([1-9]\d{8})$/
/** A French number in E.164: +33 then the same 9 digits. */
const FRENCH_E164 = /^\+33([1-9]\d{8})$/
/** Any E.164 number: a country code that does not start with 0, 8 to 15 digits in all. */
const E164 = /^\+[1-9]\d{7,14}$/

/**
 * The E.164 form of a number typed as `04 72 00 00 00` (spaces, dots or dashes, or none), as
 * `+33 4 72 00 00 00` (also with the French trunk `(0)` or the international prefix `00`), or as
 * any other country's `+CC…` of 8 to 15 digits. Null when it is none of these.
 */
export function normalizePhoneNumber(text: string): string | null {
  let compact = text.trim().replace(SEPARATORS, '')
  // Ten digits from a 0 are a French number, or nothing (00 72 00 00 00 is no "+72…").
  if (/^0\d{9}$/.test(compact)) {
    const national = FRENCH_NATIONAL.exec(compact)
    return national ? `+33${national[1]}` : null
  }
  if (compact.startsWith('00')) compact = `+${compact.slice(2)}`
  compact = compact.replace(/^\+33\(0\)/, '+33')
  if (compact.startsWith('+33')) return FRENCH_E164.test(compact) ? compact : null
  return E164.test(compact) ? compact : null
}

/** A stored number for reading: French ones as `04 72 00 00 00`, others as stored (`+3225550000`). */
export function formatPhoneNumber(e164: string) {
  const french = FRENCH_E164.exec(e164)
  if (!french) return e164
  const digits = `0${french[1]}`
  return digits.replace(/(\d{2})(?=\d)/g, '$1 ')
}

/**
 * The part of a stored number that a search typed as a phone number looks for: `04 72` becomes
 * `+33472`, `0032 2` becomes `+322`, `72 00` stays `7200`. Null when the search is no phone
 * number (letters, or fewer than 2 digits).
 */
export function phoneSearchFragment(text: string): string | null {
  const compact = text.trim().replace(SEPARATORS, '')
  if (!/^\+?\d{2,15}$/.test(compact)) return null
  if (compact.startsWith('+')) return compact
  if (compact.startsWith('00')) return compact.length > 2 ? `+${compact.slice(2)}` : null
  if (compact.startsWith('0')) return `+33${compact.slice(1)}`
  return compact
}
