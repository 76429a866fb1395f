import type { Logger } from 'pino'
import { isDatabaseUnreachable } from '#app/utils/maintenance.server.ts'

/**
 * A loop of the worker that runs `round` every `intervalMs` (the email outbox, the LDAP sync):
 * the next round is planned when one ends, so rounds never overlap. `start` runs once before the
 * first round. The returned function, or aborting `signal`, stops the loop after the round in
 * hand (which sees its own signal aborted, to stop between items).
 */
export function startPollingLoop({ intervalMs, signal, start, round }: {
  intervalMs: number
  signal?: AbortSignal
  start?: () => Promise<void>
  round: (signal: AbortSignal) => Promise<void>
}) {
  const stopping = new AbortController()
  signal?.addEventListener('abort', () => stopping.abort(), { once: true })
  let timer: NodeJS.Timeout | undefined
  let current: Promise<void> = Promise.resolve()
  stopping.signal.addEventListener('abort', () => clearTimeout(timer), { once: true })
  const next = async () => {
    await round(stopping.signal)
    if (!stopping.signal.aborted) timer = setTimeout(() => (current = next()), intervalMs)
  }
  current = (start ? start() : Promise.resolve()).then(next)
  return async () => {
    stopping.abort()
    await current
  }
}

/**
 * Logs what a loop's round (or start) could not do: the database out of reach is an outage the
 * next round retries, a warning; anything else an error.
 */
export function logRoundFailure(log: Logger, error: unknown, what: string) {
  const message = error instanceof Error ? error.message : String(error)
  if (isDatabaseUnreachable(error)) log.warn({ error: message }, `${what}: database out of reach, the next round retries`)
  else log.error({ error: message }, what)
}
