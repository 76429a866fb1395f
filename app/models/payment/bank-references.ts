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
  // ASCII text has no accents to take off (the common case, by far, in bank labels).
  const bare = /[\u0080-\uffff]/.test(text) ? text.normalize('NFD').replace(/[\u0300-\u036f]/g, '') : text
  return bare
    .toUpperCase()
    .replace(/([A-Z])(?=\d)|(\d)(?=[A-Z])/g, '$1$2 ')
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim()
}

/** A label normalised once (normalizeReference) and split into tokens, for several searches. */
export type LabelTokens = { text: string; tokens: string[] }

export function labelTokens(label: string): LabelTokens {
  return tokensOf(normalizeReference(label))
}

/** The tokens of a label already normalised (normalizeReference). */
export function tokensOf(text: string): LabelTokens {
  return { text, tokens: text ? text.split(' ') : [] }
}

/** Known references (normalised keys), with every run of their first tokens so a search stops early. */
export type KnownReferences = { has(key: string): boolean; prefixes?: { has(key: string): boolean } }

/** The runs of first tokens of normalised references ("REF", "REF VPN", "REF VPN 42"). */
export function referencePrefixes(keys: Iterable<string>) {
  const prefixes = new Set<string>()
  for (const key of keys) {
    let prefix = ''
    for (const token of key.split(' ')) {
      prefix = prefix ? `${prefix} ${token}` : token
      prefixes.add(prefix)
    }
  }
  return prefixes
}

/**
 * The known references (keys already normalised) that a label quotes, each once, in label order.
 * A reference found inside a longer one (REF VPN 4 in REF VPN 4 2) does not count.
 */
export function findReferences(label: string | LabelTokens, known: KnownReferences, maxTokens = 8) {
  const { tokens } = typeof label === 'string' ? labelTokens(label) : label
  const spans: { start: number; end: number; key: string }[] = []
  for (let start = 0; start < tokens.length; start += 1) {
    let key = ''
    for (let end = start + 1; end <= Math.min(tokens.length, start + maxTokens); end += 1) {
      key = key ? `${key} ${tokens[end - 1]}` : tokens[start]
      if (known.prefixes && !known.prefixes.has(key)) break
      if (known.has(key)) spans.push({ start, end, key })
    }
  }
  if (spans.length < 2) return spans.map((s) => s.key)
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

/**
 * Texts of a label that look like a subscription reference but are none of `known` (normalised).
 * `found`: what findReferences gave for this label, when the caller has it.
 */
export function findUnknownReferences(label: string | LabelTokens, shape: RegExp | null, known: KnownReferences, maxTokens = 8, found = findReferences(label, known, maxTokens)) {
  if (!shape) return []
  // Only the first 500 characters of a label are searched.
  const text = typeof label === 'string' ? normalizeReference(label.slice(0, 500)) : label.text
  const candidates = [...text.matchAll(shape)].map((m) => m[0])
  if (candidates.length === 0) return []
  const spaced = found.map((k) => ` ${k} `)
  return [...new Set(candidates)].filter((c) => !spaced.some((k) => k.includes(` ${c} `) || ` ${c} `.includes(k)))
}

export type InvoiceReference = { kind: 'invoice' | 'creditNote'; number: string } | { kind: 'draft'; id: number }

/** Four, two and six digits in a row, or DRAFT and a number, in a normalised label. */
const INVOICE_OR_DRAFT = /(?:^| )\d{4} \d{2} \d{6}(?: |$)|(?:^| )DRAFT \d/

/**
 * Invoice numbers quoted in a label (YYYY-MM-NNNNNN, credit notes AV-YYYY-MM-NNNNNN, drafts
 * DRAFT-n), whatever separators the bank left between their parts.
 */
export function findInvoiceReferences(label: string | LabelTokens): InvoiceReference[] {
  const { text, tokens } = typeof label === 'string' ? labelTokens(label) : label
  // Most labels quote no invoice: one test of the whole text spares looking at each token.
  if (!INVOICE_OR_DRAFT.test(text)) return []
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
  if (found.length < 2) return found
  return found.filter((r, index) => found.findIndex((o) => JSON.stringify(o) === JSON.stringify(r)) === index)
}
