/**
 * A small accessible bar chart drawn as SVG: the figure has a title, and the same numbers are in a
 * table for screen readers.
 */
export function BarChart({ title, data, label }: { title: string; data: { key: string; value: number }[]; label: (value: number) => string }) {
  const max = Math.max(1, ...data.map((d) => d.value))
  const barWidth = 28
  const gap = 10
  const height = 140
  const width = Math.max(1, data.length) * (barWidth + gap)
  return (
    <figure className="card">
      <figcaption className="mb-2 text-sm font-semibold">{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height + 36}`} className="h-48 w-full max-w-full" role="img" aria-label={title} preserveAspectRatio="xMinYMid meet">
        {data.map((d, i) => {
          const h = Math.round((d.value / max) * height)
          const x = i * (barWidth + gap)
          return (
            <g key={d.key}>
              <title>{`${d.key} : ${label(d.value)}`}</title>
              <rect x={x} y={height - h + 14} width={barWidth} height={h} rx={3} className="fill-brand-600" />
              <text x={x + barWidth / 2} y={height - h + 10} textAnchor="middle" className="fill-gray-700 text-[10px]">{d.value}</text>
              <text x={x + barWidth / 2} y={height + 30} textAnchor="middle" className="fill-gray-600 text-[10px]">{d.key}</text>
            </g>
          )
        })}
      </svg>
      <table className="sr-only">
        <caption>{title}</caption>
        <tbody>
          {data.map((d) => (
            <tr key={d.key}><th scope="row">{d.key}</th><td>{label(d.value)}</td></tr>
          ))}
        </tbody>
      </table>
    </figure>
  )
}
