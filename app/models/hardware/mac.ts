/**
 * A MAC address typed in any usual form (`AA-BB-CC-DD-EE-FF`, `aabb.ccdd.eeff`, `AABBCCDDEEFF`,
 * colons) in the stored form, lower-case with colons; '' for a blank; null when it is not one.
 */
export function normalizeMac(text: string): string | null {
  const trimmed = text.trim()
  if (trimmed === '') return ''
  if (!/^[0-9a-fA-F:.\- ]+$/.test(trimmed)) return null
  const hex = trimmed.replace(/[:.\- ]/g, '').toLowerCase()
  if (!/^[0-9a-f]{12}$/.test(hex)) return null
  const groups = trimmed.split(/[:\- ]/)
  // Separated forms must group by two (aa:bb:…) or come as Cisco's three groups of four.
  if (groups.length > 1 && !(groups.length === 6 && groups.every((g) => g.length === 2))) return null
  if (trimmed.includes('.') && !/^[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}$/.test(trimmed)) return null
  return hex.match(/../g)!.join(':')
}
