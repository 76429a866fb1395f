import type { Logger } from 'pino'
import { differingAttributes, LdapError, listEntries, putEntry, removeEntry, withLdap } from '#app/integrations/ldap/client.server.ts'
import { normalizeDn, type LdapEntry } from '#app/integrations/ldap/entries.ts'
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

/**
 * The rows' attempt failed: failed with the message, tried again after the backoff. A row changed
 * meanwhile stays pending, due at once: its new state was not tried.
 */
async function markFailed(rows: Claimed[], message: string, now: Date) {
  if (rows.length === 0) return
  const retryAt = rows.map((row) => new Date(now.getTime() + ldapRetryDelaySeconds(row.attempts + 1) * 1000))
  await prisma.$executeRaw`
    UPDATE "LdapSync" s SET attempts = s.attempts + 1, "lastError" = ${message}, "lockedUntil" = NULL, "updatedAt" = ${now},
      state = CASE WHEN s.version = t.version THEN 'FAILED'::"SyncState" ELSE 'PENDING'::"SyncState" END,
      "nextAttemptAt" = CASE WHEN s.version = t.version THEN t.retry_at ELSE ${now}::timestamptz END
    FROM unnest(${rows.map((r) => r.key)}::text[], ${rows.map((r) => r.version)}::int[], ${retryAt}::timestamptz[]) AS t(key, version, retry_at)
    WHERE s.key = t.key`
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
    const all = await claimDue(now(), batchSize)
    if (all.length === 0) break
    // Rows of a kind LDAP no longer keeps (its base DN unset since): dropped, LDAP left alone.
    const dropped = all.filter((r) => !ldapKeeps(r.kind)).map((r) => r.key)
    if (dropped.length > 0) await prisma.ldapSync.deleteMany({ where: { key: { in: dropped } } })
    const claimed = all.filter((r) => ldapKeeps(r.kind))
    const desired = new Map<string, LdapEntry | null>()
    for (const [kind, rows] of groupBy(claimed, (r) => r.kind)) {
      const entries = await desiredEntries(kind, rows.map((r) => r.entityId))
      for (const row of rows) desired.set(row.key, entries.get(row.entityId) ?? null)
    }
    const pending = [...claimed]
    try {
      await withLdap(async (client) => {
        while (pending.length > 0 && !signal?.aborted) {
          const row = pending[0]!
          const entry = desired.get(row.key) ?? null
          try {
            if (row.dn && normalizeDn(row.dn) !== (entry ? normalizeDn(entry.dn) : null)) await removeEntry(row.dn, client)
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

/** A repaired entity is synced, unless it changed after `version` was read (then the queue writes it). */
async function markRepaired(kind: LdapKind, entityId: number, dn: string, version: number | null, now: Date) {
  const key = syncKey(kind, entityId)
  if (version === null) {
    await prisma.ldapSync.createMany({ data: [{ key, kind, entityId, dn, state: 'SYNCED', syncedAt: now }], skipDuplicates: true })
    return
  }
  await prisma.ldapSync.updateMany({ where: { key, version }, data: { dn, state: 'SYNCED', syncedAt: now, attempts: 0, lastError: null, nextAttemptAt: now } })
}

export type Drift = { kind: LdapKind; dn: string; problem: 'missing' | 'different' | 'extra'; attributes: string[] }

/** The base DN Coin keeps entries of a kind under, and the object class its entries have. */
const baseDnOf = (kind: LdapKind) => (kind === 'vpn' ? getEnv().VPN_CONF_BASE_DN : getEnv().LDAP_MEMBERS_BASE_DN) ?? ''
const OBJECT_CLASS: Record<LdapKind, string> = { vpn: 'radiusprofile', member: 'posixaccount' }

/**
 * Compares what LDAP holds under each base DN with what the database says it should: entries
 * missing, entries whose attributes differ (named), and entries of Coin's kind (a radiusprofile,
 * a posixAccount) the database has none for. With `repair`, writes the missing and different
 * ones, removes the extra ones, and marks each entity synced unless it changed meanwhile (the
 * queue then writes it). Kinds LDAP does not keep are skipped.
 */
export async function checkLdapDrift({ repair = false, now = new Date() }: { repair?: boolean; now?: Date } = {}) {
  const drift: Drift[] = []
  let checked = 0
  await withLdap(async (client) => {
    for (const kind of (['vpn', 'member'] as const).filter(ldapKeeps)) {
      // The versions first: a change committed after them is left to the queue.
      const versions = new Map((await prisma.ldapSync.findMany({ where: { kind }, select: { entityId: true, version: true } })).map((r) => [r.entityId, r.version]))
      const desired = await desiredEntries(kind, null)
      const actual = new Map((await listEntries(baseDnOf(kind), client)).map((e) => [normalizeDn(e.dn), e]))
      checked += desired.size
      for (const [entityId, entry] of desired) {
        const found = actual.get(normalizeDn(entry.dn))
        actual.delete(normalizeDn(entry.dn))
        const attributes = found ? differingAttributes(found.attributes, entry.attributes) : []
        if (found && attributes.length === 0) continue
        drift.push({ kind, dn: entry.dn, problem: found ? 'different' : 'missing', attributes })
        if (repair) {
          await putEntry(entry.dn, entry.attributes, client)
          await markRepaired(kind, entityId, entry.dn, versions.get(entityId) ?? null, now)
        }
      }
      const ofKind = (e: LdapEntry) => (e.attributes.objectClass ?? e.attributes.objectclass ?? []).some((c) => c.toLowerCase() === OBJECT_CLASS[kind])
      for (const extra of [...actual.values()].filter(ofKind)) {
        drift.push({ kind, dn: extra.dn, problem: 'extra', attributes: [] })
        if (repair) await removeEntry(extra.dn, client)
      }
    }
  })
  return { checked, drift }
}
