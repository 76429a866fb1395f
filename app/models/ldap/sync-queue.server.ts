import type { Prisma } from '#app/generated/prisma/client.ts'
import type { ServiceStatus } from '#app/backends/registry.server.ts'
import { prisma } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'

/**
 * The LDAP sync outbox (ADR 011): the database is the source of truth, and each LDAP entry Coin
 * keeps has a row in LdapSync. A change marks the row pending in the changing transaction; the
 * worker (jobs/sync-ldap.ts, ldap-sync.server.ts) writes the entry from the database's state of
 * the moment. LDAP being down loses nothing: the row stays pending or failed and converges.
 */

/** The kinds of entries: a VPN account (vpn:<configurationId>) and a member (member:<memberId>). */
export type LdapKind = 'vpn' | 'member'

export const syncKey = (kind: LdapKind, entityId: number) => `${kind}:${entityId}`

/** Whether Coin keeps entries of this kind in LDAP: LDAP_URL set, and for members LDAP_MEMBERS_BASE_DN. */
export function ldapKeeps(kind: LdapKind) {
  const env = getEnv()
  if (!env.LDAP_URL) return false
  return Boolean(kind === 'member' ? env.LDAP_MEMBERS_BASE_DN : env.VPN_CONF_BASE_DN)
}

/**
 * Marks entries to write (or delete) again, in the caller's transaction. Every call bumps the
 * version, so a sync that read the previous state does not mark the row synced. Nothing when
 * LDAP does not keep this kind.
 */
export async function markLdapDirty(db: Prisma.TransactionClient, kind: LdapKind, entityIds: number[], now = new Date()) {
  if (entityIds.length === 0 || !ldapKeeps(kind)) return
  const keys = entityIds.map((id) => syncKey(kind, id))
  await db.$executeRaw`
    INSERT INTO "LdapSync" (key, kind, "entityId", state, version, "nextAttemptAt", "updatedAt")
    SELECT k, ${kind}, e, 'PENDING', 1, ${now}, ${now} FROM unnest(${keys}::text[], ${entityIds}::int[]) AS t(k, e)
    ON CONFLICT (key) DO UPDATE SET state = 'PENDING', version = "LdapSync".version + 1, attempts = 0,
      "nextAttemptAt" = ${now}, "updatedAt" = ${now}`
}

/**
 * Where each entry stands, for the pages that show it: synced, pending, failed (with LDAP's
 * message), or off when LDAP does not keep this kind. An entity without a row was never written:
 * pending.
 */
export async function ldapStatuses(kind: LdapKind, entityIds: number[]): Promise<Map<number, ServiceStatus>> {
  if (!ldapKeeps(kind)) return new Map(entityIds.map((id) => [id, { state: 'off', message: null, at: null }]))
  const rows = await prisma.ldapSync.findMany({
    where: { key: { in: entityIds.map((id) => syncKey(kind, id)) } },
    select: { entityId: true, state: true, lastError: true, syncedAt: true, nextAttemptAt: true },
  })
  const byId = new Map(rows.map((r) => [r.entityId, r]))
  return new Map(entityIds.map((id) => {
    const row = byId.get(id)
    if (!row) return [id, { state: 'pending', message: null, at: null }]
    const state = row.state === 'SYNCED' ? 'synced' : row.state === 'FAILED' ? 'failed' : 'pending'
    return [id, { state, message: row.lastError, at: state === 'synced' ? row.syncedAt : row.nextAttemptAt }]
  }))
}

/**
 * The entries LDAP has not taken, for the admin overview's banner: how many failed, the newest
 * error, and when Coin tries again; null when none failed.
 */
export async function ldapSyncTrouble() {
  const [row] = await prisma.$queryRaw<{ failed: number; error: string | null; nextAttemptAt: Date | null }[]>`
    SELECT count(*)::int AS failed, (array_agg("lastError" ORDER BY "updatedAt" DESC))[1] AS error, min("nextAttemptAt") AS "nextAttemptAt"
    FROM "LdapSync" WHERE state = 'FAILED'`
  return row && row.failed > 0 ? { failed: row.failed, error: row.error ?? '', nextAttemptAt: row.nextAttemptAt } : null
}

/**
 * Queues every entity LDAP should hold that has no sync row yet: what existed before LDAP was
 * switched on (or before its base DN was set). Run when the worker starts. Returns how many.
 */
export async function queueMissingLdapEntries(now = new Date()) {
  let queued = 0
  if (ldapKeeps('vpn')) {
    queued += await prisma.$executeRaw`
      INSERT INTO "LdapSync" (key, kind, "entityId", state, "nextAttemptAt", "updatedAt")
      SELECT 'vpn:' || v."configurationId", 'vpn', v."configurationId", 'PENDING', ${now}, ${now} FROM "VpnConfiguration" v
      ON CONFLICT (key) DO NOTHING`
  }
  if (ldapKeeps('member')) {
    queued += await prisma.$executeRaw`
      INSERT INTO "LdapSync" (key, kind, "entityId", state, "nextAttemptAt", "updatedAt")
      SELECT 'member:' || m.id, 'member', m.id, 'PENDING', ${now}, ${now} FROM "Member" m WHERE m."isActive"
      ON CONFLICT (key) DO NOTHING`
  }
  return queued
}
