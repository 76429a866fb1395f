import type { Logger } from 'pino'
import { z } from 'zod'
import { prisma } from '#app/utils/db.server.ts'
import type { FeedConfig } from './config.ts'
import { fetchFeed } from './fetch.server.ts'

/** The stored entries (a JSON column): anything unexpected reads as no entries. */
const CachedEntriesSchema = z.array(z.object({ title: z.string(), link: z.string().nullable(), date: z.string().nullable() })).catch([])

/**
 * Fetches every feed and stores its entries. A feed that fails keeps its last good entries; its
 * error is recorded and logged as one warning line. Rows of feeds no longer configured are
 * removed. Idempotent: a second run stores the same entries.
 */
export async function refreshFeeds({ feeds, now, log, signal, timeoutMs, maxBytes }: {
  feeds: FeedConfig[]
  now: Date
  log: Logger
  signal?: AbortSignal
  /** Overrides of fetchFeed's limits (tests). */
  timeoutMs?: number
  maxBytes?: number
}) {
  const results = await Promise.all(
    feeds.map(async (feed) => {
      try {
        const entries = await fetchFeed(feed, { signal, timeoutMs, maxBytes })
        await prisma.feedCache.upsert({
          where: { name: feed.name },
          create: { name: feed.name, url: feed.url, entries, fetchedAt: now, checkedAt: now },
          update: { url: feed.url, entries, fetchedAt: now, lastError: null, checkedAt: now },
        })
        return { name: feed.name, entries: entries.length }
      } catch (error) {
        const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500)
        log.warn({ feed: feed.name, url: feed.url, reason }, 'news feed not refreshed; its last good copy stays')
        const previous = await prisma.feedCache.findUnique({ where: { name: feed.name }, select: { url: true } })
        await prisma.feedCache.upsert({
          where: { name: feed.name },
          create: { name: feed.name, url: feed.url, lastError: reason, checkedAt: now },
          // Entries of another address are not this feed's last good copy.
          update: { lastError: reason, checkedAt: now, ...(previous && previous.url !== feed.url ? { url: feed.url, entries: [], fetchedAt: null } : {}) },
        })
        return { name: feed.name, error: reason }
      }
    }),
  )
  await prisma.feedCache.deleteMany({ where: { name: { notIn: feeds.map((f) => f.name) } } })
  return { feeds: results }
}

/** Whether no feed has been fetched successfully yet (the worker then refreshes at start). */
export async function isFeedCacheEmpty() {
  return (await prisma.feedCache.count({ where: { fetchedAt: { not: null } } })) === 0
}

/**
 * The cached entries of the configured feeds, in FEEDS order, each cut to its `max`; feeds with
 * no entries are left out. Reads the cache only: never fetches.
 */
export async function listCachedFeeds({ feeds }: { feeds: FeedConfig[] }) {
  if (!feeds.length) return []
  const rows = await prisma.feedCache.findMany({ where: { name: { in: feeds.map((f) => f.name) } }, select: { name: true, url: true, entries: true } })
  return feeds.flatMap((feed) => {
    const row = rows.find((r) => r.name === feed.name && r.url === feed.url)
    const entries = CachedEntriesSchema.parse(row?.entries ?? []).slice(0, feed.max)
    return entries.length ? [{ name: feed.name, entries }] : []
  })
}
