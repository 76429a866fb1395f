import type { Prisma } from '#app/generated/prisma/client.ts'

/**
 * Service backends (Coin's configuration types, ARCHITECTURE.md "Service backends"): an offer
 * names a backend; subscribing to it creates that backend's configuration. A backend registers
 * its hooks here; docs/extending.md shows how to write one.
 *
 * Hooks run inside the caller's transaction and must be idempotent: they change rows, and queue
 * whatever must reach an outside system (LDAP…) for the worker, never calling it themselves.
 */
export type HookContext = {
  tx: Prisma.TransactionClient
  configurationId: number
  subscriptionId: number
  memberId: number
  offerId: number
  /** The staff member acting, or null for Coin itself. */
  actorId: number | null
}

export type ServiceBackend = {
  /** Stored in Offer.backend and ServiceConfiguration.backend. */
  kind: string
  /** The COIN_MODULES name that switches it on; null when always on. */
  module: string | null
  /** Creates the backend's rows for a new configuration (subnets, accounts…). */
  create: (context: HookContext) => Promise<void>
  /** The subscription or the configuration changed (e.g. a resignation date was set or removed). */
  update?: (context: HookContext) => Promise<void>
  /** The subscription ended: the service stops (e.g. the VPN account is deactivated). */
  suspend?: (context: HookContext) => Promise<void>
  /** The configuration is about to be deleted: undo what lives outside (queued, like the rest). */
  delete?: (context: HookContext) => Promise<void>
  /** One of the configuration's subnets was added, changed or released (Coin's subnet_event). */
  subnetChanged?: (context: HookContext) => Promise<void>
}

const backends = new Map<string, ServiceBackend>()

/** Registers a backend (app/backends/index.server.ts for Coin's own, a test for its test backend). */
export function registerBackend(backend: ServiceBackend) {
  backends.set(backend.kind, backend)
}

export function getBackend(kind: string) {
  return backends.get(kind) ?? null
}

async function hookContext(tx: Prisma.TransactionClient, configurationId: number, actorId: number | null) {
  const configuration = await tx.serviceConfiguration.findUnique({
    where: { id: configurationId },
    select: { id: true, backend: true, subscription: { select: { id: true, memberId: true, offerId: true } } },
  })
  if (!configuration) return null
  const { subscription } = configuration
  const context: HookContext = { tx, configurationId, subscriptionId: subscription.id, memberId: subscription.memberId, offerId: subscription.offerId, actorId }
  return { backend: getBackend(configuration.backend), context }
}

/**
 * Tells a configuration's backend that one of its subnets changed (Coin's post-save/post-delete
 * `subnet_event`), after the change, in the same transaction.
 */
export async function subnetChanged(tx: Prisma.TransactionClient, configurationId: number, actorId: number | null = null) {
  const found = await hookContext(tx, configurationId, actorId)
  await found?.backend?.subnetChanged?.(found.context)
}
