import { describe, expect, test } from 'vitest'
import { prisma } from '#app/utils/db.server.ts'
import { DEMO_ADMIN, DEMO_MEMBER } from '#prisma/seed.ts'
import { demoServerWith } from './browser.ts'

const demo = demoServerWith({ COIN_MODULES: 'maillists' })
const { logIn } = demo

describe('mailing lists', () => {
  test('staff add a list; the member, without JavaScript, ticks it on "Mes listes"; staff see the subscriber', async () => {
    const tag = Date.now()
    const admin = await logIn(DEMO_ADMIN)
    const errors: string[] = []
    admin.on('pageerror', (error) => errors.push(error.message))
    await admin.goto(`${demo.baseUrl}/admin`)
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
    await member.getByRole('heading', { level: 1, name: 'Mes listes', exact: true }).waitFor()
    await member.getByRole('checkbox', { name: new RegExp(`Bénévoles ${tag}`) }).check()
    await member.getByRole('button', { name: 'Enregistrer mes abonnements' }).click()
    await member.getByText('Vos abonnements sont enregistrés.').waitFor()
    expect(await member.getByRole('checkbox', { name: new RegExp(`Bénévoles ${tag}`) }).isChecked()).toBe(true)

    const list = await prisma.mailingList.findUniqueOrThrow({ where: { shortName: `benevoles-${tag}` }, select: { id: true } })
    await admin.goto(`${demo.baseUrl}/admin/lists/${list.id}`)
    await admin.getByRole('button', { name: /Désabonner/ }).waitFor()
    expect(await admin.getByRole('region', { name: /Abonné·es/ }).getByRole('link').count()).toBe(1)
  })
})
