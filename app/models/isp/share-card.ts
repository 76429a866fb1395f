import type { MetaDescriptor } from '@remix-run/node'

/**
 * The Open Graph and Twitter tags of a public page: its title, the ISP's description and the
 * sharing card (/og.png, 1200×630) at its absolute address. Pure: route `meta` functions run in
 * the browser too.
 */

export const SHARE_CARD_SIZE = { width: 1200, height: 630 }

export type ShareMeta = { title: string; description: string; imageUrl: string }

/** The tags for a page whose loader returned `share` (see getShareMeta). */
export function shareMetaTags(share: ShareMeta | null | undefined): MetaDescriptor[] {
  if (!share) return []
  return [
    { name: 'description', content: share.description },
    { property: 'og:type', content: 'website' },
    { property: 'og:title', content: share.title },
    { property: 'og:description', content: share.description },
    { property: 'og:image', content: share.imageUrl },
    { property: 'og:image:width', content: String(SHARE_CARD_SIZE.width) },
    { property: 'og:image:height', content: String(SHARE_CARD_SIZE.height) },
    { property: 'og:image:alt', content: share.title },
    { name: 'twitter:card', content: 'summary_large_image' },
  ]
}
