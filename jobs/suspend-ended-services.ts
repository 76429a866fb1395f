import type { Logger } from 'pino'
import { suspendEndedServices } from '#app/backends/registry.server.ts'

/**
 * Suspends the services of subscriptions whose last day has passed (a VPN account is
 * deactivated and its LDAP entry follows). Daily, shortly after midnight; idempotent.
 */
export async function run({ now = new Date(), log }: { now?: Date; log: Logger }) {
  const suspended = await suspendEndedServices({ now })
  log.info({ suspended }, 'ended services suspended')
  return { suspended }
}
