import type { LoaderFunctionArgs } from '@remix-run/node'
import { CSV_COLUMNS, listMembersForExport } from '#app/models/member/list.server.ts'
import { MemberListQuerySchema } from '#app/models/member/member.schema.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { toCsv } from '#app/utils/csv.ts'
import { csvDownload } from '#app/utils/http.server.ts'
import { getFixedT, getLanguage } from '#app/utils/i18n.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request)
  const query = MemberListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  const t = getFixedT(await getLanguage(request, staff.language))
  const members = await listMembersForExport(query)
  const header = CSV_COLUMNS.map((c) => t(`csv.${c}`))
  const rows = members.map((m) =>
    CSV_COLUMNS.map((c) => (c === 'status' ? t(`member.statuses.${m.status}`) : c === 'type' ? t(`member.types.${m.type}`) : m[c])),
  )
  const date = new Date().toISOString().slice(0, 10)
  return csvDownload({ csv: toCsv(header, rows), filename: `membres-${date}.csv` })
}
