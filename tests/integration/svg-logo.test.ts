import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { expect, test } from 'vitest'
import { pngSize } from '#app/integrations/images/render.server.ts'
import { getInvoicePdf } from '#app/models/invoice/pdf.server.ts'
import { prepareLogo } from '#app/models/isp/logo.server.ts'
import { updateIspIdentity } from '#app/models/isp/settings.server.ts'
import { loader as touchIconLoader } from '#app/routes/apple-touch-icon[.png].tsx'
import { loader as faviconLoader } from '#app/routes/favicon[.png].tsx'
import { insertValidatedInvoice } from '#tests/factories/invoice.ts'
import { insertMember } from '#tests/factories/member.ts'
import { makeRequest } from '#tests/routes/request.ts'

const run = promisify(execFile)

/** The images of a PDF as poppler's pdfimages lists them: [type, width, height] per image. */
async function pdfImages(pdf: Uint8Array) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'coin-pdf-images-'))
  try {
    await writeFile(path.join(dir, 'f.pdf'), pdf)
    const { stdout } = await run('pdfimages', ['-list', path.join(dir, 'f.pdf')])
    return stdout.split('\n').slice(2).filter(Boolean).map((line) => line.trim().split(/\s+/)).map((cols) => [cols[2], Number(cols[3]), Number(cols[4])])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

const SVG_LOGO = new TextEncoder().encode(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40" width="120" height="40">
  <rect width="120" height="40" rx="6" fill="#7c3aed"/><circle cx="20" cy="20" r="12" fill="#fff"/><text x="40" y="28" font-size="20" fill="#fff">FAI</text></svg>`)

const icon = async (loader: typeof faviconLoader) => new Uint8Array(await (await loader({ request: makeRequest('/favicon.png'), params: {}, context: {} })).arrayBuffer())

test('an SVG logo ends up as an image in invoices validated after it, older invoices keep their bytes, and it becomes the site icon', { timeout: 120_000 }, async () => {
  const coinMark = await icon(faviconLoader)
  expect(pngSize(coinMark)).toEqual({ width: 32, height: 32 })

  const member = await insertMember()
  const before = await insertValidatedInvoice({ memberId: member.id, withPdf: true })
  const old = (await getInvoicePdf(before.id))!
  expect(await pdfImages(old.pdf)).toEqual([])

  const prepared = prepareLogo(SVG_LOGO)
  if (!prepared.logo) throw new Error(prepared.error)
  expect(prepared.logo).toMatchObject({ mimeType: 'image/png', width: 640, height: 213 })
  await updateIspIdentity({ logo: new Uint8Array(prepared.logo.bytes), logoMimeType: prepared.logo.mimeType })

  const after = await insertValidatedInvoice({ memberId: member.id, withPdf: true })
  const images = await pdfImages((await getInvoicePdf(after.id))!.pdf)
  expect(images).toEqual([['image', 640, 213]])
  // The older invoice is the same document, byte for byte.
  const again = (await getInvoicePdf(before.id))!
  expect(again.sha256).toBe(old.sha256)
  expect(Buffer.from(again.pdf).equals(Buffer.from(old.pdf))).toBe(true)

  // The icons are the ISP's logo now.
  const favicon = await icon(faviconLoader)
  expect(pngSize(favicon)).toEqual({ width: 32, height: 32 })
  expect(Buffer.from(favicon).equals(Buffer.from(coinMark))).toBe(false)
  expect(pngSize(await icon(touchIconLoader))).toEqual({ width: 180, height: 180 })
})
