import type { Logger } from 'pino'
import { differingAttributes, LdapError, listEntries, putEntry, removeEntry, withLdap } from '#app/integrations/ldap/client.server.ts'
import type { LdapEntry } from '#app/integrations/ldap/entries.ts'
import { groupBy } from '#app/utils/collections.ts'
import { prisma } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { desiredEntries } from './desired-entries.server.ts'
import { ldapKeeps, syncKey, type LdapKind } from './sync-queue.server.ts'

/**
 * The worker's side of the LDAP sync outbox (ADR 011): claims due rows, writes each entry from
 * the database's current state (or removes it), and records the outcome. Idempotent: writing an
 * entry twice changes nothing the second time. Several workers may run it (SKIP LOCKED leases).
 */

/** Seconds before the next try of a failed entry: 30 s, 1 min, 2 min … at most 15 min. */
export const ldapRetryDelaySeconds = (attempts: number) => Math.min(30 * 2 ** Math.max(attempts - 1, 0), 900)

/** How long a claimed row is left alone by other workers. */
const LEASE_SECONDS = 120

type Claimed = { key: string; kind: LdapKind; entityId: number; dn: string | null; version: number; attempts: number }

/** Failures of the connection or of Coin's own access: every entry waits, not only the one in hand. */
const SERVER_FAILURES = new Set(['off', 'unreachable', 'timeout', 'tls', 'bind'])

async function claimDue(now: Date, limit: number) {
  return prisma.$queryRaw<Claimed[]>`
    UPDATE "LdapSync" SET "lockedUntil" = ${new Date(now.getTime() + LEASE_SECONDS * 1000)}
    WHERE key IN (
      SELECT key FROM "LdapSync"
      WHERE state <> 'SYNCED' AND "nextAttemptAt" <= ${now} AND ("lockedUntil" IS NULL OR "lockedUntil" < ${now})
      ORDER BY "nextAttemptAt", key LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING key, kind, "entityId", dn, version, attempts`
}

/** The entry is written (or gone): synced, unless a change came in meanwhile (then still pending). */
async function markDone(row: Claimed, dn: string | null, now: Date) {
  if (dn === null) {
    const { count } = await prisma.ldapSync.deleteMany({ where: { key: row.key, version: row.version } })
    if (count > 0) return
  }
  await prisma.$executeRaw`
    UPDATE "LdapSync" SET dn = ${dn}, "lockedUntil" = NULL, "updatedAt" = ${now},
      state = CASE WHEN version = ${row.version} THEN 'SYNCED'::"SyncState" ELSE state END,
      "syncedAt" = CASE WHEN version = ${row.version} THEN ${now}::timestamptz ELSE "syncedAt" END,
      "lastError" = CASE WHEN version = ${row.version} THEN NULL ELSE "lastError" END,
      attempts = CASE WHEN version = ${row.version} THEN 0 ELSE attempts END
    WHERE key = ${row.key}`
}

async function markFailed(rows: Claimed[], message: string, now: Date) {
  for (const row of rows) {
    const retryAt = new Date(now.getTime() + ldapRetryDelaySeconds(row.attempts + 1) * 1000)
    await prisma.$executeRaw`
      UPDATE "LdapSync" SET state = 'FAILED', attempts = attempts + 1, "lastError" = ${message}, "lockedUntil" = NULL, "updatedAt" = ${now},
        "nextAttemptAt" = CASE WHEN version = ${row.version} THEN ${retryAt}::timestamptz ELSE ${now}::timestamptz END
      WHERE key = ${row.key}`
  }
}

export type SyncRound = { synced: number; removed: number; failed: number; error: string | null }

/**
 * One round: every due row, in batches. A row whose entity has no entry any more (deleted
 * configuration, deactivated member) has its entry removed; an entity whose DN changed loses its
 * old entry. A server failure (down, refused credentials) fails the whole batch and ends the
 * round; the rows are tried again with backoff. Stops between entries when `signal` is aborted.
 */
export async function syncDueLdapEntries({ log, now = () => new Date(), signal, batchSize = 50 }: { log?: Logger; now?: () => Date; signal?: AbortSignal; batchSize?: number } = {}): Promise<SyncRound> {
  const round: SyncRound = { synced: 0, removed: 0, failed: 0, error: null }
  while (!signal?.aborted) {
    const claimed = await claimDue(now(), batchSize)
    if (claimed.length === 0) break
    const desired = new Map<string, LdapEntry | null>()
    for (const [kind, rows] of groupBy(claimed, (r) => r.kind)) {
      const entries = ldapKeeps(kind) ? await desiredEntries(kind, rows.map((r) => r.entityId)) : new Map<number, LdapEntry>()
      for (const row of rows) desired.set(row.key, entries.get(row.entityId) ?? null)
    }
    const pending = [...claimed]
    try {
      await withLdap(async (client) => {
        while (pending.length > 0 && !signal?.aborted) {
          const row = pending[0]!
          const entry = desired.get(row.key) ?? null
          try {
            if (row.dn && row.dn.toLowerCase() !== entry?.dn.toLowerCase()) await removeEntry(row.dn, client)
            if (entry) await putEntry(entry.dn, entry.attributes, client)
            await markDone(row, entry?.dn ?? null, now())
            if (entry) round.synced++
            else round.removed++
          } catch (error) {
            if (error instanceof LdapError && SERVER_FAILURES.has(error.kind)) throw error
            const message = error instanceof Error ? error.message : String(error)
            log?.warn({ key: row.key, error: message }, 'LDAP entry not written')
            await markFailed([row], message, now())
            round.failed++
          }
          pending.shift()
        }
      })
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      log?.warn({ error: message, entries: pending.length }, 'LDAP sync paused')
      await markFailed(pending, message, now())
      round.failed += pending.length
      round.error = message
      break
    }
    // Rows the stop left claimed: free them for the next worker at once.
    if (pending.length > 0) await prisma.ldapSync.updateMany({ where: { key: { in: pending.map((r) => r.key) } }, data: { lockedUntil: null } })
  }
  return round
}

export type Drift = { kind: LdapKind; dn: string; problem: 'missing' | 'different' | 'extra'; attributes: string[] }

/** The base DN Coin keeps entries of a kind under. */
const baseDnOf = (kind: LdapKind) => (kind === 'vpn' ? getEnv().VPN_CONF_BASE_DN : getEnv().LDAP_MEMBERS_BASE_DN) ?? ''

/**
 * Compares what LDAP holds under each base DN with what the database says it should: entries
 * missing, entries whose attributes differ (named), and entries the database has no row for.
 * With `repair`, writes the missing and different ones, removes the extra ones, and marks every
 * entity synced. Kinds LDAP does not keep are skipped.
 */
export async function checkLdapDrift({ repair = false, now = new Date() }: { repair?: boolean; now?: Date } = {}) {
  const drift: Drift[] = []
  let checked = 0
  await withLdap(async (client) => {
    for (const kind of (['vpn', 'member'] as const).filter(ldapKeeps)) {
      const desired = await desiredEntries(kind, null)
      const actual = new Map((await listEntries(baseDnOf(kind), client)).map((e) => [e.dn.toLowerCase(), e]))
      checked += desired.size
      for (const [entityId, entry] of desired) {
        const found = actual.get(entry.dn.toLowerCase())
        actual.delete(entry.dn.toLowerCase())
        const attributes = found ? differingAttributes(found.attributes, entry.attributes) : []
        if (found && attributes.length === 0) continue
        drift.push({ kind, dn: entry.dn, problem: found ? 'different' : 'missing', attributes })
        if (repair) {
          await putEntry(entry.dn, entry.attributes, client)
          await prisma.ldapSync.upsert({
            where: { key: syncKey(kind, entityId) },
            create: { key: syncKey(kind, entityId), kind, entityId, dn: entry.dn, state: 'SYNCED', syncedAt: now },
            update: { dn: entry.dn, state: 'SYNCED', syncedAt: now, attempts: 0, lastError: null, nextAttemptAt: now },
          })
        }
      }
      for (const extra of actual.values()) {
        drift.push({ kind, dn: extra.dn, problem: 'extra', attributes: [] })
        if (repair) await removeEntry(extra.dn, client)
      }
    }
  })
  return { checked, drift }
}
