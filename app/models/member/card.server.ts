import { MEMBER_CARD_SIZE, MemberCardPicture } from '#app/components/member-card.tsx'
import type { Language } from '#app/i18n.ts'
import { dataUrl, imageEtag, renderSvg, svgToPng } from '#app/integrations/images/render.server.ts'
import { getMemberFeeStatus } from '#app/models/fee/fees.server.ts'
import type { FeeStatus } from '#app/models/fee/rules.ts'
import { imageSize } from '#app/models/isp/logo.server.ts'
import { getIspBranding, getIspIdentity } from '#app/models/isp/settings.server.ts'
import { prisma } from '#app/utils/db.server.ts'
import { getFixedT } from '#app/utils/i18n.server.ts'
import { today } from '#app/utils/dates.ts'
import { imageResponse, notFound } from '#app/utils/http.server.ts'

/** Coin's own green (tailwind.css brand-600), for an ISP that has not chosen a colour. */
const COIN_GREEN = '#1f7a5c'

/** Changes whenever the drawing changes, so browsers holding an older card fetch it again. */
const CARD_VERSION = 1

/** The PNG is drawn at twice the card's CSS size: 1712 × 1080 pixels, about 500 dpi printed. */
const PNG_SCALE = 2
export const MEMBER_CARD_PNG_SIZE = { width: MEMBER_CARD_SIZE.width * PNG_SCALE, height: MEMBER_CARD_SIZE.height * PNG_SCALE }

export type MemberCardTexts = {
  ispName: string
  title: string
  name: string
  username: string
  status: { kind: 'upToDate' | 'expired' | 'none'; text: string }
  /** The whole card in one sentence, for the picture's alt text and the PDF's title. */
  alt: string
}

type CardMember = { type: 'NATURAL_PERSON' | 'LEGAL_ENTITY'; firstName: string; lastName: string; organizationName: string; username: string }

/** The name a card carries: the organisation's for a legal entity, else first and last name. */
function cardName({ type, firstName, lastName, organizationName, username }: CardMember) {
  if (type === 'LEGAL_ENTITY' && organizationName.trim()) return organizationName.trim()
  return `${firstName} ${lastName}`.trim() || username
}

/** A calendar date as the card prints it: 31 août 2027, 31 August 2027. */
function formatCardDate(date: Date, language: Language) {
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'fr-FR', { dateStyle: 'long', timeZone: 'UTC' }).format(date)
}

/**
 * What a member's card says, in `language`: the ISP's name, the member's name and username, and
 * their fee: up to date until the end of their latest fee when it covers the day (expiring soon
 * included), expired after it, or that no fee was ever recorded.
 */
export function memberCardTexts({ member, fee, ispName, language }: {
  member: CardMember
  fee: { endDate: Date | null; status: FeeStatus }
  ispName: string
  language: Language
}): MemberCardTexts {
  const t = getFixedT(language, 'card')
  const name = cardName(member)
  const status: MemberCardTexts['status'] = fee.status === 'none' || !fee.endDate ? { kind: 'none', text: t('none') }
    : fee.status === 'expired' ? { kind: 'expired', text: t('expired') }
    : { kind: 'upToDate', text: t('upToDate', { date: formatCardDate(fee.endDate, language) }) }
  const lowerFirst = status.text.charAt(0).toLocaleLowerCase(language) + status.text.slice(1)
  return { ispName, title: t('title'), name, username: t('username', { username: member.username }), status, alt: t('alt', { name, status: lowerFirst }) }
}

/**
 * A member's card at `date`: its texts, the ETag of its picture (texts, colour, logo version and
 * drawing version, all known without drawing) and its file name; null for an unknown member.
 */
export async function getMemberCard({ memberId, language, date }: { memberId: number; language: Language; date: Date }) {
  const [member, fee, branding] = await Promise.all([
    prisma.member.findUnique({ where: { id: memberId }, select: { type: true, firstName: true, lastName: true, organizationName: true, username: true } }),
    getMemberFeeStatus({ memberId, date }),
    getIspBranding(),
  ])
  if (!member) return null
  const texts = memberCardTexts({ member, fee, ispName: branding.name, language })
  const color = /^#[0-9a-f]{6}$/i.test(branding.primaryColor) ? branding.primaryColor : COIN_GREEN
  const etag = (format: 'png' | 'pdf') => imageEtag(`member-card.${format}`, { version: CARD_VERSION, texts, color, logo: branding.logoVersion })
  const filename = (format: 'png' | 'pdf') => `${getFixedT(language, 'card')('filename', { username: member.username.replace(/[^A-Za-z0-9_.-]/g, '_') })}.${format}`
  return { texts, color, hasLogo: branding.logoVersion !== null, etag, filename }
}

export type MemberCard = NonNullable<Awaited<ReturnType<typeof getMemberCard>>>

/** The ISP's logo as a data: URL with its size, or null when there is none or it cannot be read. */
async function cardLogo() {
  const { logo, logoMimeType } = await getIspIdentity()
  if (!logo || (logoMimeType !== 'image/png' && logoMimeType !== 'image/jpeg')) return null
  const size = imageSize(logo, logoMimeType)
  if (!size || !size.width || !size.height) return null
  return { src: dataUrl(logo, logoMimeType), ...size }
}

/** The card as a PNG of MEMBER_CARD_PNG_SIZE. */
export async function drawMemberCardPng(card: MemberCard) {
  const { texts, color } = card
  const svg = await renderSvg(
    MemberCardPicture({ ispName: texts.ispName, logo: await cardLogo(), color, title: texts.title, name: texts.name, username: texts.username, status: texts.status }),
    MEMBER_CARD_SIZE,
  )
  return svgToPng(svg, { width: MEMBER_CARD_PNG_SIZE.width })
}

/**
 * The response for a member's card as PNG or PDF, in `language`: 404 without such a member, 304
 * when the browser holds this very card (its ETag comes from what it says), private either way.
 */
export async function memberCardResponse(request: Request, { memberId, language, format }: { memberId: number | null; language: Language; format: 'png' | 'pdf' }) {
  const card = memberId ? await getMemberCard({ memberId, language, date: today() }) : null
  if (!card) notFound()
  return imageResponse(request, {
    etag: card.etag(format), format, scope: 'private', maxAge: 300,
    ...(format === 'png' ? { draw: () => drawMemberCardPng(card) } : { draw: async () => (await import('./card-pdf.server.ts')).drawMemberCardPdf(card, language), filename: card.filename('pdf') }),
  })
}

