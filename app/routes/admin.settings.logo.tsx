import type { LoaderFunctionArgs } from '@remix-run/node'
import { getIspIdentity } from '#app/models/isp/settings.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { notFound } from '#app/utils/http.server.ts'

/** The ISP logo as stored, for the settings page (invoices embed it themselves). */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  const { logo, logoMimeType } = await getIspIdentity()
  if (!logo || !logoMimeType) notFound()
  return new Response(logo, {
    headers: {
      'Content-Type': logoMimeType,
      'Content-Length': String(logo.byteLength),
      'Cache-Control': 'private, no-cache',
      'X-Content-Type-Options': 'nosniff',
    },
  })
}
