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

const toJson = (value: AuditValue | undefined): Prisma.InputJsonValue | undefined =>
  value == null ? undefined : (JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))) as Prisma.InputJsonValue)

/** Records changes in the audit log, inside the transaction that makes them. */
export async function recordAudit(tx: Tx, entries: AuditInput | AuditInput[]) {
  const list = Array.isArray(entries) ? entries : [entries]
  if (list.length === 0) return
  await tx.auditEntry.createMany({
    data: list.map(({ actorId = null, action, entity, entityId, memberId = null, before, after }) => ({
      actorId, action, entity, entityId, memberId, before: toJson(before), after: toJson(after),
    })),
  })
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
