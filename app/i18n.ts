import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'
import enAudit from './locales/en/audit.json' with { type: 'json' }
import enBankImport from './locales/en/bank-import.json' with { type: 'json' }
import enBilling from './locales/en/billing.json' with { type: 'json' }
import enCard from './locales/en/card.json' with { type: 'json' }
import enCharts from './locales/en/charts.json' with { type: 'json' }
import enCommon from './locales/en/common.json' with { type: 'json' }
import enDsl from './locales/en/dsl.json' with { type: 'json' }
import enEmails from './locales/en/emails.json' with { type: 'json' }
import enErrors from './locales/en/errors.json' with { type: 'json' }
import enFeeds from './locales/en/feeds.json' with { type: 'json' }
import enFees from './locales/en/fees.json' with { type: 'json' }
import enHardware from './locales/en/hardware.json' with { type: 'json' }
import enLists from './locales/en/lists.json' with { type: 'json' }
import enIp from './locales/en/ip.json' with { type: 'json' }
import enIsp from './locales/en/isp.json' with { type: 'json' }
import enPayments from './locales/en/payments.json' with { type: 'json' }
import enSubscriptions from './locales/en/subscriptions.json' with { type: 'json' }
import enVpn from './locales/en/vpn.json' with { type: 'json' }
import frAudit from './locales/fr/audit.json' with { type: 'json' }
import frBankImport from './locales/fr/bank-import.json' with { type: 'json' }
import frBilling from './locales/fr/billing.json' with { type: 'json' }
import frCard from './locales/fr/card.json' with { type: 'json' }
import frCharts from './locales/fr/charts.json' with { type: 'json' }
import frCommon from './locales/fr/common.json' with { type: 'json' }
import frDsl from './locales/fr/dsl.json' with { type: 'json' }
import frEmails from './locales/fr/emails.json' with { type: 'json' }
import frErrors from './locales/fr/errors.json' with { type: 'json' }
import frFeeds from './locales/fr/feeds.json' with { type: 'json' }
import frFees from './locales/fr/fees.json' with { type: 'json' }
import frHardware from './locales/fr/hardware.json' with { type: 'json' }
import frLists from './locales/fr/lists.json' with { type: 'json' }
import frIp from './locales/fr/ip.json' with { type: 'json' }
import frIsp from './locales/fr/isp.json' with { type: 'json' }
import frPayments from './locales/fr/payments.json' with { type: 'json' }
import frSubscriptions from './locales/fr/subscriptions.json' with { type: 'json' }
import frVpn from './locales/fr/vpn.json' with { type: 'json' }

export const LANGUAGES = ['fr', 'en'] as const
export type Language = (typeof LANGUAGES)[number]
export const DEFAULT_LANGUAGE: Language = 'fr'

/** One file per language and namespace: common (layout, members), errors (form messages), subscriptions (offers and subscriptions), fees (membership fees and requests), billing (invoices), payments (payments and balances), bankImport (bank statement import), ip (IP pools, subnets and reverse DNS), isp (the ISP's identity), emails (password reset, welcome email, the outbox), audit (the audit log and its histories), vpn (VPN accounts and service states), hardware (equipment and loans), lists (mailing lists), dsl (DSL lines), feeds (the dashboard's news feeds), charts (the overview's charts), card (the member card). */
export const resources = {
  fr: { common: frCommon, errors: frErrors, subscriptions: frSubscriptions, fees: frFees, billing: frBilling, payments: frPayments, bankImport: frBankImport, ip: frIp, isp: frIsp, emails: frEmails, audit: frAudit, vpn: frVpn, hardware: frHardware, lists: frLists, dsl: frDsl, feeds: frFeeds, charts: frCharts, card: frCard },
  en: { common: enCommon, errors: enErrors, subscriptions: enSubscriptions, fees: enFees, billing: enBilling, payments: enPayments, bankImport: enBankImport, ip: enIp, isp: enIsp, emails: enEmails, audit: enAudit, vpn: enVpn, hardware: enHardware, lists: enLists, dsl: enDsl, feeds: enFeeds, charts: enCharts, card: enCard },
} as const

/** i18next options shared by the server and the browser. */
export const i18nOptions = {
  supportedLngs: [...LANGUAGES],
  fallbackLng: DEFAULT_LANGUAGE,
  defaultNS: 'common',
  ns: ['common', 'errors', 'subscriptions', 'fees', 'billing', 'payments', 'bankImport', 'ip', 'isp', 'emails', 'audit', 'vpn', 'hardware', 'lists', 'dsl', 'feeds', 'charts', 'card'],
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
