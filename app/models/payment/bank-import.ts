import { hash } from 'node:crypto'
import { parse } from 'csv-parse/sync'
import { normalizeReference } from './bank-references.ts'

/**
 * Bank statement files (CSV) turned into dated, signed amounts in cents with their label, as pure
 * functions: no database here. The layout is documented in docs/bank-import.md.
 */

export const ENCODINGS = ['utf-8', 'windows-1252', 'iso-8859-1'] as const
export type Encoding = (typeof ENCODINGS)[number]

const ENCODING_ALIASES: Record<string, Encoding> = {
  'utf-8': 'utf-8', utf8: 'utf-8',
  'windows-1252': 'windows-1252', cp1252: 'windows-1252', 'win-1252': 'windows-1252',
  'iso-8859-1': 'iso-8859-1', 'iso8859-1': 'iso-8859-1', latin1: 'iso-8859-1', 'latin-1': 'iso-8859-1',
}

/** An encoding name as people type it (UTF8, cp1252, latin1…), or null when Coin does not read it. */
export function parseEncoding(text: string): Encoding | null {
  return ENCODING_ALIASES[text.trim().toLowerCase()] ?? null
}

/** The columns a layout names. `label` may join several columns (a label and its complement). */
export type ColumnKey = 'date' | 'amount' | 'credit' | 'debit' | 'label'
type ColumnRef = { name: string } | { index: number }
export type ColumnMapping = Partial<Record<Exclude<ColumnKey, 'label'>, ColumnRef>> & { label?: ColumnRef[] }

const COLUMN_KEYS: readonly ColumnKey[] = ['date', 'amount', 'credit', 'debit', 'label']

/** Header names of the default layout, compared without case nor accents. */
const DEFAULT_HEADERS: Record<ColumnKey, string[]> = {
  date: ['date'],
  amount: ['amount', 'montant'],
  credit: ['credit'],
  debit: ['debit'],
  label: ['label', 'libelle'],
}

export type BankFileErrorCode =
  | 'invalidUtf8' | 'utf16' | 'emptyFile' | 'csvSyntax' | 'missingColumns' | 'columnOutOfRange'
  | 'mappingSyntax' | 'delimiterInvalid'

/** Which part of the form (or which CLI option) a file error is about. */
export type BankFileErrorField = 'file' | 'encoding' | 'columns' | 'delimiter'

/**
 * A file Coin cannot import at all (wrong encoding, missing columns, broken CSV): nothing of it
 * is recorded. `message` is English (CLI, logs); `code` and `params` let the UI translate it.
 */
export class BankFileError extends Error {
  override name = 'BankFileError'
  readonly code: BankFileErrorCode
  readonly field: BankFileErrorField
  readonly params: Record<string, string | number>
  constructor({ code, field, params = {}, message }: { code: BankFileErrorCode; field: BankFileErrorField; params?: Record<string, string | number>; message: string }) {
    super(message)
    this.code = code
    this.field = field
    this.params = params
  }
}

const mappingError = (message: string, detail: string) => new BankFileError({ code: 'mappingSyntax', field: 'columns', params: { detail }, message })

/**
 * Parses a column mapping such as `date=Date opération,amount=Montant,label=Libellé`: each
 * column by header name or by 1-based index; `credit=…,debit=…` instead of `amount`; `label=`
 * may join columns with `+` (`label=Libellé+Détail`).
 */
export function parseColumnMapping(text: string): ColumnMapping {
  if (!text.trim()) throw mappingError('the mapping is empty', text)
  const mapping: ColumnMapping = {}
  const seen = new Set<string>()
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const equals = part.indexOf('=')
    if (equals < 0) throw mappingError(`expected column=header, got "${part}"`, part)
    const typed = part.slice(0, equals).trim().toLowerCase()
    const value = part.slice(equals + 1).trim()
    const key = COLUMN_KEYS.find((k) => k === typed)
    if (!key) throw mappingError(`unknown column "${typed}"; use ${COLUMN_KEYS.join(', ')}`, part)
    if (!value) throw mappingError(`no header name or number for "${key}"`, part)
    if (seen.has(key)) throw mappingError(`"${key}" is given twice`, part)
    seen.add(key)
    const refs = (key === 'label' ? value.split('+') : [value]).map((v): ColumnRef => {
      const name = v.trim()
      if (!name) throw mappingError(`empty column in "${part}"`, part)
      if (/^\d+$/.test(name)) {
        if (Number(name) < 1 || Number(name) > 1000) throw mappingError(`column numbers start at 1, got "${name}"`, part)
        return { index: Number(name) - 1 }
      }
      return { name }
    })
    if (key === 'label') mapping.label = refs
    else mapping[key] = refs[0]
  }
  if (mapping.amount && (mapping.credit || mapping.debit)) throw mappingError('give either amount or credit/debit, not both', text)
  if (mapping.debit && !mapping.credit) throw mappingError('debit needs a credit column too', text)
  return mapping
}

/** "tab", "\t", ";", ","… as given on the command line or in the form; undefined: detect it. */
export function parseDelimiter(text: string | undefined): string | undefined {
  if (text === undefined || text === '' || text === 'auto') return undefined
  if (text === 'tab' || text === '\\t' || text === '\t') return '\t'
  if ([...text].length !== 1 || /["\r\n\w\s]/.test(text)) {
    throw new BankFileError({ code: 'delimiterInvalid', field: 'delimiter', params: { value: text }, message: `"${text}" is not a delimiter; use ";", ",", "tab" or another single sign` })
  }
  return text
}

/** The byte offset of the first byte that is not valid UTF-8, or -1. */
function firstInvalidUtf8(bytes: Uint8Array) {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]
    if (b < 0x80) { i += 1; continue }
    const extra = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0
    if (extra === 0) return i
    const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80
    const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf
    if (i + 1 >= bytes.length || bytes[i + 1] < low || bytes[i + 1] > high) return i
    for (let k = 2; k <= extra; k += 1) if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i
    i += extra + 1
  }
  return -1
}

/**
 * Windows-1252 characters of bytes 0x80 to 0x9F (€, ’, œ…). Some Node versions decode these
 * bytes as C1 control characters, as ISO-8859-1 would; they never stand for those in a statement.
 */
const CP1252_HIGH = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f'
  + '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178'

/**
 * The text of a file: UTF-8 (a byte-order mark is dropped) unless another encoding is given. A
 * byte that is not UTF-8 is an error naming its line: French banks often export Windows-1252.
 */
export function decodeBankFile(bytes: Uint8Array, encoding: Encoding = 'utf-8') {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new BankFileError({ code: 'utf16', field: 'file', message: 'The file is UTF-16 ("Unicode text"): export it as CSV (UTF-8 or Windows-1252).' })
  }
  if (encoding !== 'utf-8') return new TextDecoder(encoding).decode(bytes).replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80])
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body)
  } catch {
    const offset = Math.max(firstInvalidUtf8(body), 0)
    const line = body.subarray(0, offset).reduce((count, byte) => count + (byte === 0x0a ? 1 : 0), 1)
    const byte = `0x${body[offset]?.toString(16).toUpperCase().padStart(2, '0') ?? '??'}`
    throw new BankFileError({
      code: 'invalidUtf8',
      field: 'encoding',
      params: { line, byte },
      message: `The file is not valid UTF-8 (line ${line}, byte ${byte}). Bank exports are often in Windows-1252: try --encoding windows-1252.`,
    })
  }
}

/** Counts a character outside double-quoted parts of a line. */
function countOutsideQuotes(line: string, char: string) {
  let count = 0
  let quoted = false
  for (const c of line) {
    if (c === '"') quoted = !quoted
    else if (c === char && !quoted) count += 1
  }
  return count
}

/** The delimiter of the first line that has one: the most frequent of `;`, tab and `,`. */
export function detectDelimiter(text: string) {
  const candidates = [';', '\t', ',']
  for (const line of text.split('\n')) {
    const counts = candidates.map((c) => countOutsideQuotes(line, c))
    const best = Math.max(...counts)
    if (best > 0) return candidates[counts.indexOf(best)]
  }
  return ';'
}

/** Lower case, no accents, single spaces: how header names are compared. */
const headerKey = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\s+/g, ' ').trim()

const DATE_FORMATS = [
  { re: /^(\d{4})-(\d{2})-(\d{2})$/, y: 1, m: 2, d: 3 },
  { re: /^(\d{2})\/(\d{2})\/(\d{4})$/, y: 3, m: 2, d: 1 },
  { re: /^(\d{2})-(\d{2})-(\d{4})$/, y: 3, m: 2, d: 1 },
] as const

/** Days in a month of the Gregorian calendar (month 1–12). */
function daysInMonth(year: number, month: number) {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** A statement date (YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY) as YYYY-MM-DD, or null. */
export function parseStatementDate(text: string) {
  const trimmed = text.trim()
  for (const format of DATE_FORMATS) {
    const match = format.re.exec(trimmed)
    if (!match) continue
    const [y, m, d] = [match[format.y], match[format.m], match[format.d]]
    const [year, month, day] = [Number(y), Number(m), Number(d)]
    const valid = year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
    return valid ? `${y}-${m}-${d}` : null
  }
  return null
}

const MAX_CENTS = 2_147_483_647
/** A sign, at most 8 digits, a comma or point, and two decimals. */
const PLAIN_AMOUNT = /^([+-]?)(\d{1,8})[.,](\d{2})$/

/**
 * A statement amount in signed cents, computed on the digits (never through a float): "12,50",
 * "12.50", "-1 234,56 €", "1.234,56", "+12,5". A lone separator followed by three digits
 * ("1.234") is refused as ambiguous.
 */
export function parseStatementAmount(text: string): { cents: number } | { error: 'invalid' | 'ambiguous' | 'tooLarge' } {
  // What most banks write ("-12,50", "12.50"), read without the general rules below.
  const plain = PLAIN_AMOUNT.exec(text)
  const plainCents = plain ? Number(plain[2]) * 100 + Number(plain[3]) : NaN
  if (plainCents <= MAX_CENTS) return { cents: plain![1] === '-' && plainCents !== 0 ? -plainCents : plainCents }
  const cleaned = text.replace(/[\s\u00a0\u202f€]|EUR/gi, '').replace(/\u2212/g, '-')
  const match = /^([+-]?)(\d[\d.,]*)$/.exec(cleaned)
  if (!match) return { error: 'invalid' }
  const [, sign, number] = match
  const separators = [...new Set(number.replace(/\d/g, ''))]
  let euros: string
  let decimals = ''
  if (separators.length === 2) {
    const decimal = number[number.search(/[.,][^.,]*$/)]
    const thousands = separators.find((s) => s !== decimal)!
    const [whole, fraction] = number.split(decimal)
    if (number.split(decimal).length !== 2 || !/^\d{1,2}$/.test(fraction)) return { error: 'invalid' }
    if (!new RegExp(`^\\d{1,3}(\\${thousands}\\d{3})*$`).test(whole)) return { error: 'invalid' }
    euros = whole.split(thousands).join('')
    decimals = fraction
  } else if (separators.length === 1) {
    const parts = number.split(separators[0])
    if (parts.length === 2 && /^\d{1,2}$/.test(parts[1])) {
      euros = parts[0]
      decimals = parts[1]
    } else if (parts.length === 2 && parts[1].length === 3) {
      return { error: 'ambiguous' }
    } else if (parts.length > 2 && /^\d{1,3}$/.test(parts[0]) && parts.slice(1).every((p) => /^\d{3}$/.test(p))) {
      euros = parts.join('')
    } else {
      return { error: 'invalid' }
    }
  } else {
    euros = number
  }
  if (euros.replace(/^0+/, '').length > 8) return { error: 'tooLarge' }
  const cents = Number(euros) * 100 + Number(decimals.padEnd(2, '0'))
  if (cents > MAX_CENTS) return { error: 'tooLarge' }
  return { cents: sign === '-' && cents !== 0 ? -cents : cents }
}

/** `reference`: the label as normalizeReference gives it (what references are searched in). */
export type ParsedLine = { lineNumber: number; date: string; amountCents: number; label: string; reference: string; importKey: string }

export type LineProblemCode = 'invalidDate' | 'invalidAmount' | 'ambiguousAmount' | 'amountTooLarge' | 'missingAmount' | 'creditAndDebit'

/** A line that cannot be read: its number in the file, the column, the value and why (and its label). */
export type LineProblem = { lineNumber: number; column: ColumnKey; value: string; code: LineProblemCode; message: string; label: string }

export type ParseBankFileOptions = { encoding?: Encoding; delimiter?: string; columns?: ColumnMapping }

type ResolvedColumns = { date: number; amount?: number; credit?: number; debit?: number; label: number[] }

/** Finds the mapped (or default) columns in a header row; what is missing otherwise. */
function resolveColumns(header: string[], mapping: ColumnMapping): { columns: ResolvedColumns } | { missing: string[] } {
  const keys = header.map(headerKey)
  const missing: string[] = []
  const find = (key: ColumnKey, ref: ColumnRef | undefined) => {
    if (ref && 'index' in ref) return ref.index < header.length ? ref.index : (missing.push(`${key} (column ${ref.index + 1})`), -1)
    const names = ref ? [headerKey(ref.name)] : DEFAULT_HEADERS[key]
    const index = keys.findIndex((k) => names.includes(k))
    return index
  }
  const need = (key: ColumnKey, ref: ColumnRef | undefined) => {
    const index = find(key, ref)
    if (index < 0 && !missing.some((m) => m.startsWith(key))) missing.push(ref && 'name' in ref ? `${key} ("${ref.name}")` : key)
    return index
  }
  const date = need('date', mapping.date)
  const label = (mapping.label ?? [undefined]).map((ref) => need('label', ref))
  let amounts: Pick<ResolvedColumns, 'amount' | 'credit' | 'debit'>
  if (mapping.credit) {
    amounts = { credit: need('credit', mapping.credit), ...(mapping.debit ? { debit: need('debit', mapping.debit) } : {}) }
  } else if (mapping.amount || find('amount', undefined) >= 0 || find('credit', undefined) < 0) {
    amounts = { amount: need('amount', mapping.amount) }
  } else {
    const debit = find('debit', undefined)
    amounts = { credit: find('credit', undefined), ...(debit >= 0 ? { debit } : {}) }
  }
  return missing.length ? { missing } : { columns: { date, label, ...amounts } }
}

type CsvRow = { cells: string[]; lineNumber: number }

/** Any CSV, read by csv-parse: each record with the number of its first line. Throws on broken quoting. */
function readCsv(text: string, delimiter: string): CsvRow[] {
  // Each record starts with the number of its first line (its end line minus its quoted line breaks).
  const records: string[][] = parse(text, {
    delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, trim: true,
    on_record: (record: string[], context) => [String(context.lines - record.join('').split('\n').length + 1), ...record],
  })
  return records.map(([line, ...cells]) => ({ cells, lineNumber: Number(line) }))
}

/**
 * The records of a regular CSV text (lines with no quote, or cells wholly quoted with `""` for a
 * quote), as readCsv gives them, about ten times faster; null when a quote needs csv-parse's
 * judgement (a quote inside a bare cell, text after a closing quote, a quote never closed).
 * `text` has `\n` line ends.
 */
function readRegularCsv(text: string, delimiter: string): CsvRow[] | null {
  const rows: CsvRow[] = []
  const length = text.length
  let line = 1
  let pos = 0
  while (pos < length) {
    const newline = text.indexOf('\n', pos)
    const end = newline < 0 ? length : newline
    const raw = text.slice(pos, end)
    if (!raw.includes('"')) {
      rows.push({ cells: raw.split(delimiter).map((cell) => cell.trim()), lineNumber: line })
      line += 1
      pos = end + 1
      continue
    }
    const first = line
    const cells: string[] = []
    let i = pos
    for (;;) {
      let start = i
      while (start < length && text[start] !== delimiter && text[start] !== '\n' && text[start].trim() === '') start += 1
      let next: number
      if (text[start] === '"') {
        let value = ''
        let k = start + 1
        for (;;) {
          const quote = text.indexOf('"', k)
          if (quote < 0) return null
          value += text.slice(k, quote)
          if (text[quote + 1] !== '"') { k = quote + 1; break }
          value += '"'
          k = quote + 2
        }
        for (let c = text.indexOf('\n', start); c >= 0 && c < k; c = text.indexOf('\n', c + 1)) line += 1
        while (k < length && text[k] !== delimiter && text[k] !== '\n' && text[k].trim() === '') k += 1
        if (k < length && text[k] !== delimiter && text[k] !== '\n') return null
        cells.push(value)
        next = k
      } else {
        let stop = start
        while (stop < length && text[stop] !== delimiter && text[stop] !== '\n') stop += 1
        const cell = text.slice(i, stop)
        if (cell.includes('"')) return null
        cells.push(cell.trim())
        next = stop
      }
      if (next < length && text[next] === delimiter) {
        i = next + 1
        continue
      }
      rows.push({ cells, lineNumber: first })
      line += 1
      pos = next + 1
      break
    }
  }
  return rows
}

const HEADER_SEARCH_ROWS = 20

/**
 * Reads a bank statement: the header row is the first of the first rows that holds every column
 * (rows above it, such as an account summary, are skipped); each later non-blank row is a
 * transaction or a problem. A file Coin cannot read at all throws a BankFileError.
 */
export function parseBankFile(bytes: Uint8Array, options: ParseBankFileOptions = {}): { lines: ParsedLine[]; problems: LineProblem[]; delimiter: string; header: string[] } {
  const text = decodeBankFile(bytes, options.encoding).replace(/\r\n?/g, '\n')
  const delimiter = options.delimiter ?? detectDelimiter(text)
  let rows: CsvRow[]
  try {
    rows = (readRegularCsv(text, delimiter) ?? readCsv(text, delimiter)).filter((row) => row.cells.some((cell) => cell !== ''))
  } catch (error) {
    const line = error && typeof error === 'object' && 'lines' in error ? Number(error.lines) : 0
    throw new BankFileError({ code: 'csvSyntax', field: 'file', params: { line }, message: `The file is not readable CSV (line ${line}): ${error instanceof Error ? error.message : String(error)}` })
  }
  if (rows.length === 0) throw new BankFileError({ code: 'emptyFile', field: 'file', message: 'The file is empty.' })

  const mapping = options.columns ?? {}
  const attempts = rows.slice(0, HEADER_SEARCH_ROWS).map((row, index) => ({ index, result: resolveColumns(row.cells, mapping) }))
  const found = attempts.find((a) => 'columns' in a.result)
  if (!found || !('columns' in found.result)) {
    const closest = attempts.reduce((best, a) => ('missing' in a.result && 'missing' in best.result && a.result.missing.length < best.result.missing.length ? a : best))
    const missing = 'missing' in closest.result ? closest.result.missing : []
    const headers = rows[closest.index].cells
    const outOfRange = missing.some((m) => m.includes('(column '))
    throw new BankFileError({
      code: outOfRange ? 'columnOutOfRange' : 'missingColumns',
      field: 'columns',
      params: { missing: missing.join(', '), headers: headers.join(' | '), line: rows[closest.index].lineNumber, count: headers.length },
      message: `Missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; the header (line ${rows[closest.index].lineNumber}) has: ${headers.join(' | ')}. Give the columns with --columns date=…,amount=…,label=…`,
    })
  }
  const columns = found.result.columns
  const lines: ParsedLine[] = []
  const problems: LineProblem[] = []
  const occurrences = new Map<string, number>()
  for (const { cells, lineNumber } of rows.slice(found.index + 1)) {
    const joined = columns.label.length === 1 ? cells[columns.label[0]] ?? '' : columns.label.map((index) => cells[index] ?? '').filter(Boolean).join(' ')
    const label = /\s\s|[^\S ]/.test(joined) ? joined.replace(/\s+/g, ' ') : joined
    const row = { cells, lineNumber, label, problems }
    const dateText = cells[columns.date] ?? ''
    const date = parseStatementDate(dateText)
    if (!date) addProblem(row, 'date', dateText, 'invalidDate', 'not a date (YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY)')
    const amount = readAmount(columns, row)
    if (!date || amount === null) continue
    const reference = normalizeReference(label)
    const identity = `${date}|${amount}|${reference}`
    const occurrence = occurrences.get(identity) ?? 0
    occurrences.set(identity, occurrence + 1)
    lines.push({ lineNumber, date, amountCents: amount, label, reference, importKey: hash('sha256', `${identity}|${occurrence}`) })
  }
  return { lines, problems, delimiter, header: rows[found.index].cells }
}

/** A row being read, and where its problems go. */
type RowInProgress = { cells: string[]; lineNumber: number; label: string; problems: LineProblem[] }

function addProblem({ lineNumber, label, problems }: RowInProgress, column: ColumnKey, value: string, code: LineProblemCode, why: string) {
  problems.push({ lineNumber, column, value, code, label, message: `line ${lineNumber}, column ${column}: ${why} ("${value}")` })
}

const AMOUNT_ERRORS = {
  invalid: ['invalidAmount', 'not an amount (12,50 or 12.50)'],
  ambiguous: ['ambiguousAmount', 'ambiguous amount: write 1234,00 or 1,234 with two decimals'],
  tooLarge: ['amountTooLarge', 'amount too large'],
} as const

/** An amount cell's cents, or null after noting the problem. */
function readAmountCell(row: RowInProgress, column: ColumnKey, text: string) {
  const result = parseStatementAmount(text)
  if ('cents' in result) return result.cents
  const [code, why] = AMOUNT_ERRORS[result.error]
  addProblem(row, column, text, code, why)
  return null
}

/** The signed amount of a row, from the amount column or the credit and debit columns. */
function readAmount(columns: ResolvedColumns, row: RowInProgress) {
  const cell = (index: number | undefined) => (index === undefined ? '' : row.cells[index] ?? '')
  if (columns.amount !== undefined) return readAmountCell(row, 'amount', cell(columns.amount))
  const creditText = cell(columns.credit)
  const debitText = cell(columns.debit)
  if (!creditText && !debitText) {
    addProblem(row, 'credit', '', 'missingAmount', 'neither a credit nor a debit')
    return null
  }
  const credit = creditText ? readAmountCell(row, 'credit', creditText) : 0
  const debit = debitText ? readAmountCell(row, 'debit', debitText) : 0
  if (credit === null || debit === null) return null
  if (credit !== 0 && debit !== 0) {
    addProblem(row, 'credit', `${creditText} / ${debitText}`, 'creditAndDebit', 'both a credit and a debit')
    return null
  }
  return credit !== 0 ? Math.abs(credit) : -Math.abs(debit)
}
