import type { LoaderFunctionArgs } from '@remix-run/node'
import { drawMemberCardPdf, getMemberCard } from '#app/models/member/card.server.ts'
import { requireMember } from '#app/utils/auth.server.ts'
import { today } from '#app/utils/dates.ts'
import { matchesEtag, notFound } from '#app/utils/http.server.ts'
import { getLanguage } from '#app/utils/i18n.server.ts'

/** The session member's own card as a one-page PDF; 304 when the browser already has this card. */
export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(request)
  const language = await getLanguage(request, member.language)
  const card = await getMemberCard({ memberId: member.id, language, date: today() })
  if (!card) notFound()
  const headers = {
    'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="${card.filename('pdf')}"`,
    ETag: card.etag('pdf'), 'Cache-Control': 'private, max-age=300', 'X-Content-Type-Options': 'nosniff',
  }
  if (matchesEtag(request, headers.ETag)) return new Response(null, { status: 304, headers })
  return new Response(await drawMemberCardPdf(card, language), { headers })
}
