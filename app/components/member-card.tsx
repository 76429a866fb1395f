/**
 * The member card as satori draws it (flexbox only, inline styles, DejaVu Sans): the ISP's band
 * with its logo and name, the member's name and username, and where their membership fee stands.
 * Props in, JSX out; the texts are already translated.
 */

/** The card's size in CSS pixels: a bank card (85.6 × 54 mm) at 10 pixels a millimetre. */
export const MEMBER_CARD_SIZE = { width: 856, height: 540 }

export type MemberCardPictureProps = {
  ispName: string
  /** The logo as a data: URL, with its size in pixels, or null. */
  logo: { src: string; width: number; height: number } | null
  /** The ISP's colour, #rrggbb (checked for contrast with white). */
  color: string
  title: string
  name: string
  username: string
  status: { kind: 'upToDate' | 'expired' | 'none'; text: string }
}

const LOGO_BOX = { width: 150, height: 96 }

const STATUS_COLORS = {
  upToDate: { background: '#dcfce7', border: '#15803d', text: '#14532d' },
  expired: { background: '#fee2e2', border: '#b91c1c', text: '#7f1d1d' },
  none: { background: '#fee2e2', border: '#b91c1c', text: '#7f1d1d' },
} as const

/** A font size that keeps a long name (an organisation's, say) on at most two lines. */
function nameSize(name: string) {
  const length = [...name].length
  return length <= 24 ? 50 : length <= 36 ? 40 : length <= 60 ? 32 : 26
}

function fitLogo({ width, height }: { width: number; height: number }) {
  const scale = Math.min(LOGO_BOX.width / width, LOGO_BOX.height / height)
  return { width: Math.round(width * scale), height: Math.round(height * scale) }
}

export function MemberCardPicture({ ispName, logo, color, title, name, username, status }: MemberCardPictureProps) {
  const statusColors = STATUS_COLORS[status.kind]
  return (
    <div style={{ display: 'flex', flexDirection: 'column', boxSizing: 'border-box', width: '100%', height: '100%', background: '#ffffff', borderRadius: 28, border: '2px solid #d1d5db', overflow: 'hidden', fontFamily: 'DejaVu Sans' }}>
      <div style={{ display: 'flex', alignItems: 'center', height: 150, padding: '0 40px', background: color, color: '#ffffff' }}>
        {logo ? (
          <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'center', width: LOGO_BOX.width + 24, height: LOGO_BOX.height + 24, marginRight: 28, background: '#ffffff', borderRadius: 14 }}>
            <img src={logo.src} {...fitLogo(logo)} alt="" />
          </div>
        ) : null}
        <div style={{ display: 'flex', flex: 1, fontSize: [...ispName].length > 30 ? 30 : 40, fontWeight: 700, lineClamp: 2 }}>{ispName}</div>
      </div>
      <div style={{ display: 'flex', flexDirection: 'column', flex: 1, padding: '32px 40px 36px' }}>
        <div style={{ display: 'flex', fontSize: 22, fontWeight: 700, letterSpacing: 2, color: '#4b5563', textTransform: 'uppercase' }}>{title}</div>
        <div style={{ display: 'flex', marginTop: 14, fontSize: nameSize(name), fontWeight: 700, color: '#111827', lineClamp: 2 }}>{name}</div>
        <div style={{ display: 'flex', marginTop: 8, fontSize: 28, color: '#374151' }}>{username}</div>
        <div style={{ display: 'flex', flex: 1 }} />
        <div style={{ display: 'flex', alignSelf: 'flex-start', padding: '12px 22px', fontSize: 28, fontWeight: 700, borderRadius: 12, background: statusColors.background, border: `3px solid ${statusColors.border}`, color: statusColors.text }}>
          {status.text}
        </div>
      </div>
    </div>
  )
}
