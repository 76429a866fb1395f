import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import fontkit from '@pdf-lib/fontkit'

/**
 * DejaVu Sans (regular and bold) reduced, once per process, to the characters invoices print.
 * pdf-lib still subsets what each document uses, but laying out and subsetting with a 27 KB font
 * without GSUB/GPOS/kern tables or hinting is about three times faster than with the 740 KB
 * original (ARCHITECTURE.md, "PDF speed"), and each PDF carries half the font bytes.
 *
 * fontkit's own subset output is meant for a PDF FontFile2 only: it has no cmap, name, OS/2 or
 * post table, so it cannot be loaded again. This module takes its glyph tables (glyf, loca,
 * hmtx, renumbered with composite components included), strips the hinting, and adds a fresh
 * cmap, a short name table, the original OS/2 and a glyph-name-free post table, giving a
 * standalone TrueType file.
 */

export type InvoiceFonts = {
  regular: Uint8Array
  bold: Uint8Array
  /** The text with every character the fonts lack replaced (see `printableText`). */
  printable: (text: string) => string
  /**
   * The width in points of printable text, as pdf-lib's `widthOfTextAtSize` computes it (a sum
   * of advance widths: the reduced fonts have no kerning or ligatures) without laying it out.
   */
  width: (text: string, weight: 'regular' | 'bold', size: number) => number
}

/** Inclusive ranges of code points kept: what French and English invoices print. */
const KEPT_RANGES: [number, number][] = [
  [0x0020, 0x007e], // Basic Latin
  [0x00a0, 0x00ff], // Latin-1 Supplement (incl. U+00A0 no-break space)
  [0x0100, 0x017f], // Latin Extended-A (œ, ł, ő…)
  [0x0218, 0x021b], // Ș ș Ț ț
  [0x2000, 0x206f], // General Punctuation (incl. ’ – — … and U+202F narrow no-break space)
  [0x20ac, 0x20ac], // €
  [0x2116, 0x2116], // №
  [0x2212, 0x2212], // minus sign
]

/** Name records kept: copyright, family, subfamily, unique id, full name, version, PostScript name. */
const KEPT_NAME_IDS = new Set([0, 1, 2, 3, 4, 5, 6])

const require = createRequire(import.meta.url)

let fonts: Promise<InvoiceFonts> | undefined

/** The reduced regular and bold fonts, computed on first use and kept for the process. */
export function getInvoiceFonts(): Promise<InvoiceFonts> {
  fonts ??= loadInvoiceFonts().catch((error: unknown) => {
    fonts = undefined
    throw error
  })
  return fonts
}

async function loadInvoiceFonts(): Promise<InvoiceFonts> {
  const [regular, bold] = await Promise.all([
    reduceFont(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    reduceFont(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
  ])
  const advances = { regular: regular.advances, bold: bold.advances }
  return {
    regular: regular.bytes,
    bold: bold.bytes,
    printable: printableText(new Set([...regular.advances.keys()].filter((codePoint) => bold.advances.has(codePoint)))),
    width: (text, weight, size) => {
      let em = 0
      for (const char of text) em += advances[weight].get(char.codePointAt(0) ?? 0) ?? 0
      return em * size
    },
  }
}

/**
 * Makes text drawable with the reduced fonts: control characters become spaces, a letter the
 * fonts lack loses its accents (decomposed form) or else becomes "?", so pdf-lib never draws
 * an empty .notdef box.
 */
function printableText(codePoints: ReadonlySet<number>) {
  const replacements = new Map<string, string>()
  const replace = (char: string) => {
    const code = char.codePointAt(0) ?? 0
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return ' '
    const base = char.normalize('NFKD').replace(/\p{M}/gu, '')
    return base && [...base].every((c) => codePoints.has(c.codePointAt(0) ?? 0)) ? base : '?'
  }
  return (text: string) => {
    let out = ''
    for (const char of text) {
      if (codePoints.has(char.codePointAt(0) ?? 0)) {
        out += char
        continue
      }
      let replacement = replacements.get(char)
      if (replacement === undefined) replacements.set(char, (replacement = replace(char)))
      out += replacement
    }
    return out
  }
}

const parsed = new WeakMap<Uint8Array, fontkit.Font>()

/**
 * fontkit for pdf-lib's `registerFontkit`, parsing each reduced font once per process instead of
 * once per document: the parsed font keeps its decoded glyphs and metrics, which is most of the
 * cost of laying out and subsetting text. pdf-lib only reads the font (each document gets its
 * own subset), and layout and subset encoding run synchronously, so documents can share it.
 */
export const sharedFontkit = {
  create(bytes: Uint8Array) {
    let font = parsed.get(bytes)
    if (!font) parsed.set(bytes, (font = createWithAllGlyphs(bytes)))
    return font
  },
}

/**
 * Parses a font and creates every mapped glyph through the cmap, in code point order. fontkit
 * caches a glyph with the code points it was first reached from, and pdf-lib writes those into
 * the ToUnicode map. A glyph first reached as a component of another ("E" inside "É", while a
 * subset is encoded) would keep no code point for every later document of the process: "E"
 * would vanish from their text layer, and the bytes would depend on what was rendered before.
 * Its subsets encode synchronously (see `encodeSubset`).
 */
function createWithAllGlyphs(bytes: Uint8Array) {
  const font = fontkit.create(bytes)
  for (const codePoint of [...font.characterSet].sort((a, b) => a - b)) font.glyphForCodePoint(codePoint)
  const createSubset = font.createSubset.bind(font)
  const addGlyph = cachedGlyphs(font)
  font.createSubset = () => {
    const subset = createSubset()
    ;(subset as SubsetInternals)._addGlyph = addGlyph
    subset.encodeStream = () => {
      const encoded = encodeSubset(subset)
      const listeners: { data?: (bytes: Uint8Array) => unknown; end?: (bytes: Uint8Array) => unknown } = {}
      const stream: fontkit.SubsetStream = {
        on: (event, callback) => {
          listeners[event] = callback
          return stream
        },
      }
      queueMicrotask(() => {
        listeners.data?.(encoded)
        listeners.end?.(encoded)
      })
      return stream
    }
    return subset
  }
  return font
}

/** What fontkit's TrueType subset keeps while it encodes (TTFSubset, not in its types). */
type SubsetInternals = fontkit.Subset & {
  glyf: Uint8Array[]
  loca: { offsets: number[] }
  hmtx: { metrics: { advance: number; bearing: number }[] }
  offset: number
  _addGlyph: (this: SubsetInternals, glyphId: number) => number
}
type FontInternals = fontkit.Font & {
  loca: { offsets: number[] }
  _getTableStream: (tag: string) => { pos: number; readBuffer: (length: number) => Uint8Array }
}
type DecodedGlyph = { numberOfContours: number; components?: { glyphID: number; pos: number }[] } | null
type GlyphInternals = fontkit.Glyph & { _decode: () => DecodedGlyph; _getMetrics: () => { leftBearing: number } }

/**
 * fontkit's TTFSubset#_addGlyph with what it reads from the font kept per glyph: it decodes the
 * glyph and copies its bytes again for every subset, that is for every document (most of the
 * cost of encoding a subset). Adds the same bytes, offsets and metrics in the same order: a
 * composite glyph's components are included, and their new ids written into a copy of its bytes.
 */
function cachedGlyphs(font: fontkit.Font) {
  const glyphs = new Map<number, { bytes: Uint8Array; components: { glyphID: number; pos: number }[]; advance: number; bearing: number }>()
  const read = (glyphId: number) => {
    const internals = font as FontInternals
    const glyph = font.getGlyph(glyphId) as GlyphInternals
    const decoded = glyph._decode()
    const stream = internals._getTableStream('glyf')
    stream.pos += internals.loca.offsets[glyphId]
    const bytes = Uint8Array.prototype.slice.call(stream.readBuffer(internals.loca.offsets[glyphId + 1] - internals.loca.offsets[glyphId]))
    const components = decoded && decoded.numberOfContours < 0 ? (decoded.components ?? []).map(({ glyphID, pos }) => ({ glyphID, pos })) : []
    return { bytes, components, advance: glyph.advanceWidth, bearing: glyph._getMetrics().leftBearing }
  }
  return function addGlyph(this: SubsetInternals, glyphId: number) {
    let glyph = glyphs.get(glyphId)
    if (!glyph) glyphs.set(glyphId, (glyph = read(glyphId)))
    let bytes = glyph.bytes
    if (glyph.components.length > 0) {
      bytes = bytes.slice()
      for (const { glyphID, pos } of glyph.components) {
        const id = this.includeGlyph(glyphID)
        bytes[pos] = id >> 8
        bytes[pos + 1] = id & 0xff
      }
    }
    this.glyf.push(bytes)
    this.loca.offsets.push(this.offset)
    this.hmtx.metrics.push({ advance: glyph.advance, bearing: glyph.bearing })
    this.offset += bytes.length
    return this.glyf.length - 1
  }
}

/** The writer fontkit encodes a subset into (restructure's EncodeStream, a Readable stream). */
type EncodeStream = { push: (chunk: Uint8Array | null) => boolean; end: () => void }
type EncodableSubset = fontkit.Subset & { encode: (stream: EncodeStream) => void }
let EncodeStreamClass: (new () => EncodeStream) | undefined

/**
 * fontkit does not export its writer's class: take it from a stream that fontkit's own
 * `encodeStream` makes for a spare subset of the same font (which it then encodes once, unused).
 */
function writerClass(subset: fontkit.Subset) {
  const prototype: { constructor: new (font: unknown) => fontkit.Subset; encodeStream: () => { constructor: unknown } } = Object.getPrototypeOf(subset)
  const spare = new prototype.constructor((subset as fontkit.Subset & { font: unknown }).font)
  return prototype.encodeStream.call(spare).constructor as new () => EncodeStream
}

/**
 * A font subset's bytes, encoded synchronously. fontkit's `encodeStream` runs the encoder and
 * emits its chunks through the browser `process.nextTick` shim bundled with it, which waits
 * on `setTimeout`: about 1 ms of idle time per font and so per document's two fonts, a quarter
 * of a document's time. This runs the same encoder into the same writer, collecting its chunks
 * as they are pushed: the same bytes, without waiting.
 */
function encodeSubset(subset: fontkit.Subset) {
  EncodeStreamClass ??= writerClass(subset)
  const parts: Uint8Array[] = []
  const stream = new EncodeStreamClass()
  stream.push = (chunk) => {
    if (chunk) parts.push(chunk)
    return true
  }
  ;(subset as EncodableSubset).encode(stream)
  stream.end()
  // A plain Uint8Array, not a Buffer: Buffer#slice returns a view, and tables are copied with slice.
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  parts.reduce((at, part) => (bytes.set(part, at), at + part.length), 0)
  return bytes
}

/** Reads a TrueType file and returns it reduced to KEPT_RANGES, with the advance widths (em) of the code points it maps. */
async function reduceFont(path: string) {
  const original = new Uint8Array(await readFile(path))
  const font = fontkit.create(original)
  const subset = font.createSubset()
  const cmap = new Map<number, number>()
  for (const [first, last] of KEPT_RANGES) {
    for (let codePoint = first; codePoint <= last; codePoint++) {
      if (font.hasGlyphForCodePoint(codePoint)) cmap.set(codePoint, subset.includeGlyph(font.glyphForCodePoint(codePoint)))
    }
  }
  const tables = withoutHinting(readTables(encodeSubset(subset)))
  const originalTables = readTables(original)
  tables.set('cmap', encodeCmap(cmap))
  tables.set('name', filterNameTable(requireTable(originalTables, 'name')))
  tables.set('OS/2', requireTable(originalTables, 'OS/2'))
  tables.set('post', postVersion3(requireTable(originalTables, 'post')))
  const advances = new Map([...cmap.keys()].map((codePoint) => [codePoint, font.glyphForCodePoint(codePoint).advanceWidth / font.unitsPerEm]))
  return { bytes: writeFont(tables), advances }
}

/** The tables of a TrueType file by tag, as views on its bytes. */
function readTables(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const tables = new Map<string, Uint8Array>()
  const count = view.getUint16(4)
  for (let i = 0; i < count; i++) {
    const record = 12 + 16 * i
    const tag = String.fromCharCode(...bytes.subarray(record, record + 4))
    const offset = view.getUint32(record + 8)
    const length = view.getUint32(record + 12)
    tables.set(tag, bytes.subarray(offset, offset + length))
  }
  return tables
}

function requireTable(tables: Map<string, Uint8Array>, tag: string) {
  const table = tables.get(tag)
  if (!table) throw new Error(`font has no ${tag} table`)
  return table
}

/**
 * The glyph tables without TrueType hinting: no fpgm, prep or cvt table and no per-glyph
 * instructions. PDF viewers rasterise without them, and they are a third of the glyph bytes
 * that every document would subset, compress and carry.
 */
function withoutHinting(tables: Map<string, Uint8Array>) {
  const head = requireTable(tables, 'head').slice()
  const headView = new DataView(head.buffer)
  const loca = requireTable(tables, 'loca')
  const glyf = requireTable(tables, 'glyf')
  const numGlyphs = new DataView(requireTable(tables, 'maxp').buffer, requireTable(tables, 'maxp').byteOffset).getUint16(4)
  const locaView = new DataView(loca.buffer, loca.byteOffset, loca.byteLength)
  const offset = headView.getInt16(50) === 0 ? (i: number) => 2 * locaView.getUint16(2 * i) : (i: number) => locaView.getUint32(4 * i)
  const glyphs: Uint8Array[] = []
  for (let i = 0; i < numGlyphs; i++) glyphs.push(glyphWithoutInstructions(glyf.slice(offset(i), offset(i + 1))))
  const newLoca = new DataView(new ArrayBuffer(4 * (numGlyphs + 1)))
  const newGlyf = new Uint8Array(glyphs.reduce((sum, glyph) => sum + glyph.length, 0))
  let at = 0
  glyphs.forEach((glyph, i) => {
    newLoca.setUint32(4 * i, at)
    newGlyf.set(glyph, at)
    at += glyph.length
  })
  newLoca.setUint32(4 * numGlyphs, at)
  headView.setInt16(50, 1) // long loca offsets
  const out = new Map([...tables].filter(([tag]) => !['fpgm', 'prep', 'cvt '].includes(tag)))
  out.set('head', head)
  out.set('loca', new Uint8Array(newLoca.buffer))
  out.set('glyf', newGlyf)
  return out
}

/** One glyf entry with its instructions removed, padded to 4 bytes. */
function glyphWithoutInstructions(glyph: Uint8Array) {
  if (glyph.length === 0) return glyph
  const view = new DataView(glyph.buffer, glyph.byteOffset, glyph.byteLength)
  const contours = view.getInt16(0)
  let stripped: Uint8Array
  if (contours >= 0) {
    const lengthAt = 10 + 2 * contours
    const instructions = view.getUint16(lengthAt)
    stripped = new Uint8Array(glyph.length - instructions)
    stripped.set(glyph.subarray(0, lengthAt)) // the two length bytes stay, as zero
    stripped.set(glyph.subarray(lengthAt + 2 + instructions), lengthAt + 2)
  } else {
    let at = 10
    let flags: number
    do {
      flags = view.getUint16(at)
      view.setUint16(at, flags & ~0x0100) // WE_HAVE_INSTRUCTIONS
      at += 4 + (flags & 0x0001 ? 4 : 2) // flags, glyph index, then word or byte arguments
      if (flags & 0x0008) at += 2 // one scale
      else if (flags & 0x0040) at += 4 // x and y scales
      else if (flags & 0x0080) at += 8 // 2×2 matrix
    } while (flags & 0x0020) // MORE_COMPONENTS
    stripped = glyph.subarray(0, at)
  }
  const padded = new Uint8Array(Math.ceil(stripped.length / 4) * 4)
  padded.set(stripped)
  return padded
}

/** A cmap with one Windows Unicode BMP (3, 1) format 4 subtable: one segment per run of code points. */
function encodeCmap(map: Map<number, number>) {
  const codePoints = [...map.keys()].sort((a, b) => a - b)
  const segments: { start: number; end: number }[] = []
  for (const codePoint of codePoints) {
    const last = segments.at(-1)
    if (last && last.end === codePoint - 1) last.end = codePoint
    else segments.push({ start: codePoint, end: codePoint })
  }
  segments.push({ start: 0xffff, end: 0xffff })
  const segCount = segments.length
  const glyphCount = codePoints.length
  const subtableLength = 16 + 8 * segCount + 2 * glyphCount
  const out = new DataView(new ArrayBuffer(12 + subtableLength))
  out.setUint16(0, 0) // cmap version
  out.setUint16(2, 1) // one subtable
  out.setUint16(4, 3) // platform: Windows
  out.setUint16(6, 1) // encoding: Unicode BMP
  out.setUint32(8, 12)
  const base = 12
  const entrySelector = Math.floor(Math.log2(segCount))
  const searchRange = 2 * 2 ** entrySelector
  out.setUint16(base, 4)
  out.setUint16(base + 2, subtableLength)
  out.setUint16(base + 4, 0) // language
  out.setUint16(base + 6, 2 * segCount)
  out.setUint16(base + 8, searchRange)
  out.setUint16(base + 10, entrySelector)
  out.setUint16(base + 12, 2 * segCount - searchRange)
  const endCodes = base + 14
  const startCodes = endCodes + 2 * segCount + 2 // after the reserved pad
  const idDeltas = startCodes + 2 * segCount
  const idRangeOffsets = idDeltas + 2 * segCount
  const glyphIds = idRangeOffsets + 2 * segCount
  let glyphIndex = 0
  segments.forEach(({ start, end }, i) => {
    out.setUint16(endCodes + 2 * i, end)
    out.setUint16(startCodes + 2 * i, start)
    if (start === 0xffff) {
      out.setInt16(idDeltas + 2 * i, 1) // the final segment maps U+FFFF to glyph 0
      out.setUint16(idRangeOffsets + 2 * i, 0)
      return
    }
    out.setInt16(idDeltas + 2 * i, 0)
    out.setUint16(idRangeOffsets + 2 * i, glyphIds + 2 * glyphIndex - (idRangeOffsets + 2 * i))
    for (let codePoint = start; codePoint <= end; codePoint++) out.setUint16(glyphIds + 2 * glyphIndex++, map.get(codePoint) ?? 0)
  })
  return new Uint8Array(out.buffer)
}

/** The name table with only the short identifying records (the license text alone is 15 KB). */
function filterNameTable(table: Uint8Array) {
  const view = new DataView(table.buffer, table.byteOffset, table.byteLength)
  const storage = view.getUint16(4)
  const records: { header: Uint8Array; text: Uint8Array }[] = []
  for (let i = 0; i < view.getUint16(2); i++) {
    const at = 6 + 12 * i
    if (!KEPT_NAME_IDS.has(view.getUint16(at + 6))) continue
    const length = view.getUint16(at + 8)
    const offset = storage + view.getUint16(at + 10)
    records.push({ header: table.subarray(at, at + 8), text: table.subarray(offset, offset + length) })
  }
  const headerLength = 6 + 12 * records.length
  const out = new Uint8Array(headerLength + records.reduce((sum, r) => sum + r.text.length, 0))
  const outView = new DataView(out.buffer)
  outView.setUint16(0, 0)
  outView.setUint16(2, records.length)
  outView.setUint16(4, headerLength)
  let textOffset = 0
  records.forEach(({ header, text }, i) => {
    const at = 6 + 12 * i
    out.set(header, at)
    outView.setUint16(at + 8, text.length)
    outView.setUint16(at + 10, textOffset)
    out.set(text, headerLength + textOffset)
    textOffset += text.length
  })
  return out
}

/** The post table header as version 3.0: same metrics, no glyph names (they would need renumbering). */
function postVersion3(table: Uint8Array) {
  const out = table.slice(0, 32)
  new DataView(out.buffer).setUint32(0, 0x0003_0000)
  return out
}

/** Sum of big-endian 32-bit words, the TrueType table checksum. */
function checksum(bytes: Uint8Array) {
  const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4)
  padded.set(bytes)
  const view = new DataView(padded.buffer)
  let sum = 0
  for (let i = 0; i < padded.length; i += 4) sum = (sum + view.getUint32(i)) >>> 0
  return sum
}

/** Writes a TrueType file: sorted table directory, 4-byte aligned tables, checksums and head adjustment. */
function writeFont(tables: Map<string, Uint8Array>) {
  const tags = [...tables.keys()].sort()
  const directoryLength = 12 + 16 * tags.length
  const padded = (length: number) => Math.ceil(length / 4) * 4
  const total = tags.reduce((sum, tag) => sum + padded(requireTable(tables, tag).length), directoryLength)
  const out = new Uint8Array(total)
  const view = new DataView(out.buffer)
  const entrySelector = Math.floor(Math.log2(tags.length))
  const searchRange = 16 * 2 ** entrySelector
  view.setUint32(0, 0x0001_0000)
  view.setUint16(4, tags.length)
  view.setUint16(6, searchRange)
  view.setUint16(8, entrySelector)
  view.setUint16(10, 16 * tags.length - searchRange)
  let offset = directoryLength
  let headOffset = -1
  tags.forEach((tag, i) => {
    const table = tag === 'head' ? requireTable(tables, tag).slice() : requireTable(tables, tag)
    if (tag === 'head') {
      new DataView(table.buffer).setUint32(8, 0) // checkSumAdjustment is computed over the whole file below
      headOffset = offset
    }
    const record = 12 + 16 * i
    for (let c = 0; c < 4; c++) out[record + c] = tag.charCodeAt(c)
    view.setUint32(record + 4, checksum(table))
    view.setUint32(record + 8, offset)
    view.setUint32(record + 12, table.length)
    out.set(table, offset)
    offset += padded(table.length)
  })
  if (headOffset >= 0) view.setUint32(headOffset + 8, (0xb1b0_afba - checksum(out)) >>> 0)
  return out
}
