import type { LoaderFunctionArgs } from '@remix-run/node'
import { getIspDocument, MAX_DOCUMENT_BYTES } from '#app/models/isp/isp-document.server.ts'
import { matchesEtag } from '#app/utils/http.server.ts'

/** How long a copy may be kept: the federation's crawler and browsers ask again after this. */
const MAX_AGE_SECONDS = 300

/**
 * The ISP's description for the FFDN database (format 0.1), public: JSON with CORS open to every
 * site, a few minutes of cache, and an ETag answered with 304 when it has not changed. Nothing is
 * published (404) while the record has no name or no email.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const found = await getIspDocument()
  const headers = {
    'Access-Control-Allow-Origin': '*',
    'Cache-Control': `public, max-age=${MAX_AGE_SECONDS}`,
    'X-Content-Type-Options': 'nosniff',
  }
  if (!found || Buffer.byteLength(found.body) > MAX_DOCUMENT_BYTES) {
    return new Response('No ISP description is published yet: the ISP record needs a name and an email.\n', {
      status: 404, headers: { ...headers, 'Cache-Control': 'no-store', 'Content-Type': 'text/plain; charset=utf-8' },
    })
  }
  const etagHeaders = { ...headers, ETag: found.etag, Vary: 'Accept-Encoding' }
  if (matchesEtag(request, found.etag)) return new Response(null, { status: 304, headers: etagHeaders })
  return new Response(found.body, { headers: { ...etagHeaders, 'Content-Type': 'application/json; charset=utf-8' } })
}
