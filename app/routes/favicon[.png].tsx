import type { LoaderFunctionArgs } from '@remix-run/node'
import { siteIcon } from '#app/integrations/images/icons.server.tsx'

/** The browser tab's icon, 32×32: the ISP's logo, or Coin's mark. */
export const loader = ({ request }: LoaderFunctionArgs) => siteIcon(request, 32)
