import type { Logger } from 'pino'
import { maillistSyncOn, syncDueMailingLists } from '#app/models/maillist/sync.server.ts'
import { moduleEnabled } from '#app/utils/modules.server.ts'
import { logRoundFailure, startPollingLoop } from './polling-loop.ts'

/** How often the worker looks for mailing lists to push (changed, or due for a retry). */
export const MAILLIST_SYNC_INTERVAL_MS = 5_000

/**
 * The mailing lists' sync loop of the worker, beside the LDAP one: every few seconds it pushes
 * the lists that changed to MAILLIST_SYNC_COMMAND. Nothing runs unless the maillists module is on
 * and the command set. The returned function, or aborting `signal`, stops it after the list in hand.
 */
export function startMaillistSync({ log, intervalMs = MAILLIST_SYNC_INTERVAL_MS, signal, timeoutMs }: { log: Logger; intervalMs?: number; signal?: AbortSignal; timeoutMs?: number }) {
  if (!moduleEnabled('maillists') || !maillistSyncOn()) return async () => {}
  log.info('mailing list sync started')
  return startPollingLoop({
    intervalMs,
    signal,
    round: async (stopping) => {
      try {
        const { synced, failed } = await syncDueMailingLists({ log, signal: stopping, timeoutMs })
        if (synced + failed > 0) log.info({ synced, failed }, 'mailing list sync round')
      } catch (error) {
        logRoundFailure(log, error, 'mailing list sync failed')
      }
    },
  })
}
