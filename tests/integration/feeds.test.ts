import http from 'node:http'
import type { AddressInfo } from 'node:net'
import pino from 'pino'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import { isFeedCacheEmpty, listCachedFeeds, refreshFeeds } from '#app/models/feeds/cache.server.ts'
import { prisma } from '#app/utils/db.server.ts'
import { init } from '#app/utils/env.server.ts'
import { run as refreshFeedsJob } from '#jobs/refresh-feeds.ts'
import { startWorker } from '#jobs/worker.ts'

const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>FAI</title>
<item><title>Assemblée générale</title><link>https://fai.example/ag</link><pubDate>Mon, 07 Dec 2026 10:00:00 +0100</pubDate></item>
<item><title>Travaux</title><link>https://fai.example/travaux</link><pubDate>Sun, 29 Nov 2026 09:00:00 +0100</pubDate></item>
<item><title>Ancienne</title><link>https://fai.example/old</link></item>
</channel></rss>`
const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>FFDN</title>
<entry><title>Nouvelle FAI</title><link href="https://ffdn.example/n1"/><updated>2026-12-01T12:00:00Z</updated></entry>
</feed>`
const HOSTILE = `<rss version="2.0"><channel>
<item><title>&lt;img src=x onerror=alert(1)&gt;&lt;b&gt;Gras&lt;/b&gt; &amp;amp; co</title><link>javascript:alert(2)</link></item>
<item><title>Lien sûr</title><link>https://fai.example/ok</link></item>
</channel></rss>`

/** What /changing serves next: the good feed, then a broken one. */
let changing = RSS
let server: http.Server
let base = ''
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const send = (body: string, type = 'application/rss+xml; charset=utf-8') => res.writeHead(200, { 'Content-Type': type }).end(body)
    if (req.url === '/rss') send(RSS)
    else if (req.url === '/atom') send(ATOM, 'application/atom+xml')
    else if (req.url === '/hostile') send(HOSTILE)
    else if (req.url === '/changing') send(changing)
    else if (req.url === '/slow') setTimeout(() => send(RSS), 5_000).unref()
    else if (req.url === '/huge') {
      // 2 MiB without a Content-Length, in chunks: the reader must stop at the cap.
      res.writeHead(200, { 'Content-Type': 'application/rss+xml' })
      res.write('<rss version="2.0"><channel>')
      const chunk = `<item><title>${'x'.repeat(1000)}</title></item>`.repeat(64)
      let sent = 0
      const pump = () => {
        while (sent < 2 * 1024 * 1024) {
          sent += chunk.length
          if (!res.write(chunk)) return void res.once('drain', pump)
        }
        res.end('</channel></rss>')
      }
      res.on('error', () => {})
      pump()
    } else res.writeHead(404).end('not found')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})
afterEach(async () => {
  await prisma.feedCache.deleteMany()
  init(process.env)
})

/** A logger whose warning lines the test reads. */
function capture() {
  const lines: { level: number; msg: string; feed?: string; reason?: string }[] = []
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) })
  return { log, warnings: () => lines.filter((l) => l.level === 40) }
}

const now = new Date('2026-12-07T12:00:00Z')

test('RSS 2.0 and Atom feeds are fetched, cut to max and cached; a rerun changes nothing', async () => {
  const feeds = [{ name: 'isp', url: `${base}/rss`, max: 2 }, { name: 'ffdn', url: `${base}/atom`, max: 3 }]
  const { log, warnings } = capture()
  expect(await isFeedCacheEmpty()).toBe(true)
  await refreshFeeds({ feeds, now, log })
  const first = await listCachedFeeds({ feeds })
  expect(first).toEqual([
    { name: 'isp', entries: [
      { title: 'Assemblée générale', link: 'https://fai.example/ag', date: '2026-12-07T09:00:00.000Z' },
      { title: 'Travaux', link: 'https://fai.example/travaux', date: '2026-11-29T08:00:00.000Z' },
    ] },
    { name: 'ffdn', entries: [{ title: 'Nouvelle FAI', link: 'https://ffdn.example/n1', date: '2026-12-01T12:00:00.000Z' }] },
  ])
  expect(await isFeedCacheEmpty()).toBe(false)
  await refreshFeeds({ feeds, now, log })
  expect(await listCachedFeeds({ feeds })).toEqual(first)
  expect(await prisma.feedCache.findMany({ select: { name: true, lastError: true, fetchedAt: true }, orderBy: { name: 'asc' } })).toEqual([
    { name: 'ffdn', lastError: null, fetchedAt: now },
    { name: 'isp', lastError: null, fetchedAt: now },
  ])
  expect(warnings()).toEqual([])
})

test('a malformed feed keeps the last good copy, records the error and logs one warning', async () => {
  const feeds = [{ name: 'isp', url: `${base}/changing`, max: 3 }]
  const { log, warnings } = capture()
  changing = RSS
  await refreshFeeds({ feeds, now, log })
  changing = '<rss><channel><item><title>cassé</channel></rss>'
  const later = new Date('2026-12-07T12:30:00Z')
  await refreshFeeds({ feeds, now: later, log })
  expect(await prisma.feedCache.findUnique({ where: { name: 'isp' }, select: { fetchedAt: true, checkedAt: true, lastError: true } })).toEqual({
    fetchedAt: now, checkedAt: later, lastError: 'not well-formed XML: unexpected </channel>',
  })
  expect((await listCachedFeeds({ feeds }))[0].entries.map((e) => e.title)).toEqual(['Assemblée générale', 'Travaux', 'Ancienne'])
  expect(warnings()).toMatchObject([{ feed: 'isp', reason: 'not well-formed XML: unexpected </channel>', msg: 'news feed not refreshed; its last good copy stays' }])
})

test('a slow feed times out, a huge one is cut off, a missing one is an HTTP error: none of them breaks the others', async () => {
  const feeds = [
    { name: 'slow', url: `${base}/slow`, max: 3 },
    { name: 'huge', url: `${base}/huge`, max: 3 },
    { name: 'gone', url: `${base}/nothing-here`, max: 3 },
    { name: 'ffdn', url: `${base}/atom`, max: 3 },
  ]
  const { log, warnings } = capture()
  const started = Date.now()
  await refreshFeeds({ feeds, now, log, timeoutMs: 500, maxBytes: 1024 * 1024 })
  expect(Date.now() - started).toBeLessThan(4_000)
  const rows = await prisma.feedCache.findMany({ select: { name: true, lastError: true, fetchedAt: true }, orderBy: { name: 'asc' } })
  expect(rows).toEqual([
    { name: 'ffdn', lastError: null, fetchedAt: now },
    { name: 'gone', lastError: 'HTTP 404', fetchedAt: null },
    { name: 'huge', lastError: 'larger than 1048576 bytes; cut off', fetchedAt: null },
    { name: 'slow', lastError: 'no answer within 500 ms', fetchedAt: null },
  ])
  expect(warnings().map((w) => w.feed).sort()).toEqual(['gone', 'huge', 'slow'])
  expect((await listCachedFeeds({ feeds })).map((f) => f.name)).toEqual(['ffdn'])
})

test('HTML in titles is stored as plain text and a javascript: link is dropped', async () => {
  const feeds = [{ name: 'isp', url: `${base}/hostile`, max: 3 }]
  await refreshFeeds({ feeds, now, log: capture().log })
  expect((await listCachedFeeds({ feeds }))[0].entries).toEqual([
    { title: 'Gras & co', link: null, date: null },
    { title: 'Lien sûr', link: 'https://fai.example/ok', date: null },
  ])
})

test('the refresh-feeds job reads FEEDS and forgets feeds no longer configured', async () => {
  await prisma.feedCache.create({ data: { name: 'old', url: 'https://old.example/feed', checkedAt: now } })
  init({ ...process.env, FEEDS: `isp|${base}/rss|1` })
  const { log } = capture()
  expect(await refreshFeedsJob({ now, log })).toEqual({ feeds: [{ name: 'isp', entries: 1 }] })
  expect(await prisma.feedCache.findMany({ select: { name: true } })).toEqual([{ name: 'isp' }])
})

test('the worker fetches the feeds once at start when the cache is empty', { timeout: 60_000 }, async () => {
  // The worker reads its settings from the environment.
  const saved = process.env.FEEDS
  process.env.FEEDS = `isp|${base}/rss|3`
  const stop = await startWorker({ databaseUrl: process.env.DATABASE_URL! })
  try {
    const deadline = Date.now() + 30_000
    while ((await isFeedCacheEmpty()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200))
    expect((await listCachedFeeds({ feeds: [{ name: 'isp', url: `${base}/rss`, max: 3 }] }))[0].entries).toHaveLength(3)
  } finally {
    await stop()
    if (saved === undefined) delete process.env.FEEDS
    else process.env.FEEDS = saved
  }
})
