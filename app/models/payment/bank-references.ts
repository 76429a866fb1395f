/**
 * Finding who a bank transfer is from: the subscription references and invoice numbers quoted in
 * a statement label, however the bank mangled them (pure functions).
 */

/**
 * A label or a reference as banks may mangle it, reduced to comparable tokens: upper case, no
 * accents, every run of other signs a single space, letters and digits split apart.
 * "/ref-vpn-42/", "REF VPN 42" and "Réf.VPN42" all give "REF VPN 42".
 */
export function normalizeReference(text: string) {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/([A-Z])(?=\d)|(\d)(?=[A-Z])/g, '$1$2 ')
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim()
}

/**
 * The known references (keys already normalised) that a label quotes, each once, in label order.
 * A reference found inside a longer one (REF VPN 4 in REF VPN 4 2) does not count.
 */
export function findReferences(label: string, known: { has(key: string): boolean }, maxTokens = 8) {
  const tokens = normalizeReference(label).split(' ').filter(Boolean)
  const spans: { start: number; end: number; key: string }[] = []
  for (let start = 0; start < tokens.length; start += 1) {
    for (let end = start + 1; end <= Math.min(tokens.length, start + maxTokens); end += 1) {
      const key = tokens.slice(start, end).join(' ')
      if (known.has(key)) spans.push({ start, end, key })
    }
  }
  const maximal = spans.filter((s) => !spans.some((o) => o !== s && o.start <= s.start && o.end >= s.end && o.end - o.start > s.end - s.start))
  return [...new Set(maximal.map((s) => s.key))]
}

/** Placeholders of SUBSCRIPTION_REFERENCE that are numbers; the others are words. */
const NUMERIC_PLACEHOLDERS = new Set(['offer.id', 'subscription.id', 'member.id', 'subscription.pk'])

/**
 * What a subscription reference looks like once normalised (REF-{offer.reference}-{subscription.id}
 * gives "REF <words> <number>"), to report references that match no subscription. Null when the
 * pattern has no fixed text: anything would look like a reference.
 */
export function referenceShape(pattern: string) {
  const parts = pattern.split(/(\{[^{}]*\})/).flatMap((part) => {
    const placeholder = /^\{(.*)\}$/.exec(part)
    if (placeholder) return [NUMERIC_PLACEHOLDERS.has(placeholder[1]) ? '\\d+' : '[A-Z0-9]+(?: [A-Z0-9]+)*?']
    const literal = normalizeReference(part)
    return literal ? [literal] : []
  })
  if (!parts.some((p) => /^[A-Z0-9 ]+$/.test(p))) return null
  return new RegExp(`(?<![A-Z0-9])${parts.join(' ')}(?![A-Z0-9])`, 'g')
}

/** Texts of a label that look like a subscription reference but are none of `known` (normalised). */
export function findUnknownReferences(label: string, shape: RegExp | null, known: { has(key: string): boolean }, maxTokens = 8) {
  if (!shape) return []
  const found = findReferences(label, known, maxTokens).map((k) => ` ${k} `)
  const candidates = [...normalizeReference(label.slice(0, 500)).matchAll(shape)].map((m) => m[0])
  return [...new Set(candidates)].filter((text) => !found.some((k) => k.includes(` ${text} `) || ` ${text} `.includes(k)))
}

export type InvoiceReference = { kind: 'invoice' | 'creditNote'; number: string } | { kind: 'draft'; id: number }

/**
 * Invoice numbers quoted in a label (YYYY-MM-NNNNNN, credit notes AV-YYYY-MM-NNNNNN, drafts
 * DRAFT-n), whatever separators the bank left between their parts.
 */
export function findInvoiceReferences(label: string): InvoiceReference[] {
  const tokens = normalizeReference(label).split(' ')
  const found: InvoiceReference[] = []
  for (let i = 0; i < tokens.length; i += 1) {
    if (/^\d{4}$/.test(tokens[i]) && /^\d{2}$/.test(tokens[i + 1] ?? '') && /^\d{6}$/.test(tokens[i + 2] ?? '')) {
      const number = `${tokens[i]}-${tokens[i + 1]}-${tokens[i + 2]}`
      found.push(tokens[i - 1] === 'AV' ? { kind: 'creditNote', number: `AV-${number}` } : { kind: 'invoice', number })
      i += 2
    } else if (tokens[i] === 'DRAFT' && /^\d{1,9}$/.test(tokens[i + 1] ?? '')) {
      found.push({ kind: 'draft', id: Number(tokens[i + 1]) })
      i += 1
    }
  }
  return found.filter((r, index) => found.findIndex((o) => JSON.stringify(o) === JSON.stringify(r)) === index)
}
