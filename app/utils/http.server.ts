export function notFound(message = 'Not found'): never {
  throw new Response(message, { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
}

/** The client's address as the server saw it (the express adapter passes it in a header). */
export function getClientAddress(request: Request) {
  return request.headers.get('x-coin-client-ip') ?? '127.0.0.1'
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * True when a state-changing request comes from a page of another origin: its Origin header
 * names another host (or is "null"), or, without an Origin, its Referer names another host or
 * the browser marks it cross-site. Requests with none of these headers (scripts, curl) are not
 * browser forms and pass.
 */
export function isCrossOriginWrite({ method, origin, referer, host, secFetchSite }: {
  method: string
  origin: string | undefined
  referer?: string | undefined
  host: string | undefined
  secFetchSite: string | undefined
}) {
  if (!UNSAFE_METHODS.has(method.toUpperCase())) return false
  if (origin === 'null') return true
  if (origin) return !isSameHost(origin, host)
  if (referer && !isSameHost(referer, host)) return true
  return secFetchSite === 'cross-site'
}

function isSameHost(url: string, host: string | undefined) {
  try {
    return new URL(url).host === host
  } catch {
    return false
  }
}

/**
 * A private file download that never changes once made (an invoice PDF): the SHA-256 is the
 * ETag, and a browser that already has it gets 304.
 */
export function immutableDownload(request: Request, { bytes, filename, sha256, contentType }: { bytes: Uint8Array<ArrayBuffer>; filename: string; sha256: string; contentType: string }) {
  const etag = `"${sha256}"`
  const headers = { 'Content-Type': contentType, 'Content-Disposition': `attachment; filename="${filename}"`, ETag: etag, 'Cache-Control': 'private', 'X-Content-Type-Options': 'nosniff' }
  if (request.headers.get('If-None-Match') === etag) return new Response(null, { status: 304, headers })
  return new Response(bytes, { headers: { ...headers, 'Content-Length': String(bytes.byteLength) } })
}

/** Whether the request's If-None-Match names `etag` (weak or strong, in a list or alone). */
export function matchesEtag(request: Request, etag: string) {
  const header = request.headers.get('If-None-Match')
  return Boolean(header && (header.trim() === '*' || header.split(',').map((tag) => tag.trim().replace(/^W\//, '')).includes(etag)))
}

export type ImageFormat = 'png' | 'svg' | 'pdf'
const IMAGE_TYPES: Record<ImageFormat, string> = { png: 'image/png', svg: 'image/svg+xml', pdf: 'application/pdf' }

/** Drawn pictures kept in this process, by ETag, least recently used first, within a byte budget. */
const drawn = new Map<string, Promise<Uint8Array | string>>()
const drawnSizes = new Map<string, number>()
const DRAWN_BUDGET_BYTES = 16 * 1024 * 1024
const DRAWN_LARGEST_BYTES = 2 * 1024 * 1024
let drawnBytes = 0

function forgetDrawn(etag: string) {
  drawn.delete(etag)
  drawnBytes -= drawnSizes.get(etag) ?? 0
  drawnSizes.delete(etag)
}

/**
 * The bytes of the picture `etag` names, drawn once: the ETag is a hash of everything the picture
 * shows (see imageEtag), so the same ETag is the same picture. Requests for a picture being drawn
 * wait for that drawing; a failed drawing is forgotten, so the next request tries again.
 */
export function drawOnce(etag: string, draw: () => Promise<Uint8Array | string>) {
  const held = drawn.get(etag)
  if (held) {
    // Most recently used goes last.
    drawn.delete(etag)
    drawn.set(etag, held)
    return held
  }
  const drawing = draw().then(
    (body) => {
      const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
      if (drawn.get(etag) !== drawing) return body
      if (size > DRAWN_LARGEST_BYTES) {
        forgetDrawn(etag)
        return body
      }
      drawnSizes.set(etag, size)
      drawnBytes += size
      for (const oldest of drawn.keys()) {
        if (drawnBytes <= DRAWN_BUDGET_BYTES) break
        forgetDrawn(oldest)
      }
      return body
    },
    (error: unknown) => {
      if (drawn.get(etag) === drawing) forgetDrawn(etag)
      throw error
    },
  )
  drawn.set(etag, drawing)
  return drawing
}

/**
 * A picture drawn for its inputs (`etag`, see imageEtag): 304 when the browser has it, else the
 * bytes `draw` makes, drawn once per process while they stay among the recently used. Public
 * pictures may sit in shared caches; private ones (staff charts, a member's card) only in the
 * browser's. Revalidated after `maxAge` seconds. A `filename` makes it a download.
 */
export async function imageResponse(request: Request, { etag, format, draw, scope, maxAge = 300, filename }: {
  etag: string; format: ImageFormat; draw: () => Promise<Uint8Array | string>; scope: 'public' | 'private'; maxAge?: number; filename?: string
}) {
  const headers = {
    'Content-Type': IMAGE_TYPES[format], ETag: etag, 'Cache-Control': `${scope}, max-age=${maxAge}`, 'X-Content-Type-Options': 'nosniff',
    ...(filename ? { 'Content-Disposition': `attachment; filename="${filename}"` } : {}),
    // An SVG opened on its own runs no script and loads nothing.
    ...(format === 'svg' ? { 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:" } : {}),
  }
  if (matchesEtag(request, etag)) return new Response(null, { status: 304, headers })
  const body = await drawOnce(etag, draw)
  return new Response(typeof body === 'string' ? body : new Uint8Array(body), { headers })
}

/**
 * A CSV download made for this request (an export of member data): never stored by a cache,
 * never sniffed as anything but CSV.
 */
export function csvDownload({ csv, filename }: { csv: string; filename: string }) {
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  })
}

/**
 * The Content-Security-Policy of every HTML page: scripts only from this site or inline with the
 * response's nonce (Remix's hydration and route scripts), styles, images, fonts and fetches from
 * this site only, forms posted only here, and no page may frame Coin (clickjacking).
 */
export function contentSecurityPolicy(nonce: string) {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ')
}

/**
 * Headers of a response that shows member data (every page and data request of a logged-in
 * member): no cache, shared or the browser's own, keeps it.
 */
export const PRIVATE_NO_STORE = 'private, no-store'
