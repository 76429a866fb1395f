import { createHash } from 'node:crypto'
import type { Actor } from '#app/models/audit/audit.server.ts'
import { displayName } from '#app/models/member/username.ts'
import { computedSubscriptionReference } from '#app/models/subscription/rules.ts'
import { groupBy } from '#app/utils/collections.ts'
import { parseIsoDate } from '#app/utils/dates.ts'
import { databasePool, prisma } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { parseBankFile, type LineProblem, type ParseBankFileOptions } from './bank-import.ts'
import {
  findInvoiceReferences, findReferences, findUnknownReferences, normalizeReference, referencePrefixes, referenceShape, tokensOf, type InvoiceReference,
} from './bank-references.ts'
import { recordPayments } from './payments.server.ts'

/** Why a statement line is not recorded. */
export type NotRecordedReason =
  | 'invalid' | 'debit' | 'zero' | 'noReference' | 'unknownReference' | 'ambiguous'
  | 'invoiceOfAnotherMember' | 'invoiceNotPayable' | 'alreadyImported'

/** Reasons counted as "not matched" in the summary (the treasurer has to look at them). */
const NOT_MATCHED: readonly NotRecordedReason[] = ['noReference', 'unknownReference', 'ambiguous', 'invoiceOfAnotherMember', 'invoiceNotPayable']

export type PreviewLine = {
  lineNumber: number
  /** YYYY-MM-DD; null on an unreadable line. */
  date: string | null
  amountCents: number | null
  label: string
  importKey: string | null
  member: { id: number; username: string; name: string } | null
  matchedBy: { kind: 'invoice' | 'subscription'; reference: string } | null
  forcedInvoice: { id: number; number: string } | null
  /** Null when the line is recorded. */
  reason: NotRecordedReason | null
  /** The references found in the label, as Coin writes them, with whose they are (null: unknown). */
  references: { reference: string; username: string | null }[]
  problem: LineProblem | null
}

export type BankImportSummary = {
  lines: number
  toRecord: number
  toRecordCents: number
  notMatched: number
  alreadyImported: number
  ignored: number
  invalid: number
}

export type BankImportPreview = { delimiter: string; header: string[]; lines: PreviewLine[]; summary: BankImportSummary }

export type BankImportOptions = ParseBankFileOptions & { referencePattern?: string }

type MemberRow = { id: number; username: string; name: string }

/**
 * Every subscription's references, normalised, with the member(s) each names: the one
 * SUBSCRIPTION_REFERENCE computes and, when staff set one, the override members quote instead.
 * Both are recognised, so transfers quoting the computed reference still match.
 */
async function loadSubscriptionReferences(pattern: string) {
  const rows = await prisma.subscription.findMany({
    select: { id: true, reference: true, offer: { select: { id: true, reference: true } }, member: { select: { id: true, username: true } } },
  })
  const references = new Map<string, { reference: string; memberIds: Set<number> }>()
  const add = (reference: string, memberId: number) => {
    const key = normalizeReference(reference)
    if (!key) return
    const entry = references.get(key) ?? { reference, memberIds: new Set<number>() }
    entry.memberIds.add(memberId)
    references.set(key, entry)
  }
  for (const row of rows) {
    add(computedSubscriptionReference(pattern, { offer: row.offer, subscription: { id: row.id }, member: row.member }), row.member.id)
    if (row.reference) add(row.reference, row.member.id)
  }
  return references
}

/** The invoices a set of labels quote, by number and, for drafts, by id. */
async function loadInvoices(found: InvoiceReference[]) {
  const numbers = [...new Set(found.flatMap((r) => (r.kind === 'draft' ? [] : [r.number])))]
  const draftIds = [...new Set(found.flatMap((r) => (r.kind === 'draft' ? [r.id] : [])))]
  const select = { id: true, number: true, memberId: true, kind: true, validated: true } as const
  const [byNumber, drafts] = await Promise.all([
    numbers.length ? prisma.invoice.findMany({ where: { number: { in: numbers } }, select }) : [],
    draftIds.length ? prisma.invoice.findMany({ where: { id: { in: draftIds }, validated: false }, select }) : [],
  ])
  return { byNumber: new Map(byNumber.map((i) => [i.number ?? '', i])), drafts: new Map(drafts.map((i) => [i.id, i])) }
}

/** The import keys, among `keys`, of payments already recorded (one array parameter, however many keys). */
async function findImportedKeys(keys: string[]) {
  if (keys.length === 0) return new Set<string>()
  // Through the pool: Prisma would carry a hundred thousand keys as JSON and parse them back.
  const { rows } = await databasePool().query<{ importKey: string }>('SELECT "importKey" FROM "Payment" WHERE "importKey" = ANY($1::varchar[])', [keys])
  return new Set(rows.map((r) => r.importKey))
}

async function loadMembers(ids: number[]) {
  const rows = await prisma.member.findMany({
    where: { id: { in: ids } },
    select: { id: true, username: true, type: true, organizationName: true, nickname: true, firstName: true, lastName: true },
  })
  return new Map(rows.map((m): [number, MemberRow] => [m.id, { id: m.id, username: m.username, name: displayName(m) }]))
}

/**
 * What importing a bank statement would record (the dry run): each line with the member its
 * label names, by invoice number or subscription reference, and the invoice it pays first; or
 * why it is not recorded. Throws a BankFileError when the file cannot be read at all.
 */
export async function previewBankImport(bytes: Uint8Array, options: BankImportOptions = {}): Promise<BankImportPreview> {
  const pattern = options.referencePattern ?? getEnv().SUBSCRIPTION_REFERENCE
  // The references do not depend on the file: PostgreSQL reads them while the file is parsed.
  const references = loadSubscriptionReferences(pattern)
  let parsed: ReturnType<typeof parseBankFile>
  try {
    parsed = parseBankFile(bytes, options)
  } catch (error) {
    await references.catch(() => {})
    throw error
  }
  const labels = parsed.lines.map((line) => tokensOf(line.reference))
  const invoiceRefs = labels.map((tokens) => findInvoiceReferences(tokens))
  const [subscriptionRefs, invoices, importedKeys] = await Promise.all([
    references,
    loadInvoices(invoiceRefs.flat()),
    // Only credits are ever recorded, so only their keys can be known.
    findImportedKeys(parsed.lines.flatMap((l) => (l.amountCents > 0 ? [l.importKey] : []))),
  ])
  const known = { has: (key: string) => subscriptionRefs.has(key), prefixes: referencePrefixes(subscriptionRefs.keys()) }
  const maxTokens = Math.max(1, ...[...subscriptionRefs.keys()].map((k) => k.split(' ').length))
  const shape = referenceShape(pattern)

  type Found = { kind: 'invoice' | 'subscription'; reference: string; memberIds: number[]; invoiceId?: number; payable: boolean }
  const matched = parsed.lines.map((line, index) => {
    const found: Found[] = []
    for (const ref of invoiceRefs[index]) {
      if (ref.kind === 'draft') {
        const draft = invoices.drafts.get(ref.id)
        found.push({ kind: 'invoice', reference: `DRAFT-${ref.id}`, memberIds: draft?.memberId ? [draft.memberId] : [], payable: !draft })
        continue
      }
      const invoice = invoices.byNumber.get(ref.number)
      const payable = ref.kind === 'invoice' && (!invoice || (invoice.kind === 'INVOICE' && invoice.validated))
      found.push({ kind: 'invoice', reference: ref.number, memberIds: invoice?.memberId ? [invoice.memberId] : [], invoiceId: invoice?.id, payable })
    }
    const tokens = labels[index]
    const keys = findReferences(tokens, known, maxTokens)
    for (const key of keys) {
      const entry = subscriptionRefs.get(key)!
      found.push({ kind: 'subscription', reference: entry.reference, memberIds: [...entry.memberIds], payable: true })
    }
    // Only the first 500 characters of a label are searched for unknown references.
    for (const text of findUnknownReferences(line.label.length <= 500 ? tokens : line.label, shape, known, maxTokens, keys)) {
      found.push({ kind: 'subscription', reference: text, memberIds: [], payable: true })
    }
    return found
  })

  const members = await loadMembers([...new Set(matched.flatMap((found) => found.flatMap((f) => f.memberIds)))])
  const lines: PreviewLine[] = parsed.lines.map((line, index) => {
    const found = matched[index]
    const known = found.filter((f) => f.memberIds.length > 0)
    const memberIds = [...new Set(known.flatMap((f) => f.memberIds))]
    const references = found.map((f) => ({ reference: f.reference, username: f.memberIds.length === 1 ? members.get(f.memberIds[0])?.username ?? null : null }))
    const member = memberIds.length === 1 ? members.get(memberIds[0]) ?? null : null
    const invoice = known.find((f) => f.kind === 'invoice' && f.payable && f.invoiceId)
    let reason: NotRecordedReason | null = null
    if (importedKeys.has(line.importKey)) reason = 'alreadyImported'
    else if (line.amountCents < 0) reason = 'debit'
    else if (line.amountCents === 0) reason = 'zero'
    else if (found.length === 0) reason = 'noReference'
    else if (found.some((f) => !f.payable)) reason = 'invoiceNotPayable'
    else if (memberIds.length > 1) reason = known.some((f) => f.kind === 'invoice') && known.some((f) => f.kind === 'subscription') ? 'invoiceOfAnotherMember' : 'ambiguous'
    else if (!member) reason = 'unknownReference'
    return {
      lineNumber: line.lineNumber, date: line.date, amountCents: line.amountCents, label: line.label, importKey: line.importKey,
      member,
      matchedBy: !member ? null : invoice ? { kind: 'invoice', reference: invoice.reference } : { kind: known[0].kind, reference: known[0].reference },
      forcedInvoice: member && invoice?.invoiceId ? { id: invoice.invoiceId, number: invoice.reference } : null,
      reason, references, problem: null,
    }
  })
  const invalid: PreviewLine[] = parsed.problems.map((problem) => ({
    lineNumber: problem.lineNumber, date: null, amountCents: null, label: problem.label, importKey: null,
    member: null, matchedBy: null, forcedInvoice: null, reason: 'invalid', references: [], problem,
  }))
  const all = [...lines, ...invalid].sort((a, b) => a.lineNumber - b.lineNumber)
  // A line with two problems (date and amount) is one line.
  const unique = all.filter((l, i) => i === 0 || l.lineNumber !== all[i - 1].lineNumber || l.reason !== 'invalid')
  return { delimiter: parsed.delimiter, header: parsed.header, lines: unique, summary: summarize(unique, parsed.problems) }
}

/** Lines shown on one page of a section of the preview. */
export const PREVIEW_PAGE_SIZE = 50

/** A part of the preview: the lines to record, or those not recorded for one reason. */
export type PreviewSection = { key: 'toRecord' | NotRecordedReason; count: number; page: number; pageCount: number; lines: PreviewLine[] }

/**
 * The preview as the page shows it: one section per outcome (to record, then each reason), each
 * with its count and one page of its lines. `pages` names the page wanted for some sections;
 * the others show their first. A statement of any length gives a page of bounded size.
 */
export function previewSections(lines: PreviewLine[], pages: Partial<Record<PreviewSection['key'], number>> = {}): PreviewSection[] {
  const byKey = groupBy(lines, (line): PreviewSection['key'] => line.reason ?? 'toRecord')
  const order: PreviewSection['key'][] = ['toRecord', ...NOT_MATCHED, 'alreadyImported', 'invalid', 'debit', 'zero']
  return order.flatMap((key) => {
    const all = byKey.get(key)
    if (!all) return []
    const pageCount = Math.ceil(all.length / PREVIEW_PAGE_SIZE)
    const page = Math.min(Math.max(1, pages[key] ?? 1), pageCount)
    return [{ key, count: all.length, page, pageCount, lines: all.slice((page - 1) * PREVIEW_PAGE_SIZE, page * PREVIEW_PAGE_SIZE) }]
  })
}

function summarize(lines: PreviewLine[], problems: LineProblem[]): BankImportSummary {
  const toRecord = lines.filter((l) => l.reason === null)
  const count = (reasons: readonly NotRecordedReason[]) => lines.filter((l) => l.reason && reasons.includes(l.reason)).length
  return {
    lines: lines.length,
    toRecord: toRecord.length,
    toRecordCents: toRecord.reduce((sum, l) => sum + (l.amountCents ?? 0), 0),
    notMatched: count(NOT_MATCHED),
    alreadyImported: count(['alreadyImported']),
    ignored: count(['debit', 'zero']),
    invalid: new Set(problems.map((p) => p.lineNumber)).size,
  }
}

/** The label column of Payment holds 500 characters. */
const LABEL_MAX = 500

/**
 * Imports a bank statement: recomputes the preview and records its matched lines as transfers,
 * all or nothing, each line once (its import key); a file that cannot be read records nothing.
 * Returns the preview and how many payments were recorded. `actorId`: who imports it, for the audit log.
 */
export async function commitBankImport(bytes: Uint8Array, { actorId = null, ...options }: BankImportOptions & Actor = {}) {
  const preview = await previewBankImport(bytes, options)
  const inputs = preview.lines.flatMap((line) =>
    line.reason === null && line.member && line.date && line.amountCents && line.importKey
      ? [{
          memberId: line.member.id,
          method: 'TRANSFER' as const,
          amountCents: line.amountCents,
          date: parseIsoDate(line.date)!,
          label: line.label.slice(0, LABEL_MAX),
          forcedInvoiceId: line.forcedInvoice?.id ?? null,
          importKey: line.importKey,
        }]
      : [],
  )
  const result = inputs.length ? await recordPayments(inputs, { actorId }) : { created: 0, duplicates: 0 }
  return { preview, recorded: result.created, duplicates: result.duplicates }
}

/** The sha256 of a file, hex: the upload page checks with it that a file sent back is unchanged. */
export function contentDigest(bytes: Uint8Array) {
  return createHash('sha256').update(bytes).digest('hex')
}
