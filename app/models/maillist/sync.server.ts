import type { Logger } from 'pino'
import type { ServiceStatus } from '#app/backends/registry.server.ts'
import type { Prisma } from '#app/generated/prisma/client.ts'
import { runMaillistCommand } from '#app/integrations/maillist/run.server.ts'
import { prisma } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'

/**
 * The mailing lists' sync outbox, the LDAP one's pattern (ADR 011): each list's row carries its
 * sync state. A change marks the list pending in the changing transaction (bumping its version);
 * the worker (jobs/sync-maillists.ts) pushes the list's full subscriber set, read at that moment,
 * to MAILLIST_SYNC_COMMAND, and marks it synced only if no change came in meanwhile. A push is
 * idempotent (the whole state, never a delta), so retries and a second worker change nothing.
 */

/** Seconds before the next try of a failed push: 30 s, 1 min, 2 min … at most 30 min. */
export const maillistRetryDelaySeconds = (attempts: number) => Math.min(30 * 2 ** Math.max(attempts - 1, 0), 1800)

/** How long a claimed list is left alone by other workers (longer than the command's timeout). */
const LEASE_SECONDS = 120

/** Whether lists are pushed anywhere: MAILLIST_SYNC_COMMAND set. */
export const maillistSyncOn = () => Boolean(getEnv().MAILLIST_SYNC_COMMAND)

/** Marks lists to push again, in the caller's transaction. */
export async function markListsDirty(db: Prisma.TransactionClient, listIds: number[], now = new Date()) {
  if (listIds.length === 0) return
  await db.$executeRaw`
    UPDATE "MailingList" SET "syncState" = 'PENDING', "syncVersion" = "syncVersion" + 1, "syncAttempts" = 0, "syncNextAttemptAt" = ${now}
    WHERE id = ANY(${listIds}::int[])`
}

/**
 * Marks every list a member is on to push again (their address changed, or may have), in the
 * caller's transaction.
 */
export async function markMemberListsDirty(db: Prisma.TransactionClient, memberId: number, now = new Date()) {
  await db.$executeRaw`
    UPDATE "MailingList" SET "syncState" = 'PENDING', "syncVersion" = "syncVersion" + 1, "syncAttempts" = 0, "syncNextAttemptAt" = ${now}
    WHERE id IN (SELECT "listId" FROM "MailingListSubscription" WHERE "memberId" = ${memberId})`
}

/** A list's subscribers as the command receives them: non-empty addresses, lower-cased, sorted, each once. */
export async function listSubscriberAddresses(listId: number) {
  const rows = await prisma.$queryRaw<{ email: string }[]>`
    SELECT DISTINCT lower(trim(m.email)) AS email FROM "MailingListSubscription" s JOIN "Member" m ON m.id = s."memberId"
    WHERE s."listId" = ${listId} AND trim(m.email) <> '' ORDER BY 1`
  return rows.map((r) => r.email)
}

type Claimed = { id: number; shortName: string; address: string; version: number; attempts: number }

async function claimDue(now: Date, limit: number) {
  return prisma.$queryRaw<Claimed[]>`
    UPDATE "MailingList" SET "syncLockedUntil" = ${new Date(now.getTime() + LEASE_SECONDS * 1000)}
    WHERE id IN (
      SELECT id FROM "MailingList"
      WHERE "syncState" <> 'SYNCED' AND "syncNextAttemptAt" <= ${now} AND ("syncLockedUntil" IS NULL OR "syncLockedUntil" < ${now})
      ORDER BY "syncNextAttemptAt", id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING id, "shortName", address, "syncVersion" AS version, "syncAttempts" AS attempts`
}

/** Pushed: synced, unless a change came in meanwhile (then it stays pending, due at once). */
async function markPushed(row: Claimed, now: Date) {
  await prisma.$executeRaw`
    UPDATE "MailingList" SET "syncLockedUntil" = NULL,
      "syncState" = CASE WHEN "syncVersion" = ${row.version} THEN 'SYNCED'::"SyncState" ELSE "syncState" END,
      "syncedAt" = CASE WHEN "syncVersion" = ${row.version} THEN ${now}::timestamptz ELSE "syncedAt" END,
      "syncLastError" = CASE WHEN "syncVersion" = ${row.version} THEN NULL ELSE "syncLastError" END,
      "syncAttempts" = CASE WHEN "syncVersion" = ${row.version} THEN 0 ELSE "syncAttempts" END
    WHERE id = ${row.id}`
}

/** The push failed: failed with the message, tried again after the backoff (at once if it changed meanwhile). */
async function markFailed(row: Claimed, message: string, now: Date) {
  const retryAt = new Date(now.getTime() + maillistRetryDelaySeconds(row.attempts + 1) * 1000)
  await prisma.$executeRaw`
    UPDATE "MailingList" SET "syncAttempts" = "syncAttempts" + 1, "syncLastError" = ${message}, "syncLockedUntil" = NULL,
      "syncState" = CASE WHEN "syncVersion" = ${row.version} THEN 'FAILED'::"SyncState" ELSE 'PENDING'::"SyncState" END,
      "syncNextAttemptAt" = CASE WHEN "syncVersion" = ${row.version} THEN ${retryAt}::timestamptz ELSE ${now}::timestamptz END
    WHERE id = ${row.id}`
}

export type MaillistSyncRound = { synced: number; failed: number }

/**
 * One round of the worker: pushes every due list (changed, or due for a retry) in turn, each
 * with its subscribers read just before. Nothing when MAILLIST_SYNC_COMMAND is unset. Stops
 * between lists when `signal` is aborted.
 */
export async function syncDueMailingLists({ log, now = () => new Date(), signal, timeoutMs }: {
  log?: Logger; now?: () => Date; signal?: AbortSignal; timeoutMs?: number
} = {}): Promise<MaillistSyncRound> {
  const round: MaillistSyncRound = { synced: 0, failed: 0 }
  const command = getEnv().MAILLIST_SYNC_COMMAND
  if (!command) return round
  while (!signal?.aborted) {
    const [row] = await claimDue(now(), 1)
    if (!row) break
    const subscribers = await listSubscriberAddresses(row.id)
    const result = await runMaillistCommand({ command, shortName: row.shortName, address: row.address, subscribers, timeoutMs })
    if (result.ok) {
      await markPushed(row, now())
      round.synced++
    } else {
      log?.warn({ list: row.shortName, error: result.error }, 'mailing list not pushed')
      await markFailed(row, result.error, now())
      round.failed++
    }
  }
  return round
}

/** Where a list's push stands, for staff: off when MAILLIST_SYNC_COMMAND is unset. */
export function maillistStatus(row: { syncState: 'PENDING' | 'SYNCED' | 'FAILED'; syncLastError: string | null; syncedAt: Date | null; syncNextAttemptAt: Date }): ServiceStatus {
  if (!maillistSyncOn()) return { state: 'off', message: null, at: null }
  const state = row.syncState === 'SYNCED' ? 'synced' : row.syncState === 'FAILED' ? 'failed' : 'pending'
  return { state, message: state === 'synced' ? null : row.syncLastError, at: state === 'synced' ? row.syncedAt : row.syncNextAttemptAt }
}

/** "Sync now": the list is pushed at the worker's next round, even if it looks synced. */
export function requestListSync(listId: number, now = new Date()) {
  return prisma.$transaction((tx) => markListsDirty(tx, [listId], now))
}
