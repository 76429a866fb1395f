import type { LoaderFunctionArgs } from '@remix-run/node'
import { drawMemberCardPng, getMemberCard } from '#app/models/member/card.server.ts'
import { MemberIdParams } from '#app/models/member/params.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { today } from '#app/utils/dates.ts'
import { imageResponse, notFound } from '#app/utils/http.server.ts'
import { getLanguage } from '#app/utils/i18n.server.ts'

/** Any member's card as a PNG, for staff, in the staff member's language. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request)
  const { memberId } = MemberIdParams.parse(params)
  const card = memberId ? await getMemberCard({ memberId, language: await getLanguage(request, staff.language), date: today() }) : null
  if (!card) notFound()
  return imageResponse(request, { etag: card.etag('png'), format: 'png', draw: () => drawMemberCardPng(card), scope: 'private', maxAge: 300 })
}
