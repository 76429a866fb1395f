import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { prisma } from '#app/utils/db.server.ts'
import { init } from '#app/utils/env.server.ts'
import { DEMO_ADMIN, DEMO_MEMBER, seedDemo } from '#prisma/seed.ts'
import { launchChromium, logIn as logInAs, startServer } from './browser.ts'

let server: Awaited<ReturnType<typeof startServer>>
let browser: Browser
const saved = process.env.COIN_MODULES

beforeAll(async () => {
  // The built server reads the environment itself (its own copy of the env module).
  process.env.COIN_MODULES = 'maillists'
  init()
  await seedDemo()
  server = await startServer()
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
  if (saved === undefined) delete process.env.COIN_MODULES
  else process.env.COIN_MODULES = saved
  init()
})

const logIn = (account: { username: string; password: string }, options?: { javaScriptEnabled?: boolean }) => logInAs(browser, server.baseUrl, account, options)

describe('mailing lists', () => {
  test('staff add a list; the member, without JavaScript, ticks it on "Mes listes"; staff see the subscriber', async () => {
    const tag = Date.now()
    const admin = await logIn(DEMO_ADMIN)
    const errors: string[] = []
    admin.on('pageerror', (error) => errors.push(error.message))
    await admin.goto(`${server.baseUrl}/admin`)
    await admin.getByRole('link', { name: 'Listes de diffusion', exact: true }).click()
    await admin.getByRole('heading', { name: 'Listes de diffusion', level: 1 }).waitFor()
    await admin.getByLabel('Nom affiché').fill(`Bénévoles ${tag}`)
    await admin.getByLabel('Adresse de la liste').fill(`benevoles-${tag}@lists.example.org`)
    await admin.getByLabel('Nom court').fill(`benevoles-${tag}`)
    await admin.getByLabel('Description').fill('Pour organiser les permanences')
    await admin.getByRole('button', { name: 'Ajouter la liste' }).click()
    await admin.getByText('Liste créée.').waitFor()
    expect(errors).toEqual([])

    const member = await logIn(DEMO_MEMBER, { javaScriptEnabled: false })
    await member.getByRole('link', { name: 'Mes listes' }).click()
    await member.getByRole('heading', { name: 'Mes listes' }).waitFor()
    await member.getByRole('checkbox', { name: new RegExp(`Bénévoles ${tag}`) }).check()
    await member.getByRole('button', { name: 'Enregistrer mes abonnements' }).click()
    await member.getByText('Vos abonnements sont enregistrés.').waitFor()
    expect(await member.getByRole('checkbox', { name: new RegExp(`Bénévoles ${tag}`) }).isChecked()).toBe(true)

    const list = await prisma.mailingList.findUniqueOrThrow({ where: { shortName: `benevoles-${tag}` }, select: { id: true } })
    await admin.goto(`${server.baseUrl}/admin/lists/${list.id}`)
    await admin.getByRole('button', { name: /Désabonner/ }).waitFor()
    expect(await admin.getByRole('region', { name: /Abonné·es/ }).getByRole('link').count()).toBe(1)
  })
})
