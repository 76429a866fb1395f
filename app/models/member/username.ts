/** Longest username Coin generates (Django's historic limit). */
export const USERNAME_MAX = 30

/**
 * The base of an automatic username, as Coin builds it: organisation name for a legal entity,
 * else the nickname, else the initial of each hyphen-separated part of the first name followed
 * by the last name; transliterated to ASCII, keeping letters, digits and `_ - .`, lower-cased,
 * at most 30 characters. "Gérard-Étienne" "Majax de la Boétie3" gives "gemajaxdelaboetie3".
 */
export function usernameBase(m: {
  type: 'NATURAL_PERSON' | 'LEGAL_ENTITY'
  organizationName?: string
  nickname?: string
  firstName?: string
  lastName?: string
}) {
  let base: string
  if (m.type === 'LEGAL_ENTITY') base = m.organizationName ?? ''
  else if (m.nickname) base = m.nickname
  else {
    const initials = (m.firstName ?? '')
      .split('-')
      .map((part) => part.trim().charAt(0))
      .join('')
    base = initials + (m.lastName ?? '')
  }
  return base
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_.-]/g, '')
    .toLowerCase()
    .slice(0, USERNAME_MAX)
}

/** The nth candidate for a base: base, base2, base3… truncated so the whole stays ≤ 30. */
export function usernameCandidate(base: string, n: number) {
  if (n <= 1) return base
  const suffix = String(n)
  return base.slice(0, USERNAME_MAX - suffix.length) + suffix
}

/** Coin's display name: organisation for a legal entity, else nickname, else "first last". */
export function displayName(m: { type: string; organizationName: string; nickname: string; firstName: string; lastName: string; username?: string }) {
  if (m.type === 'LEGAL_ENTITY' && m.organizationName) return m.organizationName
  if (m.nickname) return m.nickname
  const full = `${m.firstName} ${m.lastName}`.trim()
  return full || m.username || ''
}
