import { createHash } from 'node:crypto'
import { concatTransformationMatrix, drawObject, popGraphicsState, pushGraphicsState, type PDFDocument, type PDFPage } from 'pdf-lib'
import { PNG } from 'pngjs'

/**
 * The logo as invoices print it. pdf-lib would decode a PNG and compress its pixels again for
 * every PDF; here a PNG logo is prepared once per process and logo: flattened onto white (the
 * page's colour) and re-encoded as an RGB PNG, whose compressed data is exactly a PDF Flate stream
 * with PNG predictors, which each PDF copies. A JPEG is copied as it is. Both are deterministic,
 * so a PDF rendered again has the same bytes.
 */

type PreparedPng = { width: number; height: number; idat: Uint8Array }

/** Prepared PNG logos by the SHA-1 of their bytes; an ISP has one logo at a time, a few over the years. */
const cache = new Map<string, PreparedPng>()
const CACHE_SIZE = 8

/** The concatenated IDAT data of a PNG: its compressed, filtered scanlines. */
function idatOf(png: Buffer) {
  const parts: Buffer[] = []
  for (let offset = 8; offset + 8 <= png.length;) {
    const length = png.readUInt32BE(offset)
    const type = png.toString('latin1', offset + 4, offset + 8)
    if (type === 'IDAT') parts.push(png.subarray(offset + 8, offset + 8 + length))
    offset += 12 + length
  }
  return new Uint8Array(Buffer.concat(parts))
}

function preparePng(bytes: Uint8Array): PreparedPng {
  const decoded = PNG.sync.read(Buffer.from(bytes))
  // RGBA in, RGB out: pngjs blends each pixel onto white as it packs.
  const rgb = PNG.sync.write(decoded, { colorType: 2, inputColorType: 6, inputHasAlpha: true, bitDepth: 8 })
  return { width: decoded.width, height: decoded.height, idat: idatOf(rgb) }
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

/** Adds a prepared PNG to the document as an image XObject. */
function embedPreparedPng(doc: PDFDocument, { width, height, idat }: PreparedPng) {
  const ref = doc.context.register(doc.context.stream(idat, {
    Type: 'XObject', Subtype: 'Image', Width: width, Height: height, ColorSpace: 'DeviceRGB', BitsPerComponent: 8,
    Filter: 'FlateDecode', DecodeParms: { Predictor: 15, Colors: 3, BitsPerComponent: 8, Columns: width },
  }))
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
