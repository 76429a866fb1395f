import fs from 'node:fs'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DEMO_ADMIN, seedDemo } from '#prisma/seed.ts'
import { launchChromium, startServer, submitLogin } from './browser.ts'

let server: Awaited<ReturnType<typeof startServer>>
let browser: Browser

beforeAll(async () => {
  await seedDemo()
  server = await startServer()
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('the demo admin', () => {
  test('sees the overview charts drawn, each with its sentence and its numbers; a bad range says why', async () => {
    const page = await browser.newPage({ locale: 'fr-FR' })
    await page.goto(`${server.baseUrl}/login?redirectTo=%2Fadmin`)
    await submitLogin(page, DEMO_ADMIN)
    await page.getByRole('heading', { level: 2, name: 'Tableau de bord', exact: true }).waitFor()
    const charts = page.locator('figure img[src^="/admin/charts/"]')
    await expect.poll(() => charts.count()).toBe(4)
    for (const img of await charts.all()) {
      await img.scrollIntoViewIfNeeded()
      await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(880)
      expect(await img.getAttribute('alt')).toMatch(/ : /)
    }
    expect(await page.getByRole('link', { name: 'Télécharger les chiffres (CSV)' }).count()).toBe(4)
    await page.getByLabel('De (mois)').fill('2000-01')
    await page.getByRole('button', { name: 'Afficher' }).click()
    await page.getByRole('alert').filter({ hasText: 'La période ne peut dépasser 10 ans (120 mois).' }).waitFor()
    await page.close()
  })

  test('logs in, finds a member by search, edits their phone and sees it saved', async () => {
    const page = await browser.newPage({ locale: 'fr-FR' })
    await page.goto(`${server.baseUrl}/admin/members`)
    // Not logged in: the login page, which brings us back afterwards.
    await expect.poll(() => page.url()).toContain('/login?redirectTo=%2Fadmin%2Fmembers')
    await submitLogin(page, DEMO_ADMIN)
    await page.getByRole('heading', { level: 1, name: 'Membres', exact: true }).waitFor()

    await page.getByLabel('Rechercher').fill('moreau')
    await page.keyboard.press('Enter')
    await page.getByText('1 membre', { exact: true }).waitFor()
    await page.getByRole('link', { name: 'lmoreau' }).click()
    await page.getByRole('heading', { level: 1, name: 'Léa Moreau', exact: true }).waitFor()

    await page.getByRole('link', { name: 'Modifier' }).click()
    const phone = page.getByLabel('Téléphone mobile')
    await phone.fill('07 98 76 54 32')
    await page.getByRole('button', { name: 'Enregistrer' }).click()

    await page.getByText('Les modifications ont été enregistrées.').waitFor()
    expect(await page.getByText('07 98 76 54 32').isVisible()).toBe(true)
    fs.mkdirSync('test-results', { recursive: true })
    await page.screenshot({ path: 'test-results/admin-member-saved.png', fullPage: true })
  })

  test('a form posted from another site is refused', async () => {
    const response = await fetch(`${server.baseUrl}/login`, {
      method: 'POST',
      headers: { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'identifier=admin&password=admin-demo',
    })
    expect(response.status).toBe(403)
    expect(response.headers.get('set-cookie')).toBeNull()
  })

  test('pages answer in English when the browser asks for it', async () => {
    const page = await browser.newPage({ locale: 'en-GB', extraHTTPHeaders: { 'Accept-Language': 'en-GB,en;q=0.9' } })
    await page.goto(`${server.baseUrl}/login`)
    await page.getByRole('heading', { level: 1, name: 'Log in', exact: true }).waitFor()
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
  })

  test('works without JavaScript: login and the members search', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR' })
    const page = await context.newPage()
    await page.goto(`${server.baseUrl}/login`)
    await submitLogin(page, DEMO_ADMIN)
    await page.getByRole('heading', { name: /Bonjour/ }).waitFor()
    await page.goto(`${server.baseUrl}/admin/members?q=dupond`)
    await page.getByText('2 membres', { exact: true }).waitFor()
    await context.close()
  })
})
