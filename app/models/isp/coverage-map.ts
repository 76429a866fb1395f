import type { AreaGeometry, Position } from './geojson.ts'
import { TECHNOLOGIES } from './isp-database.schema.ts'

/**
 * The coverage map's geometry, without drawing: covered areas projected into a box of pixels,
 * fitted to their bounding box. Longitude and latitude are projected equirectangularly, longitude
 * scaled by the cosine of the mean latitude, which keeps the shapes of areas the size of a region
 * or a country. Pure: no database, no rendering.
 */

/** The picture's size in pixels: the map on the left, the legend on the right. */
export const COVERAGE_MAP_SIZE = { width: 960, height: 600 }

export type Technology = (typeof TECHNOLOGIES)[number]

/** One colour per technology, dark enough to read as a thin line on white. */
export const TECHNOLOGY_COLORS: Record<Technology, string> = {
  ftth: '#7c3aed',
  fttb: '#c026d3',
  dsl: '#2563eb',
  wifi: '#ea580c',
  vpn: '#15803d',
  cube: '#92400e',
}

/** The outline of an area whose technologies are unknown to the format. */
export const OTHER_COLOR = '#4b5563'

export type CoverageArea = { name: string; technologies: string[]; area: unknown }
export type ProjectedShape = { name: string; colors: string[]; rings: [number, number][][] }
export type CoverageMap = {
  shapes: ProjectedShape[]
  /** Areas with no outline (or one that is not a Polygon or MultiPolygon), by name. */
  withoutShape: { name: string; technologies: string[] }[]
  /** The technologies the areas name, in the format's order. */
  technologies: Technology[]
}

/** The area's polygons (each a list of rings), or null when it has no usable geometry. */
function polygonsOf(area: unknown): Position[][][] | null {
  if (!area || typeof area !== 'object' || !('type' in area) || !('coordinates' in area) || !Array.isArray(area.coordinates)) return null
  const geometry = area as AreaGeometry
  if (geometry.type === 'Polygon') return [geometry.coordinates]
  if (geometry.type === 'MultiPolygon') return geometry.coordinates
  return null
}

const isPoint = (p: unknown): p is Position => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1])

/** The colours an area is drawn in: one per known technology, grey when it names none. */
export function areaColors(technologies: string[]) {
  const known = TECHNOLOGIES.filter((tech) => technologies.includes(tech))
  return known.length ? known.map((tech) => TECHNOLOGY_COLORS[tech]) : [OTHER_COLOR]
}

/** Smallest span drawn, in degrees, so that a tiny or degenerate area still fills the box sensibly. */
const MIN_SPAN = 0.01

/**
 * Projects the areas into a `width` × `height` box (with `padding` pixels on every side), fitted
 * to their common bounding box with the aspect ratio kept and the drawing centred. Points closer
 * than half a pixel to the previous one are dropped: a detailed outline draws no slower than a
 * simple one.
 */
export function projectCoverage(areas: CoverageArea[], { width, height, padding }: { width: number; height: number; padding: number }): CoverageMap {
  const withGeometry: { name: string; technologies: string[]; polygons: Position[][][] }[] = []
  const withoutShape: CoverageMap['withoutShape'] = []
  for (const { name, technologies, area } of areas) {
    const polygons = polygonsOf(area)?.map((polygon) => polygon.map((ring) => ring.filter(isPoint)).filter((ring) => ring.length > 0)).filter((p) => p.length > 0)
    if (polygons?.length) withGeometry.push({ name, technologies, polygons })
    else withoutShape.push({ name, technologies })
  }
  const technologies = TECHNOLOGIES.filter((tech) => areas.some((a) => a.technologies.includes(tech)))
  if (withGeometry.length === 0) return { shapes: [], withoutShape, technologies }

  let [minLon, maxLon, minLat, maxLat] = [Infinity, -Infinity, Infinity, -Infinity]
  for (const { polygons } of withGeometry) {
    for (const ring of polygons.flat()) {
      for (const [lon, lat] of ring) {
        minLon = Math.min(minLon, lon)
        maxLon = Math.max(maxLon, lon)
        minLat = Math.min(minLat, lat)
        maxLat = Math.max(maxLat, lat)
      }
    }
  }
  const cos = Math.max(0.01, Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180))
  const spanX = Math.max((maxLon - minLon) * cos, MIN_SPAN)
  const spanY = Math.max(maxLat - minLat, MIN_SPAN)
  const scale = Math.min((width - 2 * padding) / spanX, (height - 2 * padding) / spanY)
  // The bounding box's centre goes to the box's centre.
  const centreX = ((minLon + maxLon) / 2) * cos
  const centreY = (minLat + maxLat) / 2
  const project = ([lon, lat]: Position): [number, number] => [
    Math.round((width / 2 + (lon * cos - centreX) * scale) * 10) / 10,
    Math.round((height / 2 - (lat - centreY) * scale) * 10) / 10,
  ]
  const shapes = withGeometry.map(({ name, technologies: techs, polygons }) => ({
    name,
    colors: areaColors(techs),
    rings: polygons.flat().map((ring) => {
      const points: [number, number][] = []
      for (const position of ring) {
        const point = project(position)
        const last = points.at(-1)
        if (!last || Math.abs(point[0] - last[0]) >= 0.5 || Math.abs(point[1] - last[1]) >= 0.5) points.push(point)
      }
      return points
    }),
  }))
  return { shapes, withoutShape, technologies }
}

/** An SVG path (`d`) of a shape's rings, each closed. */
export function ringsPath(rings: [number, number][][]) {
  return rings.filter((ring) => ring.length > 1).map((ring) => `M${ring.map(([x, y]) => `${x} ${y}`).join('L')}Z`).join('')
}
