import { useTranslation } from 'react-i18next'
import { COVERAGE_MAP_SIZE } from '#app/models/isp/coverage-map.ts'

/** The map of the covered areas as saved (its address changes with them), and its public addresses. */
export function CoverageMap({ areas, version }: { areas: { name: string; areaType: string | null }[]; version: string }) {
  const { t, i18n } = useTranslation('isp')
  const query = `?lang=${encodeURIComponent(i18n.language)}&v=${version}`
  const names = areas.map((area) => (area.areaType ? area.name : t('coverageMap.altNoShape', { name: area.name })))
  return (
    <figure className="card max-w-3xl space-y-2">
      <img
        src={`/isp/coverage.png${query}`}
        width={COVERAGE_MAP_SIZE.width}
        height={COVERAGE_MAP_SIZE.height}
        alt={names.length ? t('coverageMap.alt', { areas: names.join(', ') }) : t('coverageMap.altEmpty')}
        className="h-auto w-full rounded border border-gray-200"
      />
      <figcaption className="text-sm text-gray-600">
        {t('coverageMap.caption')} <a href="/isp/coverage.png">{t('coverageMap.png')}</a>, <a href="/isp/coverage.svg">{t('coverageMap.svg')}</a>
      </figcaption>
    </figure>
  )
}
