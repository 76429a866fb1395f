import type { Logger } from 'pino'
import { refreshFeeds } from '#app/models/feeds/cache.server.ts'
import { getEnv } from '#app/utils/env.server.ts'

/**
 * Refreshes the cached news feeds of FEEDS for the member dashboard. A feed that is down keeps
 * its last good copy. Idempotent.
 */
export async function run({ now = new Date(), log, signal }: { now?: Date; log: Logger; signal?: AbortSignal }) {
  const summary = await refreshFeeds({ feeds: getEnv().FEEDS, now, log, signal })
  log.info({ feeds: summary.feeds.length, failed: summary.feeds.filter((f) => 'error' in f).length }, 'news feeds refreshed')
  return summary
}
