import { describe, expect, test } from 'vitest'
import { vpnLoginCandidates } from '#app/backends/vpn/login.ts'
import { ovpnFile, ovpnFileName } from '#app/backends/vpn/ovpn.ts'
import { VpnEditSchema } from '#app/backends/vpn/vpn.schema.ts'
import { parseEnv } from '#app/utils/env.server.ts'

describe('VPN logins', () => {
  test("Coin's rule: the username with '.' as '-', then -vpn1 … -vpn100", () => {
    const candidates = vpnLoginCandidates('jean.dupont')
    expect(candidates.slice(0, 2)).toEqual(['jean-dupont-vpn1', 'jean-dupont-vpn2'])
    expect(candidates).toHaveLength(100)
    expect(candidates.at(-1)).toBe('jean-dupont-vpn100')
  })

  test('staff type a login without dots and endpoints of the right family', () => {
    const parse = (form: Record<string, string>) => VpnEditSchema.safeParse({ login: 'a-vpn1', ipv4Endpoint: '', ipv6Endpoint: '', ...form })
    expect(parse({ login: 'a.b' }).error?.issues[0]?.message).toBe('vpn:errors.loginInvalid')
    expect(parse({ ipv4Endpoint: '2001:db8::1' }).error?.issues[0]?.message).toBe('vpn:errors.notIpv4')
    expect(parse({ ipv4Endpoint: '192.0.2.1/24' }).error?.issues[0]?.message).toBe('vpn:errors.notIpv4')
    expect(parse({ ipv6Endpoint: '192.0.2.1' }).error?.issues[0]?.message).toBe('vpn:errors.notIpv6')
    expect(parse({ ipv4Endpoint: ' 192.0.2.1 ', ipv6Endpoint: '2001:db8::1' }).data).toMatchObject({ ipv4Endpoint: '192.0.2.1', ipv6Endpoint: '2001:db8::1', activated: false })
  })
})

describe('the OpenVPN client file', () => {
  const settings = { server: 'vpn.example.net', port: 1195, protocol: 'tcp' as const, caCertificate: '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n' }
  test('names the server, port and protocol, asks for the password, and carries the CA inline', () => {
    const file = ovpnFile({ login: 'a-vpn1', ispName: 'FAI', accountUrl: 'https://coin.fai.example/vpn/3' }, settings)
    expect(file.split('\n')).toEqual(expect.arrayContaining(['# Account and new password: https://coin.fai.example/vpn/3', 'client', 'proto tcp', 'remote vpn.example.net 1195', 'auth-user-pass', '<ca>', '-----END CERTIFICATE-----', '</ca>']))
    expect(ovpnFileName('a-vpn1')).toBe('a-vpn1.ovpn')
  })

  test('a line break in the ISP name cannot start a directive', () => {
    const file = ovpnFile({ login: 'a-vpn1', ispName: 'FAI\nup /bin/sh', accountUrl: 'https://coin.fai.example/vpn/3' }, settings)
    expect(file.split('\n').filter((line) => line.startsWith('up '))).toEqual([])
  })
})

test('the LDAP base DNs are written back in one form and must be apart', () => {
  const ldap = { LDAP_URL: 'ldap://127.0.0.1', LDAP_BIND_DN: 'cn=admin,dc=x', LDAP_BIND_PASSWORD: 'secret' }
  expect(parseEnv({ ...ldap, VPN_CONF_BASE_DN: 'ou=vpn, dc=x' }).VPN_CONF_BASE_DN).toBe('ou=vpn,dc=x')
  expect(() => parseEnv({ ...ldap, VPN_CONF_BASE_DN: 'ou=people,dc=x', LDAP_MEMBERS_BASE_DN: 'OU=People,dc=x' })).toThrow('LDAP_MEMBERS_BASE_DN: must be apart from VPN_CONF_BASE_DN')
  expect(() => parseEnv({ ...ldap, VPN_CONF_BASE_DN: 'ou=vpn,ou=people,dc=x', LDAP_MEMBERS_BASE_DN: 'ou=people,dc=x' })).toThrow('must be apart')
  expect(parseEnv({ ...ldap, VPN_CONF_BASE_DN: 'ou=vpn,dc=x', LDAP_MEMBERS_BASE_DN: 'ou=people,dc=x' }).LDAP_MEMBERS_BASE_DN).toBe('ou=people,dc=x')
})
