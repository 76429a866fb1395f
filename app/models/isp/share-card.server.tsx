import { createHash } from 'node:crypto'
import type { Language } from '#app/i18n.ts'
import { dataUrl, imageEtag, renderSvg, svgToPng } from '#app/integrations/images/render.server.ts'
import { prisma } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { getFixedT } from '#app/utils/i18n.server.ts'
import { imageMimeType } from './identifiers.ts'
import { imageSize } from './logo.server.ts'
import { SHARE_CARD_SIZE, type ShareMeta } from './share-card.ts'

/**
 * The sharing card: the picture a chat or a social network shows beside a link to Coin (Open
 * Graph, 1200×630), in the ISP's colour with its logo, name and description.
 */

/** Coin's own green, the colour of an ISP that has not chosen one (app/tailwind.css brand-600). */
const COIN_GREEN = '#1f7a5c'
/** Changes whenever the drawing changes, so that cached cards are drawn again. */
const DRAWING_VERSION = 1
/** The box the logo is fitted into, in pixels. */
const LOGO_BOX = { width: 300, height: 220 }
/** Longest description printed; a longer one is cut at a word and ends with an ellipsis. */
const DESCRIPTION_MAX_CHARS = 260

type ShareCard = { name: string; description: string; color: string; host: string; logo: { dataUrl: string; width: number; height: number } | null }

/** What the card shows, and its ETag (from all of it, the logo's bytes included). */
export async function getShareCard(): Promise<{ card: ShareCard; etag: string }> {
  const row = await prisma.ispSettings.findUnique({ where: { id: 1 }, select: { name: true, description: true, primaryColor: true, logo: true } })
  const bytes = row?.logo ?? null
  const mimeType = bytes ? imageMimeType(bytes) : null
  const size = bytes && mimeType ? imageSize(bytes, mimeType) : null
  let logo: ShareCard['logo'] = null
  if (bytes && mimeType && size && size.width > 0 && size.height > 0) {
    const scale = Math.min(LOGO_BOX.width / size.width, LOGO_BOX.height / size.height)
    logo = { dataUrl: dataUrl(bytes, mimeType), width: Math.round(size.width * scale), height: Math.round(size.height * scale) }
  }
  const card: ShareCard = {
    name: row?.name || 'Coin',
    description: shorten(row?.description.trim() ?? ''),
    color: /^#[0-9a-f]{6}$/i.test(row?.primaryColor ?? '') ? row!.primaryColor : COIN_GREEN,
    host: new URL(getEnv().PUBLIC_URL).host,
    logo,
  }
  const logoHash = bytes ? createHash('sha256').update(bytes).digest('base64url') : null
  return { card, etag: imageEtag('share-card', { version: DRAWING_VERSION, ...card, logo: logoHash }) }
}

function shorten(text: string) {
  if (text.length <= DESCRIPTION_MAX_CHARS) return text
  const cut = text.slice(0, DESCRIPTION_MAX_CHARS)
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), DESCRIPTION_MAX_CHARS - 40)).trimEnd()}…`
}

/** The card as a 1200×630 PNG. */
export async function drawShareCard(card: ShareCard) {
  const { width, height } = SHARE_CARD_SIZE
  const padding = 72
  const footer = 40
  const logoWidth = card.logo ? card.logo.width + 2 * 24 + 56 : 0
  const textWidth = width - 2 * padding - logoWidth
  const svg = await renderSvg(
    <div style={{ display: 'flex', flexDirection: 'column', width, height, padding, backgroundColor: card.color, color: '#ffffff', fontFamily: 'DejaVu Sans' }}>
      <div style={{ display: 'flex', alignItems: 'center', height: height - 2 * padding - footer }}>
        {card.logo ? (
          <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'center', padding: 24, marginRight: 56, backgroundColor: '#ffffff', borderRadius: 24 }}>
            {/* The card's text names the ISP: the logo needs no alternative of its own. */}
            <img src={card.logo.dataUrl} width={card.logo.width} height={card.logo.height} alt="" />
          </div>
        ) : null}
        <div style={{ display: 'flex', flexDirection: 'column', width: textWidth }}>
          <div style={{ display: 'flex', fontSize: card.name.length > 24 ? 52 : 72, fontWeight: 700, lineHeight: 1.15 }}>{card.name}</div>
          {card.description ? <div style={{ display: 'flex', marginTop: 28, fontSize: card.logo ? 28 : 32, lineHeight: 1.35 }}>{card.description}</div> : null}
        </div>
      </div>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'flex-end', width: width - 2 * padding, height: footer, fontSize: 26 }}>
        <div style={{ display: 'flex' }}>{card.host}</div>
        <div style={{ display: 'flex', fontWeight: 700 }}>Coin</div>
      </div>
    </div>,
    SHARE_CARD_SIZE,
  )
  return svgToPng(svg)
}

/** The sharing tags' content for a public page: the ISP's name and description, and the card's absolute address. */
export async function getShareMeta(language: Language): Promise<ShareMeta> {
  const row = await prisma.ispSettings.findUnique({ where: { id: 1 }, select: { name: true, description: true, updatedAt: true } })
  const name = row?.name || 'Coin'
  const description = row?.description.trim() || getFixedT(language, 'isp')('shareCard.defaultDescription', { name })
  // The version changes with every save of the record, so that sites holding the old card fetch the new one.
  const version = row ? row.updatedAt.getTime() : 0
  return { title: name, description, imageUrl: `${getEnv().PUBLIC_URL}/og.png?v=${version}` }
}
