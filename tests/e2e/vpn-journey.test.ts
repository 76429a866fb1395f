import { describe, expect, test } from 'vitest'
import { prisma } from '#app/utils/db.server.ts'
import { DEMO_ADMIN, DEMO_MEMBER } from '#prisma/seed.ts'
import { demoServerWith } from './browser.ts'

// The demo with the VPN module on: the VPN offer's running subscriptions get accounts and addresses.
const demo = demoServerWith({ COIN_MODULES: 'vpn', OPENVPN_SERVER: 'vpn.fai-demo.example' })
const { logIn } = demo

describe('VPN accounts', () => {
  test('staff see the pools and activate an account; the member, without JavaScript, gets a password once and the client file', async () => {
    const admin = await logIn(DEMO_ADMIN)
    await admin.goto(`${demo.baseUrl}/admin`)
    await admin.getByRole('link', { name: "Pools d'IP" }).click()
    const pools = admin.getByRole('table')
    await pools.getByRole('link', { name: 'VPN IPv4' }).waitFor()
    expect(await pools.getByText('198.51.100.0/24').isVisible()).toBe(true)

    await admin.getByRole('link', { name: 'Comptes VPN' }).click()
    await admin.getByRole('heading', { level: 1, name: 'Comptes VPN', exact: true }).waitFor()
    const login = `${DEMO_MEMBER.username}-vpn1`
    await admin.getByRole('checkbox', { name: `Choisir ${login}` }).check()
    await admin.getByRole('button', { name: 'Activer', exact: true }).click()
    await admin.getByText('1 compte VPN activé.').waitFor()
    const row = admin.getByRole('row').filter({ hasText: login })
    expect(await row.getByRole('cell', { name: 'Activé', exact: true }).isVisible()).toBe(true)
    expect(await row.getByText('198.51.100.').isVisible()).toBe(true)

    const member = await logIn(DEMO_MEMBER, { javaScriptEnabled: false })
    await member.getByRole('link', { name: 'Mes abonnements' }).first().click()
    await member.getByRole('link', { name: 'VPN', exact: true }).click()
    await member.getByRole('heading', { name: `VPN ${login}` }).waitFor()
    expect(await member.getByText('Activé', { exact: true }).isVisible()).toBe(true)
    expect(await member.getByText('LDAP désactivé').isVisible()).toBe(true)
    await member.getByRole('button', { name: 'Générer un nouveau mot de passe' }).click()
    const shown = member.getByLabel('Nouveau mot de passe')
    await shown.waitFor()
    const password = (await shown.textContent())!.trim()
    expect(password).toMatch(/^[A-Za-z2-9]{16}$/)
    expect((await prisma.vpnConfiguration.findUniqueOrThrow({ where: { login }, select: { passwordHash: true } })).passwordHash).toMatch(/^\{SSHA\}/)
    // Shown once: the page read again no longer has it.
    await member.goto(member.url())
    expect(await member.getByText(password).count()).toBe(0)
    const download = member.getByRole('link', { name: 'Télécharger le fichier .ovpn' })
    const response = await member.request.get(new URL((await download.getAttribute('href'))!, demo.baseUrl).href)
    expect(response.status()).toBe(200)
    expect(await response.text()).toContain('remote vpn.fai-demo.example 1194')
  })
})
