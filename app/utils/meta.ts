import type { MetaDescriptor } from '@remix-run/node'
import { DEFAULT_LANGUAGE, getI18n, isLanguage } from '#app/i18n.ts'

type Match = { id: string; data: unknown }

/**
 * The page title "<page> — <ISP name>" in the page's language, for route `meta` functions (which
 * cannot use hooks). `key` is a key of the common namespace.
 */
export function pageTitle(matches: readonly Match[], key: string, values?: Record<string, string>): MetaDescriptor[] {
  const root = matches.find((m) => m.id === 'root')?.data as { language?: string; ispName?: string } | undefined
  const language = isLanguage(root?.language) ? root.language : DEFAULT_LANGUAGE
  return [{ title: `${getI18n(language).t(key, values)} — ${root?.ispName ?? 'Coin'}` }]
}
