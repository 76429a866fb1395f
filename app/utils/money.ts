/** Money is integer cents everywhere; these convert from and to what people type and read. */

const EUROS = /^(\d{1,7})(?:[.,](\d{1,2}))?$/

/**
 * The most any amount typed in Coin may be (1,000,000 €: a price, a fee, a payment, an invoice
 * line). Beyond it is a typing slip, not an ISP's money; sums of such amounts stay far from the
 * limits of PostgreSQL's bigint and of exact JavaScript numbers.
 */
export const MAX_AMOUNT_CENTS = 100_000_000

/**
 * Parses an amount in euros typed with a comma or a dot ("12,50", "12.50", "12", "1 250,00 €")
 * into cents. Null when it is not a non-negative amount with at most two decimals.
 */
export function parseEuros(text: string): number | null {
  const cleaned = text.replace(/[\s\u00a0\u202f€]/g, '')
  const match = EUROS.exec(cleaned)
  if (!match) return null
  const cents = (match[2] ?? '').padEnd(2, '0')
  return Number(match[1]) * 100 + Number(cents)
}

const euroFormats = {
  fr: new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }),
  en: new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }),
}

/** 1250 → "12,50 €" in French, "€12.50" in English. */
export function formatEuros(cents: number, language: string) {
  return euroFormats[language === 'en' ? 'en' : 'fr'].format(cents / 100)
}

/** 1250 → "12,50" for a form field (French style, which parseEuros reads back). */
export function centsToInput(cents: number) {
  return `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`
}
