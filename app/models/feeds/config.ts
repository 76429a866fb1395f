/** One news feed of the member dashboard: its name (the cache key), address and how many entries to keep. */
export type FeedConfig = { name: string; url: string; max: number }

/** Coin's defaults: the ISP's feed (Illyse in Coin; replace it with yours) and the FFDN federation's. */
export const DEFAULT_FEEDS = 'isp|https://www.illyse.net/feed/|3;ffdn|https://www.ffdn.org/fr/rss.xml|3'

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/i
const MAX_ENTRIES = 50

/**
 * Reads FEEDS: `name|url|max` items separated by `;` (max optional, 3 by default), e.g.
 * `isp|https://www.example.org/feed/|3;ffdn|https://www.ffdn.org/fr/rss.xml|3`. An empty value
 * means no feeds. Throws an Error whose message names the wrong item, on one line.
 */
export function parseFeeds(text: string): FeedConfig[] {
  const feeds: FeedConfig[] = []
  const items = text.split(';').map((s) => s.trim()).filter(Boolean)
  items.forEach((item, index) => {
    const where = `feed ${index + 1} ("${item}")`
    const parts = item.split('|').map((s) => s.trim())
    if (parts.length < 2 || parts.length > 3) throw new Error(`${where}: expected name|url|max, e.g. ffdn|https://www.ffdn.org/fr/rss.xml|3`)
    const [name, url, maxText = '3'] = parts
    if (!NAME.test(name)) throw new Error(`${where}: expected a name of letters, digits, - or _ (at most 64)`)
    if (feeds.some((f) => f.name === name)) throw new Error(`${where}: the name "${name}" is used twice`)
    let parsed: URL | null = null
    try {
      parsed = new URL(url)
    } catch {
      parsed = null
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) throw new Error(`${where}: expected an http:// or https:// URL`)
    if (!/^\d+$/.test(maxText) || Number(maxText) < 1 || Number(maxText) > MAX_ENTRIES) {
      throw new Error(`${where}: expected a number of entries between 1 and ${MAX_ENTRIES}`)
    }
    feeds.push({ name, url: parsed.href, max: Number(maxText) })
  })
  return feeds
}
