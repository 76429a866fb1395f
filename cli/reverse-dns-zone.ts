import { findPool, listPools } from '#app/models/ip/pools.server.ts'
import { reverseDnsZone } from '#app/models/ip/zone.server.ts'
import { CommandError } from './errors.ts'

/**
 * `coin reverse_dns_zone POOL`: the BIND zone fragment of a pool's reverse DNS (PTR records and
 * NS delegations), the pool named by its name, else its id. An unknown pool is an error that
 * lists the pools there are.
 */
export async function reverseDnsZoneCommand(pool: string) {
  const found = await findPool(pool)
  if (!found) {
    const pools = await listPools()
    const known = pools.length ? `the pools are: ${pools.map((p) => `${p.name} (${p.id})`).join(', ')}` : 'there is no IP pool yet'
    throw new CommandError(`no IP pool is named or numbered "${pool}"; ${known}`)
  }
  return (await reverseDnsZone(found.id))!
}
