import type { LoaderFunctionArgs } from '@remix-run/node'
import { coverageMapResponse } from '#app/models/isp/coverage-map.server.tsx'

/** The map of the ISP's covered areas as PNG. */
export const loader = ({ request }: LoaderFunctionArgs) => coverageMapResponse(request, 'png')
