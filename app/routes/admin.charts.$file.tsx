import type { LoaderFunctionArgs } from '@remix-run/node'
import { svgToPng } from '#app/integrations/images/render.server.ts'
import { availableCharts, loadChart, type ChartName } from '#app/models/charts/charts.server.tsx'
import { isRangeProblem, parseMonthRange } from '#app/models/charts/range.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { toCsv } from '#app/utils/csv.ts'
import { today } from '#app/utils/dates.ts'
import { csvDownload, imageResponse, notFound } from '#app/utils/http.server.ts'
import { getFixedT, getLanguage } from '#app/utils/i18n.server.ts'

const FILE = /^([a-z]+)\.(png|svg|csv)$/

/**
 * One chart of the overview, staff only: `/admin/charts/<name>.png|svg|csv?from=YYYY-MM&to=YYYY-MM`.
 * Pictures carry an ETag made from their numbers and language (304 without drawing); a bad range
 * is a 400 saying what is wrong.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request)
  const match = FILE.exec(params.file ?? '')
  const name = match?.[1] as ChartName | undefined
  if (!match || !name || !availableCharts().includes(name)) notFound()
  const language = await getLanguage(request, staff.language)
  const url = new URL(request.url)
  const range = parseMonthRange({ from: url.searchParams.get('from'), to: url.searchParams.get('to') }, today())
  if (isRangeProblem(range)) {
    const t = getFixedT(language, 'charts')
    throw new Response(`${range.field}: ${t(range.message)}\n`, { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
  }
  const chart = await loadChart(name, { range, today: today(), language })
  const format = match[2] as 'png' | 'svg' | 'csv'
  if (format === 'csv') return csvDownload({ csv: toCsv(chart.csv.header, chart.csv.rows), filename: `${name}-${range.from}-${range.to}.csv` })
  return imageResponse(request, {
    etag: `${chart.etag.slice(0, -1)}-${format}"`, format, scope: 'private', maxAge: 60,
    draw: async () => (format === 'svg' ? chart.draw() : svgToPng(await chart.draw())),
  })
}
