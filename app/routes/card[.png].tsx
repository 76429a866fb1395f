import type { LoaderFunctionArgs } from '@remix-run/node'
import { drawMemberCardPng, getMemberCard } from '#app/models/member/card.server.ts'
import { requireMember } from '#app/utils/auth.server.ts'
import { today } from '#app/utils/dates.ts'
import { imageResponse, notFound } from '#app/utils/http.server.ts'
import { getLanguage } from '#app/utils/i18n.server.ts'

/** The session member's own card as a PNG; 304 when the browser already has this card. */
export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(request)
  const card = await getMemberCard({ memberId: member.id, language: await getLanguage(request, member.language), date: today() })
  if (!card) notFound()
  return imageResponse(request, { etag: card.etag('png'), format: 'png', draw: () => drawMemberCardPng(card), scope: 'private', maxAge: 300 })
}
