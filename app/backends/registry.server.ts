import type { Prisma } from '#app/generated/prisma/client.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { today } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { dslBackend } from './dsl/backend.server.ts'
import { vpnBackend } from './vpn/backend.server.ts'

/**
 * Service backends (Coin's configuration types, ARCHITECTURE.md "Service backends"): an offer
 * names a backend; subscribing to it creates that backend's configuration. docs/extending.md
 * shows how to write one.
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
  now: Date
}

/** What a backend says of a configuration's service, shown to staff and to the member. */
export type ServiceStatus = { state: 'synced' | 'pending' | 'failed' | 'off'; message: string | null; at: Date | null }

export type ServiceBackend = {
  /** Stored in Offer.backend and ServiceConfiguration.backend. */
  kind: string
  /** The COIN_MODULES name that switches it on; null when always on. */
  module: string | null
  /** Whether a configuration of this kind gets subnets from the offer's pools (default no). */
  usesSubnets?: boolean
  /** Creates the backend's rows for a new configuration (subnets, accounts…). */
  create: (context: HookContext) => Promise<void>
  /** The subscription changed (e.g. its resignation date was set or removed). */
  update?: (context: HookContext) => Promise<void>
  /** The subscription has ended (called once, by the resignation or the daily job): the service stops. */
  suspend?: (context: HookContext) => Promise<void>
  /** The configuration is about to be deleted: undo what lives outside (queued, like the rest). */
  delete?: (context: HookContext) => Promise<void>
  /** One of the configuration's subnets was added, changed or released (Coin's subnet_event). */
  subnetChanged?: (context: HookContext) => Promise<void>
  /** The state of the service outside Coin, for each configuration asked. */
  status?: (configurationIds: number[]) => Promise<Map<number, ServiceStatus>>
  /** The configuration's pages, when the backend has them. */
  adminPath?: (configurationId: number) => string
  memberPath?: (configurationId: number) => string
}

/** "none": the offer has no technical side (membership-only offers, housing billed by hand…). */
export const NO_BACKEND = 'none'

const backends = new Map<string, ServiceBackend>([[vpnBackend.kind, vpnBackend], [dslBackend.kind, dslBackend]])

/** Registers a backend: Coin's own are listed above; a test registers its test backend. */
export function registerBackend(backend: ServiceBackend) {
  if (backend.kind === NO_BACKEND) throw new Error(`"${NO_BACKEND}" is not a backend name`)
  backends.set(backend.kind, backend)
}

/** Removes a backend registered by `registerBackend` (tests). */
export function unregisterBackend(kind: string) {
  backends.delete(kind)
}

/** A backend that is registered and switched on by COIN_MODULES, or null. */
export function getBackend(kind: string) {
  const backend = backends.get(kind)
  if (!backend) return null
  return backend.module === null || getEnv().COIN_MODULES.includes(backend.module) ? backend : null
}

/** The backend kinds an offer may name now: "none" and every backend switched on. */
export function availableBackendKinds() {
  return [NO_BACKEND, ...[...backends.keys()].filter((kind) => getBackend(kind)).sort()]
}

async function hookContext(tx: Prisma.TransactionClient, configurationId: number, actorId: number | null, now: Date) {
  const configuration = await tx.serviceConfiguration.findUnique({
    where: { id: configurationId },
    select: { id: true, backend: true, subscription: { select: { id: true, memberId: true, offerId: true } } },
  })
  if (!configuration) return null
  const { subscription } = configuration
  const context: HookContext = { tx, configurationId, subscriptionId: subscription.id, memberId: subscription.memberId, offerId: subscription.offerId, actorId, now }
  // Registered is enough: a module switched off takes no new subscription and shows no page, but
  // what exists still suspends, changes and goes away outside Coin too.
  return { backend: backends.get(configuration.backend) ?? null, context }
}

/**
 * Gives a new subscription the configuration its offer's backend provides, in the subscription's
 * transaction: the row, then the backend's `create` hook. An offer whose backend is switched
 * off takes no subscription (BACKEND_OFF), rather than one without its service.
 */
export async function createConfiguration(tx: Prisma.TransactionClient, { subscriptionId, actorId, now = new Date() }: { subscriptionId: number; actorId: number | null; now?: Date }) {
  const subscription = await tx.subscription.findUniqueOrThrow({ where: { id: subscriptionId }, select: { memberId: true, offerId: true, offer: { select: { backend: true } } } })
  const kind = subscription.offer.backend
  if (kind === NO_BACKEND) return null
  const backend = getBackend(kind)
  if (!backend) throw new DomainError({ code: 'BACKEND_OFF', message: 'subscriptions:errors.backendOff', status: 409 })
  const existing = await tx.serviceConfiguration.findUnique({ where: { subscriptionId }, select: { id: true } })
  const configuration = existing ?? await tx.serviceConfiguration.create({ data: { subscriptionId, backend: kind }, select: { id: true } })
  await backend.create({ tx, configurationId: configuration.id, subscriptionId, memberId: subscription.memberId, offerId: subscription.offerId, actorId, now })
  return configuration
}

type Hook = 'update' | 'suspend' | 'delete' | 'subnetChanged'

/** Runs one hook of a configuration's backend, when the backend is registered and has that hook. */
async function runHook(hook: Hook, tx: Prisma.TransactionClient, { configurationId, actorId = null, now = new Date() }: { configurationId: number; actorId?: number | null; now?: Date }) {
  const found = await hookContext(tx, configurationId, actorId, now)
  await found?.backend?.[hook]?.(found.context)
}

/**
 * Deletes a configuration (Coin's admin "delete"): the backend's `delete` hook first (it queues
 * the removal of what lives outside), then the row, its backend's rows and its subnets (released
 * by the cascade). The subscription stays, without a service.
 */
export async function deleteConfiguration(tx: Prisma.TransactionClient, { configurationId, actorId = null, now = new Date() }: { configurationId: number; actorId?: number | null; now?: Date }) {
  await runHook('delete', tx, { configurationId, actorId, now })
  await tx.serviceConfiguration.deleteMany({ where: { id: configurationId } })
}

/**
 * Tells a configuration's backend that one of its subnets changed (Coin's post-save/post-delete
 * `subnet_event`), after the change, in the same transaction.
 */
export function subnetChanged(tx: Prisma.TransactionClient, configurationId: number, actorId: number | null = null) {
  return runHook('subnetChanged', tx, { configurationId, actorId })
}

/** Whether a subscription has ended on `day`: its last day (resignDate, included) is before it. */
const endedOn = (resignDate: Date | null, day: Date) => resignDate !== null && resignDate < day

/**
 * Runs the hook a subscription's change calls for: `suspend` when it has ended (its last day is
 * before today), once; else `update`, which also ends an earlier suspension (a resignation
 * moved later or cancelled). Nothing when the subscription has no configuration.
 */
export async function subscriptionChanged(tx: Prisma.TransactionClient, { subscriptionId, actorId, now = new Date() }: { subscriptionId: number; actorId: number | null; now?: Date }) {
  const configuration = await tx.serviceConfiguration.findUnique({
    where: { subscriptionId },
    select: { id: true, suspendedAt: true, subscription: { select: { resignDate: true } } },
  })
  if (!configuration) return
  if (endedOn(configuration.subscription.resignDate, today(now))) {
    if (configuration.suspendedAt) return
    await runHook('suspend', tx, { configurationId: configuration.id, actorId, now })
    await tx.serviceConfiguration.update({ where: { id: configuration.id }, data: { suspendedAt: now } })
    return
  }
  if (configuration.suspendedAt) await tx.serviceConfiguration.update({ where: { id: configuration.id }, data: { suspendedAt: null } })
  await runHook('update', tx, { configurationId: configuration.id, actorId, now })
}

/**
 * The daily job's work: suspends the service of every subscription that has ended and is not
 * suspended yet (a resignation date that has now passed). One transaction per configuration, so
 * one refusal does not hold back the others. Idempotent. Returns how many were suspended.
 */
export async function suspendEndedServices({ now = new Date() }: { now?: Date } = {}) {
  const due = await prisma.serviceConfiguration.findMany({
    where: { suspendedAt: null, subscription: { resignDate: { lt: today(now) } } },
    select: { subscriptionId: true },
    orderBy: { id: 'asc' },
  })
  for (const { subscriptionId } of due) {
    await prisma.$transaction((tx) => subscriptionChanged(tx, { subscriptionId, actorId: null, now }))
  }
  return due.length
}

/** The configuration of each subscription asked, with its backend's pages, and its status when `withStatus`. */
export async function describeConfigurations(subscriptionIds: number[], { withStatus = true, db = prisma }: { withStatus?: boolean; db?: Prisma.TransactionClient } = {}) {
  const configurations = await db.serviceConfiguration.findMany({
    where: { subscriptionId: { in: subscriptionIds } },
    select: { id: true, subscriptionId: true, backend: true },
  })
  const byKind = new Map<string, number[]>()
  for (const c of configurations) byKind.set(c.backend, [...byKind.get(c.backend) ?? [], c.id])
  const statuses = new Map<number, ServiceStatus>()
  for (const [kind, ids] of withStatus ? byKind : []) {
    const found = await getBackend(kind)?.status?.(ids)
    for (const [id, status] of found ?? []) statuses.set(id, status)
  }
  return new Map(configurations.map((c) => {
    const backend = getBackend(c.backend)
    return [c.subscriptionId, {
      id: c.id,
      backend: c.backend,
      enabled: backend !== null,
      adminPath: backend?.adminPath?.(c.id) ?? null,
      memberPath: backend?.memberPath?.(c.id) ?? null,
      status: statuses.get(c.id) ?? null,
    }]
  }))
}

/** A 404 unless the backend is switched on: its pages do not exist otherwise. */
export function requireBackend(kind: string) {
  return getBackend(kind) ?? notFound()
}
