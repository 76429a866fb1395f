import type { LoaderFunctionArgs } from '@remix-run/node'
import { drawShareCard, getShareCard } from '#app/models/isp/share-card.server.tsx'
import { imageResponse } from '#app/utils/http.server.ts'

/** How long a copy of the card may be kept before it is asked for again. */
const MAX_AGE_SECONDS = 600

/**
 * The sharing card (Open Graph image, 1200×630 PNG), public: what chats and social networks show
 * beside a link to Coin. Drawn only when its inputs changed (ETag, 304).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { card, etag } = await getShareCard()
  return imageResponse(request, { etag, format: 'png', scope: 'public', maxAge: MAX_AGE_SECONDS, draw: () => drawShareCard(card) })
}
