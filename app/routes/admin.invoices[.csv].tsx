import type { LoaderFunctionArgs } from '@remix-run/node'
import { InvoiceListQuerySchema } from '#app/models/invoice/invoice.schema.ts'
import { draftLabel, listAllInvoices } from '#app/models/invoice/invoices.server.ts'
import { findMemberByIdOrUsername } from '#app/models/member/lookup.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { csvEuros, toCsv } from '#app/utils/csv.ts'
import { csvDownload } from '#app/utils/http.server.ts'
import { today } from '#app/utils/dates.ts'
import { getFixedT, getLanguage } from '#app/utils/i18n.server.ts'

const COLUMNS = ['number', 'kind', 'status', 'date', 'dueDate', 'username', 'memberName', 'total', 'remaining'] as const

/** Euros with a comma, as spreadsheets in French read them: 1250 → "12,50", -1250 → "-12,50". */

/** The invoices of the staff list, with the same filters, every page. */
export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request)
  const query = InvoiceListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  const t = getFixedT(await getLanguage(request, staff.language))
  const member = query.member ? await findMemberByIdOrUsername(query.member) : null
  const invoices = query.member && !member ? [] : await listAllInvoices({ status: query.status, month: query.month, memberId: member?.id, overdue: query.overdue }, today())
  const header = COLUMNS.map((c) => t(`billing:csv.${c}`))
  const rows = invoices.map((i) => [
    i.number ?? draftLabel(i.id),
    t(`billing:kind.${i.kind}`),
    t(`billing:status.${i.validated ? i.status : 'DRAFT'}`),
    i.date,
    i.dueDate,
    i.username,
    i.memberName,
    csvEuros(i.totalCents),
    csvEuros(i.remainingCents),
  ])
  const date = new Date().toISOString().slice(0, 10)
  return csvDownload({ csv: toCsv(header, rows), filename: `factures-${date}.csv` })
}
