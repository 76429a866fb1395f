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

/** A ready i18next instance, initialised synchronously from the bundled resources. */
export function createI18n(language: Language) {
  const i18n = i18next.createInstance()
  void i18n.use(initReactI18next).init({ ...i18nOptions, lng: language, initAsync: false })
  return i18n
}
