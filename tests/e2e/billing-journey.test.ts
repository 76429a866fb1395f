import fs from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { insertMember } from '#tests/factories/member.ts'
import { launchChromium, logIn as logInAs, startServer } from './browser.ts'

let server: Awaited<ReturnType<typeof startServer>>
let browser: Browser
const STAFF = { username: 'ytresorier', password: 'la caisse est bien tenue', firstName: 'Yann', lastName: 'Trésorier' }
const MEMBER = { username: 'cbernard', password: 'une phrase de passe', firstName: 'Chloé', lastName: 'Bernard' }
/** YYYY-MM-NNNNNN: the first invoices of a month in this file's own database. */
const INVOICE_NUMBER = /\d{4}-\d{2}-000\d{3}/
/** 8,00 € as the French pages write it (with a no-break space). */
const EIGHT_EUROS = /^8,00\s€$/

beforeAll(async () => {
  await insertMember({ ...STAFF, roles: ['MEMBER', 'STAFF'], status: 'MEMBER' })
  await insertMember({ ...MEMBER, status: 'MEMBER' })
  server = await startServer()
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const logIn = (account: { username: string; password: string }, options?: { javaScriptEnabled?: boolean }) => logInAs(browser, server.baseUrl, account, options)

/** The status badge next to the invoice's title. */
const badge = (page: Page, label: string) => page.getByText(label, { exact: true }).first()

describe('an invoice', () => {
  test('is drafted, validated and paid by cheque by staff, then read and downloaded by the member', async () => {
    // Staff: a new draft for the member, typed by username, sent with Enter.
    const staff = await logIn(STAFF)
    await staff.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Administration' }).click()
    await staff.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Factures' }).click()
    await staff.getByRole('heading', { level: 1, name: 'Factures', exact: true }).waitFor()
    await staff.getByRole('link', { name: 'Nouvelle facture' }).click()
    await staff.getByRole('heading', { level: 1, name: 'Nouvelle facture', exact: true }).waitFor()
    await staff.getByLabel('Membre').fill(MEMBER.username)
    await staff.keyboard.press('Enter')
    await staff.getByText('Le brouillon a été créé. Ajoutez ses lignes, puis validez-le.').waitFor()
    expect(await badge(staff, 'Brouillon').isVisible()).toBe(true)
    expect(await staff.getByRole('link', { name: `${MEMBER.firstName} ${MEMBER.lastName}` }).isVisible()).toBe(true)

    // One line: a VPN at 8,00 €, no VAT.
    const newLine = staff.getByRole('form', { name: 'Ajouter une ligne' })
    await newLine.getByLabel('Désignation').fill('Abonnement VPN')
    await newLine.getByLabel('Prix unitaire HT (€)').fill('8,00')
    await newLine.getByLabel('Quantité').fill('1')
    await newLine.getByLabel('TVA (%)').fill('0')
    await newLine.getByRole('button', { name: 'Ajouter la ligne' }).click()
    await staff.getByText('La ligne a été ajoutée.').waitFor()
    const line = staff.getByRole('form', { name: 'Ligne « Abonnement VPN »' })
    expect(await line.getByLabel('Désignation').inputValue()).toBe('Abonnement VPN')
    expect(await line.getByLabel('Prix unitaire HT (€)').inputValue()).toBe('8,00')
    expect(await staff.getByRole('region', { name: 'Lignes' }).getByText(EIGHT_EUROS).isVisible()).toBe(true)

    // Validation gives it its number.
    await staff.getByRole('button', { name: 'Valider la facture' }).click()
    await staff.getByText('La facture a été validée.').waitFor()
    const title = staff.getByRole('heading', { level: 1 })
    expect(await title.textContent()).toMatch(new RegExp(`^Facture ${INVOICE_NUMBER.source}$`))
    const number = INVOICE_NUMBER.exec((await title.textContent()) ?? '')![0]
    expect(await badge(staff, 'À payer').isVisible()).toBe(true)
    const invoiceUrl = staff.url().replace(/\?.*$/, '')

    // The payment, recorded without JavaScript: follow the invoice's link, choose cheque, press Enter.
    const staffNoJs = await logIn(STAFF, { javaScriptEnabled: false })
    await staffNoJs.goto(invoiceUrl)
    await staffNoJs.getByRole('heading', { name: `Facture ${number}` }).waitFor()
    await staffNoJs.getByRole('link', { name: 'Enregistrer un paiement' }).click()
    await staffNoJs.getByRole('heading', { level: 1, name: 'Enregistrer un paiement', exact: true }).waitFor()
    expect(await staffNoJs.getByRole('link', { name: number, exact: true }).isVisible()).toBe(true)
    expect(await staffNoJs.getByText(/reste à payer : 8,00\s€/).isVisible()).toBe(true)
    const amount = staffNoJs.getByLabel('Montant (€)')
    expect(await amount.inputValue()).toBe('8,00')
    await staffNoJs.getByLabel('Moyen de paiement').selectOption({ label: 'Chèque' })
    await staffNoJs.getByLabel('Libellé').fill('Chèque n° 0001234')
    await amount.fill('8,00')
    await amount.press('Enter')
    await staffNoJs.getByText('Le paiement a été enregistré.').waitFor()
    expect(await staffNoJs.getByRole('heading', { name: `Facture ${number}` }).isVisible()).toBe(true)
    expect(await badge(staffNoJs, 'Réglée').isVisible()).toBe(true)
    const settlement = staffNoJs.getByRole('region', { name: 'Règlement' })
    expect(await settlement.getByRole('link', { name: /^Paiement par chèque du / }).isVisible()).toBe(true)
    expect(await settlement.getByText('(Chèque n° 0001234)').isVisible()).toBe(true)

    // The staff's own page agrees once reloaded, and so does the member's billing section.
    await staff.reload()
    await badge(staff, 'Réglée').waitFor()
    await staff.getByRole('link', { name: `${MEMBER.firstName} ${MEMBER.lastName}` }).click()
    await staff.getByRole('heading', { name: `${MEMBER.firstName} ${MEMBER.lastName}`, level: 1 }).waitFor()
    const billing = staff.getByRole('region', { name: 'Facturation' })
    expect(await billing.getByText('à jour', { exact: true }).isVisible()).toBe(true)
    expect(await billing.getByRole('row', { name: new RegExp(number) }).getByText(EIGHT_EUROS).isVisible()).toBe(true)

    // The member: "Ma facturation" from the navigation, up to date, the invoice settled.
    const member = await logIn(MEMBER)
    await member.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Ma facturation' }).click()
    await member.getByRole('heading', { name: 'Ma facturation', level: 1 }).waitFor()
    expect(await member.getByRole('region', { name: 'Mon solde' }).getByText('Votre compte est à jour.').isVisible()).toBe(true)
    const row = member.getByRole('region', { name: 'Mes factures et avoirs' }).getByRole('row', { name: new RegExp(number) })
    expect(await row.getByText('Réglée', { exact: true }).isVisible()).toBe(true)
    expect(await row.getByText(EIGHT_EUROS).isVisible()).toBe(true)
    expect(await row.getByRole('link', { name: `Télécharger le PDF de ${number}` }).isVisible()).toBe(true)

    await row.getByRole('link', { name: number, exact: true }).click()
    await member.getByRole('heading', { name: `Facture ${number}` }).waitFor()
    expect(await badge(member, 'Réglée').isVisible()).toBe(true)
    expect(await member.getByRole('cell', { name: 'Abonnement VPN' }).isVisible()).toBe(true)
    expect(await member.getByRole('region', { name: 'Règlement' }).getByText(/^Paiement par chèque du /).isVisible()).toBe(true)
    // Nothing left to pay: no payment instructions.
    expect(await member.getByRole('region', { name: 'Comment payer' }).count()).toBe(0)

    const [download] = await Promise.all([member.waitForEvent('download'), member.getByRole('link', { name: 'Télécharger le PDF' }).click()])
    expect(download.suggestedFilename()).toBe(`Facture_${number}.pdf`)
    const pdf = fs.readFileSync((await download.path())!)
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')

    fs.mkdirSync('test-results', { recursive: true })
    await member.screenshot({ path: 'test-results/member-invoice-paid.png', fullPage: true })
    for (const page of [staff, staffNoJs, member]) await page.context().close()
  })
})
