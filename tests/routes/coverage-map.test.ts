import { PNG } from 'pngjs'
import { beforeAll, describe, expect, test } from 'vitest'
import { pngSize } from '#app/integrations/images/render.server.ts'
import { COVERAGE_MAP_SIZE, TECHNOLOGY_COLORS } from '#app/models/isp/coverage-map.ts'
import { action as settingsAction, loader as settingsLoader } from '#app/routes/admin.settings.tsx'
import { loader as coveragePng } from '#app/routes/isp.coverage[.png].tsx'
import { loader as coverageSvg } from '#app/routes/isp.coverage[.svg].tsx'
import { prisma } from '#app/utils/db.server.ts'
import { seedDemo } from '#prisma/seed.ts'
import { loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, settle } from './request.ts'

let cookie: string
beforeAll(async () => {
  await seedDemo()
  ;({ cookie } = await loginAsStaff())
})

const getPng = (path = '/isp/coverage.png', headers: Record<string, string> = {}) => settle(() => coveragePng({ request: makeRequest(path, { headers }), params: {}, context: {} }))
const getSvg = (path = '/isp/coverage.svg', headers: Record<string, string> = {}) => settle(() => coverageSvg({ request: makeRequest(path, { headers }), params: {}, context: {} }))
const loadSettings = async () => {
  const result = await settingsLoader({ request: makeRequest('/admin/settings', { cookie }), params: {}, context: {} })
  return result
}

/** How many pixels of the PNG have exactly `hex` as their colour. */
function pixelsOf(bytes: Uint8Array, hex: string) {
  const png = PNG.sync.read(Buffer.from(bytes))
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))
  let count = 0
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === r && png.data[i + 1] === g && png.data[i + 2] === b) count++
  return count
}

describe('/isp/coverage.png and .svg', () => {
  test("the demo ISP's map is a PNG of the expected size with its outlines in the technologies' colours", async () => {
    expect(await prisma.coveredArea.count({ where: { area: { not: { equals: null } } } })).toBeGreaterThan(0)
    const response = await getPng()
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('image/png')
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=300')
    const bytes = new Uint8Array(await response.arrayBuffer())
    expect(pngSize(bytes)).toEqual(COVERAGE_MAP_SIZE)
    // Not blank: the demo's DSL area is drawn in the DSL colour, its Wi-Fi/VPN area in both of theirs.
    for (const tech of ['dsl', 'wifi', 'vpn'] as const) expect(pixelsOf(bytes, TECHNOLOGY_COLORS[tech]), tech).toBeGreaterThan(50)
    expect(pixelsOf(bytes, TECHNOLOGY_COLORS.ftth)).toBe(0)
  })

  test('the SVG is served as image/svg+xml, runs nothing, and both answer 304 to their ETag', async () => {
    const svg = await getSvg()
    expect(svg.status).toBe(200)
    expect(svg.headers.get('Content-Type')).toBe('image/svg+xml')
    expect(svg.headers.get('Content-Security-Policy')).toContain("default-src 'none'")
    const body = await svg.text()
    expect(body).toMatch(/^<svg [^>]*width="960" height="600"/)
    expect(body).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/)
    for (const get of [getPng, getSvg]) {
      const first = await get()
      const etag = first.headers.get('ETag')!
      expect(etag).toMatch(/^"[\w-]+"$/)
      const again = await get(undefined, { 'If-None-Match': etag })
      expect(again.status).toBe(304)
      expect(await again.text()).toBe('')
    }
    expect((await getPng()).headers.get('ETag')).not.toBe((await getSvg()).headers.get('ETag'))
  })

  test('the legend follows ?lang=, else the visitor, and caches are told so', async () => {
    const fr = await getPng('/isp/coverage.png?lang=fr')
    const en = await getPng('/isp/coverage.png?lang=en')
    expect(fr.headers.get('ETag')).not.toBe(en.headers.get('ETag'))
    expect(fr.headers.get('Vary')).toBeNull()
    const visitor = await getPng('/isp/coverage.png', { 'Accept-Language': 'en-GB,en;q=0.9' })
    expect(visitor.headers.get('ETag')).toBe(en.headers.get('ETag'))
    expect(visitor.headers.get('Vary')).toBe('Accept-Language, Cookie')
  })

  test('the admin page shows the map at an address that changes with every saved area', async () => {
    const before = await loadSettings()
    expect(before.coverageMapVersion).toMatch(/^[\w-]{16}$/)
    const etagBefore = (await getPng()).headers.get('ETag')
    const response = await settle(() => settingsAction({
      request: makeRequest('/admin/settings', { cookie, form: { intent: 'addArea', name: 'Bron', technologies: ['ftth'], area: JSON.stringify({ type: 'Polygon', coordinates: [[[4.90, 45.73], [4.93, 45.73], [4.93, 45.75], [4.90, 45.73]]] }) } }),
      params: {}, context: {},
    }))
    expect(response).toBeInstanceOf(Response)
    expect((response as Response).status).toBe(302)
    const after = await loadSettings()
    expect(after.coverageMapVersion).not.toBe(before.coverageMapVersion)
    const png = await getPng()
    expect(png.headers.get('ETag')).not.toBe(etagBefore)
    expect(pixelsOf(new Uint8Array(await png.arrayBuffer()), TECHNOLOGY_COLORS.ftth)).toBeGreaterThan(20)
  })

  test('with no covered area the map is still a picture, with a sentence instead of outlines', async () => {
    await prisma.coveredArea.deleteMany()
    const png = await getPng()
    expect(png.status).toBe(200)
    const bytes = new Uint8Array(await png.arrayBuffer())
    expect(pngSize(bytes)).toEqual(COVERAGE_MAP_SIZE)
    for (const color of Object.values(TECHNOLOGY_COLORS)) expect(pixelsOf(bytes, color)).toBe(0)
    // The sentence is drawn: some pixels are the text's grey, not the background.
    expect(pixelsOf(bytes, '#4b5563')).toBeGreaterThan(100)
    const svg = await getSvg()
    expect(svg.status).toBe(200)
    expect(await svg.text()).toContain('<path')
  })
})
