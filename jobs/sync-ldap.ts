import type { Logger } from 'pino'
import { syncDueLdapEntries } from '#app/models/ldap/ldap-sync.server.ts'
import { ldapKeeps, queueMissingLdapEntries } from '#app/models/ldap/sync-queue.server.ts'
import { logRoundFailure, startPollingLoop } from './polling-loop.ts'

/** How often the worker looks for LDAP entries to write (changed, or due for a retry). */
export const LDAP_SYNC_INTERVAL_MS = 5_000

/**
 * The LDAP sync loop of the worker (ADR 011), beside the email outbox's: every few seconds it
 * writes the entries that changed. Nothing runs when LDAP_URL is unset. The returned function,
 * or aborting `signal`, stops it after the entry in hand.
 */
export function startLdapSync({ log, intervalMs = LDAP_SYNC_INTERVAL_MS, signal }: { log: Logger; intervalMs?: number; signal?: AbortSignal }) {
  if (!ldapKeeps('vpn') && !ldapKeeps('member')) return async () => {}
  log.info('LDAP sync started')
  return startPollingLoop({
    intervalMs,
    signal,
    start: async () => {
      try {
        const queued = await queueMissingLdapEntries()
        if (queued > 0) log.info({ queued }, 'LDAP entries queued for the first time')
      } catch (error) {
        logRoundFailure(log, error, 'LDAP entries not queued')
      }
    },
    round: async (stopping) => {
      try {
        const { synced, removed, failed } = await syncDueLdapEntries({ log, signal: stopping })
        if (synced + removed + failed > 0) log.info({ synced, removed, failed }, 'LDAP sync round')
      } catch (error) {
        logRoundFailure(log, error, 'LDAP sync failed')
      }
    },
  })
}
