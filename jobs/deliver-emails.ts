import type { Logger } from 'pino'
import { createTransport, deliverDueEmails } from '#app/models/email/outbox.server.ts'

/** How often the worker looks for emails to send (queued, or due for a retry). */
export const DELIVERY_INTERVAL_MS = 5_000

/**
 * The outbox's sender, a loop in the worker: every few seconds it sends what is due. Several
 * workers may run it at once (rows are claimed with SKIP LOCKED). The returned function stops the
 * loop after the message in hand.
 */
export function startEmailDelivery({ log, intervalMs = DELIVERY_INTERVAL_MS }: { log: Logger; intervalMs?: number }) {
  const transport = createTransport()
  log.info({ transport: transport.description }, 'email delivery started')
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let current: Promise<void> = Promise.resolve()
  const round = async () => {
    try {
      const { sent, retried, failed } = await deliverDueEmails({ transport, log })
      if (sent + retried + failed > 0) log.info({ sent, retried, failed }, 'outbox delivery round')
    } catch (error) {
      log.error({ error: error instanceof Error ? error.message : String(error) }, 'outbox delivery failed')
    }
    if (!stopped) timer = setTimeout(() => (current = round()), intervalMs)
  }
  current = round()
  return async () => {
    stopped = true
    clearTimeout(timer)
    await current
    transport.close()
  }
}
