import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { differingAttributes } from '#app/integrations/ldap/client.server.ts'
import { escapeDnValue, formatDn, memberEntry, normalizeDn, sshaHash, vpnEntry } from '#app/integrations/ldap/entries.ts'

const BASE = 'ou=vpn,dc=example,dc=org'

describe('sshaHash', () => {
  test('is {SSHA} + base64(sha1(password + salt) + salt), as Coin and slapd compute it', () => {
    // Computed independently: python3 hashlib.sha1('motdepasse-é'.encode() + bytes(range(1, 9))).
    expect(sshaHash('motdepasse-é', Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]))).toBe('{SSHA}8zGuTdDdC0JlsQdNiXa+K4CUwlcBAgMEBQYHCA==')
  })

  test('draws a fresh 8-byte salt each time', () => {
    const first = sshaHash('same password')
    const second = sshaHash('same password')
    expect(first).not.toBe(second)
    const raw = Buffer.from(first.slice('{SSHA}'.length), 'base64')
    expect(raw).toHaveLength(20 + 8)
    const salt = raw.subarray(20)
    expect(createHash('sha1').update('same password').update(salt).digest()).toEqual(raw.subarray(0, 20))
  })
})

describe('escapeDnValue (RFC 4514)', () => {
  test.each([
    ['alice-vpn1', 'alice-vpn1'],
    ['a,b', 'a\\,b'],
    ['a+b=c', 'a\\+b\\=c'],
    ['"q"<x>;', '\\"q\\"\\<x\\>\\;'],
    ['back\\slash', 'back\\\\slash'],
    ['#hash', '\\#hash'],
    ['mid#hash', 'mid#hash'],
    [' lead', '\\ lead'],
    ['trail ', 'trail\\ '],
    [' ', '\\ '],
    ['a\\ ', 'a\\\\\\ '],
    ['in side', 'in side'],
    ['nul\0', 'nul\\00'],
    ['Zoé', 'Zoé'],
  ])('%j → %j', (value, escaped) => {
    expect(escapeDnValue(value)).toBe(escaped)
  })
})

describe('formatDn and normalizeDn', () => {
  test.each([
    // slapd's answers for entries added with escapeDnValue's escapes
    ['cn=dupont\\2C jean\\2Bvpn\\3D1\\20,ou=vpn,dc=coin,dc=test', 'cn=dupont\\, jean\\+vpn\\=1\\ ,ou=vpn,dc=coin,dc=test'],
    ['cn=\\23x,ou=vpn,dc=coin,dc=test', 'cn=\\#x,ou=vpn,dc=coin,dc=test'],
    ['cn=\\20lead,ou=vpn,dc=coin,dc=test', 'cn=\\ lead,ou=vpn,dc=coin,dc=test'],
    ['cn=a\\22b\\3Cc\\3E\\3Bd\\5Ce,ou=vpn', 'cn=a\\"b\\<c\\>\\;d\\\\e,ou=vpn'],
    ['cn=Zo\\C3\\A9,ou=vpn', 'cn=Zoé,ou=vpn'],
    ['cn=Zoé,ou=vpn', 'cn=Zoé,ou=vpn'],
    ['uid=a\\,b+cn=x, ou=m', 'uid=a\\,b+cn=x,ou=m'],
    ['', ''],
  ])('%s → %s', (dn, formatted) => {
    expect(formatDn(dn)).toBe(formatted)
  })

  test('normalizeDn makes an escaped DN and its hex-escaped, differently cased twin equal', () => {
    const written = vpnEntry({ login: 'Dupont, Jean', passwordHash: null, activated: true, ipv4Endpoint: null, ipv6Endpoint: null, ipv4Subnets: [], ipv6Subnets: [] }, 'ou=vpn,DC=coin,DC=test').dn
    expect(normalizeDn(written)).toBe(normalizeDn('cn=Dupont\\2C Jean,ou=vpn,dc=coin,dc=test'))
    expect(normalizeDn(written)).toBe('cn=dupont\\, jean,ou=vpn,dc=coin,dc=test')
  })
})

describe('differingAttributes', () => {
  test('names the wanted attributes LDAP does not hold exactly; names and object classes without case', () => {
    const current = { objectClass: ['Person', 'top'], CN: ['a'], sn: ['x'], mail: ['a@example.org'], description: ['not managed'] }
    expect(differingAttributes(current, { objectclass: ['top', 'person'], cn: ['a'], sn: ['x'] })).toEqual([])
    expect(differingAttributes(current, { cn: ['A'], sn: ['x', 'y'], mail: [], givenName: [] })).toEqual(['cn', 'sn', 'mail'])
  })
})

describe('vpnEntry', () => {
  const vpn = {
    login: 'alice-vpn1',
    passwordHash: '{SSHA}8zGuTdDdC0JlsQdNiXa+K4CUwlcBAgMEBQYHCA==',
    activated: true,
    ipv4Endpoint: '10.1.0.1',
    ipv6Endpoint: '2001:db8:42::1',
    ipv4Subnets: ['10.1.0.1', '10.1.2.0/24'],
    ipv6Subnets: ['2001:db8:42::/56'],
  }

  test("Coin's layout: person + radiusprofile, IPv6 in postalAddress and registeredAddress", () => {
    expect(vpnEntry(vpn, BASE)).toEqual({
      dn: 'cn=alice-vpn1,ou=vpn,dc=example,dc=org',
      attributes: {
        objectClass: ['person', 'organizationalPerson', 'inetOrgPerson', 'top', 'radiusprofile'],
        cn: ['alice-vpn1'],
        sn: ['alice-vpn1'],
        userPassword: ['{SSHA}8zGuTdDdC0JlsQdNiXa+K4CUwlcBAgMEBQYHCA=='],
        dialupAccess: ['yes'],
        radiusFramedIPAddress: ['10.1.0.1'],
        postalAddress: ['2001:db8:42::1'],
        // A single address as PostgreSQL prints it (no /32) is still written as CIDR.
        radiusFramedRoute: ['10.1.0.1/32', '10.1.2.0/24'],
        registeredAddress: ['2001:db8:42::/56'],
      },
    })
  })

  test('deactivated, no password, no endpoints, no subnets: the attributes are empty (to be absent)', () => {
    const { attributes } = vpnEntry({ ...vpn, activated: false, passwordHash: null, ipv4Endpoint: null, ipv6Endpoint: null, ipv4Subnets: [], ipv6Subnets: [] }, BASE)
    expect(attributes).toMatchObject({
      dialupAccess: ['no'],
      userPassword: [],
      radiusFramedIPAddress: [],
      postalAddress: [],
      radiusFramedRoute: [],
      registeredAddress: [],
    })
  })

  test('an endpoint given with its host prefix is written as a bare address', () => {
    const { attributes } = vpnEntry({ ...vpn, ipv4Endpoint: '10.1.0.1/32', ipv6Endpoint: '2001:db8:42::1/128' }, BASE)
    expect(attributes.radiusFramedIPAddress).toEqual(['10.1.0.1'])
    expect(attributes.postalAddress).toEqual(['2001:db8:42::1'])
  })

  test('a login with DN specials keeps the DN well-formed and cn verbatim', () => {
    const { dn, attributes } = vpnEntry({ ...vpn, login: 'dupont, jean+vpn1' }, BASE)
    expect(dn).toBe('cn=dupont\\, jean\\+vpn1,ou=vpn,dc=example,dc=org')
    expect(attributes.cn).toEqual(['dupont, jean+vpn1'])
  })
})

describe('memberEntry', () => {
  const member = {
    id: 42,
    username: 'alice',
    firstName: 'Alice',
    lastName: 'Martin',
    email: 'alice@example.org',
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA',
  }
  const options = { uidBase: 10000, gid: 10000 }

  test('a POSIX account whose password is the Coin hash behind {ARGON2}', () => {
    expect(memberEntry(member, 'ou=members,dc=example,dc=org', options)).toEqual({
      dn: 'uid=alice,ou=members,dc=example,dc=org',
      attributes: {
        objectClass: ['inetOrgPerson', 'organizationalPerson', 'person', 'posixAccount', 'top'],
        uid: ['alice'],
        cn: ['alice'],
        sn: ['Martin'],
        givenName: ['Alice'],
        displayName: ['Alice Martin'],
        mail: ['alice@example.org'],
        uidNumber: ['10042'],
        gidNumber: ['10000'],
        homeDirectory: ['/home/alice'],
        loginShell: ['/bin/false'],
        userPassword: [`{ARGON2}${member.passwordHash}`],
      },
    })
  })

  test('a legal entity: its name as sn and display name, no given name; no password, no userPassword', () => {
    const { attributes } = memberEntry(
      { ...member, firstName: '', lastName: '', organizationName: 'Association Illyse', passwordHash: null },
      'ou=members,dc=example,dc=org',
      { uidBase: 2000, gid: 2000 },
    )
    expect(attributes).toMatchObject({
      sn: ['Association Illyse'],
      givenName: [],
      displayName: ['Association Illyse'],
      uidNumber: ['2042'],
      gidNumber: ['2000'],
      userPassword: [],
    })
  })

  test('nothing but a username: sn and display name fall back to it; an explicit display name wins', () => {
    const bare = { ...member, firstName: '', lastName: '', email: '' }
    expect(memberEntry(bare, 'ou=m', options).attributes).toMatchObject({ sn: ['alice'], displayName: ['alice'], mail: [] })
    expect(memberEntry({ ...member, displayName: 'Alice M.' }, 'ou=m', options).attributes.displayName).toEqual(['Alice M.'])
  })

  test('a username with DN specials is escaped in the DN only', () => {
    const { dn, attributes } = memberEntry({ ...member, username: 'a,b' }, 'ou=m', options)
    expect(dn).toBe('uid=a\\,b,ou=m')
    expect(attributes.uid).toEqual(['a,b'])
  })
})
