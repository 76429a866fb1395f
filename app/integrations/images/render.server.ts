import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { Resvg } from '@resvg/resvg-js'
import type { ReactNode } from 'react'

/**
 * Pictures drawn on the server: satori lays out JSX (flexbox, the DejaVu Sans of the invoices)
 * into an SVG whose text is paths, resvg turns the SVG into a PNG. Nothing here fetches anything:
 * images inside a picture come as data: URLs.
 */

const require = createRequire(import.meta.url)

type SatoriFont = { name: string; data: Buffer; weight: 400 | 700; style: 'normal' }
let fonts: Promise<SatoriFont[]> | undefined

/** DejaVu Sans regular and bold, read once per process. */
function getFonts() {
  fonts ??= Promise.all([
    readFile(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    readFile(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
  ]).then(([regular, bold]) => [
    { name: 'DejaVu Sans', data: regular, weight: 400, style: 'normal' },
    { name: 'DejaVu Sans', data: bold, weight: 700, style: 'normal' },
  ] satisfies SatoriFont[]).catch((error: unknown) => {
    fonts = undefined
    throw error
  })
  return fonts
}

/** The SVG of `node` laid out at width × height pixels. satori loads with the first picture, not with the server. */
export async function renderSvg(node: ReactNode, { width, height }: { width: number; height: number }) {
  const [{ default: satori }, fonts] = await Promise.all([import('satori'), getFonts()])
  return satori(node, { width, height, fonts })
}

/** An image's bytes as the data: URL a picture embeds it by (pictures fetch nothing). */
export function dataUrl(bytes: Uint8Array, mimeType: string) {
  return `data:${mimeType};base64,${Buffer.from(bytes).toString('base64')}`
}

/** A PNG of an SVG, at its own size or scaled to `width` pixels. */
export function svgToPng(svg: string, { width }: { width?: number } = {}) {
  const resvg = new Resvg(svg, { fitTo: width ? { mode: 'width', value: width } : { mode: 'original' }, font: { loadSystemFonts: false } })
  return new Uint8Array(resvg.render().asPng())
}

/** The PNG's width and height, read from its IHDR chunk (null when the bytes are no PNG). */
export function pngSize(bytes: Uint8Array) {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
  if (bytes.length < 24 || !signature.every((b, i) => bytes[i] === b)) return null
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return { width: view.getUint32(16), height: view.getUint32(20) }
}

/**
 * An ETag for an image made from `inputs` (its data, its language, the drawing's version): the
 * same inputs give the same picture, so a browser holding it gets 304 before anything is drawn.
 */
export function imageEtag(kind: string, inputs: unknown) {
  return `"${createHash('sha256').update(kind).update('\0').update(JSON.stringify(inputs)).digest('base64url').slice(0, 27)}"`
}
