import type { PaymentMethod } from '#app/generated/prisma/client.ts'
import { changedFields, recordAudit, type Actor } from '#app/models/audit/audit.server.ts'
import { toIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { lockMember } from './payments.server.ts'

export type PaymentDetailsInput = Required<Actor> & { id: number; date?: Date; label?: string; method?: PaymentMethod }

/**
 * Corrects a payment's date, label or method (what is given), recording what changed as
 * 'payment.update'. A payment imported from a bank statement keeps the bank's date and label
 * (IMPORTED_DATE_FIXED, IMPORTED_LABEL_FIXED); only its method changes. The amount and the member
 * are never changed here. Returns whether anything changed.
 */
export async function updatePaymentDetails({ id, actorId, ...input }: PaymentDetailsInput) {
  const found = await prisma.payment.findUnique({ where: { id }, select: { memberId: true } })
  if (!found) throw new DomainError({ code: 'PAYMENT_NOT_FOUND', message: 'notFound', status: 404 })
  return prisma.$transaction(async (tx) => {
    // The member's lock orders this change with reconciliation and the other payment changes.
    if (found.memberId !== null) await lockMember(tx, found.memberId)
    const payment = await tx.payment.findUnique({ where: { id }, select: { memberId: true, date: true, label: true, method: true, importKey: true } })
    if (!payment || payment.memberId !== found.memberId) throw new DomainError({ code: 'PAYMENT_NOT_FOUND', message: 'notFound', status: 404 })
    const current = { date: toIsoDate(payment.date), label: payment.label, method: payment.method }
    const wanted = {
      ...(input.date ? { date: toIsoDate(input.date) } : {}),
      ...(input.label !== undefined ? { label: input.label } : {}),
      ...(input.method ? { method: input.method } : {}),
    }
    const { before, after, changed } = changedFields(current, wanted)
    if (payment.importKey !== null && 'date' in after) {
      throw new DomainError({ code: 'IMPORTED_DATE_FIXED', message: 'audit:errors.importedDateFixed', status: 400 })
    }
    if (payment.importKey !== null && 'label' in after) {
      throw new DomainError({ code: 'IMPORTED_LABEL_FIXED', message: 'audit:errors.importedLabelFixed', status: 400 })
    }
    if (!changed) return { changed }
    await tx.payment.update({ where: { id }, data: { date: input.date, label: input.label, method: input.method }, select: { id: true } })
    await recordAudit(tx, { actorId, action: 'payment.update', entity: 'payment', entityId: id, memberId: payment.memberId, before, after })
    return { changed }
  })
}
