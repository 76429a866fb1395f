import type { MetaDescriptor } from '@remix-run/node'
import { createI18n, DEFAULT_LANGUAGE, isLanguage, type Language } from '#app/i18n.ts'

type Match = { id: string; data: unknown }
const instances = new Map<Language, ReturnType<typeof createI18n>>()

/**
 * The page title "<page> — <ISP name>" in the page's language, for route `meta` functions (which
 * cannot use hooks). `key` is a key of the common namespace.
 */
export function pageTitle(matches: readonly Match[], key: string, values?: Record<string, string>): MetaDescriptor[] {
  const root = matches.find((m) => m.id === 'root')?.data as { language?: string; ispName?: string } | undefined
  const language = isLanguage(root?.language) ? root.language : DEFAULT_LANGUAGE
  let i18n = instances.get(language)
  if (!i18n) instances.set(language, (i18n = createI18n(language)))
  return [{ title: `${i18n.t(key, values)} — ${root?.ispName ?? 'Coin'}` }]
}
