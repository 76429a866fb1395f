import { describe, expect, test } from 'vitest'
import { safeRedirect } from '#app/utils/auth.server.ts'
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
  test('same origin, reads and non-browser clients pass', () => {
    expect(isCrossOriginWrite({ ...base, origin: 'https://coin.example' })).toBe(false)
    expect(isCrossOriginWrite({ ...base, method: 'GET', origin: 'https://evil.example' })).toBe(false)
    expect(isCrossOriginWrite({ ...base, origin: undefined })).toBe(false)
  })
})

test('redirects after login stay on this site', () => {
  expect(safeRedirect('/admin/members?q=a')).toBe('/admin/members?q=a')
  expect(safeRedirect('//evil.example')).toBe('/')
  expect(safeRedirect('https://evil.example')).toBe('/')
  expect(safeRedirect(null)).toBe('/')
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
