import { readFile } from 'node:fs/promises'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { pngSize } from '#app/integrations/images/render.server.ts'
import { updateIspIdentity } from '#app/models/isp/settings.server.ts'
import { loader as loginLoader, meta as loginMeta } from '#app/routes/login.tsx'
import { loader as ogPng } from '#app/routes/og[.png].tsx'
import { getEnv } from '#app/utils/env.server.ts'
import { seedDemo } from '#prisma/seed.ts'
import { startServer } from '#tests/e2e/browser.ts'
import { makeRequest, settle } from './request.ts'

beforeAll(async () => {
  await seedDemo()
})

const getCard = (headers: Record<string, string> = {}) => settle(() => ogPng({ request: makeRequest('/og.png', { headers }), params: {}, context: {} }))

/** The PNG's pixel at (x, y) as #rrggbb. */
function pixel(bytes: Uint8Array, x: number, y: number) {
  const png = PNG.sync.read(Buffer.from(bytes))
  const i = (y * png.width + x) * 4
  return `#${[0, 1, 2].map((c) => png.data[i + c]!.toString(16).padStart(2, '0')).join('')}`
}

/** The tags the login page's meta function gives, as `property or name → content`. */
async function loginTags() {
  const data = await loginLoader({ request: makeRequest('/login'), params: {}, context: {} })
  const descriptors = loginMeta({ data, matches: [{ id: 'root', data: { language: 'fr', ispName: 'FAI Démo' } }], params: {}, location: {} } as unknown as Parameters<typeof loginMeta>[0])
  return new Map(descriptors.flatMap((d) => ('content' in d ? [[String('property' in d ? d.property : 'name' in d ? d.name : ''), String(d.content)]] : [])))
}

describe('/og.png, the sharing card', () => {
  test("is a 1200×630 PNG in the ISP's colour, public, answering 304 to its ETag", async () => {
    const response = await getCard()
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('image/png')
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=600')
    const bytes = new Uint8Array(await response.arrayBuffer())
    expect(pngSize(bytes)).toEqual({ width: 1200, height: 630 })
    // No colour chosen: Coin's green, with the name and description drawn in white over it.
    expect(pixel(bytes, 5, 5)).toBe('#1f7a5c')
    const png = PNG.sync.read(Buffer.from(bytes))
    let white = 0
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === 255 && png.data[i + 1] === 255 && png.data[i + 2] === 255) white++
    expect(white).toBeGreaterThan(2000)
    const etag = response.headers.get('ETag')!
    const again = await getCard({ 'If-None-Match': etag })
    expect(again.status).toBe(304)
  })

  test('follows the colour and the logo of the ISP record', async () => {
    const before = (await getCard()).headers.get('ETag')
    const logo = new Uint8Array(PNG.sync.write(Object.assign(new PNG({ width: 40, height: 20 }), { data: Buffer.alloc(40 * 20 * 4, 200) })))
    await updateIspIdentity({ primaryColor: '#7a1f4b', logo, logoMimeType: 'image/png' })
    const response = await getCard()
    expect(response.headers.get('ETag')).not.toBe(before)
    const bytes = new Uint8Array(await response.arrayBuffer())
    expect(pngSize(bytes)).toEqual({ width: 1200, height: 630 })
    expect(pixel(bytes, 5, 5)).toBe('#7a1f4b')
  })

  test("the login page carries the Open Graph tags, the image at an absolute address", async () => {
    const tags = await loginTags()
    expect(tags.get('og:type')).toBe('website')
    expect(tags.get('og:title')).toBe('FAI Démo')
    expect(tags.get('og:description')).toMatch(/démonstration/)
    expect(tags.get('og:image')).toMatch(new RegExp(`^${getEnv().PUBLIC_URL.replace(/[.]/g, '\\.')}/og\\.png\\?v=\\d+$`))
    expect(new URL(tags.get('og:image')!).protocol).toMatch(/^https?:$/)
    expect(tags.get('og:image:width')).toBe('1200')
    expect(tags.get('og:image:height')).toBe('630')
    expect(tags.get('twitter:card')).toBe('summary_large_image')
  })
})

describe('public/ files', () => {
  test('robots.txt turns every crawler away', async () => {
    expect(await readFile('public/robots.txt', 'utf8')).toMatch(/^User-agent: \*\nDisallow: \/$/m)
  })

  describe('served by the built server', () => {
    let server: Awaited<ReturnType<typeof startServer>>
    beforeAll(async () => {
      server = await startServer()
    })
    afterAll(() => server?.close())

    test('robots.txt, the favicon and the touch icon with an hour of cache, /assets for good, and the tags in the page', async () => {
      const robots = await fetch(`${server.baseUrl}/robots.txt`)
      expect(robots.status).toBe(200)
      expect(await robots.text()).toContain('Disallow: /')
      expect(robots.headers.get('Cache-Control')).toBe('public, max-age=3600')
      const favicon = await fetch(`${server.baseUrl}/favicon.png`)
      expect(favicon.headers.get('Content-Type')).toBe('image/png')
      expect(favicon.headers.get('Cache-Control')).toBe('public, max-age=3600')
      expect(pngSize(new Uint8Array(await favicon.arrayBuffer()))).toEqual({ width: 32, height: 32 })
      const touch = await fetch(`${server.baseUrl}/apple-touch-icon.png`)
      expect(pngSize(new Uint8Array(await touch.arrayBuffer()))).toEqual({ width: 180, height: 180 })

      const page = await (await fetch(`${server.baseUrl}/login`)).text()
      expect(page).toContain('<link rel="icon" href="/favicon.png" type="image/png" sizes="32x32"/>')
      expect(page).toContain('<link rel="apple-touch-icon" href="/apple-touch-icon.png"/>')
      expect(page).toMatch(/<meta property="og:image" content="https?:\/\/[^"]+\/og\.png\?v=\d+"\/>/)
      const asset = page.match(/\/assets\/[\w.-]+\.(?:css|js)/)![0]
      expect((await fetch(`${server.baseUrl}${asset}`)).headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable')
      expect((await fetch(`${server.baseUrl}/og.png`)).headers.get('Content-Type')).toBe('image/png')
    })
  })
})
