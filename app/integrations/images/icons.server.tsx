import { getIspIdentity } from '#app/models/isp/settings.server.ts'
import { imageResponse } from '#app/utils/http.server.ts'
import { dataUrl, imageEtag, renderSvg, svgToPng } from './render.server.ts'
import { sha256 } from '#app/models/invoice/pdf.server.ts'

/** Coin's own mark: the site icon until the ISP sets a logo. */
export const COIN_MARK_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
  <title>Coin</title>
  <rect width="64" height="64" rx="14" fill="#1f7a5c"/>
  <path d="M19 15v30h30" fill="none" stroke="#fff" stroke-width="8" stroke-linecap="round" stroke-linejoin="round"/>
  <circle cx="40" cy="24" r="7" fill="#fff"/>
</svg>`

const DRAWING_VERSION = 1

/**
 * The site's icon, `size` pixels square, as PNG: the ISP's logo (PNG or JPEG, or the PNG an SVG
 * logo became) centred on white, else Coin's mark. Public, an hour of cache, 304 by its ETag.
 */
export async function siteIcon(request: Request, size: number) {
  const { logo, logoMimeType } = await getIspIdentity()
  const logoHash = logo ? sha256(logo) : null
  return imageResponse(request, {
    etag: imageEtag('icon', { v: DRAWING_VERSION, size, logoHash }), format: 'png', scope: 'public', maxAge: 3600,
    draw: async () => {
      if (!logo || !logoMimeType) return svgToPng(COIN_MARK_SVG, { width: size })
      const src = dataUrl(logo, logoMimeType)
      const inner = Math.round(size * 0.9)
      const svg = await renderSvg(
        <div style={{ display: 'flex', width: size, height: size, alignItems: 'center', justifyContent: 'center', backgroundColor: '#ffffff' }}>
          <img src={src} style={{ maxWidth: inner, maxHeight: inner, objectFit: 'contain' }} />
        </div>,
        { width: size, height: size },
      )
      return svgToPng(svg)
    },
  })
}
