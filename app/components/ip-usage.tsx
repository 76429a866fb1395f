import { useTranslation } from 'react-i18next'

/** A count PostgreSQL computed exactly (an integer, or two decimals) in the page's language. */
export function formatCount(text: string, lang: string) {
  if (/^\d+$/.test(text)) return new Intl.NumberFormat(lang).format(BigInt(text))
  return new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(Number(text))
}

function formatPercent(ratio: number, lang: string) {
  const digits = ratio > 0 && ratio < 0.001 ? 4 : 1
  return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: digits }).format(ratio)
}

/**
 * A pool's usage as a bar (a native meter, so assistive technologies read its value) followed by
 * the numbers as text: addresses for IPv4, blocks of the default size for IPv6.
 */
export function PoolUsageBar({ usage, defaultPrefixLength, name }: {
  usage: { unit: 'address' | 'block'; used: string; capacity: string; ratio: number }
  defaultPrefixLength: number
  name: string
}) {
  const { t, i18n } = useTranslation('ip')
  const lang = i18n.language
  const values = { used: formatCount(usage.used, lang), capacity: formatCount(usage.capacity, lang) }
  const text = usage.unit === 'address'
    ? t('usage.address', { ...values, count: Number(usage.capacity) })
    : t('usage.block', { ...values, size: defaultPrefixLength })
  return (
    <div className="flex flex-wrap items-center gap-2">
      <meter className="h-3 w-28" min={0} max={1} low={0.75} high={0.9} optimum={0} value={usage.ratio} aria-label={t('usage.label', { name })}>
        {formatPercent(usage.ratio, lang)}
      </meter>
      <span className="whitespace-nowrap text-sm">{text}</span>
      <span className="whitespace-nowrap text-xs text-gray-600">{t('usage.percent', { percent: formatPercent(usage.ratio, lang) })}</span>
    </div>
  )
}
