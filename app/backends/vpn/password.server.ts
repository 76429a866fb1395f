import { randomInt } from 'node:crypto'

/** Letters and digits that read the same in any font (no 0/O, 1/l/I). */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/**
 * A new VPN password: 16 characters of a 55-letter alphabet (about 92 bits), shown once to the
 * member and stored only as its {SSHA} hash (what OpenVPN's LDAP/RADIUS side checks).
 */
export function generateVpnPassword(length = 16) {
  return Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')
}
