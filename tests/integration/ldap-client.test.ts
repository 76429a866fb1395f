import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { canBind, LdapError, ldapSettings, listEntries, putEntry, readEntry, removeEntry, withLdap } from '#app/integrations/ldap/client.server.ts'
import { memberEntry, sshaHash, vpnEntry } from '#app/integrations/ldap/entries.ts'
import { hashPassword } from '#app/utils/password.server.ts'
import { ADMIN_DN, ADMIN_PASSWORD, MEMBERS_BASE_DN, slapdMissing, startSlapd, SUFFIX, VPN_BASE_DN, type Slapd } from '#tests/setup/slapd.ts'

const missing = slapdMissing()
const openssl = spawnSync('openssl', ['version']).status === 0
if (!missing && !openssl) console.warn('openssl is not installed: the LDAP TLS tests are skipped')

/** What an LdapError-rejecting promise says. */
async function failure(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    if (error instanceof LdapError) return { kind: error.kind, message: error.message }
    throw error
  }
  throw new Error('expected an LdapError')
}

const vpn = {
  login: 'alice-vpn1',
  passwordHash: sshaHash('vpn-password-1'),
  activated: true,
  ipv4Endpoint: '10.1.0.1',
  ipv6Endpoint: '2001:db8:42::1',
  ipv4Subnets: ['10.1.0.1', '10.1.2.0/24'],
  ipv6Subnets: ['2001:db8:42::/56'],
}

describe.skipIf(missing)('LDAP client against a real slapd', () => {
  let ldap: Slapd
  beforeAll(async () => {
    ldap = await startSlapd({ tls: openssl })
  })
  afterAll(async () => {
    await ldap?.close()
  })

  test('a VPN entry is written attribute by attribute as Coin writes it', async () => {
    const settings = ldap.settings()
    const entry = vpnEntry(vpn, VPN_BASE_DN)
    expect(await putEntry(entry.dn, entry.attributes, settings)).toBe('added')

    const stored = await readEntry(`cn=alice-vpn1,${VPN_BASE_DN}`, settings)
    expect(stored).not.toBeNull()
    expect(stored?.objectClass).toEqual(['person', 'organizationalPerson', 'inetOrgPerson', 'top', 'radiusprofile'])
    expect(stored?.cn).toEqual(['alice-vpn1'])
    expect(stored?.sn).toEqual(['alice-vpn1'])
    expect(stored?.userPassword).toEqual([vpn.passwordHash])
    expect(stored?.dialupAccess).toEqual(['yes'])
    expect(stored?.radiusFramedIPAddress).toEqual(['10.1.0.1'])
    expect(stored?.postalAddress).toEqual(['2001:db8:42::1'])
    expect(stored?.radiusFramedRoute?.toSorted()).toEqual(['10.1.0.1/32', '10.1.2.0/24'])
    expect(stored?.registeredAddress).toEqual(['2001:db8:42::/56'])
    expect(Object.keys(stored ?? {}).toSorted()).toEqual(
      ['cn', 'dialupAccess', 'objectClass', 'postalAddress', 'radiusFramedIPAddress', 'radiusFramedRoute', 'registeredAddress', 'sn', 'userPassword'],
    )
  })

  test('the account binds with the clear password whose {SSHA} hash was stored, not with another', async () => {
    const dn = `cn=alice-vpn1,${VPN_BASE_DN}`
    expect(await canBind(dn, 'vpn-password-1', ldap.settings())).toBe(true)
    expect(await canBind(dn, 'vpn-password-2', ldap.settings())).toBe(false)
    expect(await canBind(dn, '', ldap.settings())).toBe(false)
    expect(await canBind(`cn=nobody,${VPN_BASE_DN}`, 'vpn-password-1', ldap.settings())).toBe(false)
  })

  test('putEntry converges: unchanged when equal, then exactly the changed attributes, emptied ones deleted', async () => {
    const settings = ldap.settings()
    const dn = `cn=alice-vpn1,${VPN_BASE_DN}`
    expect(await putEntry(dn, vpnEntry(vpn, VPN_BASE_DN).attributes, settings)).toBe('unchanged')

    // Something Coin does not manage, added by hand, stays.
    await withLdap((client) => client.add(`cn=other,${VPN_BASE_DN}`, { objectClass: ['person'], cn: 'other', sn: 'other' }), settings)

    const changed = vpnEntry({ ...vpn, activated: false, ipv6Endpoint: null, ipv4Subnets: ['10.1.3.0/24'], ipv6Subnets: ['2001:db8:43::/56', '2001:db8:44::/56'] }, VPN_BASE_DN)
    expect(await putEntry(dn, changed.attributes, settings)).toBe('modified')
    const stored = await readEntry(dn, settings)
    expect(stored?.dialupAccess).toEqual(['no'])
    expect(stored?.radiusFramedRoute).toEqual(['10.1.3.0/24'])
    expect(stored?.registeredAddress?.toSorted()).toEqual(['2001:db8:43::/56', '2001:db8:44::/56'])
    expect(stored).not.toHaveProperty('postalAddress')
    expect(stored?.userPassword).toEqual([vpn.passwordHash])
    expect(await putEntry(dn, changed.attributes, settings)).toBe('unchanged')

    const activatedAgain = vpnEntry({ ...vpn, ipv6Endpoint: null, ipv4Subnets: ['10.1.3.0/24'], ipv6Subnets: ['2001:db8:43::/56', '2001:db8:44::/56'] }, VPN_BASE_DN)
    expect(await putEntry(dn, activatedAgain.attributes, settings)).toBe('modified')
    expect((await readEntry(dn, settings))?.dialupAccess).toEqual(['yes'])
    expect(await readEntry(`cn=other,${VPN_BASE_DN}`, settings)).toMatchObject({ cn: ['other'] })
  })

  test('a new password replaces the old one for binding', async () => {
    const dn = `cn=alice-vpn1,${VPN_BASE_DN}`
    const current = await readEntry(dn, ldap.settings())
    await putEntry(dn, { ...current, userPassword: [sshaHash('vpn-password-2')] }, ldap.settings())
    expect(await canBind(dn, 'vpn-password-2', ldap.settings())).toBe(true)
    expect(await canBind(dn, 'vpn-password-1', ldap.settings())).toBe(false)
  })

  test('listEntries gives the children of a base, several operations share one connection', async () => {
    const entries = await withLdap(async (client) => {
      for (const login of ['bob-vpn1', 'bob-vpn2']) {
        const entry = vpnEntry({ ...vpn, login, ipv4Endpoint: null, ipv4Subnets: [] }, VPN_BASE_DN)
        await putEntry(entry.dn, entry.attributes, client)
      }
      return listEntries(VPN_BASE_DN, client)
    }, ldap.settings())
    expect(entries.map((e) => e.dn).toSorted()).toEqual(
      ['cn=alice-vpn1', 'cn=bob-vpn1', 'cn=bob-vpn2', 'cn=other'].map((rdn) => `${rdn},${VPN_BASE_DN}`),
    )
    expect(entries.find((e) => e.dn.startsWith('cn=bob-vpn2'))?.attributes).toMatchObject({ cn: ['bob-vpn2'], dialupAccess: ['yes'] })
  })

  test('removeEntry removes the entry; removing it again is fine', async () => {
    const dn = `cn=bob-vpn2,${VPN_BASE_DN}`
    expect(await removeEntry(dn, ldap.settings())).toBe(true)
    expect(await readEntry(dn, ldap.settings())).toBeNull()
    expect(await removeEntry(dn, ldap.settings())).toBe(false)
  })

  test('a login with DN specials is escaped: written, read, bound, listed and removed', async () => {
    const settings = ldap.settings()
    const entry = vpnEntry({ ...vpn, login: 'dupont, jean+vpn=1 ', passwordHash: sshaHash('p,w') }, VPN_BASE_DN)
    expect(entry.dn).toBe(`cn=dupont\\, jean\\+vpn\\=1\\ ,${VPN_BASE_DN}`)
    expect(await putEntry(entry.dn, entry.attributes, settings)).toBe('added')
    expect(await putEntry(entry.dn, entry.attributes, settings)).toBe('unchanged')
    expect((await readEntry(entry.dn, settings))?.cn).toEqual(['dupont, jean+vpn=1 '])
    expect(await canBind(entry.dn, 'p,w', settings)).toBe(true)
    // slapd answers cn=dupont\2C jean…; listEntries gives the DN back as Coin wrote it.
    const listed = await listEntries(VPN_BASE_DN, settings)
    expect(listed.find((e) => e.attributes.cn?.[0] === 'dupont, jean+vpn=1 ')?.dn).toBe(entry.dn)
    expect(await removeEntry(entry.dn, settings)).toBe(true)
  })

  test('a member entry with {ARGON2} + the Coin hash lets the member bind with their password (argon2 module)', async () => {
    const settings = ldap.settings()
    const member = { id: 7, username: 'zoe', firstName: 'Zoé', lastName: 'Durand', email: 'zoe@example.org', passwordHash: await hashPassword('zoé-mot-de-passe') }
    const entry = memberEntry(member, MEMBERS_BASE_DN, { uidBase: 10000, gid: 10000 })
    expect(entry.attributes.userPassword?.[0]).toMatch(/^\{ARGON2\}\$argon2id\$v=19\$/)
    expect(await putEntry(entry.dn, entry.attributes, settings)).toBe('added')
    expect(await readEntry(`uid=zoe,${MEMBERS_BASE_DN}`, settings)).toMatchObject({
      uid: ['zoe'],
      sn: ['Durand'],
      givenName: ['Zoé'],
      uidNumber: ['10007'],
      gidNumber: ['10000'],
      homeDirectory: ['/home/zoe'],
    })
    expect(await canBind(entry.dn, 'zoé-mot-de-passe', settings)).toBe(true)
    expect(await canBind(entry.dn, 'zoe-mot-de-passe', settings)).toBe(false)

    // A password change is one modification, after which only the new password works.
    const changed = memberEntry({ ...member, passwordHash: await hashPassword('nouveau') }, MEMBERS_BASE_DN, { uidBase: 10000, gid: 10000 })
    expect(await putEntry(changed.dn, changed.attributes, settings)).toBe('modified')
    expect(await canBind(entry.dn, 'nouveau', settings)).toBe(true)
    expect(await canBind(entry.dn, 'zoé-mot-de-passe', settings)).toBe(false)

    // No password any more: the attribute goes, and nobody binds.
    expect(await putEntry(changed.dn, memberEntry({ ...member, passwordHash: null }, MEMBERS_BASE_DN, { uidBase: 10000, gid: 10000 }).attributes, settings)).toBe('modified')
    expect(await readEntry(entry.dn, settings)).not.toHaveProperty('userPassword')
    expect(await canBind(entry.dn, 'nouveau', settings)).toBe(false)
  })

  test('a missing base DN is named', async () => {
    const settings = ldap.settings()
    expect(await failure(listEntries(`ou=nope,${SUFFIX}`, settings))).toEqual({ kind: 'no-such-base', message: `no such base DN ou=nope,${SUFFIX}` })
    const entry = vpnEntry(vpn, `ou=nope,${SUFFIX}`)
    expect(await failure(putEntry(entry.dn, entry.attributes, settings))).toEqual({ kind: 'no-such-base', message: `no such base DN ou=nope,${SUFFIX}` })
  })

  test('an entry the schema refuses is reported with the DN and the reason', async () => {
    const settings = ldap.settings()
    const { message, kind } = await failure(putEntry(`cn=bad,${VPN_BASE_DN}`, { objectClass: ['person'], cn: ['bad'] }, settings))
    expect(kind).toBe('refused')
    expect(message).toMatch(new RegExp(`^LDAP refused to add cn=bad,${VPN_BASE_DN}: object class violation`))
  })

  test('a wrong bind password: a clear message without the password', async () => {
    const result = await failure(putEntry(`cn=x,${VPN_BASE_DN}`, {}, ldap.settings({ bindPassword: 'not-the-admin-secret' })))
    expect(result).toEqual({ kind: 'bind', message: `LDAP bind refused for ${ADMIN_DN}: invalid credentials` })
    expect(result.message).not.toContain('not-the-admin-secret')
    expect(result.message).not.toContain(ADMIN_PASSWORD)
  })

  test('LDAP stopped: the client fails fast with "unreachable"; restarted, the data is there and writes work', async () => {
    const settings = ldap.settings({ timeoutMs: 5000 })
    await ldap.stop()
    try {
      const started = Date.now()
      expect(await failure(readEntry(`cn=alice-vpn1,${VPN_BASE_DN}`, settings))).toEqual({
        kind: 'unreachable',
        message: `LDAP unreachable at ${ldap.url}: ECONNREFUSED`,
      })
      expect(Date.now() - started).toBeLessThan(1000)
    } finally {
      await ldap.start()
    }
    expect((await readEntry(`cn=alice-vpn1,${VPN_BASE_DN}`, settings))?.cn).toEqual(['alice-vpn1'])
    const entry = vpnEntry({ ...vpn, login: 'after-restart' }, VPN_BASE_DN)
    expect(await putEntry(entry.dn, entry.attributes, settings)).toBe('added')
  })

  test('a server that accepts the connection and never answers: the operation times out', async () => {
    const sockets = new Set<net.Socket>()
    const silent = net.createServer((socket) => sockets.add(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const address = silent.address()
    const url = `ldap://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
    try {
      const started = Date.now()
      expect(await failure(readEntry(`cn=x,${VPN_BASE_DN}`, ldap.settings({ url, timeoutMs: 300 })))).toEqual({
        kind: 'timeout',
        message: `LDAP at ${url} did not answer in time`,
      })
      expect(Date.now() - started).toBeLessThan(2000)
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => silent.close(resolve))
    }
  })

  test("an error in the caller's own work passes through withLdap unchanged, and the client is released", async () => {
    const bug = new TypeError('not an LDAP problem')
    await expect(withLdap(() => Promise.reject(bug), ldap.settings())).rejects.toBe(bug)
    const raw = await failure(withLdap((client) => client.add(`cn=x,${VPN_BASE_DN}`, { objectClass: ['person'], cn: 'x' }), ldap.settings()))
    expect(raw).toEqual({ kind: 'refused', message: `LDAP at ${ldap.url} refused: object class violation (object class 'person' requires attribute 'sn')` })
  })

  test('LDAP off: no settings, and a call without a connection says so', async () => {
    expect(ldapSettings({ LDAP_URL: undefined, LDAP_BIND_DN: undefined, LDAP_BIND_PASSWORD: undefined, LDAP_STARTTLS: false, LDAP_TLS_CA_FILE: undefined, LDAP_TLS_REJECT_UNAUTHORIZED: true, LDAP_TIMEOUT_MS: 5000 })).toBeNull()
    expect(await failure(readEntry(`cn=x,${VPN_BASE_DN}`))).toEqual({ kind: 'off', message: 'LDAP is off: LDAP_URL is not set' })
  })

  describe.skipIf(!openssl)('TLS', () => {
    test('StartTLS with the CA file: binds and reads', async () => {
      const settings = ldap.settings({ startTls: true, tlsCaFile: ldap.caFile })
      expect((await readEntry(`cn=alice-vpn1,${VPN_BASE_DN}`, settings))?.cn).toEqual(['alice-vpn1'])
    })

    test('ldaps:// with the CA file: binds and reads', async () => {
      const settings = ldap.settings({ url: ldap.ldapsUrl, tlsCaFile: ldap.caFile })
      expect((await readEntry(`cn=alice-vpn1,${VPN_BASE_DN}`, settings))?.cn).toEqual(['alice-vpn1'])
    })

    test('a certificate that does not verify is refused before the password is sent, unless told to accept it', async () => {
      for (const settings of [ldap.settings({ startTls: true }), ldap.settings({ url: ldap.ldapsUrl })]) {
        const { kind, message } = await failure(readEntry(`cn=alice-vpn1,${VPN_BASE_DN}`, settings))
        expect(kind).toBe('tls')
        expect(message).toMatch(/^LDAP TLS handshake at ldaps?:\/\/127\.0\.0\.1:\d+ failed: self[- ]signed certificate/)
      }
      const lax = ldap.settings({ startTls: true, tlsRejectUnauthorized: false })
      expect((await readEntry(`cn=alice-vpn1,${VPN_BASE_DN}`, lax))?.cn).toEqual(['alice-vpn1'])
    })
  })
})

/** The access rules docs/ldap.md recommends, for this test server's suffix. */
function documentedAccess() {
  const docs = fs.readFileSync('docs/ldap.md', 'utf8')
  const block = /```\n(# Coin's access rules[^\n]*\n[\s\S]*?)```/.exec(docs)
  if (!block) throw new Error("docs/ldap.md has no block starting with # Coin's access rules")
  return block[1].replaceAll('dc=example,dc=org', SUFFIX).trimEnd().split('\n')
}

describe.skipIf(missing)('the access rules docs/ldap.md recommends', () => {
  const coinDn = `cn=coin,${SUFFIX}`
  let ldap: Slapd
  beforeAll(async () => {
    // Followed by Debian's default rules, which let Coin's own account bind.
    ldap = await startSlapd({ access: [...documentedAccess(), 'access to attrs=userPassword by self write by anonymous auth by * none', 'access to * by * read'] })
    await withLdap((client) => client.add(coinDn, { objectClass: ['person'], cn: 'coin', sn: 'coin', userPassword: sshaHash('coin-bind-secret') }), ldap.settings())
  })
  afterAll(async () => {
    await ldap?.close()
  })

  test('are enough for Coin: it writes, compares (it reads userPassword) and removes both kinds of entries', async () => {
    const coin = ldap.settings({ bindDn: coinDn, bindPassword: 'coin-bind-secret' })
    const account = vpnEntry(vpn, VPN_BASE_DN)
    const member = memberEntry({ id: 1, username: 'max', firstName: 'Max', lastName: 'Roux', email: 'max@example.org', passwordHash: await hashPassword('max-pw') }, MEMBERS_BASE_DN, { uidBase: 10000, gid: 10000 })
    for (const entry of [account, member]) {
      expect(await putEntry(entry.dn, entry.attributes, coin)).toBe('added')
      expect(await putEntry(entry.dn, entry.attributes, coin)).toBe('unchanged')
    }
    expect((await listEntries(VPN_BASE_DN, coin)).map((e) => e.dn)).toEqual([account.dn])
    expect(await canBind(account.dn, 'vpn-password-1', coin)).toBe(true)
    expect(await canBind(member.dn, 'max-pw', coin)).toBe(true)

    // An account reads the entries but no password hash.
    const asMember = ldap.settings({ bindDn: member.dn, bindPassword: 'max-pw' })
    expect(await readEntry(account.dn, asMember)).toMatchObject({ cn: ['alice-vpn1'] })
    expect(await readEntry(account.dn, asMember)).not.toHaveProperty('userPassword')
    expect(await readEntry(member.dn, asMember)).not.toHaveProperty('userPassword')
    const refused = await failure(removeEntry(account.dn, asMember))
    expect(refused).toEqual({ kind: 'refused', message: `LDAP refused to delete ${account.dn}: insufficient access (no write access to parent)` })

    expect(await removeEntry(account.dn, coin)).toBe(true)
    expect(await removeEntry(member.dn, coin)).toBe(true)
  })
})
