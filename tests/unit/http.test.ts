import { describe, expect, test } from 'vitest'
import { safeRedirect } from '#app/utils/auth.server.ts'
import { HOSTILE_REDIRECTS } from '#tests/fixtures/hostile-redirects.ts'
import { toCsv } from '#app/utils/csv.ts'
import { contentSecurityPolicy, csvDownload, imageResponse, immutableDownload, isCrossOriginWrite } from '#app/utils/http.server.ts'
import { pickAcceptLanguage } from '#app/utils/i18n.server.ts'

describe('cross-origin writes', () => {
  const base = { method: 'POST', host: 'coin.example', secFetchSite: undefined }
  test('a form posted from another site is refused', () => {
    expect(isCrossOriginWrite({ ...base, origin: 'https://evil.example' })).toBe(true)
    expect(isCrossOriginWrite({ ...base, origin: 'null' })).toBe(true)
    expect(isCrossOriginWrite({ ...base, origin: undefined, secFetchSite: 'cross-site' })).toBe(true)
  })
  test('without an Origin, a Referer from another site is refused like a foreign Origin', () => {
    expect(isCrossOriginWrite({ ...base, origin: undefined, referer: 'https://evil.example/page' })).toBe(true)
    expect(isCrossOriginWrite({ ...base, origin: undefined, referer: 'https://coin.example.evil.example/' })).toBe(true)
    expect(isCrossOriginWrite({ ...base, origin: undefined, referer: 'not a url' })).toBe(true)
    expect(isCrossOriginWrite({ ...base, origin: undefined, referer: 'https://coin.example/admin/members' })).toBe(false)
    // The Origin, when sent, is what counts.
    expect(isCrossOriginWrite({ ...base, origin: 'https://coin.example', referer: 'https://evil.example/' })).toBe(false)
    expect(isCrossOriginWrite({ ...base, method: 'GET', origin: undefined, referer: 'https://evil.example/' })).toBe(false)
  })
  test('same origin, reads and non-browser clients pass', () => {
    expect(isCrossOriginWrite({ ...base, origin: 'https://coin.example' })).toBe(false)
    expect(isCrossOriginWrite({ ...base, method: 'GET', origin: 'https://evil.example' })).toBe(false)
    expect(isCrossOriginWrite({ ...base, origin: undefined })).toBe(false)
    expect(isCrossOriginWrite({ ...base, origin: undefined, referer: undefined })).toBe(false)
  })
})

describe('redirects after a form stay on this site', () => {
  test('local paths survive, normalised as a browser reads them', () => {
    expect(safeRedirect('/admin/members?q=a')).toBe('/admin/members?q=a')
    expect(safeRedirect('/admin/members?q=a b#top')).toBe('/admin/members?q=a%20b#top')
    expect(safeRedirect('/é')).toBe('/%C3%A9')
    expect(safeRedirect('/%2F%2Fevil.example')).toBe('/%2F%2Fevil.example')
    expect(safeRedirect('\t\n/profile')).toBe('/profile')
    // Line breaks are dropped, so the Location header is always valid.
    expect(safeRedirect('/profile\r\nSet-Cookie: a=b')).toBe('/profileSet-Cookie:%20a=b')
  })
  test.each(HOSTILE_REDIRECTS)('%j goes home', (value) => {
    expect(safeRedirect(value)).toBe('/')
  })
  test('missing values and other types go to the fallback', () => {
    expect(safeRedirect(null)).toBe('/')
    expect(safeRedirect(undefined)).toBe('/')
    expect(safeRedirect('')).toBe('/')
    expect(safeRedirect('/x'.repeat(2000))).toBe('/')
    expect(safeRedirect(new File(['/'], 'x.txt'), '/fallback')).toBe('/fallback')
  })
})

test('Accept-Language picks the best supported language', () => {
  expect(pickAcceptLanguage('en-GB,en;q=0.9,fr;q=0.8')).toBe('en')
  expect(pickAcceptLanguage('de-DE,fr;q=0.5,en;q=0.4')).toBe('fr')
  expect(pickAcceptLanguage('de')).toBeNull()
  expect(pickAcceptLanguage(null)).toBeNull()
})

test('CSV opens in a spreadsheet: BOM, semicolons, quotes, no formulas', () => {
  const csv = toCsv(['Nom', 'Note'], [['Dupond; "Hervé"', '=HYPERLINK("x")'], ['Léa', null]])
  expect(csv).toBe('\uFEFF"Nom";"Note"\r\n"Dupond; ""Hervé""";"\'=HYPERLINK(""x"")"\r\n"Léa";""\r\n')
})

describe('download headers', () => {
  test('a PDF download is never sniffed as anything else, fresh or revalidated', () => {
    const file = { bytes: new Uint8Array([37, 80, 68, 70]), filename: 'F2025-01-000001.pdf', sha256: 'ab'.repeat(32), contentType: 'application/pdf' }
    const fresh = immutableDownload(new Request('http://coin.test/invoices/1.pdf'), file)
    expect(fresh.headers.get('x-content-type-options')).toBe('nosniff')
    expect(fresh.headers.get('content-type')).toBe('application/pdf')
    const revalidated = immutableDownload(new Request('http://coin.test/invoices/1.pdf', { headers: { 'If-None-Match': `"${file.sha256}"` } }), file)
    expect(revalidated.status).toBe(304)
    expect(revalidated.headers.get('x-content-type-options')).toBe('nosniff')
  })
  test('a CSV download is never sniffed nor stored', () => {
    const response = csvDownload({ csv: toCsv(['a'], [['1']]), filename: 'x.csv' })
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="x.csv"')
  })
})

describe('drawn pictures', () => {
  const request = (etag?: string) => new Request('http://coin.test/card.png', { headers: etag ? { 'If-None-Match': etag } : {} })
  test('a picture is drawn once for its ETag, however many ask for it at the same time or later', async () => {
    let drawings = 0
    const draw = async () => {
      drawings += 1
      await new Promise((resolve) => setTimeout(resolve, 20))
      return new Uint8Array([1, 2, 3])
    }
    const options = { etag: '"drawn-once"', format: 'png' as const, scope: 'private' as const, draw }
    const responses = await Promise.all([imageResponse(request(), options), imageResponse(request(), options)])
    const later = await imageResponse(request(), options)
    expect(drawings).toBe(1)
    for (const response of [...responses, later]) expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([1, 2, 3])
    // Another picture is another drawing; a browser holding the picture gets 304 without one.
    await imageResponse(request(), { ...options, etag: '"drawn-other"' })
    expect(drawings).toBe(2)
    expect((await imageResponse(request('"drawn-new"'), { ...options, etag: '"drawn-new"' })).status).toBe(304)
    expect(drawings).toBe(2)
  })
  test('a drawing that failed is tried again by the next request', async () => {
    let drawings = 0
    const draw = async () => {
      drawings += 1
      if (drawings === 1) throw new Error('font missing')
      return '<svg/>'
    }
    const options = { etag: '"drawn-failing"', format: 'svg' as const, scope: 'public' as const, draw }
    await expect(imageResponse(request(), options)).rejects.toThrow('font missing')
    expect(await (await imageResponse(request(), options)).text()).toBe('<svg/>')
    expect(drawings).toBe(2)
  })
  test('a PDF card is a download', async () => {
    const response = await imageResponse(request(), { etag: '"drawn-pdf"', format: 'pdf', scope: 'private', draw: async () => new Uint8Array([37]), filename: 'carte.pdf' })
    expect(response.headers.get('content-type')).toBe('application/pdf')
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="carte.pdf"')
  })
})

test('the Content-Security-Policy allows scripts only from this site or with the nonce, and no framing', () => {
  const csp = contentSecurityPolicy('abc123')
  expect(csp).toContain("script-src 'self' 'nonce-abc123'")
  expect(csp).toContain("frame-ancestors 'none'")
  expect(csp).not.toContain('unsafe-inline')
  expect(csp).not.toContain('unsafe-eval')
})
