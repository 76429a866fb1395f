import type { LoaderFunctionArgs } from '@remix-run/node'
import { drawMemberCardPdf, getMemberCard } from '#app/models/member/card.server.ts'
import { MemberIdParams } from '#app/models/member/params.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { today } from '#app/utils/dates.ts'
import { matchesEtag, notFound } from '#app/utils/http.server.ts'
import { getLanguage } from '#app/utils/i18n.server.ts'

/** Any member's card as a one-page PDF, for staff, in the staff member's language. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request)
  const { memberId } = MemberIdParams.parse(params)
  const language = await getLanguage(request, staff.language)
  const card = memberId ? await getMemberCard({ memberId, language, date: today() }) : null
  if (!card) notFound()
  const headers = {
    'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="${card.filename('pdf')}"`,
    ETag: card.etag('pdf'), 'Cache-Control': 'private, max-age=300', 'X-Content-Type-Options': 'nosniff',
  }
  if (matchesEtag(request, headers.ETag)) return new Response(null, { status: 304, headers })
  return new Response(await drawMemberCardPdf(card, language), { headers })
}
