import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createPool } from '#app/models/ip/pools.server.ts'
import { insertMember } from '#tests/factories/member.ts'
import { launchChromium, logIn, startServer } from './browser.ts'

let server: Awaited<ReturnType<typeof startServer>>
let browser: Browser
const staff = { username: 'e2e.reseau', password: 'mot-de-passe-du-reseau' }

beforeAll(async () => {
  await insertMember({ username: staff.username, password: staff.password, roles: ['MEMBER', 'STAFF'] })
  server = await startServer()
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/**
 * Page errors and console errors, which fail the journey (a broken render or hydration). The
 * browser's own line for a 400 answer (a refused form) is expected.
 */
function watchErrors(page: Page) {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().includes('status of 400')) errors.push(message.text())
  })
  return errors
}

describe('IP pools', () => {
  test('without JavaScript: create a pool, allocate, a refused network explained, release after confirming, a PTR entry', async () => {
    const page = await logIn(browser, server.baseUrl, staff, { javaScriptEnabled: false })
    await page.goto(`${server.baseUrl}/admin`)
    await page.getByRole('link', { name: "Pools d'IP" }).click()
    await page.getByRole('link', { name: "Nouveau pool d'IP" }).click()
    await page.getByLabel("Nom du pool d'IP").fill('Parcours e2e')
    await page.getByLabel("Bloc d'adresses IP du pool").fill('100.64.0.0/24')
    await page.getByLabel('Taille de sous-réseau par défaut').fill('30')
    await page.getByRole('button', { name: 'Créer le pool' }).click()
    await page.getByRole('heading', { level: 1, name: 'Pool Parcours e2e', exact: true }).waitFor()
    await page.getByText("Pool d'IP créé.").waitFor()

    await page.getByRole('button', { name: 'Attribuer', exact: true }).click()
    await page.getByText('Sous-réseau 100.64.0.0/30 attribué.').waitFor()
    await page.getByLabel('Sous-réseau', { exact: true }).fill('100.64.0.9/30')
    await page.getByRole('button', { name: 'Attribuer', exact: true }).click()
    await page.getByText("100.64.0.9/30 n'est pas un sous-réseau valide, voulez-vous dire 100.64.0.8/30 ?").waitFor()
    expect(await page.getByLabel('Sous-réseau', { exact: true }).getAttribute('aria-invalid')).toBe('true')
    await page.getByLabel('Sous-réseau', { exact: true }).fill('100.64.0.8/30')
    await page.getByLabel('Commentaire', { exact: true }).fill('Routeur du local')
    await page.getByRole('button', { name: 'Attribuer', exact: true }).click()
    await page.getByText('Sous-réseau 100.64.0.8/30 attribué.').waitFor()
    expect(await page.getByRole('meter').getAttribute('value')).toBe(String(8 / 256))
    expect(await page.getByText('8 / 256 adresses').isVisible()).toBe(true)

    await page.getByRole('button', { name: 'Libérer 100.64.0.0/30' }).click()
    await page.getByText('Libérer 100.64.0.0/30 ? Il retourne au pool').waitFor()
    await page.getByRole('button', { name: 'Oui, libérer' }).click()
    await page.getByText('Sous-réseau 100.64.0.0/30 libéré.').waitFor()

    await page.getByLabel('Recherche').fill('routeur')
    await page.getByRole('button', { name: 'Filtrer' }).click()
    await page.getByText('1 sous-réseau', { exact: true }).waitFor()
    await page.getByRole('link', { name: '100.64.0.8/30' }).click()
    await page.getByRole('heading', { level: 1, name: 'Sous-réseau 100.64.0.8/30', exact: true }).waitFor()
    await page.getByLabel('Adresse IP').fill('100.64.0.9')
    await page.getByLabel('Nom', { exact: true }).fill('routeur.example.org')
    await page.getByRole('button', { name: "Ajouter l'entrée" }).click()
    await page.getByText('Entrée ajoutée.').waitFor()
    expect(await page.getByRole('cell', { name: 'routeur.example.org.' }).isVisible()).toBe(true)
  })

  test('with JavaScript: the pages render and hydrate without errors; a form error shows without reloading', async () => {
    await createPool({ name: 'Parcours JS', network: '2001:db8:e2e::/48', defaultPrefixLength: 56, description: '' })
    const page = await logIn(browser, server.baseUrl, staff)
    const errors = watchErrors(page)
    await page.goto(`${server.baseUrl}/admin/pools`)
    await page.getByRole('link', { name: 'Parcours JS' }).click()
    await page.getByRole('heading', { level: 1, name: 'Pool Parcours JS', exact: true }).waitFor()
    expect(await page.getByText('0 / 256 blocs /56').isVisible()).toBe(true)
    await page.getByLabel('Longueur de préfixe').fill('8')
    await page.getByRole('button', { name: 'Attribuer', exact: true }).click()
    await page.getByText('La longueur de préfixe doit être comprise entre 48 et 128 dans ce pool.').waitFor()
    // Through the link, so the page is the hydrated app's (a field typed before hydration is lost).
    await page.getByRole('link', { name: "Pools d'IP", exact: true }).click()
    await page.getByRole('link', { name: 'Serveurs de noms' }).click()
    await page.getByRole('heading', { level: 1, name: 'Serveurs de noms', exact: true }).waitFor()
    await page.getByLabel('Nom DNS').fill('ns1.example.org')
    await page.getByRole('button', { name: 'Ajouter', exact: true }).click()
    await page.getByText('Serveur de noms ajouté.').waitFor()
    await page.getByRole('link', { name: 'ns1.example.org' }).click()
    await page.getByRole('heading', { level: 1, name: 'Serveur de noms ns1.example.org', exact: true }).waitFor()
    expect(errors).toEqual([])
  })
})
