import { commitBankImport, previewBankImport, type BankImportSummary, type PreviewLine } from '#app/models/payment/bank-import.server.ts'
import { BankFileError, ENCODINGS, parseColumnMapping, parseDelimiter, parseEncoding } from '#app/models/payment/bank-import.ts'
import { CommandError, UsageError, readInputFile } from './errors.ts'
import { cut, formatAmount, plural, table } from './text.ts'

export type ImportPaymentsOptions = { file: string; commit: boolean; encoding?: string; delimiter?: string; columns?: string }

/** Checks the options of `import_payments`; a mistake is a UsageError naming the option. */
export function parseImportPaymentsOptions(options: Omit<ImportPaymentsOptions, 'file' | 'commit'>) {
  const encoding = options.encoding === undefined ? 'utf-8' : parseEncoding(options.encoding)
  if (!encoding) throw new UsageError(`--encoding: unknown encoding "${options.encoding}"; use ${ENCODINGS.join(', ')}`)
  try {
    return {
      encoding,
      delimiter: parseDelimiter(options.delimiter),
      columns: options.columns === undefined ? undefined : parseColumnMapping(options.columns),
    }
  } catch (error) {
    if (!(error instanceof BankFileError)) throw error
    throw new UsageError(`--${error.field}: ${error.message}`)
  }
}

const withOwner = (refs: PreviewLine['references']) => refs.map((r) => (r.username ? `${r.reference} (${r.username})` : r.reference)).join(', ')

/** Why a line is not recorded, in English. */
export function describeReason(line: PreviewLine) {
  switch (line.reason) {
    case 'invalid': return line.problem ? line.problem.message.replace(/^line \d+, /, '') : 'unreadable line'
    case 'debit': return 'debit, ignored'
    case 'zero': return 'zero amount, ignored'
    case 'noReference': return 'no subscription reference nor invoice number in the label'
    case 'unknownReference': return `unknown reference: ${withOwner(line.references)}`
    case 'ambiguous': return `references of different members: ${withOwner(line.references)}`
    case 'invoiceOfAnotherMember': return `invoice of another member: ${withOwner(line.references)}`
    case 'invoiceNotPayable': return `${line.references.map((r) => r.reference).join(', ')}: a credit note or a draft, not an invoice to pay`
    case 'alreadyImported': return 'already imported'
    default: return ''
  }
}

function summaryText(summary: BankImportSummary, recorded: number | null) {
  const parts = [
    recorded === null
      ? `${summary.toRecord} to record (${formatAmount(summary.toRecordCents)})`
      : `${plural(recorded, 'payment', 'payments')} recorded (${formatAmount(summary.toRecordCents)})`,
  ]
  if (summary.notMatched) parts.push(`${summary.notMatched} not matched`)
  if (summary.alreadyImported) parts.push(`${summary.alreadyImported} already imported`)
  if (summary.ignored) parts.push(`${summary.ignored} ignored (debits)`)
  if (summary.invalid) parts.push(`${summary.invalid} unreadable`)
  const text = `${plural(summary.lines, 'line', 'lines')}: ${parts.join(', ')}.`
  return recorded === null ? `${text} Dry run: nothing recorded; add --commit to record.` : text
}

/** The report of an import: what is (or would be) recorded, what is not and why, and a summary. */
export function formatImportReport({ file, encoding, delimiter, lines, summary, recorded }: {
  file: string; encoding: string; delimiter: string; lines: PreviewLine[]; summary: BankImportSummary; recorded: number | null
}) {
  const out = [`${file}: ${encoding}, delimiter ${delimiter === '\t' ? 'tab' : `"${delimiter}"`}`, '']
  const toRecord = lines.filter((l) => l.reason === null)
  const skipped = lines.filter((l) => l.reason !== null)
  const amount = (l: PreviewLine) => (l.amountCents === null ? '' : formatAmount(l.amountCents))
  if (toRecord.length) {
    out.push(recorded === null ? 'To record:' : 'Recorded:')
    out.push(table([
      ['Line', 'Date', 'Amount', 'Member', 'Matched by'],
      ...toRecord.map((l) => [String(l.lineNumber), l.date ?? '', amount(l), l.member ? cut(`${l.member.username} (${l.member.name})`, 40) : '', l.matchedBy ? `${l.matchedBy.kind} ${l.matchedBy.reference}` : '']),
    ], [0, 2]), '')
  }
  if (skipped.length) {
    out.push('Not recorded:')
    out.push(table([
      ['Line', 'Date', 'Amount', 'Label', 'Reason'],
      ...skipped.map((l) => [String(l.lineNumber), l.date ?? '', amount(l), cut(l.label, 40), describeReason(l)]),
    ], [0, 2]), '')
  }
  out.push(summaryText(summary, recorded))
  return out.join('\n') + '\n'
}

/**
 * `coin import_payments FILE`: reads a bank statement and shows which transfers it would record
 * for which member, and which lines it cannot match and why; with `commit`, records them (each
 * line once: importing the same file again records nothing new). Returns the text to print.
 */
export async function importPayments(options: ImportPaymentsOptions): Promise<string> {
  const parsed = parseImportPaymentsOptions(options)
  const bytes = await readInputFile(options.file)
  try {
    if (!options.commit) {
      const preview = await previewBankImport(bytes, parsed)
      return formatImportReport({ file: options.file, encoding: parsed.encoding, ...preview, recorded: null })
    }
    const { preview, recorded, duplicates } = await commitBankImport(bytes, parsed)
    const summary = { ...preview.summary, alreadyImported: preview.summary.alreadyImported + duplicates }
    return formatImportReport({ file: options.file, encoding: parsed.encoding, ...preview, summary, recorded })
  } catch (error) {
    if (error instanceof BankFileError) throw new CommandError(`${options.file}: ${error.message} Nothing was recorded.`)
    throw error
  }
}
