import type { LoaderFunctionArgs } from '@remix-run/node'
import { isLanguage } from '#app/i18n.ts'
import { coverageMapEtag, drawCoveragePng, listCoverageAreas } from '#app/models/isp/coverage-map.server.tsx'
import { imageResponse } from '#app/utils/http.server.ts'
import { getLanguage } from '#app/utils/i18n.server.ts'

/** How long a copy of the map may be kept before it is asked for again. */
const MAX_AGE_SECONDS = 300

/**
 * The map of the ISP's covered areas as PNG, public like /isp.json. Its legend is in the language
 * `?lang=` names, else the visitor's; drawn only when the areas changed (ETag, 304).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const lang = new URL(request.url).searchParams.get('lang')
  const language = isLanguage(lang) ? lang : await getLanguage(request)
  const areas = await listCoverageAreas()
  const response = await imageResponse(request, {
    etag: coverageMapEtag(areas, { language, format: 'png' }), format: 'png', scope: 'public', maxAge: MAX_AGE_SECONDS, draw: () => drawCoveragePng(areas, language),
  })
  // Without `?lang=` the legend's language comes from the request: caches keep one copy per language.
  if (!isLanguage(lang)) response.headers.set('Vary', 'Accept-Language, Cookie')
  return response
}
