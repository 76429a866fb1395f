import type { Prisma } from '#app/generated/prisma/client.ts'

type Tx = Prisma.TransactionClient

/**
 * The audit log: every change staff make to money or membership is recorded by the model
 * function that makes it, inside its transaction, so the entry exists exactly when the change
 * does. The table is append-only (database triggers refuse UPDATE, DELETE and TRUNCATE).
 */

export type AuditEntity = 'payment' | 'allocation' | 'invoice' | 'fee' | 'subscription' | 'member'

export type AuditAction =
  | 'payment.create' | 'payment.update' | 'payment.delete' | 'payment.import'
  | 'allocation.create' | 'allocation.release' | 'allocation.cancel' | 'allocation.move'
  | 'invoice.validate' | 'invoice.creditNote' | 'invoice.dispute' | 'invoice.undispute' | 'invoice.charge'
  | 'fee.create' | 'fee.update' | 'fee.delete'
  | 'subscription.create' | 'subscription.update' | 'subscription.resign'
  | 'member.status'

/** Who makes a change: a staff member's id; absent or null for Coin's own runs (billing, imports by command). */
export type Actor = { actorId?: number | null }

/** A value as the log keeps it: dates as ISO strings, bigint as numbers, undefined fields dropped. */
type AuditValue = Record<string, unknown> | null

export type AuditInput = {
  actorId?: number | null
  action: AuditAction
  entity: AuditEntity
  entityId: number
  memberId?: number | null
  before?: AuditValue
  after?: AuditValue
}

/** A value as JSON text for a jsonb column (bigint as numbers), or null for none. */
const jsonText = (value: AuditValue | undefined) =>
  value == null ? null : JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))

/**
 * Records changes in the audit log, inside the transaction that makes them: one statement with
 * one array a column, however many entries (a bank statement makes tens of thousands, which
 * Prisma's createMany took seconds to send).
 */
export async function recordAudit(tx: Tx, entries: AuditInput | AuditInput[]) {
  const list = Array.isArray(entries) ? entries : [entries]
  if (list.length === 0) return
  await tx.$executeRaw`
    INSERT INTO "AuditEntry" ("actorId", action, entity, "entityId", "memberId", before, after)
    SELECT * FROM unnest(${list.map((e) => e.actorId ?? null)}::int[], ${list.map((e) => e.action)}::varchar[], ${list.map((e) => e.entity)}::varchar[],
                         ${list.map((e) => e.entityId)}::int[], ${list.map((e) => e.memberId ?? null)}::int[],
                         ${list.map((e) => jsonText(e.before))}::jsonb[], ${list.map((e) => jsonText(e.after))}::jsonb[])`
}

/** The fields of `after` that differ from `before`, with both values: what an update changed. */
export function changedFields<T extends Record<string, unknown>>(before: T, after: Partial<T>) {
  const from: Record<string, unknown> = {}
  const to: Record<string, unknown> = {}
  for (const key of Object.keys(after)) {
    const a = JSON.stringify(before[key] ?? null)
    const b = JSON.stringify(after[key] ?? null)
    if (a !== b) {
      from[key] = before[key] ?? null
      to[key] = after[key] ?? null
    }
  }
  return { before: from, after: to, changed: Object.keys(to).length > 0 }
}
