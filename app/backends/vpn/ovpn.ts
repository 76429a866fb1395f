/**
 * A ready OpenVPN client file for an account (beyond Coin): the ISP's server, port and protocol
 * from the settings, its CA certificate inline, and the login; the password is asked by the
 * client (`auth-user-pass`), never written in the file.
 */
export type OvpnSettings = { server: string; port: number; protocol: 'udp' | 'tcp'; caCertificate: string | null }

export function ovpnFile({ login, ispName, accountUrl }: { login: string; ispName: string; accountUrl: string }, { server, port, protocol, caCertificate }: OvpnSettings) {
  // Comment lines: a line break in a name must not start a directive.
  const comment = (text: string) => `# ${text.replace(/[\r\n]+/g, ' ')}`
  const lines = [
    comment(`${ispName} — OpenVPN`),
    comment(`Login: ${login}`),
    comment(`Account and new password: ${accountUrl}`),
    'client',
    'dev tun',
    `proto ${protocol}`,
    `remote ${server} ${port}`,
    'resolv-retry infinite',
    'nobind',
    'persist-key',
    'persist-tun',
    'remote-cert-tls server',
    'auth-user-pass',
    'auth-nocache',
    'verb 3',
  ]
  if (caCertificate) lines.push('<ca>', caCertificate.trim(), '</ca>')
  return `${lines.join('\n')}\n`
}

/** A file name from a login: the characters a login has (letters, digits, - and _). */
export const ovpnFileName = (login: string) => `${login.replace(/[^A-Za-z0-9_-]/g, '_')}.ovpn`
