import type { HookContext, ServiceBackend } from '#app/backends/registry.server.ts'
import { allocateMissingSubnets } from '#app/backends/subnets.server.ts'

/**
 * The DSL backend (COIN_MODULES=dsl; Coin's simple_dsl): a white-label DSL line per subscription,
 * with its phone number, the wholesale provider's reference, an optional PPP login and password,
 * and IP subnets from the offer's pools. No outside system is driven yet: the line's details are
 * for staff (and RADIUS, which reads them from the database), so it has no status.
 */

async function create({ tx, configurationId, offerId, actorId }: HookContext) {
  const existing = await tx.dslLine.findUnique({ where: { configurationId }, select: { configurationId: true } })
  if (existing) return
  await allocateMissingSubnets(tx, { configurationId, offerId, actorId })
  // Staff fill in the phone number, reference and PPP credentials once the provider delivers the line.
  await tx.dslLine.create({ data: { configurationId } })
}

export const dslBackend: ServiceBackend = {
  kind: 'dsl',
  module: 'dsl',
  usesSubnets: true,
  create,
  adminPath: (id) => `/admin/dsl/${id}`,
  memberPath: (id) => `/dsl/${id}`,
}
