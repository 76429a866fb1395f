import type { LoaderFunctionArgs } from '@remix-run/node'
import { describeAuditChanges } from '#app/components/audit-history.tsx'
import { listAllAuditEntries, parseAuditQuery } from '#app/models/audit/list.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { toCsv } from '#app/utils/csv.ts'
import { csvDownload } from '#app/utils/http.server.ts'
import { getFixedT, getLanguage } from '#app/utils/i18n.server.ts'

const COLUMNS = ['at', 'actor', 'action', 'entity', 'entityId', 'username', 'memberName', 'changes'] as const

/** A moment as spreadsheets sort it, in the ISP's time zone: 2025-03-15 14:05:03. */
const moment = (date: Date) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: process.env.TZ || 'Europe/Paris', dateStyle: 'short', timeStyle: 'medium' }).format(date)

/** The journal with the same filters, every page, as CSV; a wrong filter is a 400 naming the field. */
export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request)
  const language = await getLanguage(request, staff.language)
  const t = getFixedT(language, 'audit')
  const { errors, filter } = await parseAuditQuery(new URL(request.url).searchParams)
  if (!filter) {
    const message = Object.entries(errors).map(([field, keys]) => `${field}: ${keys.map((k) => t(k, { ns: 'errors' })).join(' ')}`).join('\n')
    return new Response(message, { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
  }
  const entries = await listAllAuditEntries(filter)
  const header = COLUMNS.map((c) => t(`csv.${c}`))
  const rows = entries.map((e) => [
    moment(e.at),
    e.actorId === null ? 'Coin' : e.actorUsername ?? String(e.actorId),
    t(`actions.${e.action}`, { defaultValue: e.action }),
    t(`entities.${e.entity}`, { defaultValue: e.entity }),
    e.entityId,
    e.memberUsername ?? '',
    e.memberName ?? '',
    describeAuditChanges(e, t, language).join(' ; '),
  ])
  const date = new Date().toISOString().slice(0, 10)
  return csvDownload({ csv: toCsv(header, rows), filename: `journal-${date}.csv` })
}
