/**
 * Covered areas as the FFDN format wants them: a GeoJSON geometry of type Polygon or
 * MultiPolygon (the spec's validator refuses any other). What staff paste or upload often comes
 * from geojson.io or a GADM file, wrapped in a Feature or a one-feature FeatureCollection: the
 * geometry is taken out of it. Pure: runs in the browser too.
 */
export type Position = [number, number] | [number, number, number]
export type AreaGeometry = { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] }

export type AreaCheck = { area: AreaGeometry } | { error: 'geojsonInvalidJson' | 'geojsonNotPolygon' | 'geojsonBadCoordinates' | 'geojsonTooManyFeatures' }

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

function isPosition(value: unknown): value is Position {
  if (!Array.isArray(value) || value.length < 2 || value.length > 3) return false
  if (!value.every((n) => typeof n === 'number' && Number.isFinite(n))) return false
  const [longitude, latitude] = value as number[]
  return longitude! >= -180 && longitude! <= 180 && latitude! >= -90 && latitude! <= 90
}

/** A closed ring: four positions or more, the last equal to the first. */
function isRing(value: unknown): value is Position[] {
  if (!Array.isArray(value) || value.length < 4 || !value.every(isPosition)) return false
  const first = value[0]!
  const last = value.at(-1)!
  return first.length === last.length && first.every((n, i) => n === last[i])
}

const isPolygon = (value: unknown): value is Position[][] => Array.isArray(value) && value.length > 0 && value.every(isRing)

/** Reads a pasted or uploaded text into the area's geometry, or says what is wrong with it. */
export function parseArea(text: string): AreaCheck {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { error: 'geojsonInvalidJson' }
  }
  if (isRecord(value) && value.type === 'FeatureCollection') {
    const features = Array.isArray(value.features) ? value.features : []
    if (features.length !== 1) return { error: 'geojsonTooManyFeatures' }
    value = features[0]
  }
  if (isRecord(value) && value.type === 'Feature') value = value.geometry
  if (!isRecord(value) || (value.type !== 'Polygon' && value.type !== 'MultiPolygon')) return { error: 'geojsonNotPolygon' }
  const { coordinates } = value
  if (value.type === 'Polygon') return isPolygon(coordinates) ? { area: { type: 'Polygon', coordinates } } : { error: 'geojsonBadCoordinates' }
  const ok = Array.isArray(coordinates) && coordinates.length > 0 && coordinates.every(isPolygon)
  return ok ? { area: { type: 'MultiPolygon', coordinates: coordinates as Position[][][] } } : { error: 'geojsonBadCoordinates' }
}
