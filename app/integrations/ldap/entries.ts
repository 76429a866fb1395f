import { createHash, randomBytes } from 'node:crypto'
import { formatCidr, formatHost } from '#app/models/ip/address.ts'

/**
 * The LDAP entries Coin writes, built from plain values (no I/O). Every managed attribute is a
 * key of `attributes`; an empty list means "absent", so `putEntry` deletes it from an entry that
 * has it. docs/ldap.md describes both layouts.
 */
export type LdapAttributes = Record<string, string[]>
export type LdapEntry = { dn: string; attributes: LdapAttributes }

/**
 * `{SSHA}` + base64(sha1(password + salt) + salt), as Coin's `ldap_hash` (8 random salt bytes).
 * slapd checks it natively, so OpenVPN/FreeRADIUS binds as the VPN account with the clear password.
 */
export function sshaHash(password: string, salt: Buffer = randomBytes(8)) {
  const digest = createHash('sha1').update(password, 'utf8').update(salt).digest()
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`
}

/**
 * One attribute value escaped for use in a DN (RFC 4514 §2.4): `,+"\<>;=` get a backslash, as do
 * a leading `#` or space and a trailing space; NUL becomes `\00`.
 */
export function escapeDnValue(value: string) {
  const chars = [...value]
  return chars
    .map((char, i) => {
      if (char === '\0') return '\\00'
      if (',+"\\<>;='.includes(char)) return `\\${char}`
      if (i === 0 && (char === '#' || char === ' ')) return `\\${char}`
      if (i === chars.length - 1 && char === ' ') return `\\${char}`
      return char
    })
    .join('')
}

/**
 * A DN in one comparable form: attribute types and values lower-cased (Coin's RDN attributes
 * match without case), values unescaped and escaped again as `escapeDnValue` does. slapd answers
 * `cn=a\2Cb,…` for the entry added as `cn=a\,b,…`; both normalize to `cn=a\,b,…`.
 */
export function normalizeDn(dn: string) {
  return formatDn(dn).toLowerCase()
}

/** A DN with each value escaped as `escapeDnValue` does, case kept. */
export function formatDn(dn: string) {
  if (!dn.trim()) return ''
  return splitUnescaped(dn, ',')
    .map((rdn) =>
      splitUnescaped(rdn, '+')
        .map((pair) => {
          const equals = pair.indexOf('=')
          if (equals < 0) return pair
          return `${pair.slice(0, equals).trim()}=${escapeDnValue(unescapeDnValue(pair.slice(equals + 1)))}`
        })
        .join('+'),
    )
    .join(',')
}

/** Splits at each `separator` not escaped by a backslash. */
function splitUnescaped(text: string, separator: ',' | '+') {
  const parts: string[] = []
  let current = ''
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && i + 1 < text.length) {
      current += text.slice(i, i + 2)
      i++
    } else if (text[i] === separator) {
      parts.push(current)
      current = ''
    } else {
      current += text[i]
    }
  }
  parts.push(current)
  return parts
}

/** `\2C` (a UTF-8 byte in hex) and `\,` both stand for the character itself. */
function unescapeDnValue(value: string) {
  const chars = [...value]
  const bytes: number[] = []
  for (let i = 0; i < chars.length; i++) {
    const hex = chars.slice(i + 1, i + 3).join('')
    if (chars[i] === '\\' && /^[0-9a-f]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16))
      i += 2
      continue
    }
    if (chars[i] === '\\' && i + 1 < chars.length) i++
    bytes.push(...Buffer.from(chars[i], 'utf8'))
  }
  return Buffer.from(bytes).toString('utf8')
}

const present = (value: string | null | undefined) => (value ? [value] : [])

export type VpnEntryInput = {
  login: string
  /** The `{SSHA}` hash; null when the account has no password yet. */
  passwordHash: string | null
  activated: boolean
  ipv4Endpoint: string | null
  ipv6Endpoint: string | null
  /** The configuration's IPv4 subnets (inet text: `10.1.0.0/24`, `10.1.0.5`). */
  ipv4Subnets: readonly string[]
  ipv6Subnets: readonly string[]
}

/**
 * The OpenVPN account entry Coin writes (`cn=<login>,<baseDn>`), attribute for attribute as Coin's
 * `LdapVPNConfig`, so existing OpenVPN/FreeRADIUS setups read it unchanged. The IPv6 endpoint goes
 * in `postalAddress` and the IPv6 subnets in `registeredAddress`: radiusprofile has no IPv6
 * attributes, and those two accept any text.
 */
export function vpnEntry(vpn: VpnEntryInput, baseDn: string): LdapEntry {
  return {
    dn: `cn=${escapeDnValue(vpn.login)},${baseDn}`,
    attributes: {
      objectClass: ['person', 'organizationalPerson', 'inetOrgPerson', 'top', 'radiusprofile'],
      cn: [vpn.login],
      sn: [vpn.login],
      userPassword: present(vpn.passwordHash),
      dialupAccess: [vpn.activated ? 'yes' : 'no'],
      radiusFramedIPAddress: present(vpn.ipv4Endpoint && formatHost(vpn.ipv4Endpoint)),
      postalAddress: present(vpn.ipv6Endpoint && formatHost(vpn.ipv6Endpoint)),
      radiusFramedRoute: vpn.ipv4Subnets.map(formatCidr),
      registeredAddress: vpn.ipv6Subnets.map(formatCidr),
    },
  }
}

export type MemberEntryInput = {
  id: number
  username: string
  firstName: string
  lastName: string
  /** For a legal entity: its name stands in for the last name. */
  organizationName?: string
  /** Empty: "first last" (Coin's default). */
  displayName?: string
  email: string
  /** The member's Coin password hash (argon2id PHC string); null when they have none. */
  passwordHash: string | null
}

export type MemberEntryOptions = {
  /** uidNumber = uidBase + member id (LDAP_MEMBERS_UID_BASE), stable and unique without a lookup. */
  uidBase: number
  /** gidNumber of every member (LDAP_MEMBERS_GID). */
  gid: number
}

/**
 * A member's POSIX account (`uid=<username>,<baseDn>`). `userPassword` is `{ARGON2}` + the Coin
 * hash, which slapd's argon2 module verifies, so other services bind with the member's password.
 */
export function memberEntry(member: MemberEntryInput, baseDn: string, options: MemberEntryOptions): LdapEntry {
  const firstName = member.firstName.trim()
  const lastName = member.lastName.trim()
  const organizationName = member.organizationName?.trim() ?? ''
  const displayName =
    member.displayName?.trim() || `${firstName} ${lastName}`.trim() || organizationName || member.username
  return {
    dn: `uid=${escapeDnValue(member.username)},${baseDn}`,
    attributes: {
      objectClass: ['inetOrgPerson', 'organizationalPerson', 'person', 'posixAccount', 'top'],
      uid: [member.username],
      cn: [member.username],
      sn: [lastName || organizationName || member.username],
      givenName: present(firstName),
      displayName: [displayName],
      mail: present(member.email.trim()),
      uidNumber: [String(options.uidBase + member.id)],
      gidNumber: [String(options.gid)],
      homeDirectory: [`/home/${member.username}`],
      loginShell: ['/bin/false'],
      userPassword: present(member.passwordHash && `{ARGON2}${member.passwordHash}`),
    },
  }
}
