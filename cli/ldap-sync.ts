import { LdapError } from '#app/integrations/ldap/client.server.ts'
import { checkLdapDrift, syncDueLdapEntries, type Drift } from '#app/models/ldap/ldap-sync.server.ts'
import { ldapKeeps } from '#app/models/ldap/sync-queue.server.ts'
import { CommandError } from './errors.ts'

const describe = (d: Drift) =>
  `${d.problem.padEnd(9)} ${d.dn}${d.attributes.length ? ` (${d.attributes.join(', ')})` : ''}\n`

/**
 * `coin ldap_sync [--check]`: compares every entry Coin keeps in LDAP with the database (the
 * source of truth). With --check it lists the drift and fails (exit 1) when there is some;
 * otherwise it repairs it (writes missing and different entries, removes extra ones) and writes
 * the entries still waiting in the sync queue. Prints one line per drifted entry and a summary.
 */
export async function ldapSync({ check }: { check: boolean }) {
  if (!ldapKeeps('vpn') && !ldapKeeps('member')) {
    throw new CommandError('LDAP is off: set LDAP_URL (with VPN_CONF_BASE_DN and/or LDAP_MEMBERS_BASE_DN) to keep entries in LDAP')
  }
  try {
    const { checked, drift } = await checkLdapDrift({ repair: !check })
    for (const d of drift) process.stdout.write(describe(d))
    if (check) {
      process.stdout.write(`${checked} entries checked, ${drift.length} drifted\n`)
      if (drift.length > 0) throw new CommandError(`LDAP differs from the database in ${drift.length} entries (run coin ldap_sync to repair)`)
      return
    }
    const queued = await syncDueLdapEntries()
    process.stdout.write(`${checked} entries checked, ${drift.length} repaired; queue: ${queued.synced} written, ${queued.removed} removed, ${queued.failed} failed\n`)
    if (queued.error) throw new CommandError(queued.error)
    if (queued.failed > 0) throw new CommandError(`${queued.failed} queued entries could not be written (see the warnings above)`)
  } catch (error) {
    if (error instanceof LdapError) throw new CommandError(error.message)
    throw error
  }
}
