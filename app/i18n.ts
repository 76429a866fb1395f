import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'
import en from './locales/en.json' with { type: 'json' }
import fr from './locales/fr.json' with { type: 'json' }

export const LANGUAGES = ['fr', 'en'] as const
export type Language = (typeof LANGUAGES)[number]
export const DEFAULT_LANGUAGE: Language = 'fr'

export const resources = { fr, en } as const

/** i18next options shared by the server and the browser. */
export const i18nOptions = {
  supportedLngs: [...LANGUAGES],
  fallbackLng: DEFAULT_LANGUAGE,
  defaultNS: 'common',
  ns: ['common', 'errors'],
  resources,
  interpolation: { escapeValue: false },
  showSupportNotice: false,
} as const

export const isLanguage = (value: unknown): value is Language => LANGUAGES.includes(value as Language)

const instances = new Map<Language, typeof i18next>()

/**
 * The i18next instance of a language, initialised synchronously from the bundled resources on
 * first use and shared afterwards (its language never changes).
 */
export function getI18n(language: Language) {
  let i18n = instances.get(language)
  if (!i18n) {
    i18n = i18next.createInstance()
    void i18n.use(initReactI18next).init({ ...i18nOptions, lng: language, initAsync: false })
    instances.set(language, i18n)
  }
  return i18n
}
