import { getIspIdentity } from '#app/models/isp/settings.server.ts'
import { notFound } from '#app/utils/http.server.ts'

/**
 * The ISP logo, public: emails show it from `${PUBLIC_URL}/logo`, so mail clients must fetch it
 * without a session. 404 when the ISP has no logo.
 */
export async function loader() {
  const { logo, logoMimeType } = await getIspIdentity()
  if (!logo || !logoMimeType) notFound()
  return new Response(logo, {
    headers: {
      'Content-Type': logoMimeType,
      'Content-Length': String(logo.byteLength),
      'Cache-Control': 'public, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
      // An image only: nothing in it may run if it is opened on its own.
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    },
  })
}
