import type { LoaderFunctionArgs } from '@remix-run/node'
import { memberCardResponse } from '#app/models/member/card.server.ts'
import { requireMember } from '#app/utils/auth.server.ts'
import { getLanguage } from '#app/utils/i18n.server.ts'

/** The session member's own card as a PNG; 304 when the browser already has this card. */
export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(request)
  return memberCardResponse(request, { memberId: member.id, language: await getLanguage(request, member.language), format: 'png' })
}
