/**
 * VPN logins (Coin's VPNConfiguration.clean): `<username with "." as "->-vpn<k>` for the first k
 * in 1..100 that is free. No "." because graphite, which draws the VPN traffic, splits names on it.
 */
export const VPN_LOGIN_MAX_INDEX = 100

export const vpnLoginBase = (username: string) => username.replaceAll('.', '-')

/** The logins Coin may generate for a member, in the order it tries them. */
export function vpnLoginCandidates(username: string) {
  const base = vpnLoginBase(username)
  return Array.from({ length: VPN_LOGIN_MAX_INDEX }, (_, i) => `${base}-vpn${i + 1}`)
}

/** A login typed by staff: letters, digits, "-" and "_", 1 to 50 characters, no ".". */
export const VPN_LOGIN_PATTERN = /^[A-Za-z0-9_-]{1,50}$/
