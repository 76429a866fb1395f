import { imageEtag } from '#app/integrations/images/render.server.ts'
import type { Language } from '#app/i18n.ts'
import { csvEuros } from '#app/utils/csv.ts'
import { toIsoDate } from '#app/utils/dates.ts'
import { getFixedT } from '#app/utils/i18n.server.ts'
import { moduleEnabled } from '#app/utils/modules.server.ts'
import { formatEuros } from '#app/utils/money.ts'
import { AGE_BRACKETS, billingPerMonth, membersPerMonth, overdueByAge, poolUsage, subscriptionsPerOffer, type ChartTable } from './data.server.ts'
import { Bars, Meters, PALETTE, drawChart } from './draw.server.tsx'
import type { MonthRange } from './range.ts'

/**
 * The overview's charts: what each shows (ChartTable), drawn as a picture, said as a sentence
 * (its text alternative) and given as CSV, all from the same query, in the reader's language.
 */

export const CHART_NAMES = ['members', 'billing', 'overdue', 'subscriptions', 'pools'] as const
export type ChartName = (typeof CHART_NAMES)[number]

/** The charts of this installation: the pools' only with a module that uses them. */
export const availableCharts = (): ChartName[] => CHART_NAMES.filter((name) => name !== 'pools' || moduleEnabled('vpn') || moduleEnabled('dsl'))

export type Chart = { name: ChartName; alt: string; etag: string; csv: { header: string[]; rows: (string | number)[][] }; draw: () => Promise<string> }

/** Bumped when the drawing changes, so browsers drop pictures they hold. */
const DRAWING_VERSION = 1

const locale = (language: Language) => (language === 'en' ? 'en-GB' : 'fr-FR')

export async function loadChart(name: ChartName, { range, today, language }: { range: MonthRange; today: Date; language: Language }): Promise<Chart> {
  const t = getFixedT(language, 'charts')
  const numbers = new Intl.NumberFormat(locale(language))
  const count = (n: number) => numbers.format(n)
  const wholeEuros = new Intl.NumberFormat(locale(language), { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 })
  const euros = (cents: number) => formatEuros(Math.round(cents), language)
  const shortMonth = new Intl.DateTimeFormat(locale(language), { month: 'short', year: '2-digit', timeZone: 'UTC' })
  const longMonth = new Intl.DateTimeFormat(locale(language), { month: 'long', year: 'numeric', timeZone: 'UTC' })
  const monthLabel = (month: string, format = shortMonth) => format.format(new Date(`${month}-01T00:00:00Z`))
  const day = new Intl.DateTimeFormat(locale(language), { dateStyle: 'long', timeZone: 'UTC' }).format(today)
  const period = { from: monthLabel(range.from, longMonth), to: monthLabel(range.to, longMonth) }
  const subtitle = t('period', period)
  const title = t(`${name}.title`)
  const sum = (table: ChartTable, column: number) => table.rows.reduce((total, row) => total + (row.values[column] ?? 0), 0)
  const chart = (table: ChartTable, alt: string, csv: Chart['csv'], node: () => React.ReactElement): Chart => ({
    name, alt, csv, etag: imageEtag(`chart:${name}`, { v: DRAWING_VERSION, language, range: [range.from, range.to], today: name === 'overdue' ? toIsoDate(today) : null, table }),
    draw: () => drawChart(node()),
  })
  const monthBars = (table: ChartTable, series: string[], format: (value: number) => string, options: { stacked?: boolean; colors?: string[]; whole?: boolean } = {}) => () => (
    <Bars
      title={title} subtitle={subtitle} labels={table.rows.map((r) => monthLabel(r.label))} stacked={options.stacked} whole={options.whole} format={format} empty={t(`${name}.empty`)}
      series={series.map((s, i) => ({ name: s, color: options.colors?.[i] ?? PALETTE[i % PALETTE.length]!, values: table.rows.map((r) => r.values[i] ?? 0) }))}
    />
  )

  switch (name) {
    case 'members': {
      const table = await membersPerMonth(range)
      const series = table.series.map((s) => t(`members.series.${s}`))
      const first = table.rows[0]!, last = table.rows.at(-1)!
      const alt = t('members.alt', { title, ...period, first: count(first.values[0]!), firstMonth: monthLabel(first.label, longMonth), last: count(last.values[0]!), lastMonth: monthLabel(last.label, longMonth), joins: count(sum(table, 1)), resignations: count(sum(table, 2)) })
      return chart(table, alt, { header: [t('month'), ...series], rows: table.rows.map((r) => [r.label, ...r.values]) }, monthBars(table, series, count, { colors: [PALETTE[0]!, PALETTE[1]!, PALETTE[2]!], whole: true }))
    }
    case 'billing': {
      const table = await billingPerMonth(range)
      const series = table.series.map((s) => t(`billing.series.${s}`))
      const alt = t('billing.alt', { title, ...period, invoiced: euros(sum(table, 0)), paid: euros(sum(table, 1)) })
      return chart(table, alt, { header: [t('month'), ...series], rows: table.rows.map((r) => [r.label, ...r.values.map(csvEuros)]) }, monthBars(table, series, (v) => wholeEuros.format(v / 100), { colors: [PALETTE[1]!, PALETTE[0]!] }))
    }
    case 'overdue': {
      const table = await overdueByAge(today)
      const brackets = AGE_BRACKETS.map((b) => t(`overdue.brackets.${b}`))
      const detail = table.rows.map((r, i) => `${brackets[i]} : ${euros(r.values[0]!)} (${count(r.values[1]!)})`).join(' ; ')
      const alt = t('overdue.alt', { title, date: day, total: euros(sum(table, 0)), detail })
      const series = table.series.map((s) => t(`overdue.series.${s}`))
      return chart(table, alt, { header: [t('overdue.label'), series[0]!, series[1]!], rows: table.rows.map((r, i) => [brackets[i]!, csvEuros(r.values[0]!), r.values[1]!]) }, () => (
        <Bars
          title={title} subtitle={t('overdue.subtitle', { date: day })} labels={brackets} format={(v) => wholeEuros.format(v / 100)} empty={t('overdue.empty')}
          series={[{ name: series[0]!, color: PALETTE[2]!, values: table.rows.map((r) => r.values[0]!) }]}
        />
      ))
    }
    case 'subscriptions': {
      const table = await subscriptionsPerOffer(range)
      const last = table.rows.at(-1)
      const detail = table.series.map((offer, i) => `${offer} : ${count(last?.values[i] ?? 0)}`).join(' ; ') || '—'
      const alt = t('subscriptions.alt', { title, ...period, total: count(last ? last.values.reduce((a, b) => a + b, 0) : 0), lastMonth: period.to, detail })
      const rows = range.months.map((month) => table.rows.find((r) => r.label === month) ?? { label: month, values: table.series.map(() => 0) })
      const full = { series: table.series, rows }
      return chart(full, alt, { header: [t('month'), ...table.series], rows: rows.map((r) => [r.label, ...r.values]) }, monthBars(full, table.series, count, { stacked: true, whole: true }))
    }
    case 'pools': {
      const { table, pools } = await poolUsage()
      const percent = new Intl.NumberFormat(locale(language), { style: 'percent', maximumFractionDigits: 1 })
      const meters = pools.map((p) => ({
        label: `${p.name} (${p.network})`, used: p.used, capacity: p.capacity,
        text: t('pools.meter', { used: count(p.used), capacity: count(p.capacity), unit: p.unit, percent: percent.format(p.capacity ? p.used / p.capacity : 0) }),
      }))
      const alt = t('pools.alt', { title, detail: meters.map((m) => `${m.label} : ${m.text}`).join(' ; ') || t('pools.empty').replace(/\.$/, '') })
      const series = table.series.map((s) => t(`pools.series.${s}`))
      return chart(table, alt, { header: [t('pools.label'), ...series, t('pools.unitHeader')], rows: pools.map((p) => [`${p.name} (${p.network})`, p.used, p.capacity, `/${p.unit}`]) }, () => (
        <Meters title={title} subtitle={t('pools.subtitle')} rows={meters} empty={t('pools.empty')} />
      ))
    }
  }
}
