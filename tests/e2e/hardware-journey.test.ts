import { describe, expect, test } from 'vitest'
import { prisma } from '#app/utils/db.server.ts'
import { DEMO_ADMIN, DEMO_MEMBER } from '#prisma/seed.ts'
import { demoServerWith } from './browser.ts'

const demo = demoServerWith({ COIN_MODULES: 'hardware' })
const { logIn } = demo

describe('hardware loans', () => {
  test('staff add a storage, a type and an item; the member, without JavaScript, borrows it and returns it to the storage', async () => {
    const admin = await logIn(DEMO_ADMIN)
    const errors: string[] = []
    admin.on('pageerror', (error) => errors.push(error.message))
    await admin.goto(`${demo.baseUrl}/admin`)
    await admin.getByRole('link', { name: 'Matériel', exact: true }).click()
    await admin.getByRole('heading', { level: 1, name: 'Matériel', exact: true }).waitFor()
    await admin.getByRole('link', { name: "Lieux de stockage et types d'objet" }).click()
    const storages = admin.getByRole('region', { name: 'Lieux de stockage' })
    await storages.getByLabel('Nom').last().fill('Local associatif')
    await storages.getByLabel('Notes (lisibles par tous les membres)').last().fill('Clé chez la trésorière')
    await storages.getByRole('button', { name: 'Ajouter le lieu' }).click()
    await admin.getByRole('button', { name: 'Supprimer le lieu Local associatif' }).waitFor()
    await admin.getByLabel('Nom du type').last().fill('Routeur')
    await admin.getByRole('button', { name: 'Ajouter le type' }).click()
    await admin.getByRole('button', { name: 'Supprimer le type Routeur' }).waitFor()

    await admin.goto(`${demo.baseUrl}/admin/hardware/items/new`)
    await admin.getByLabel('Désignation').fill('Turris Omnia n°1')
    await admin.getByLabel('Type').selectOption({ label: 'Routeur' })
    await admin.getByLabel('Lieu de stockage').selectOption({ label: 'Local associatif' })
    await admin.getByLabel('Adresse MAC').fill('D8-58-D7-00-11-22')
    await admin.getByRole('button', { name: "Ajouter l'objet" }).click()
    await admin.getByText("L'objet est enregistré.").waitFor()
    expect(await admin.getByLabel('Adresse MAC').inputValue()).toBe('d8:58:d7:00:11:22')

    // A second item with the same MAC is refused on the field.
    await admin.goto(`${demo.baseUrl}/admin/hardware/items/new`)
    await admin.getByLabel('Désignation').fill('Turris Omnia n°2')
    await admin.getByLabel('Type').selectOption({ label: 'Routeur' })
    await admin.getByLabel('Adresse MAC').fill('d8:58:d7:00:11:22')
    await admin.getByRole('button', { name: "Ajouter l'objet" }).click()
    await admin.getByText("Cette adresse MAC est déjà celle d'un autre objet.").waitFor()
    expect(errors).toEqual([])

    const member = await logIn(DEMO_MEMBER, { javaScriptEnabled: false })
    await member.getByRole('link', { name: 'Mon matériel' }).click()
    await member.getByRole('heading', { level: 1, name: 'Mon matériel', exact: true }).waitFor()
    expect(await member.getByText('Clé chez la trésorière').isVisible()).toBe(true)
    await member.getByRole('button', { name: 'Emprunter Turris Omnia n°1' }).click()
    await member.getByText("Le prêt est enregistré : l'objet est à vous jusqu'à ce que vous le rendiez.").waitFor()
    const running = member.getByRole('region', { name: 'Mes prêts en cours' })
    expect(await running.getByText('Turris Omnia n°1').isVisible()).toBe(true)
    await running.getByLabel("Où se trouve l'objet maintenant ?").selectOption({ label: 'Local associatif' })
    await running.getByRole('button', { name: 'Rendre' }).click()
    await member.getByText("L'objet est rendu. Merci !").waitFor()
    const item = await prisma.item.findFirstOrThrow({ where: { designation: 'Turris Omnia n°1' }, select: { storage: { select: { name: true } }, loans: { select: { endedAt: true } } } })
    expect(item.storage?.name).toBe('Local associatif')
    expect(item.loans).toHaveLength(1)
    expect(item.loans[0].endedAt).not.toBeNull()
  })
})
