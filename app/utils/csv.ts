import { centsToInput } from './money.ts'

/**
 * CSV that spreadsheets open as UTF-8 without an import dialog: a byte-order mark, `;` between
 * fields (what LibreOffice and Excel expect in French locales), CRLF line ends, every field
 * quoted. A field starting with = + - @ gets a leading apostrophe so it is never run as a formula,
 * except a plain number ("-2,50": a credit note's total stays a number).
 */
export const CSV_SEPARATOR = ';'

/** An amount in cents as a CSV field: euros with a decimal comma, "-2,50" for a negative one. */
export const csvEuros = (cents: number) => (cents < 0 ? `-${centsToInput(-cents)}` : centsToInput(cents))

export function csvField(value: unknown) {
  let text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString().slice(0, 10) : String(value)
  if (/^[=+\-@\t\r]/.test(text) && !/^[-+]?\d[\d\u00a0\u202f .,]*$/.test(text)) text = `'${text}`
  return `"${text.replace(/"/g, '""')}"`
}

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]) {
  const lines = [header, ...rows].map((row) => row.map(csvField).join(CSV_SEPARATOR))
  return '\uFEFF' + lines.join('\r\n') + '\r\n'
}
