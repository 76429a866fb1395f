import { createHash } from 'node:crypto'
import { deflateSync } from 'node:zlib'
import { concatTransformationMatrix, drawObject, popGraphicsState, pushGraphicsState, type PDFDocument, type PDFPage } from 'pdf-lib'
import { PNG } from 'pngjs'

/**
 * The logo as invoices print it. pdf-lib would decode a PNG and compress its pixels again for
 * every PDF; here a PNG logo is decoded and compressed once per process and logo (colour and alpha
 * as the two Flate streams a PDF image needs), and each PDF copies those bytes. A JPEG is copied
 * as it is. Both are deterministic, so a PDF rendered again has the same bytes.
 */

type PreparedPng = { width: number; height: number; rgb: Uint8Array; alpha: Uint8Array | null }

/** Prepared PNG logos by the SHA-1 of their bytes; an ISP has one logo at a time, a few over the years. */
const cache = new Map<string, PreparedPng>()
const CACHE_SIZE = 8

function preparePng(bytes: Uint8Array): PreparedPng {
  const { width, height, data } = PNG.sync.read(Buffer.from(bytes))
  const rgb = Buffer.alloc(width * height * 3)
  const alpha = Buffer.alloc(width * height)
  let opaque = true
  for (let i = 0, p = 0; p < width * height; i += 4, p++) {
    rgb[p * 3] = data[i]
    rgb[p * 3 + 1] = data[i + 1]
    rgb[p * 3 + 2] = data[i + 2]
    alpha[p] = data[i + 3]
    if (data[i + 3] !== 255) opaque = false
  }
  return { width, height, rgb: deflateSync(rgb, { level: 9 }), alpha: opaque ? null : deflateSync(alpha, { level: 9 }) }
}

function preparedPng(bytes: Uint8Array) {
  const key = createHash('sha1').update(bytes).digest('hex')
  let prepared = cache.get(key)
  if (!prepared) {
    prepared = preparePng(bytes)
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!)
    cache.set(key, prepared)
  }
  return prepared
}

/** Adds a prepared PNG to the document as an image XObject (with its alpha as a soft mask). */
function embedPreparedPng(doc: PDFDocument, { width, height, rgb, alpha }: PreparedPng) {
  const image = { Type: 'XObject', Subtype: 'Image', Width: width, Height: height, BitsPerComponent: 8, Filter: 'FlateDecode' }
  const mask = alpha ? doc.context.register(doc.context.stream(alpha, { ...image, ColorSpace: 'DeviceGray' })) : undefined
  const ref = doc.context.register(doc.context.stream(rgb, { ...image, ColorSpace: 'DeviceRGB', ...(mask ? { SMask: mask } : {}) }))
  return { ref, width, height }
}

/**
 * Draws the logo scaled to fit `maxWidth`×`maxHeight` points, its top-left corner at (`x`, `top`);
 * returns the size drawn. Throws an Error saying what failed when the image cannot be read.
 */
export async function drawLogo(doc: PDFDocument, page: PDFPage, bytes: Uint8Array, mimeType: string, { x, top, maxWidth, maxHeight }: { x: number; top: number; maxWidth: number; maxHeight: number }) {
  if (mimeType !== 'image/png' && mimeType !== 'image/jpeg') throw new Error(`the ISP logo has a type PDF cannot embed (${mimeType})`)
  try {
    if (mimeType === 'image/jpeg') {
      const image = await doc.embedJpg(bytes)
      const size = image.scaleToFit(maxWidth, maxHeight)
      page.drawImage(image, { x, y: top - size.height, ...size })
      return size
    }
    const { ref, width, height } = embedPreparedPng(doc, preparedPng(bytes))
    const scale = Math.min(maxWidth / width, maxHeight / height)
    const size = { width: width * scale, height: height * scale }
    const name = page.node.newXObject('Logo', ref)
    page.pushOperators(pushGraphicsState(), concatTransformationMatrix(size.width, 0, 0, size.height, x, top - size.height), drawObject(name), popGraphicsState())
    return size
  } catch (cause) {
    throw new Error(`the ISP logo (${mimeType}) cannot be embedded in the PDF: ${String(cause)}`, { cause })
  }
}
