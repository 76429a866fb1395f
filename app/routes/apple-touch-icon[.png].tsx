import type { LoaderFunctionArgs } from '@remix-run/node'
import { siteIcon } from '#app/integrations/images/icons.server.tsx'

/** The icon phones put on their home screen, 180×180: the ISP's logo, or Coin's mark. */
export const loader = ({ request }: LoaderFunctionArgs) => siteIcon(request, 180)
