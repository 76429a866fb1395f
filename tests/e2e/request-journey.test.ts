import fs from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { prisma } from '#app/utils/db.server.ts'
import { DEMO_ADMIN, seedDemo } from '#prisma/seed.ts'
import { insertMember } from '#tests/factories/member.ts'
import { launchChromium, logIn as logInAs, startServer } from './browser.ts'

let server: Awaited<ReturnType<typeof startServer>>
let browser: Browser
const MEMBER = { username: 'ipetitjean', password: 'une phrase de passe', name: 'Inès Petitjean' }

beforeAll(async () => {
  await seedDemo()
  await insertMember({ username: MEMBER.username, password: MEMBER.password, firstName: 'Inès', lastName: 'Petitjean', status: 'MEMBER' })
  server = await startServer()
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const logIn = (account: { username: string; password: string }, options?: { javaScriptEnabled?: boolean }) => logInAs(browser, server.baseUrl, account, options)

async function requestOffer(page: Page, offer: RegExp, message: string) {
  await page.goto(`${server.baseUrl}/subscriptions`)
  await page.getByRole('radio', { name: offer }).check()
  await page.getByLabel('Message (facultatif)').fill(message)
  await page.getByRole('button', { name: 'Envoyer la demande' }).click()
  await page.getByText('Votre demande a été envoyée.').waitFor()
}

/** The staff page's card of this member's pending request for an offer. */
function pendingCard(page: Page, offerName: string) {
  return page.getByRole('article', { name: `${MEMBER.name} — ${offerName}` })
}

describe('a subscription request', () => {
  test('is sent by a member, approved by the admin, then a second one is rejected with a reason the member reads', async () => {
    const member = await logIn(MEMBER)
    await member.getByRole('link', { name: 'Mes abonnements' }).first().click()
    await member.getByRole('heading', { level: 2, name: 'Demander une offre', exact: true }).waitFor()
    expect(await member.getByText("Vous n'avez pas d'abonnement.").isVisible()).toBe(true)
    await requestOffer(member, /^VPN\b/, 'Je voudrais un VPN pour mon association.')
    const requests = member.getByRole('region', { name: 'Mes demandes' })
    await requests.getByText('En attente').waitFor()
    expect(await requests.getByText('Je voudrais un VPN pour mon association.').isVisible()).toBe(true)

    const admin = await logIn(DEMO_ADMIN)
    await admin.goto(`${server.baseUrl}/admin/requests`)
    const vpn = pendingCard(admin, 'VPN')
    expect(await vpn.getByText('Je voudrais un VPN pour mon association.').isVisible()).toBe(true)
    await vpn.getByLabel("Début de l'abonnement").fill('2025-09-01')
    await vpn.getByRole('button', { name: 'Accepter' }).click()
    await admin.getByText("La demande a été acceptée et l'abonnement créé.").waitFor()

    const subscription = await prisma.subscription.findFirstOrThrow({ where: { member: { username: MEMBER.username } }, select: { id: true, subscriptionDate: true } })
    expect(subscription.subscriptionDate).toEqual(new Date('2025-09-01'))
    await member.reload()
    await requests.getByText('Acceptée').waitFor()
    const subscriptions = member.getByRole('region', { name: 'Abonnements' })
    expect(await subscriptions.getByText(`REF-VPN-${subscription.id}`).isVisible()).toBe(true)
    expect(await subscriptions.getByText('1 sept. 2025').isVisible()).toBe(true)

    // The second round works without JavaScript, on both sides.
    const memberNoJs = await logIn(MEMBER, { javaScriptEnabled: false })
    await requestOffer(memberNoJs, /^ADSL\b/, 'Et une ligne ADSL ?')
    const adminNoJs = await logIn(DEMO_ADMIN, { javaScriptEnabled: false })
    await adminNoJs.goto(`${server.baseUrl}/admin/requests`)
    await pendingCard(adminNoJs, 'ADSL').getByRole('button', { name: 'Refuser' }).click()
    await pendingCard(adminNoJs, 'ADSL').getByText('Ce champ est obligatoire.').waitFor()
    await pendingCard(adminNoJs, 'ADSL').getByLabel('Motif du refus (lu par le membre)').fill("Votre adresse n'est pas éligible à l'ADSL.")
    await pendingCard(adminNoJs, 'ADSL').getByRole('button', { name: 'Refuser' }).click()
    await adminNoJs.getByText('La demande a été refusée').waitFor()
    expect(await pendingCard(adminNoJs, 'ADSL').count()).toBe(0)

    await memberNoJs.reload()
    const noJsRequests = memberNoJs.getByRole('region', { name: 'Mes demandes' })
    await noJsRequests.getByText('Refusée').waitFor()
    expect(await noJsRequests.getByText("Votre adresse n'est pas éligible à l'ADSL.").isVisible()).toBe(true)
    await member.reload()
    expect(await requests.getByText("Votre adresse n'est pas éligible à l'ADSL.").isVisible()).toBe(true)
    fs.mkdirSync('test-results', { recursive: true })
    await member.screenshot({ path: 'test-results/member-subscriptions.png', fullPage: true })
    for (const page of [admin, member, adminNoJs, memberNoJs]) await page.context().close()
  })
})
