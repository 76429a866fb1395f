import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** What a reader of the PDF sees as text (poppler's pdftotext), every run of whitespace as one space. */
export async function pdfText(pdf: Uint8Array) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'coin-pdf-text-'))
  try {
    const file = path.join(dir, 'document.pdf')
    await writeFile(file, pdf)
    const { stdout } = await run('pdftotext', ['-layout', file, '-'])
    return stdout.replace(/\s+/g, ' ')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
