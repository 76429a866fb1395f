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
 * names another host, or the browser marks it cross-site. Requests without either header
 * (scripts, curl) are not browser forms and pass.
 */
export function isCrossOriginWrite({ method, origin, host, secFetchSite }: {
  method: string
  origin: string | undefined
  host: string | undefined
  secFetchSite: string | undefined
}) {
  if (!UNSAFE_METHODS.has(method.toUpperCase())) return false
  if (origin && origin !== 'null') {
    try {
      return new URL(origin).host !== host
    } catch {
      return true
    }
  }
  if (origin === 'null') return true
  return secFetchSite === 'cross-site'
}

/**
 * A private file download that never changes once made (an invoice PDF): the SHA-256 is the
 * ETag, and a browser that already has it gets 304.
 */
export function immutableDownload(request: Request, { bytes, filename, sha256, contentType }: { bytes: Uint8Array<ArrayBuffer>; filename: string; sha256: string; contentType: string }) {
  const etag = `"${sha256}"`
  const headers = { 'Content-Type': contentType, 'Content-Disposition': `attachment; filename="${filename}"`, ETag: etag, 'Cache-Control': 'private' }
  if (request.headers.get('If-None-Match') === etag) return new Response(null, { status: 304, headers })
  return new Response(bytes, { headers: { ...headers, 'Content-Length': String(bytes.byteLength) } })
}
