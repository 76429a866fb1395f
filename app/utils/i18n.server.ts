import { createCookie } from '@remix-run/node'
import { DEFAULT_LANGUAGE, getI18n, isLanguage, LANGUAGES, resources, type Language } from '#app/i18n.ts'

export const languageCookie = createCookie('coin_lang', { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 24 * 3600 })

/** The best supported language in an Accept-Language header, or null. */
export function pickAcceptLanguage(header: string | null): Language | null {
  if (!header) return null
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';')
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
      return { lang: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q.slice(2)) : 1 }
    })
    .filter((r) => r.lang && !Number.isNaN(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q)
  return ranked.map((r) => r.lang).find(isLanguage) ?? null
}

/** The member's preference, else the language cookie, else Accept-Language, else French. */
export async function getLanguage(request: Request, preferred?: Language | null): Promise<Language> {
  if (preferred) return preferred
  const fromCookie: unknown = await languageCookie.parse(request.headers.get('cookie'))
  if (isLanguage(fromCookie)) return fromCookie
  return pickAcceptLanguage(request.headers.get('accept-language')) ?? DEFAULT_LANGUAGE
}

/** A translate function for loaders and actions (page titles, CSV headers, messages). */
export function getFixedT(language: Language, ns: keyof (typeof resources)['fr'] = 'common') {
  return getI18n(language).getFixedT(language, ns)
}

export { LANGUAGES }
