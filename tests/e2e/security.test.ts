import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { insertMember } from '#tests/factories/member.ts'
import { HOSTILE_REDIRECTS } from '#tests/fixtures/hostile-redirects.ts'
import { launchChromium, startServer, submitLogin } from './browser.ts'

let server: Awaited<ReturnType<typeof startServer>>
let browser: Browser
const MEMBER = { username: 'securite', password: 'une phrase de passe sûre' }
const STAFF = { username: 'securite-admin', password: 'une autre phrase de passe' }

beforeAll(async () => {
  await insertMember({ username: MEMBER.username, password: MEMBER.password, firstName: 'Sam', lastName: 'Sécurité', status: 'MEMBER' })
  await insertMember({ username: STAFF.username, password: STAFF.password, firstName: 'Alix', lastName: 'Admin', roles: ['MEMBER', 'STAFF'] })
  server = await startServer()
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/** A fresh browser profile that collects what the Content-Security-Policy refused. */
async function newPage({ javaScriptEnabled = true } = {}) {
  const context = await browser.newContext({ locale: 'fr-FR', javaScriptEnabled })
  const page = await context.newPage()
  const violations: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) violations.push(message.text())
  })
  return { page, violations, close: () => context.close() }
}

describe('after login, a hostile redirectTo lands on the home page of this site', () => {
  for (const javaScriptEnabled of [true, false]) {
    test.each(HOSTILE_REDIRECTS)(`%j (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async (redirectTo) => {
      const { page, close } = await newPage({ javaScriptEnabled })
      await page.goto(`${server.baseUrl}/login?redirectTo=${encodeURIComponent(redirectTo)}`)
      await submitLogin(page, MEMBER)
      await page.getByRole('heading', { name: /Bonjour/ }).waitFor()
      const url = new URL(page.url())
      expect(url.origin).toBe(server.baseUrl)
      expect(url.pathname).toBe('/')
      await close()
    })
  }

  test('a local redirectTo is where the member ends up', async () => {
    const { page, close } = await newPage({ javaScriptEnabled: false })
    await page.goto(`${server.baseUrl}/login?redirectTo=${encodeURIComponent('/profile?tab=1')}`)
    await submitLogin(page, MEMBER)
    await expect.poll(() => page.url()).toBe(`${server.baseUrl}/profile?tab=1`)
    await close()
  })
})

describe('the language switch', () => {
  test.each(HOSTILE_REDIRECTS)('with redirectTo %j switches to English and stays on this site', async (redirectTo) => {
    const { page, close } = await newPage()
    await page.goto(`${server.baseUrl}/login`)
    await page.locator('input[name="redirectTo"]').first().evaluate((input, value) => input.setAttribute('value', value), redirectTo)
    await page.getByRole('button', { name: 'en', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: 'Log in', exact: true }).waitFor()
    expect(new URL(page.url()).origin).toBe(server.baseUrl)
    await close()
  })
})

describe('security headers', () => {
  test('every HTML page has a Content-Security-Policy whose nonce each of its scripts carries, new for each response', async () => {
    const nonces = []
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${server.baseUrl}/login`)
      const csp = response.headers.get('content-security-policy')!
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).toContain("object-src 'none'")
      const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)![1]
      const html = await response.text()
      const scripts = html.match(/<script\b[^>]*>/g) ?? []
      expect(scripts.length).toBeGreaterThan(0)
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`)
      nonces.push(nonce)
    }
    expect(nonces[0]).not.toBe(nonces[1])
    // A page that is not found is an HTML page too.
    expect((await fetch(`${server.baseUrl}/no-such-page`)).headers.get('content-security-policy')).toContain("'nonce-")
  })

  test('pages run under the policy: they hydrate, navigate and post with nothing refused', async () => {
    const { page, violations, close } = await newPage()
    const login = await page.goto(`${server.baseUrl}/login?redirectTo=%2Fadmin%2Fmembers`)
    // A visitor's page says nothing about a member: no need to keep it out of caches.
    expect(login!.headers()['cache-control']).toBeUndefined()
    await expect.poll(() => page.evaluate(() => '__remixRouteModules' in window)).toBe(true)
    await submitLogin(page, STAFF)
    await page.getByRole('heading', { level: 1, name: 'Membres', exact: true }).waitFor()
    // A client-side navigation: the route's module loads and its data comes as a fetch.
    const data = page.waitForResponse((r) => r.url().includes('/profile.data'))
    await page.getByRole('link', { name: 'Mes informations' }).first().click()
    expect((await data).headers()['cache-control']).toBe('private, no-store')
    await page.getByRole('heading', { level: 1, name: 'Mes informations', exact: true }).waitFor()
    const dashboard = await page.goto(`${server.baseUrl}/`)
    expect(dashboard!.headers()['cache-control']).toBe('private, no-store')
    expect(dashboard!.headers()['content-security-policy']).toContain("script-src 'self' 'nonce-")
    await page.getByRole('heading', { name: /Bonjour/ }).waitFor()
    // The other pages with the most on them, loaded whole.
    for (const path of ['/admin', '/admin/invoices', '/admin/emails', '/admin/settings', '/admin/audit', '/invoices', '/subscriptions']) {
      const response = await page.goto(`${server.baseUrl}${path}`)
      expect(response!.status(), path).toBe(200)
      expect(response!.headers()['cache-control'], path).toBe('private, no-store')
      await page.waitForLoadState('networkidle')
    }
    expect(violations).toEqual([])
    await close()
  })

  test('another site cannot frame Coin', async () => {
    const { page, close } = await newPage()
    await page.setContent(`<iframe src="${server.baseUrl}/login" title="coin"></iframe>`)
    const frame = await (await page.waitForSelector('iframe')).contentFrame()
    await expect.poll(() => frame!.url()).not.toBe('about:blank')
    expect(await frame!.getByRole('button', { name: 'Se connecter' }).count()).toBe(0)
    await close()
  })
})
