import fs from 'node:fs/promises'
import { findInvoiceIdByNumber } from '#app/models/invoice/invoices.server.ts'
import { getInvoicePdf } from '#app/models/invoice/pdf.server.ts'
import { CommandError } from './errors.ts'

/**
 * `coin invoice_pdf NUMBER [--out FILE]`: the stored PDF of a validated invoice, byte for byte,
 * to a file or to stdout (for accountants and scripts). Returns where it went.
 */
export async function writeInvoicePdf({ number, out }: { number: string; out?: string }) {
  const id = await findInvoiceIdByNumber(number)
  const found = id === null ? null : await getInvoicePdf(id)
  if (!found) throw new CommandError(`no validated invoice numbered "${number}"`)
  if (!out || out === '-') {
    if (process.stdout.isTTY) throw new CommandError('refusing to write a PDF to a terminal: add --out FILE, or redirect the output')
    await new Promise<void>((resolve, reject) => process.stdout.write(found.pdf, (error) => (error ? reject(error) : resolve())))
    return null
  }
  try {
    await fs.writeFile(out, found.pdf)
  } catch (error) {
    throw new CommandError(`cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  return { path: out, bytes: found.pdf.byteLength, sha256: found.sha256 }
}
