/** Formatting shared by the email templates (pure, no data access). */

export type Language = 'fr' | 'en'

const dateFormats = {
  fr: new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
}

/**
 * A calendar date (UTC midnight) in words: "15 janvier 2025" ("1er février 2025") in French,
 * "15 January 2025" in English.
 */
export function formatDate(date: Date, language: Language) {
  const text = dateFormats[language].format(date)
  return language === 'fr' && date.getUTCDate() === 1 ? text.replace(/^1(?=\s)/, '1er') : text
}

