import { describe, expect, test } from 'vitest'
import { safeRedirect } from '#app/utils/auth.server.ts'
import { HOSTILE_REDIRECTS } from '#tests/fixtures/hostile-redirects.ts'
import { toCsv } from '#app/utils/csv.ts'
import { isCrossOriginWrite } from '#app/utils/http.server.ts'
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
