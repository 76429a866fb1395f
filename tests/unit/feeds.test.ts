import { describe, expect, test } from 'vitest'
import { DEFAULT_FEEDS, parseFeeds } from '#app/models/feeds/config.ts'
import { parseFeed } from '#app/models/feeds/parse.ts'
import { parseEnv } from '#app/utils/env.server.ts'

describe('FEEDS', () => {
  test('defaults to the ISP feed and the federation feed, 3 entries each, as in Coin', () => {
    expect(parseEnv({}).FEEDS).toEqual([
      { name: 'isp', url: 'https://www.illyse.net/feed/', max: 3 },
      { name: 'ffdn', url: 'https://www.ffdn.org/fr/rss.xml', max: 3 },
    ])
    expect(parseFeeds(DEFAULT_FEEDS)).toHaveLength(2)
  })
  test('reads name|url|max items separated by ;, max optional; none means no feeds', () => {
    expect(parseEnv({ FEEDS: ' isp | https://fai.example/feed | 5 ; ffdn|https://www.ffdn.org/fr/rss.xml ' }).FEEDS).toEqual([
      { name: 'isp', url: 'https://fai.example/feed', max: 5 },
      { name: 'ffdn', url: 'https://www.ffdn.org/fr/rss.xml', max: 3 },
    ])
    expect(parseEnv({ FEEDS: 'none' }).FEEDS).toEqual([])
  })
  test.each([
    ['isp', 'FEEDS: feed 1 ("isp"): expected name|url|max, e.g. ffdn|https://www.ffdn.org/fr/rss.xml|3 (got "isp")'],
    ['isp|ftp://fai.example/feed|3', 'FEEDS: feed 1 ("isp|ftp://fai.example/feed|3"): expected an http:// or https:// URL (got "isp|ftp://fai.example/feed|3")'],
    ['isp|https://a.example/|3;isp|https://b.example/|3', 'FEEDS: feed 2 ("isp|https://b.example/|3"): the name "isp" is used twice'],
    ['isp|https://a.example/|0', 'FEEDS: feed 1 ("isp|https://a.example/|0"): expected a number of entries between 1 and 50'],
    ['les news|https://a.example/|3', 'FEEDS: feed 1 ("les news|https://a.example/|3"): expected a name of letters, digits, - or _ (at most 64)'],
  ])('%s is refused with a message naming FEEDS and the item', (value, message) => {
    expect(() => parseEnv({ FEEDS: value })).toThrow(`Invalid configuration: ${message}`)
  })
})

const base = 'https://fai.example/feed.xml'

describe('parseFeed', () => {
  test('RSS 2.0: title, link and date of the first max items', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>FAI</title>
<item><title>Assemblée générale &amp; apéro</title><link>https://fai.example/ag</link><pubDate>Mon, 07 Dec 2026 10:00:00 +0100</pubDate></item>
<item><title><![CDATA[Travaux <b>réseau</b>]]></title><link>/travaux</link><dc:date>2026-11-30T08:00:00Z</dc:date></item>
<item><title>Trop</title><link>https://fai.example/trop</link></item>
</channel></rss>`
    expect(parseFeed(xml, { baseUrl: base, max: 2 })).toEqual([
      { title: 'Assemblée générale & apéro', link: 'https://fai.example/ag', date: '2026-12-07T09:00:00.000Z' },
      { title: 'Travaux réseau', link: 'https://fai.example/travaux', date: '2026-11-30T08:00:00.000Z' },
    ])
  })
  test('Atom: the alternate link and the published or updated date', () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom"><title>FFDN</title>
<entry><title type="html">&lt;em&gt;Nouvelle&lt;/em&gt; FAI &amp;eacute;lu</title><link rel="self" href="https://ffdn.example/self"/><link rel="alternate" href="https://ffdn.example/n1"/><updated>2026-12-01T12:00:00Z</updated></entry>
<entry><title>Sans date</title><link href="https://ffdn.example/n2"/></entry>
</feed>`
    expect(parseFeed(xml, { baseUrl: base, max: 5 })).toEqual([
      { title: 'Nouvelle FAI élu', link: 'https://ffdn.example/n1', date: '2026-12-01T12:00:00.000Z' },
      { title: 'Sans date', link: 'https://ffdn.example/n2', date: null },
    ])
  })
  test('HTML in a title becomes plain text; javascript: and data: links are dropped', () => {
    const xml = `<rss version="2.0"><channel>
<item><title>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;Bonjour</title><link>javascript:alert(3)</link></item>
<item><title>Data</title><link> data:text/html,&lt;b&gt;x&lt;/b&gt;</link></item>
</channel></rss>`
    const entries = parseFeed(xml, { baseUrl: base, max: 5 })
    expect(entries).toEqual([
      { title: 'alert(1) Bonjour', link: null, date: null },
      { title: 'Data', link: null, date: null },
    ])
    for (const e of entries) expect(e.title).not.toMatch(/[<>]/)
  })
  test.each([
    ['<rss><channel><item><title>x</title></channel></rss>', 'not well-formed XML: unexpected </channel>'],
    ['<rss><channel><item>', 'not well-formed XML: <item> is not closed'],
    ['<html><body>Not found</body></html>', 'not an RSS or Atom feed: the root element is <html>'],
    ['<rss><channel><title>a & b</title></channel></rss>', 'not well-formed XML: bad character reference "&"'],
    ['<!DOCTYPE rss [<!ENTITY a "aaaa">]><rss/>', 'a DOCTYPE with an internal subset is not accepted'],
    ['{"not": "xml"}', 'not well-formed XML: text outside the root element'],
  ])('malformed: %s', (xml, message) => {
    expect(() => parseFeed(xml, { baseUrl: base, max: 3 })).toThrow(message)
  })
})
