import type { LoaderFunctionArgs } from '@remix-run/node'
import { memberCardResponse } from '#app/models/member/card.server.ts'
import { MemberIdParams } from '#app/models/member/params.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { getLanguage } from '#app/utils/i18n.server.ts'

/** Any member's card as a one-page PDF, for staff, in the staff member's language. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request)
  const { memberId } = MemberIdParams.parse(params)
  return memberCardResponse(request, { memberId: memberId ?? null, language: await getLanguage(request, staff.language), format: 'pdf' })
}
