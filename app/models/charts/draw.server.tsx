import { renderSvg } from '#app/integrations/images/render.server.ts'
import { CHART_HEIGHT, CHART_WIDTH } from './chart-size.ts'

/**
 * The overview's charts as pictures (satori: flexbox boxes, no scripts). Bars per category, side
 * by side or stacked, with a legend, a scale of four steps and every label in the reader's
 * language. Text alternatives and the same numbers as CSV come from the same ChartTable.
 */

const PLOT_HEIGHT = 250
const AXIS_WIDTH = 90
export const PALETTE = ['#15803d', '#2563eb', '#dc2626', '#d97706', '#7c3aed', '#0891b2', '#be185d', '#4b5563', '#65a30d', '#9333ea']

export type BarSeries = { name: string; color: string; values: number[] }
export type BarsSpec = {
  title: string
  subtitle: string
  labels: string[]
  series: BarSeries[]
  stacked?: boolean
  /** A value as the scale and the reader show it (a count, an amount in euros). */
  format: (value: number) => string
  /** The sentence shown when every value is 0. */
  empty: string
  /** Values are counts: the scale's steps are whole numbers. */
  whole?: boolean
}

/**
 * A round top for the scale: 1, 2, 2.5 or 5 times a power of ten, at least the largest bar; for
 * counts, a multiple of 4, so the four steps are whole numbers.
 */
export function niceMax(value: number, { whole = false } = {}) {
  const nice = (v: number) => {
    if (v <= 0) return 1
    const power = 10 ** Math.floor(Math.log10(v))
    return ([1, 2, 2.5, 5, 10].find((step) => step * power >= v) ?? 10) * power
  }
  return whole ? 4 * Math.max(1, Math.ceil(nice(value / 4))) : nice(value)
}

function Legend({ series }: { series: BarSeries[] }) {
  return (
    <div style={{ display: 'flex', flexWrap: 'wrap', marginTop: 6, fontSize: 13, color: '#374151' }}>
      {series.map((s) => (
        <div key={s.name} style={{ display: 'flex', alignItems: 'center', marginRight: 16, marginBottom: 2 }}>
          <div style={{ width: 12, height: 12, backgroundColor: s.color, marginRight: 5, borderRadius: 2 }} />
          <span>{s.name}</span>
        </div>
      ))}
    </div>
  )
}

function Frame({ title, subtitle, children }: { title: string; subtitle: string; children: React.ReactNode }) {
  return (
    <div style={{ display: 'flex', flexDirection: 'column', width: CHART_WIDTH, height: CHART_HEIGHT, backgroundColor: '#ffffff', padding: '16px 20px', fontFamily: 'DejaVu Sans' }}>
      <div style={{ display: 'flex', fontSize: 18, fontWeight: 700, color: '#111827' }}>{title}</div>
      <div style={{ display: 'flex', fontSize: 13, color: '#4b5563', marginTop: 2 }}>{subtitle}</div>
      {children}
    </div>
  )
}

/** Vertical bars, one group a label; the label row shows about a dozen labels at most. */
export function Bars({ title, subtitle, labels, series, stacked = false, format, empty, whole = false }: BarsSpec) {
  const totals = labels.map((_, i) => (stacked ? series.reduce((sum, s) => sum + Math.max(0, s.values[i] ?? 0), 0) : Math.max(0, ...series.map((s) => s.values[i] ?? 0))))
  const top = niceMax(Math.max(0, ...totals), { whole })
  const isEmpty = totals.every((t) => t === 0)
  const every = Math.max(1, Math.ceil(labels.length / 12))
  const plotWidth = CHART_WIDTH - 40 - AXIS_WIDTH
  const groupWidth = plotWidth / Math.max(1, labels.length)
  const barWidth = Math.max(2, Math.min(40, (groupWidth - 4) / (stacked ? 1 : Math.max(1, series.length))))
  const height = (value: number) => Math.round((Math.max(0, value) / top) * PLOT_HEIGHT)
  return (
    <Frame title={title} subtitle={subtitle}>
      <Legend series={series} />
      <div style={{ display: 'flex', marginTop: 8, position: 'relative', height: PLOT_HEIGHT + 24 }}>
        {[0, 1, 2, 3, 4].map((step) => (
          <div key={step} style={{ display: 'flex', position: 'absolute', left: 0, top: PLOT_HEIGHT - (step * PLOT_HEIGHT) / 4 - 8, width: CHART_WIDTH - 40, alignItems: 'center' }}>
            <div style={{ display: 'flex', width: AXIS_WIDTH - 8, justifyContent: 'flex-end', fontSize: 11, color: '#6b7280', marginRight: 8 }}>{format((top * step) / 4)}</div>
            <div style={{ display: 'flex', flexGrow: 1, height: 1, backgroundColor: step === 0 ? '#9ca3af' : '#e5e7eb' }} />
          </div>
        ))}
        <div style={{ display: 'flex', position: 'absolute', left: AXIS_WIDTH, top: 0, width: plotWidth, height: PLOT_HEIGHT, alignItems: 'flex-end' }}>
          {labels.map((label, i) => (
            <div
              key={label}
              style={stacked
                ? { display: 'flex', width: groupWidth, height: PLOT_HEIGHT, flexDirection: 'column-reverse', justifyContent: 'flex-start', alignItems: 'center' }
                : { display: 'flex', width: groupWidth, height: PLOT_HEIGHT, flexDirection: 'row', justifyContent: 'center', alignItems: 'flex-end' }}
            >
              {series.map((s) => (
                <div key={s.name} style={{ display: 'flex', flexShrink: 0, width: barWidth, height: height(s.values[i] ?? 0), backgroundColor: s.color }} />
              ))}
            </div>
          ))}
        </div>
        <div style={{ display: 'flex', position: 'absolute', left: AXIS_WIDTH, top: PLOT_HEIGHT + 6, width: plotWidth }}>
          {labels.flatMap((label, i) => (i % every === 0 ? [
            <div key={label} style={{ display: 'flex', width: groupWidth * Math.min(every, labels.length - i), justifyContent: every > 1 ? 'flex-start' : 'center', fontSize: 11, color: '#4b5563' }}>{label}</div>,
          ] : []))}
        </div>
        {isEmpty ? (
          <div style={{ display: 'flex', position: 'absolute', left: AXIS_WIDTH, top: PLOT_HEIGHT / 2 - 12, width: plotWidth, justifyContent: 'center', fontSize: 15, color: '#6b7280' }}>{empty}</div>
        ) : null}
      </div>
    </Frame>
  )
}

export type MeterRow = { label: string; used: number; capacity: number; text: string }

/** Horizontal gauges, one a row: the used part of a capacity (the IP pools). */
export function Meters({ title, subtitle, rows, empty }: { title: string; subtitle: string; rows: MeterRow[]; empty: string }) {
  const rowHeight = Math.min(48, Math.floor(290 / Math.max(1, rows.length)))
  return (
    <Frame title={title} subtitle={subtitle}>
      <div style={{ display: 'flex', flexDirection: 'column', marginTop: 14, width: CHART_WIDTH - 40 }}>
        {rows.length === 0 ? <div style={{ display: 'flex', fontSize: 15, color: '#6b7280', marginTop: 100, justifyContent: 'center' }}>{empty}</div> : null}
        {rows.map((row) => (
          <div key={row.label} style={{ display: 'flex', flexDirection: 'column', height: rowHeight, justifyContent: 'center' }}>
            <div style={{ display: 'flex', justifyContent: 'space-between', fontSize: 12, color: '#374151' }}>
              <span>{row.label}</span>
              <span>{row.text}</span>
            </div>
            <div style={{ display: 'flex', height: Math.max(6, rowHeight / 3), backgroundColor: '#e5e7eb', borderRadius: 3, marginTop: 3 }}>
              {/* At least a sliver when something is used, so a big pool's first subnets show. */}
              <div style={{ display: 'flex', width: `${row.capacity > 0 ? Math.min(100, Math.max(row.used > 0 ? 0.5 : 0, (row.used / row.capacity) * 100)) : 0}%`, backgroundColor: PALETTE[0], borderRadius: 3 }} />
            </div>
          </div>
        ))}
      </div>
    </Frame>
  )
}

export const drawChart = (node: React.ReactElement) => renderSvg(node, { width: CHART_WIDTH, height: CHART_HEIGHT })
