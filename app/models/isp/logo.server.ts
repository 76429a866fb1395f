import { createRequire } from 'node:module'
import { Resvg } from '@resvg/resvg-js'
import { Parser } from 'htmlparser2'
import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'
import { imageMimeType } from './identifiers.ts'
import { LOGO_MAX_BYTES } from './isp.schema.ts'

/**
 * The ISP's logo is checked and prepared once, when staff upload it: decoded entirely (a PNG
 * header followed by garbage is refused then, not when every PDF fails), limited in size, and
 * scaled down to what an invoice header and an email need. Every PDF then embeds a small image.
 */

/** Largest image accepted, in pixels each way (read from the header, before decoding). */
export const LOGO_MAX_PIXELS = 2000
/** The prepared logo fits this box: four times the 160×40 points the PDF prints, enough for print and screens. */
const PREPARED_BOX = { width: 640, height: 320 }

export type LogoError = 'logoTooLarge' | 'logoNotImage' | 'logoBroken' | 'logoTooManyPixels' | 'logoSvgScript' | 'logoSvgExternal' | 'logoSvgBroken'
export type PreparedLogo = { bytes: Uint8Array<ArrayBuffer>; mimeType: 'image/png' | 'image/jpeg'; width: number; height: number }

/** Width and height from a PNG's IHDR chunk or a JPEG's start-of-frame segment; null when absent. */
export function imageSize(bytes: Uint8Array, mimeType: 'image/png' | 'image/jpeg') {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (mimeType === 'image/png') {
    // Signature (8), IHDR length (4) and type (4), then width and height.
    if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return null
    return { width: view.getUint32(16), height: view.getUint32(20) }
  }
  let offset = 2
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xff) return null
    const marker = bytes[offset + 1]
    const length = view.getUint16(offset + 2)
    // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC), carry the frame's size.
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { width: view.getUint16(offset + 7), height: view.getUint16(offset + 5) }
    }
    offset += 2 + length
  }
  return null
}

type Pixels = { width: number; height: number; data: Uint8Array }

/** RGBA pixels of the whole image; throws on anything that is not a complete, valid image. */
function decode(bytes: Uint8Array, mimeType: 'image/png' | 'image/jpeg'): Pixels {
  if (mimeType === 'image/png') {
    const png = PNG.sync.read(Buffer.from(bytes))
    return { width: png.width, height: png.height, data: png.data }
  }
  const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: (LOGO_MAX_PIXELS * LOGO_MAX_PIXELS) / 1e6, maxMemoryUsageInMB: 64 })
  return { width: image.width, height: image.height, data: image.data }
}

/** Scales pixels down (never up) to fit `box`, each target pixel the average of the source pixels it covers. */
function fitInto({ width, height, data }: Pixels, box: { width: number; height: number }): Pixels {
  const scale = Math.min(1, box.width / width, box.height / height)
  if (scale === 1) return { width, height, data }
  const w = Math.max(1, Math.round(width * scale))
  const h = Math.max(1, Math.round(height * scale))
  const out = new Uint8Array(w * h * 4)
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor((y * height) / h)
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * height) / h))
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor((x * width) / w)
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * width) / w))
      const sum = [0, 0, 0, 0]
      for (let sy = y0; sy < y1; sy++) {
        for (let sx = x0; sx < x1; sx++) {
          const i = (sy * width + sx) * 4
          for (let c = 0; c < 4; c++) sum[c] += data[i + c]
        }
      }
      const count = (y1 - y0) * (x1 - x0)
      for (let c = 0; c < 4; c++) out[(y * w + x) * 4 + c] = Math.round(sum[c] / count)
    }
  }
  return { width: w, height: h, data: out }
}

/**
 * Checks an uploaded logo and returns it prepared for invoices and emails (same type, at most
 * 640×320 px), or the reason it is refused: too heavy, not a PNG or JPEG, broken, or too large
 * in pixels.
 */
export function prepareLogo(bytes: Uint8Array): { logo: PreparedLogo; error?: undefined } | { logo?: undefined; error: LogoError } {
  if (bytes.byteLength > LOGO_MAX_BYTES) return { error: 'logoTooLarge' }
  if (looksLikeSvg(bytes)) return prepareSvgLogo(new TextDecoder().decode(bytes))
  const mimeType = imageMimeType(bytes)
  if (!mimeType) return { error: 'logoNotImage' }
  const size = imageSize(bytes, mimeType)
  if (!size || size.width === 0 || size.height === 0) return { error: 'logoBroken' }
  if (size.width > LOGO_MAX_PIXELS || size.height > LOGO_MAX_PIXELS) return { error: 'logoTooManyPixels' }
  let pixels: Pixels
  try {
    pixels = fitInto(decode(bytes, mimeType), PREPARED_BOX)
  } catch {
    return { error: 'logoBroken' }
  }
  const encoded = mimeType === 'image/png'
    ? PNG.sync.write(Object.assign(new PNG({ width: pixels.width, height: pixels.height }), { data: Buffer.from(pixels.data) }))
    : jpeg.encode({ width: pixels.width, height: pixels.height, data: pixels.data }, 90).data
  return { logo: { bytes: new Uint8Array(encoded), mimeType, width: pixels.width, height: pixels.height } }
}

// ---- SVG logos ---------------------------------------------------------------------------------

/** Markup (after a byte order mark and blanks) holding an <svg element early on: an SVG, judged by svgLogoProblem. */
function looksLikeSvg(bytes: Uint8Array) {
  const head = new TextDecoder().decode(bytes.subarray(0, 4096)).replace(/^\uFEFF/, '')
  return /^\s*</.test(head) && /<svg[\s>]/i.test(head)
}

/** Elements that run code or embed other documents. */
const ACTIVE_ELEMENTS = new Set(['script', 'foreignobject', 'iframe', 'embed', 'object', 'handler', 'listener', 'audio', 'video'])
/** A reference inside the document, or an image carried in it. */
const LOCAL_REFERENCE = /^\s*(#|data:image\/(png|jpeg|gif|webp);base64,)/i
/** Every url(…) of a style, and what it points to. */
const CSS_URL = /url\(\s*(['"]?)(.*?)\1\s*\)/gi

function externalInCss(css: string) {
  if (/@import/i.test(css)) return true
  for (const match of css.matchAll(CSS_URL)) if (!LOCAL_REFERENCE.test(match[2] ?? '')) return true
  return false
}

/**
 * Why an SVG cannot be a logo, or null: a script, an event handler or an embedded document
 * ('logoSvgScript'); a link, image, font or style fetched from elsewhere, or a DOCTYPE with its
 * entities ('logoSvgExternal'); not an SVG document ('logoSvgBroken'). Refused, never cleaned:
 * staff fix the file in their editor and see the logo they meant.
 */
export function svgLogoProblem(svg: string): LogoError | null {
  let problem: LogoError | null = null
  let root: string | null = null
  let inStyle = 0
  const parser = new Parser({
    onprocessinginstruction(name) {
      if (name.toLowerCase() === '!doctype') problem ??= 'logoSvgExternal'
    },
    onopentag(name, attributes) {
      const tag = name.toLowerCase().replace(/^svg:/, '')
      root ??= tag
      if (ACTIVE_ELEMENTS.has(tag)) problem ??= 'logoSvgScript'
      if (tag === 'style') inStyle += 1
      for (const [attribute, value] of Object.entries(attributes)) {
        const key = attribute.toLowerCase()
        if (key.startsWith('on')) problem ??= 'logoSvgScript'
        else if ((key === 'href' || key.endsWith(':href') || key === 'src') && !LOCAL_REFERENCE.test(value)) problem ??= /^\s*javascript:/i.test(value) ? 'logoSvgScript' : 'logoSvgExternal'
        else if (externalInCss(value)) problem ??= 'logoSvgExternal'
      }
    },
    ontext(text) {
      if (inStyle > 0 && externalInCss(text)) problem ??= 'logoSvgExternal'
    },
    onclosetag(name) {
      if (name.toLowerCase().replace(/^svg:/, '') === 'style') inStyle -= 1
    },
    onerror() {
      problem ??= 'logoSvgBroken'
    },
  }, { xmlMode: true, decodeEntities: true })
  parser.end(svg)
  if (root !== 'svg') return problem ?? 'logoSvgBroken'
  return problem
}

const require = createRequire(import.meta.url)

/**
 * An SVG logo checked by svgLogoProblem, then drawn by resvg into a PNG that fits the prepared
 * box (text in DejaVu Sans, the only font there is; nothing read from disk or network besides).
 * Invoices, emails and icons then use that PNG as they use any other logo.
 */
export function prepareSvgLogo(svg: string): { logo: PreparedLogo; error?: undefined } | { logo?: undefined; error: LogoError } {
  const problem = svgLogoProblem(svg)
  if (problem) return { error: problem }
  try {
    const options = {
      font: { loadSystemFonts: false, fontFiles: [require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'), require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')], defaultFontFamily: 'DejaVu Sans' },
    }
    const natural = new Resvg(svg, options)
    const { width, height } = natural
    if (!(width > 0 && height > 0)) return { error: 'logoSvgBroken' }
    const fit = width / height > PREPARED_BOX.width / PREPARED_BOX.height
      ? { mode: 'width' as const, value: PREPARED_BOX.width }
      : { mode: 'height' as const, value: PREPARED_BOX.height }
    const rendered = new Resvg(svg, { ...options, fitTo: fit }).render()
    return { logo: { bytes: new Uint8Array(rendered.asPng()), mimeType: 'image/png', width: rendered.width, height: rendered.height } }
  } catch {
    return { error: 'logoSvgBroken' }
  }
}

