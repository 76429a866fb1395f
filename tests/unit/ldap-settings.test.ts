import { describe, expect, test } from 'vitest'
import { ldapSettings } from '#app/integrations/ldap/client.server.ts'
import { parseEnv } from '#app/utils/env.server.ts'

const LDAP = { LDAP_URL: 'ldap://ldap.example.org', LDAP_BIND_DN: 'cn=coin,dc=example,dc=org', LDAP_BIND_PASSWORD: 'b1nd-s3cret' }

describe('LDAP and OpenVPN settings', () => {
  test('defaults: LDAP off, OpenVPN on udp/1194 with no server', () => {
    const env = parseEnv({})
    expect(env).toMatchObject({
      LDAP_URL: undefined,
      VPN_CONF_BASE_DN: '',
      LDAP_MEMBERS_BASE_DN: undefined,
      LDAP_MEMBERS_UID_BASE: 10000,
      LDAP_MEMBERS_GID: 10000,
      LDAP_STARTTLS: false,
      LDAP_TLS_REJECT_UNAUTHORIZED: true,
      LDAP_TIMEOUT_MS: 5000,
      OPENVPN_SERVER: '',
      OPENVPN_PORT: 1194,
      OPENVPN_PROTOCOL: 'udp',
      OPENVPN_CA_FILE: undefined,
    })
    expect(ldapSettings(env)).toBeNull()
  })

  test('a complete LDAP configuration becomes the client settings', () => {
    const env = parseEnv({ ...LDAP, VPN_CONF_BASE_DN: 'ou=vpn,dc=example,dc=org', LDAP_STARTTLS: 'yes', LDAP_TLS_CA_FILE: 'package.json', LDAP_TIMEOUT_MS: '2500' })
    expect(env.VPN_CONF_BASE_DN).toBe('ou=vpn,dc=example,dc=org')
    expect(ldapSettings(env)).toEqual({
      url: 'ldap://ldap.example.org',
      bindDn: 'cn=coin,dc=example,dc=org',
      bindPassword: 'b1nd-s3cret',
      startTls: true,
      tlsCaFile: 'package.json',
      tlsRejectUnauthorized: true,
      timeoutMs: 2500,
    })
  })

  test.each([
    [{ LDAP_URL: 'http://ldap.example.org' }, 'LDAP_URL: expected an ldap:// or ldaps:// URL (got "http://ldap.example.org")'],
    [{ LDAP_URL: 'ldap://ldap.example.org/dc=example,dc=org' }, 'LDAP_URL: expected only a scheme, a host and a port, e.g. ldap://ldap.example.org:389 (got "ldap://ldap.example.org/dc=example,dc=org")'],
    [{ LDAP_URL: 'ldap://ldap.example.org' }, 'LDAP_BIND_DN: required when LDAP_URL is set'],
    [{ ...LDAP, LDAP_BIND_PASSWORD: '' }, 'LDAP_BIND_PASSWORD: required when LDAP_URL is set'],
    [{ ...LDAP, LDAP_URL: 'ldaps://ldap.example.org', LDAP_STARTTLS: 'true' }, 'LDAP_STARTTLS: not with an ldaps:// LDAP_URL, which is TLS from the start (got "true")'],
    [{ ...LDAP, LDAP_BIND_DN: 'admin' }, 'LDAP_BIND_DN: expected a DN such as cn=coin,dc=example,dc=org (got "admin")'],
    [{ VPN_CONF_BASE_DN: 'vpn' }, 'VPN_CONF_BASE_DN: expected a DN such as ou=vpn,dc=example,dc=org (got "vpn")'],
    [{ LDAP_MEMBERS_BASE_DN: 'members' }, 'LDAP_MEMBERS_BASE_DN: expected a DN such as ou=members,dc=example,dc=org (got "members")'],
    [{ LDAP_MEMBERS_UID_BASE: '-1' }, 'LDAP_MEMBERS_UID_BASE: expected a number between 0 and 2000000000 (got "-1")'],
    [{ LDAP_MEMBERS_GID: 'users' }, 'LDAP_MEMBERS_GID: expected a number (got "users")'],
    [{ LDAP_STARTTLS: 'sometimes' }, 'LDAP_STARTTLS: expected true or false (got "sometimes")'],
    [{ LDAP_TLS_CA_FILE: '/nonexistent/ca.pem' }, 'LDAP_TLS_CA_FILE: expected the path of a readable file (no such file, or not readable) (got "/nonexistent/ca.pem")'],
    [{ LDAP_TLS_CA_FILE: 'app' }, 'LDAP_TLS_CA_FILE: expected the path of a readable file (no such file, or not readable) (got "app")'],
    [{ LDAP_TIMEOUT_MS: '10' }, 'LDAP_TIMEOUT_MS: expected between 100 and 600000 milliseconds (got "10")'],
    [{ OPENVPN_SERVER: 'vpn example org' }, 'OPENVPN_SERVER: expected a host name or an IP address, e.g. vpn.example.org (got "vpn example org")'],
    [{ OPENVPN_PORT: '0' }, 'OPENVPN_PORT: expected a port between 1 and 65535 (got "0")'],
    [{ OPENVPN_PROTOCOL: 'sctp' }, 'OPENVPN_PROTOCOL: expected udp or tcp (got "sctp")'],
    [{ OPENVPN_CA_FILE: 'missing-ca.crt' }, 'OPENVPN_CA_FILE: expected the path of a readable file (no such file, or not readable) (got "missing-ca.crt")'],
  ])('%o is refused with a one-line message', (source, message) => {
    expect(() => parseEnv(source)).toThrow(`Invalid configuration: ${message}`)
  })

  test.each(['vpn.example.org', 'vpn', '192.0.2.1', '2001:db8::1'])('OPENVPN_SERVER=%s is accepted', (host) => {
    expect(parseEnv({ OPENVPN_SERVER: host }).OPENVPN_SERVER).toBe(host)
  })

  test('the bind password never appears in a configuration error', () => {
    for (const source of [{ ...LDAP, LDAP_BIND_DN: 'coin' }, { ...LDAP, LDAP_URL: 'ldaps://x', LDAP_STARTTLS: 'true' }, { ...LDAP, LDAP_TIMEOUT_MS: 'soon' }]) {
      expect(() => parseEnv(source)).toThrow(/^Invalid configuration: /)
      expect(() => parseEnv(source)).not.toThrow(/b1nd-s3cret/)
    }
  })
})
