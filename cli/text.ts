/** Text for terminals: amounts, counts and plain tables. */

/** 123450 → "1 234,50 €", -4500 → "-45,00 €": French, with plain spaces for terminals. */
export function formatAmount(cents: number) {
  const abs = Math.abs(cents)
  const euros = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+$)/g, ' ')
  return `${cents < 0 ? '-' : ''}${euros},${String(abs % 100).padStart(2, '0')} €`
}

/** Characters as a terminal shows them (NFC). */
const width = (text: string) => [...text.normalize('NFC')].length
export const cut = (text: string, size: number) => (width(text) > size ? [...text.normalize('NFC')].slice(0, size - 1).join('') + '…' : text)

/** A plain-text table; columns listed in `right` are aligned right. */
export function table(rows: string[][], right: number[] = []) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => width(r[i]))))
  return rows
    .map((row) => row.map((cell, i) => (right.includes(i) ? ' '.repeat(widths[i] - width(cell)) + cell : cell + ' '.repeat(widths[i] - width(cell)))).join('  ').trimEnd())
    .join('\n')
}

export const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`
