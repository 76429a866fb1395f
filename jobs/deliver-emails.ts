import type { Logger } from 'pino'
import { createTransport, deliverDueEmails, resumeDelivery } from '#app/models/email/outbox.server.ts'
import { logRoundFailure, startPollingLoop } from './polling-loop.ts'

/** How often the worker looks for emails to send (queued, or due for a retry). */
export const DELIVERY_INTERVAL_MS = 5_000

/**
 * The outbox's sender, a loop in the worker: every few seconds it sends what is due. Several
 * workers may run it at once (rows are claimed with SKIP LOCKED). Starting ends a pause left by a
 * refused SMTP access, so a worker restarted after SMTP_URL was fixed tries at once. The returned
 * function, or aborting `signal`, stops the loop after the message in hand, not the whole backlog.
 */
export function startEmailDelivery({ log, intervalMs = DELIVERY_INTERVAL_MS, signal }: { log: Logger; intervalMs?: number; signal?: AbortSignal }) {
  const transport = createTransport()
  log.info({ transport: transport.description }, 'email delivery started')
  const stop = startPollingLoop({
    intervalMs,
    signal,
    start: () => resumeDelivery().catch((error: unknown) => logRoundFailure(log, error, 'outbox pause not ended')),
    round: async (stopping) => {
      try {
        const { sent, retried, failed } = await deliverDueEmails({ transport, log, signal: stopping })
        if (sent + retried + failed > 0) log.info({ sent, retried, failed }, 'outbox delivery round')
      } catch (error) {
        logRoundFailure(log, error, 'outbox delivery failed')
      }
    },
  })
  return async () => {
    await stop()
    transport.close()
  }
}
