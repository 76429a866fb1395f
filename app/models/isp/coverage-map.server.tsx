import { DEFAULT_LANGUAGE, isLanguage, type Language } from '#app/i18n.ts'
import { imageEtag, renderSvg, svgToPng } from '#app/integrations/images/render.server.ts'
import { prisma } from '#app/utils/db.server.ts'
import { imageResponse } from '#app/utils/http.server.ts'
import { getFixedT, getLanguage } from '#app/utils/i18n.server.ts'
import { areaColors, COVERAGE_MAP_SIZE, type CoverageArea, OTHER_COLOR, projectCoverage, ringsPath, TECHNOLOGY_COLORS } from './coverage-map.ts'

/**
 * The map of the ISP's covered areas: their outlines on a plain background, fitted to their
 * bounding box, one colour per technology, and a legend naming the technologies and the areas
 * that have no outline. Drawn from the database alone: no map tiles, nothing fetched.
 */

const MAP_BOX = { width: 640, height: COVERAGE_MAP_SIZE.height, padding: 28 }
/** Changes whenever the drawing changes, so that cached pictures are drawn again. */
const DRAWING_VERSION = 1
/** Areas without an outline named in the legend; the others are counted. */
const LEGEND_MAX_AREAS = 8
/** Length of each colour's dash when an area has several technologies. */
const DASH = 9

/** The covered areas, in the order the ISP record lists them. */
export function listCoverageAreas(): Promise<CoverageArea[]> {
  return prisma.coveredArea.findMany({ orderBy: [{ position: 'asc' }, { id: 'asc' }], select: { name: true, technologies: true, area: true } })
}

/** A short version of the areas' content, for the picture's address on pages that show it. */
export function coverageMapVersion(areas: CoverageArea[]) {
  return imageEtag('coverage-map', { version: DRAWING_VERSION, areas }).slice(1, 17)
}

/** The ETag of the map of `areas` in `language`, as PNG or as SVG. */
export function coverageMapEtag(areas: CoverageArea[], { language, format }: { language: Language; format: 'png' | 'svg' }) {
  return imageEtag('coverage-map', { version: DRAWING_VERSION, format, language, areas })
}

/** The map's SVG, laid out by satori (its text drawn as paths). */
export function drawCoverageSvg(areas: CoverageArea[], language: Language = DEFAULT_LANGUAGE) {
  const t = getFixedT(language, 'isp')
  const map = projectCoverage(areas, MAP_BOX)
  const technologyLabel = (tech: string) => t(`database.technologies.${tech}`, { defaultValue: tech })
  const hidden = map.withoutShape.slice(LEGEND_MAX_AREAS)
  const frame = { display: 'flex', width: COVERAGE_MAP_SIZE.width, height: COVERAGE_MAP_SIZE.height, backgroundColor: '#f8fafc', fontFamily: 'DejaVu Sans', color: '#1f2937' }
  if (areas.length === 0) {
    return renderSvg(
      <div style={{ ...frame, alignItems: 'center', justifyContent: 'center', fontSize: 28, color: '#4b5563' }}>{t('coverageMap.empty')}</div>,
      COVERAGE_MAP_SIZE,
    )
  }
  return renderSvg(
    <div style={frame}>
      <svg width={MAP_BOX.width} height={MAP_BOX.height} viewBox={`0 0 ${MAP_BOX.width} ${MAP_BOX.height}`}>
        <rect x={0} y={0} width={MAP_BOX.width} height={MAP_BOX.height} fill="#ffffff" />
        {map.shapes.map((shape, index) => {
          const d = ringsPath(shape.rings)
          const n = shape.colors.length
          return (
            <g key={index}>
              <path d={d} fill={shape.colors[0]} fillOpacity={0.12} fillRule="evenodd" stroke="none" />
              {shape.colors.map((color, i) => (
                <path
                  key={color}
                  d={d}
                  fill="none"
                  stroke={color}
                  strokeWidth={2.5}
                  strokeLinejoin="round"
                  strokeDasharray={n > 1 ? `${DASH} ${DASH * (n - 1)}` : undefined}
                  strokeDashoffset={n > 1 ? -i * DASH : undefined}
                />
              ))}
            </g>
          )
        })}
      </svg>
      <div style={{ display: 'flex', flexDirection: 'column', width: COVERAGE_MAP_SIZE.width - MAP_BOX.width, padding: 28, borderLeft: '1px solid #e5e7eb', fontSize: 18 }}>
        <div style={{ fontSize: 24, fontWeight: 700, marginBottom: 18 }}>{t('coverageMap.title')}</div>
        {map.technologies.map((tech) => (
          <div key={tech} style={{ display: 'flex', alignItems: 'center', marginBottom: 10 }}>
            <div style={{ width: 32, height: 6, backgroundColor: TECHNOLOGY_COLORS[tech], marginRight: 12, borderRadius: 3 }} />
            <div style={{ display: 'flex', flex: 1 }}>{technologyLabel(tech)}</div>
          </div>
        ))}
        {map.shapes.some((shape) => shape.colors.includes(OTHER_COLOR)) ? (
          <div style={{ display: 'flex', alignItems: 'center', marginBottom: 10 }}>
            <div style={{ width: 32, height: 6, backgroundColor: OTHER_COLOR, marginRight: 12, borderRadius: 3 }} />
            <div style={{ display: 'flex' }}>{t('coverageMap.other')}</div>
          </div>
        ) : null}
        {map.withoutShape.length ? (
          <div style={{ display: 'flex', flexDirection: 'column', marginTop: 14, fontSize: 16, color: '#374151' }}>
            <div style={{ fontWeight: 700, marginBottom: 8 }}>{t('coverageMap.noShape')}</div>
            {map.withoutShape.slice(0, LEGEND_MAX_AREAS).map((area, index) => (
              <div key={index} style={{ display: 'flex', alignItems: 'flex-start', marginBottom: 6 }}>
                <div style={{ display: 'flex', marginRight: 8 }}>
                  {areaColors(area.technologies).map((color) => (
                    <div key={color} style={{ width: 8, height: 8, marginTop: 6, marginRight: 2, borderRadius: 4, backgroundColor: color }} />
                  ))}
                </div>
                <div style={{ display: 'flex', flex: 1 }}>{area.name}</div>
              </div>
            ))}
            {hidden.length ? <div style={{ display: 'flex' }}>{t('coverageMap.more', { count: hidden.length })}</div> : null}
          </div>
        ) : null}
      </div>
    </div>,
    COVERAGE_MAP_SIZE,
  )
}

/** The map as a PNG of COVERAGE_MAP_SIZE. */
export async function drawCoveragePng(areas: CoverageArea[], language: Language = DEFAULT_LANGUAGE) {
  return svgToPng(await drawCoverageSvg(areas, language))
}

/**
 * The map as PNG or SVG, public like /isp.json, a few minutes of cache. Its legend is in the
 * language `?lang=` names, else the visitor's; drawn only when the areas changed (ETag, 304).
 */
export async function coverageMapResponse(request: Request, format: 'png' | 'svg') {
  const lang = new URL(request.url).searchParams.get('lang')
  const language = isLanguage(lang) ? lang : await getLanguage(request)
  const areas = await listCoverageAreas()
  const response = await imageResponse(request, {
    etag: coverageMapEtag(areas, { language, format }), format, scope: 'public', maxAge: 300,
    draw: () => (format === 'png' ? drawCoveragePng(areas, language) : drawCoverageSvg(areas, language)),
  })
  // Without `?lang=` the legend's language comes from the request: caches keep one copy per language.
  if (!isLanguage(lang)) response.headers.set('Vary', 'Accept-Language, Cookie')
  return response
}

