import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { init } from '#app/utils/env.server.ts'
import { seedDemo } from '#prisma/seed.ts'
import { createApp } from '../../cli/web.ts'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Serves the built app on a free loopback port, against this test file's database. */
export async function startServer() {
  const app = await createApp()
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const { port } = server.address() as AddressInfo
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

/** Debian's Chromium, headless, with the background networking this sandbox refuses turned off. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

type Account = { username: string; password: string }

/** Fills and sends the login form of the page (the login page, with or without `redirectTo`). */
export async function submitLogin(page: Page, { username, password }: Account) {
  await page.getByLabel('Identifiant ou adresse e-mail').fill(username)
  await page.getByLabel('Mot de passe').fill(password)
  await page.getByRole('button', { name: 'Se connecter' }).click()
}

/** A French page of a new browser context, logged in as `account` and on its dashboard. */
export async function logIn(browser: Browser, baseUrl: string, account: Account, { javaScriptEnabled = true } = {}) {
  const context = await browser.newContext({ locale: 'fr-FR', javaScriptEnabled })
  const page = await context.newPage()
  await page.goto(`${baseUrl}/login`)
  await submitLogin(page, account)
  await page.getByRole('heading', { name: /Bonjour/ }).waitFor()
  return page
}

/**
 * The demo ISP served with `settings` in the environment (COIN_MODULES and the like), and a
 * Chromium, for one test file: registers its own beforeAll/afterAll, which put the environment
 * back. The built server reads the environment itself (its own copy of the env module), hence
 * process.env rather than init() alone. `baseUrl` and `logIn` are ready inside the tests.
 */
export function demoServerWith(settings: Record<string, string>) {
  const saved = Object.fromEntries(Object.keys(settings).map((key) => [key, process.env[key]]))
  let server: Awaited<ReturnType<typeof startServer>> | undefined
  let browser: Browser | undefined
  beforeAll(async () => {
    Object.assign(process.env, settings)
    init()
    await seedDemo()
    server = await startServer()
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
    init()
  })
  return {
    get baseUrl() {
      return server!.baseUrl
    },
    logIn: (account: Account, options?: { javaScriptEnabled?: boolean }) => logIn(browser!, server!.baseUrl, account, options),
  }
}
