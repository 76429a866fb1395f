import { createHash } from 'node:crypto'
import jpeg from 'jpeg-js'
import type { PDFDocument } from 'pdf-lib'
import { PNG } from 'pngjs'

/**
 * The logo as invoices print it: a JPEG, which pdf-lib embeds by copying its bytes, where a PNG
 * would be decoded and compressed again for every PDF. A PNG logo is flattened onto white (the
 * page's colour) and encoded once per process and logo, then reused by every PDF of the run;
 * the conversion is deterministic, so a PDF rendered again has the same bytes.
 */

const JPEG_QUALITY = 90
/** Prepared logos by the SHA-1 of their bytes; an ISP has one logo at a time, a few over the years. */
const cache = new Map<string, Uint8Array>()
const CACHE_SIZE = 8

function pngToJpeg(bytes: Uint8Array) {
  const { width, height, data } = PNG.sync.read(Buffer.from(bytes))
  for (let i = 0; i < data.length; i += 4) {
    const alpha = data[i + 3]
    for (let c = 0; c < 3; c++) data[i + c] = Math.round((data[i + c] * alpha + 255 * (255 - alpha)) / 255)
    data[i + 3] = 255
  }
  return new Uint8Array(jpeg.encode({ width, height, data }, JPEG_QUALITY).data)
}

/** The JPEG bytes a PDF embeds for a logo. */
export function logoForPdf(bytes: Uint8Array, mimeType: 'image/png' | 'image/jpeg') {
  if (mimeType === 'image/jpeg') return bytes
  const key = createHash('sha1').update(bytes).digest('hex')
  let prepared = cache.get(key)
  if (!prepared) {
    prepared = pngToJpeg(bytes)
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!)
    cache.set(key, prepared)
  }
  return prepared
}

/** The logo as a PDF image; pdf-lib throws bare strings on bad images, this throws an Error saying what failed. */
export async function embedLogo(doc: PDFDocument, bytes: Uint8Array, mimeType: string) {
  if (mimeType !== 'image/png' && mimeType !== 'image/jpeg') throw new Error(`the ISP logo has a type PDF cannot embed (${mimeType})`)
  try {
    return await doc.embedJpg(logoForPdf(bytes, mimeType))
  } catch (cause) {
    throw new Error(`the ISP logo (${mimeType}) cannot be embedded in the PDF: ${String(cause)}`, { cause })
  }
}
