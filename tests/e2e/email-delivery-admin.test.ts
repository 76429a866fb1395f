import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { pauseError } from '#app/models/email/smtp-failure.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember } from '#tests/factories/member.ts'
import { DEMO_ADMIN, seedDemo } from '#prisma/seed.ts'
import { launchChromium, logIn, startServer } from './browser.ts'

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

describe('staff, in Chromium', () => {
  test('see the paused delivery on the overview and the Courriels page, with the server\'s answer, and can ask for a try now', async () => {
    const member = await insertMember()
    await prisma.emailMessage.create({
      data: {
        memberId: member.id, template: 'new-invoice', toAddress: member.email, fromAddress: 'coin@example.org', subject: 'Votre facture', html: '<p>x</p>', text: 'x',
        messageId: `<paused-${member.id}@example.org>`, lastError: pauseError(2, 'Invalid login: 535 5.7.8 Authentication credentials invalid'),
        nextAttemptAt: new Date(Date.now() + 120_000),
      },
    })
    const page = await logIn(browser, server.baseUrl, DEMO_ADMIN)
    await page.goto(`${server.baseUrl}/admin`)
    const overview = page.getByRole('alert').filter({ hasText: 'L’envoi des courriels est suspendu' })
    await overview.waitFor()
    expect(await overview.textContent()).toContain('535 5.7.8 Authentication credentials invalid')
    expect(await overview.textContent()).toContain('refusé 2 fois de suite')
    await overview.getByRole('link', { name: 'Voir les courriels en attente' }).click()

    await page.getByRole('heading', { level: 1, name: 'Courriels', exact: true }).waitFor()
    const banner = page.getByRole('alert').filter({ hasText: 'L’envoi des courriels est suspendu' })
    await banner.waitFor()
    await page.getByText('En attente du serveur SMTP, qui refuse Coin : Invalid login: 535').first().waitFor()
    await banner.getByRole('button', { name: 'Réessayer maintenant' }).click()
    await page.getByText('Le worker va réessayer d’envoyer les courriels dans quelques secondes.').waitFor()
    await page.close()
  })

  test('the call for fees lands on a page that says what it did; reloading it calls nobody again', async () => {
    const member = await insertMember({ status: 'MEMBER', firstName: 'Appel', lastName: 'Recharge' })
    const calls = () => prisma.emailMessage.count({ where: { memberId: member.id, template: 'call-for-membership-fees' } })
    const page = await logIn(browser, server.baseUrl, DEMO_ADMIN)
    await page.goto(`${server.baseUrl}/admin/members?q=${encodeURIComponent(member.username)}`)
    await page.getByLabel(/Appel Recharge/).check()
    await page.getByRole('button', { name: 'Envoyer l\'appel à cotisation' }).click()
    await page.getByRole('button', { name: 'Confirmer l\'envoi' }).click()
    await page.getByText('1 appel à cotisation mis en file d\'envoi').waitFor()
    expect(page.url()).toContain('feesCalled=1')
    expect(await calls()).toBe(1)
    await page.reload()
    await page.getByText('1 appel à cotisation mis en file d\'envoi').waitFor()
    expect(await calls()).toBe(1)
    await page.close()
  })
})
