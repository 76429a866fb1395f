/** One entry of a news feed as the dashboard shows it: plain text title, http(s) link or null, ISO date or null. */
export type FeedEntry = { title: string; link: string | null; date: string | null }

type XmlElement = { name: string; attrs: Record<string, string>; children: XmlNode[] }
type XmlNode = XmlElement | string

export class FeedParseError extends Error {
  override name = 'FeedParseError'
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', eacute: 'é', egrave: 'è', ecirc: 'ê',
  agrave: 'à', acirc: 'â', ccedil: 'ç', ocirc: 'ô', ucirc: 'û', ugrave: 'ù', icirc: 'î', iuml: 'ï', euml: 'ë',
  laquo: '«', raquo: '»', rsquo: '’', lsquo: '‘', ldquo: '“', rdquo: '”', hellip: '…', ndash: '–', mdash: '—', euro: '€',
}

/** Decodes character references; `strict` (XML text) rejects a bare `&` or an unknown name, lenient (HTML) keeps them. */
export function decodeEntities(text: string, { strict = false } = {}) {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);|&/gi, (match, ref: string | undefined) => {
    if (ref?.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10)
      if (code > 0 && code <= 0x10ffff) return String.fromCodePoint(code)
    } else if (ref && NAMED_ENTITIES[ref] !== undefined && (!strict || ['amp', 'lt', 'gt', 'quot', 'apos'].includes(ref))) {
      return NAMED_ENTITIES[ref]
    }
    if (strict) throw new FeedParseError(`not well-formed XML: bad character reference "${match}"`)
    return match
  })
}

const localName = (name: string) => name.slice(name.indexOf(':') + 1)

/**
 * A strict parser for the XML that feeds use: elements, attributes, text, CDATA, comments and
 * processing instructions. A DOCTYPE with an internal subset (custom entities) is refused, so no
 * entity is ever expanded beyond the predefined ones. Element names lose their namespace prefix.
 */
export function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [] }
  const stack = [root]
  const TOKEN = /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^>[]*(\[)?[^>]*>|<\/\s*([^\s>]+)\s*>|<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|([^<]+)|</g
  for (const match of xml.replace(/^\uFEFF/, '').matchAll(TOKEN)) {
    const [token, cdata, subset, closing, opening, attrText, selfClosing, text] = match
    const parent = stack[stack.length - 1]
    if (subset) throw new FeedParseError('a DOCTYPE with an internal subset is not accepted')
    if (cdata !== undefined) {
      if (parent === root) throw new FeedParseError('not well-formed XML: text outside the root element')
      parent.children.push(cdata)
    } else if (text !== undefined) {
      if (parent === root) {
        if (text.trim()) throw new FeedParseError('not well-formed XML: text outside the root element')
      } else parent.children.push(decodeEntities(text, { strict: true }))
    } else if (closing !== undefined) {
      if (stack.length === 1 || localName(closing) !== parent.name) {
        throw new FeedParseError(`not well-formed XML: unexpected </${closing}>`)
      }
      stack.pop()
    } else if (opening !== undefined) {
      if (parent === root && root.children.length) throw new FeedParseError('not well-formed XML: more than one root element')
      const attrs: Record<string, string> = {}
      for (const [, key, double, single] of (attrText ?? '').matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        attrs[localName(key)] = decodeEntities(double ?? single ?? '', { strict: true })
      }
      const element: XmlElement = { name: localName(opening), attrs, children: [] }
      parent.children.push(element)
      if (!selfClosing) stack.push(element)
    } else if (token === '<') {
      throw new FeedParseError('not well-formed XML: a stray "<"')
    }
  }
  if (stack.length > 1) throw new FeedParseError(`not well-formed XML: <${stack[stack.length - 1].name}> is not closed`)
  const element = root.children.find((c): c is XmlElement => typeof c !== 'string')
  if (!element) throw new FeedParseError('not XML: no root element')
  return element
}

const elements = (parent: XmlElement, name: string) => parent.children.filter((c): c is XmlElement => typeof c !== 'string' && c.name === name)
const first = (parent: XmlElement, ...names: string[]) => names.map((n) => elements(parent, n)[0]).find(Boolean)
const textOf = (node: XmlNode): string => (typeof node === 'string' ? node : node.children.map(textOf).join(''))

/** Plain text from a title that may hold HTML (escaped in the XML): tags removed, entities decoded, spaces collapsed. */
export function plainText(text: string) {
  const stripped = decodeEntities(text.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]*>?/g, ' '))
  const clean = stripped.replace(/[<>]/g, ' ').replace(/\s+/g, ' ').trim()
  return clean.length > 300 ? `${clean.slice(0, 299)}…` : clean
}

/** An http(s) link as an absolute URL (relative ones against the feed's address), or null for anything else. */
export function safeLink(href: string | undefined, base: string) {
  if (!href?.trim()) return null
  try {
    const url = new URL(href.trim(), base)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null
  } catch {
    return null
  }
}

function isoDate(text: string | undefined) {
  if (!text?.trim()) return null
  const date = new Date(text.trim())
  return Number.isNaN(date.getTime()) ? null : date.toISOString()
}

function atomLink(entry: XmlElement) {
  const links = elements(entry, 'link')
  return (links.find((l) => !l.attrs.rel || l.attrs.rel === 'alternate') ?? links[0])?.attrs.href
}

/**
 * The entries of an RSS 2.0, RSS 1.0 (RDF) or Atom document, in the document's order, at most `max`.
 * Titles are plain text, links only http(s), dates ISO. Throws FeedParseError on anything else.
 */
export function parseFeed(xml: string, { baseUrl, max }: { baseUrl: string; max: number }): FeedEntry[] {
  const root = parseXml(xml)
  let items: { title: string; link: string | undefined; date: string | undefined }[]
  if (root.name === 'rss' || root.name === 'RDF') {
    const channel = first(root, 'channel')
    if (root.name === 'rss' && !channel) throw new FeedParseError('not an RSS feed: no <channel>')
    const parent = root.name === 'rss' && channel ? channel : root
    items = elements(parent, 'item').map((item) => {
      const link = first(item, 'link')
      const guid = first(item, 'guid')
      const permalink = guid && guid.attrs.isPermaLink !== 'false' ? textOf(guid) : undefined
      return {
        title: textOf(first(item, 'title') ?? { name: '', attrs: {}, children: [] }),
        link: link ? textOf(link) : permalink,
        date: [first(item, 'pubDate'), first(item, 'date')].map((e) => e && textOf(e)).find(Boolean),
      }
    })
  } else if (root.name === 'feed') {
    items = elements(root, 'entry').map((entry) => ({
      title: textOf(first(entry, 'title') ?? { name: '', attrs: {}, children: [] }),
      link: atomLink(entry),
      date: [first(entry, 'published'), first(entry, 'updated')].map((e) => e && textOf(e)).find(Boolean),
    }))
  } else {
    throw new FeedParseError(`not an RSS or Atom feed: the root element is <${root.name}>`)
  }
  return items
    .map((item) => ({ title: plainText(item.title), link: safeLink(item.link, baseUrl), date: isoDate(item.date) }))
    .filter((entry) => entry.title || entry.link)
    .map((entry) => ({ ...entry, title: entry.title || entry.link || '' }))
    .slice(0, max)
}
