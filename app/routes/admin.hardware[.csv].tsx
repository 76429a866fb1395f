import type { LoaderFunctionArgs } from '@remix-run/node'
import { ItemListQuerySchema } from '#app/models/hardware/hardware.schema.ts'
import { listItemsForExport } from '#app/models/hardware/items.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { toCsv } from '#app/utils/csv.ts'
import { csvDownload } from '#app/utils/http.server.ts'
import { getFixedT, getLanguage } from '#app/utils/i18n.server.ts'
import { requireModule } from '#app/utils/modules.server.ts'

const COLUMNS = ['id', 'designation', 'type', 'macAddress', 'serial', 'storage', 'buyDate', 'owner', 'deployed', 'borrower', 'comment'] as const

/** The inventory as CSV, with the list's filters and search. */
export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request)
  requireModule('hardware')
  const { page: _page, ...query } = ItemListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  const t = getFixedT(await getLanguage(request, staff.language), 'hardware')
  const items = await listItemsForExport(query)
  const header = COLUMNS.map((c) => t(`csv.${c}`))
  const rows = items.map((item) => [
    item.id, item.designation, item.type.name, item.macAddress, item.serial, item.storage?.name ?? '', item.buyDate,
    item.owner ? `${item.owner.name} (${item.owner.username})` : '', item.deployed ? t('csv.yes') : t('csv.no'),
    item.loan ? `${item.loan.member.name} (${item.loan.member.username})` : '', item.comment,
  ])
  const date = new Date().toISOString().slice(0, 10)
  return csvDownload({ csv: toCsv(header, rows), filename: `inventaire-${date}.csv` })
}
