import type { EmailStatus, Prisma } from '#app/generated/prisma/client.ts'
import { prisma } from '#app/utils/db.server.ts'
import { readDeliveryPause, WITH_SECRET_LINK } from './outbox.server.ts'
import { parsePauseError } from './smtp-failure.ts'

/** The outbox as staff see it on the Courriels page: the list, its filters, and resending. */

export type OutboxFilter = { status?: EmailStatus; template?: string }

const whereOf = ({ status, template }: OutboxFilter): Prisma.EmailMessageWhereInput => ({ ...(status ? { status } : {}), ...(template ? { template } : {}) })

/**
 * Whether staff may queue a message again: a failed one always (its body is whole), a sent one
 * unless its body was removed because it held a password link, a queued one never (it is on its way).
 */
export function canResend({ status, template }: { status: EmailStatus; template: string }) {
  if (status === 'QUEUED') return false
  return status === 'FAILED' || !WITH_SECRET_LINK.has(template)
}

const AS_NEW = { status: 'QUEUED', attempts: 0, lockedUntil: null, lastError: null, sentAt: null, smtpResponse: null } as const

/** Queues a failed (or sent) message again, as new: staff's "resend" button. False when it may not be. */
export async function resendEmail(id: number) {
  const { count } = await prisma.emailMessage.updateMany({
    where: { id, status: { not: 'QUEUED' }, NOT: [{ status: 'SENT', template: { in: [...WITH_SECRET_LINK] } }] },
    data: { ...AS_NEW, nextAttemptAt: new Date() },
  })
  return count === 1
}

/** Queues again, as new, every failed message the filter shows (its status filter aside); returns how many. */
export async function resendFailedEmails({ template }: Pick<OutboxFilter, 'template'>) {
  const { count } = await prisma.emailMessage.updateMany({
    where: whereOf({ status: 'FAILED', template }),
    data: { ...AS_NEW, nextAttemptAt: new Date() },
  })
  return count
}

export const EMAILS_PER_PAGE = 50

/**
 * The outbox for the admin page, newest first, with how many there are in each status (within
 * the template filter) and the templates that have messages.
 */
export async function listEmails({ status, template, page = 1 }: OutboxFilter & { page?: number }) {
  const where = whereOf({ status, template })
  const [emails, total, counts, templates] = await Promise.all([
    prisma.emailMessage.findMany({
      where,
      orderBy: { id: 'desc' },
      skip: (page - 1) * EMAILS_PER_PAGE,
      take: EMAILS_PER_PAGE,
      select: { id: true, template: true, toAddress: true, subject: true, status: true, attempts: true, lastError: true, nextAttemptAt: true, sentAt: true, createdAt: true, memberId: true },
    }),
    prisma.emailMessage.count({ where }),
    prisma.emailMessage.groupBy({ by: ['status'], where: whereOf({ template }), _count: true }),
    prisma.emailMessage.groupBy({ by: ['template'], orderBy: { template: 'asc' } }),
  ])
  return {
    emails: emails.map(({ lastError, ...email }) => {
      const paused = parsePauseError(lastError)
      return { ...email, lastError: paused ? null : lastError, accessError: paused?.error ?? null, resendable: canResend(email) }
    }),
    total,
    counts: Object.fromEntries(counts.map((c) => [c.status, c._count])) as Partial<Record<EmailStatus, number>>,
    templates: templates.map((t) => t.template),
  }
}

/** The pause of the outbox for the banners, with how many messages wait; null while the server accepts Coin. */
export async function getDeliveryPause() {
  const pause = await readDeliveryPause()
  if (!pause) return null
  return { ...pause, waiting: await prisma.emailMessage.count({ where: { status: 'QUEUED' } }) }
}
