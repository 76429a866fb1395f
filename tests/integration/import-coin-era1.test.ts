import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { expect, test } from 'vitest'
import { action as loginAction } from '#app/routes/login.tsx'
import { validateInvoiceIn } from '#app/models/invoice/validate.server.ts'
import { getMemberBalance } from '#app/models/payment/payments.server.ts'
import { prisma } from '#app/utils/db.server.ts'
import { makeRequest, settle } from '#tests/routes/request.ts'
import { pdfText } from './pdf-text.ts'
import { coin, stderrProblems } from './run-coin.ts'

// An export of an Illyse-era Coin (Django 1.11); its figures are in tests/fixtures/coin-dumps/README.md.
const DUMP = 'tests/fixtures/coin-dumps/coin-era1-django1.11.json'
const SLOW = { timeout: 180_000 }

const counts = async () => ({
  members: await prisma.member.count(), invoices: await prisma.invoice.count(), lines: await prisma.invoiceLine.count(),
  payments: await prisma.payment.count(), allocations: await prisma.paymentAllocation.count(), fees: await prisma.membershipFee.count(),
  subscriptions: await prisma.subscription.count(), subnets: await prisma.ipSubnet.count(), items: await prisma.item.count(), loans: await prisma.loan.count(),
})

/** The row of the report's table for a model: [in dump, imported, already, not]. */
const row = (stdout: string, model: string) => stdout.split('\n').find((l) => l.startsWith(`${model} `))?.trim().split(/\s{2,}/).slice(1, 5).map(Number)

test('a dry run prints counts per model, what it leaves out and why, and changes nothing', SLOW, async () => {
  const before = await counts()
  const { code, stdout, stderr } = await coin(['import_coin', DUMP])
  expect({ code, problems: stderrProblems(stderr) }).toEqual({ code: 0, problems: [] })
  expect(stdout).toContain('99 records of a Coin of the Illyse era (Django 1.x)')
  expect(row(stdout, 'members.member')).toEqual([7, 7, 0, 0])
  expect(row(stdout, 'billing.invoice')).toEqual([7, 7, 0, 0])
  expect(row(stdout, 'billing.paymentallocation')).toEqual([5, 5, 0, 0])
  expect(row(stdout, 'sessions.session')).toEqual([1, 0, 0, 1])
  expect(stdout).toMatch(/^sessions\.session .* login sessions \(members log in again\)$/m)
  expect(stdout).toMatch(/^members\.rowlevelpermission .* per-offer staff permissions do not exist here$/m)
  expect(stdout).toContain('offers.offer 3: no reference in Coin: given "HEBERGEMENT-1U"')
  expect(stdout).toContain('billing.invoicedetail 12: bills subscription 3 again for 2016-02-01 to 2016-02-29')
  expect(stdout).toContain("Balances: the 7 members' balances equal Coin's rule")
  expect(stdout).toContain('Coin\'s site was coin.illyse.example: set PUBLIC_URL')
  expect(stdout).toMatch(/Dry run: nothing imported; add --commit to import these \d+ records in one transaction\.\n$/)
  expect(await counts()).toEqual(before)
  expect(await prisma.coinImportRecord.count()).toBe(0)
})

test('members named by natural keys (dumpdata --natural-foreign) are found by username', SLOW, async () => {
  const records = JSON.parse(await fs.readFile(DUMP, 'utf8')) as { model: string; pk: number; fields: Record<string, unknown> }[]
  const usernames = new Map(records.filter((r) => r.model === 'members.member').map((r) => [r.pk, r.fields.username]))
  for (const record of records) {
    for (const field of ['member', 'owner', 'user']) {
      if (typeof record.fields[field] === 'number') record.fields[field] = [usernames.get(record.fields[field] as number)]
    }
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'coin-natural-'))
  await fs.writeFile(path.join(dir, 'natural.json'), JSON.stringify(records))
  const { code, stdout } = await coin(['import_coin', path.join(dir, 'natural.json')])
  await fs.rm(dir, { recursive: true, force: true })
  expect(code).toBe(0)
  expect(stdout).not.toContain('Errors:')
  expect(stdout).toContain("Balances: the 7 members' balances equal Coin's rule")
})

test('--commit imports everything once: numbers, frozen invoices, balances, services, the ISP; a second run imports nothing', SLOW, async () => {
  const { code, stdout, stderr } = await coin(['import_coin', DUMP, '--commit'])
  expect({ code, problems: stderrProblems(stderr) }).toEqual({ code: 0, problems: [] })
  expect(stdout).toMatch(/Imported \d+ records in one transaction\./)

  // Members, their roles and what the invoices say about them.
  const members = await prisma.member.findMany({ orderBy: { username: 'asc' }, select: { id: true, username: true, status: true, type: true, roles: true, password: { select: { hash: true } } } })
  expect(members.map((m) => m.username)).toEqual(['crousseau', 'emartin', 'fleboeuf', 'gemajaxdelaboetie', 'hdupond', 'lespentesnumeriques', 'mnguyen'])
  const byName = Object.fromEntries(members.map((m) => [m.username, m]))
  expect(byName.crousseau.roles).toEqual(['MEMBER', 'STAFF', 'SUPERUSER'])
  expect(byName.fleboeuf.status).toBe('NOT_MEMBER')
  expect(byName.hdupond).toMatchObject({ status: 'PENDING', password: null })
  expect(byName.lespentesnumeriques.type).toBe('LEGAL_ENTITY')
  expect(byName.gemajaxdelaboetie.password!.hash).toMatch(/^sha1\$/)

  // Invoice numbers as Coin gave them, totals as Coin rounded them, validated and frozen.
  const invoices = await prisma.invoice.findMany({ orderBy: { id: 'asc' }, select: { id: true, number: true, validated: true, status: true, totalCents: true, buyer: true, seller: true } })
  expect(invoices.map((i) => [i.number, i.validated, i.status, i.totalCents])).toEqual([
    ['201403-02-x7k2q', true, 'CLOSED', 800], ['2016-01-000001', true, 'CLOSED', 1800], ['2016-01-000002', true, 'OPEN', 9864],
    ['2016-02-000001', true, 'CLOSED', 1050], ['2016-02-000002', true, 'OPEN', 3200], ['2016-02-000003', true, 'TROUBLE', 5922],
    [null, false, 'OPEN', 552],
  ])
  expect(invoices[5].buyer).toMatchObject({ type: 'LEGAL_ENTITY', name: expect.stringMatching(/Pentes Numériques/i) })
  expect(invoices[5].seller).toMatchObject({ name: 'Illyse', iban: expect.stringMatching(/^FR76/) })
  await expect(prisma.invoice.update({ where: { id: invoices[2].id }, data: { dueDate: new Date('2030-01-01') } })).rejects.toThrow(/validated: it cannot be changed/)

  // Balances by Coin's rule (README: +10.00, +1.50, −60.64, −59.22, 0…).
  const balances = Object.fromEntries(await Promise.all(members.map(async (m) => [m.username, await getMemberBalance(m.id)])))
  expect(balances).toEqual({ crousseau: 1000, emartin: 150, fleboeuf: 0, gemajaxdelaboetie: -6064, hdupond: 0, lespentesnumeriques: -5922, mnguyen: 0 })
  expect(await prisma.payment.count({ where: { memberId: null } })).toBe(1)

  // The PDF is made on request, from the frozen lines: Coin's half-to-even line (8.35 × 0.25 + 20 % = 2.50).
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'coin-import-'))
  const pdf = await coin(['invoice_pdf', '2016-02-000001', '--out', path.join(dir, 'f.pdf')])
  expect(pdf.code).toBe(0)
  const text = await pdfText(await fs.readFile(path.join(dir, 'f.pdf')))
  expect(text).toContain('2016-02-000001')
  expect(text).toContain('2,50 €')
  expect(text).toMatch(/Total.*10,50 €/)
  await fs.rm(dir, { recursive: true, force: true })

  // The month's count goes on after the imported numbers (the old random number is not counted).
  const draft = invoices[6]
  const validated = await prisma.$transaction((tx) => validateInvoiceIn(tx, { id: draft.id, today: new Date('2016-02-29T00:00:00Z'), paymentDelayDays: 30 }))
  expect(validated.number).toBe('2016-02-000004')

  // Services: subscriptions keep Coin's transfer references; VPN accounts their login and {SSHA}.
  expect((await prisma.subscription.findMany({ orderBy: { id: 'asc' }, select: { reference: true } })).map((s) => s.reference)).toContain('REF-VPN-1')
  const vpn = await prisma.vpnConfiguration.findMany({ orderBy: { login: 'asc' }, select: { login: true, passwordHash: true, ipv4Endpoint: true, configuration: { select: { subnets: { select: { network: true } } } } } })
  expect(vpn.map((v) => [v.login, v.ipv4Endpoint, v.configuration.subnets.map((s) => s.network).sort()])).toEqual([
    ['emartin-vpn1', '89.234.141.12', ['2a00:5881:8100:100::/56', '89.234.141.12']],
    ['mnguyen-vpn1', '89.234.141.13', ['2a00:5881:8100:200::/56', '89.234.141.13']],
  ])
  expect(vpn[0].passwordHash).toMatch(/^\{SSHA\}/)
  expect(await prisma.dslLine.findFirstOrThrow({ select: { phoneNumber: true } })).toEqual({ phoneNumber: '+33472000000' })
  const vpnOffer = await prisma.offer.findFirstOrThrow({ where: { reference: 'VPN' }, select: { backend: true, pools: { select: { name: true }, orderBy: { name: 'asc' } } } })
  expect(vpnOffer).toEqual({ backend: 'vpn', pools: [{ name: 'VPN IPv4' }, { name: 'VPN IPv6' }] })

  // The ISP, hardware and lists.
  const isp = await prisma.ispSettings.findUniqueOrThrow({ where: { id: 1 }, select: { name: true, shortname: true, chatrooms: true, officeLocality: true } })
  expect(isp).toMatchObject({ name: 'Illyse', chatrooms: ['irc://irc.geeknode.org/illyse'] })
  expect(await prisma.loan.count({ where: { endedAt: null } })).toBe(1)
  expect(await prisma.mailingListSubscription.count()).toBe(3)

  // Again: nothing twice.
  const before = await counts()
  const again = await coin(['import_coin', DUMP, '--commit'])
  expect(again.code).toBe(0)
  expect(row(again.stdout, 'members.member')).toEqual([7, 0, 7, 0])
  expect(row(again.stdout, 'billing.invoice')).toEqual([7, 0, 7, 0])
  expect(again.stdout).toContain('Nothing new to import: every record this Coin can take was imported before.')
  expect(await counts()).toEqual(before)
})

test('a later export of the same Coin adds what is new and takes resignations made since', SLOW, async () => {
  type Record = { model: string; pk: number; fields: { [key: string]: unknown } }
  const records = JSON.parse(await fs.readFile(DUMP, 'utf8')) as Record[]
  const find = (model: string, pk: number) => records.find((r) => r.model === model && r.pk === pk)!
  find('offers.offersubscription', 1).fields.resign_date = '2016-03-31'
  // Coin validated the draft too, which was validated here meanwhile.
  Object.assign(find('billing.invoice', 7).fields, { validated: true, number: '2016-03-000001' })
  const member = find('members.member', 2)
  records.push(
    { model: 'members.member', pk: 8, fields: { ...member.fields, username: 'nouvelle', email: 'nouvelle@example.org', first_name: 'Nouvelle' } },
    { model: 'billing.invoice', pk: 8, fields: { ...find('billing.invoice', 4).fields, number: '2016-03-000002', date: '2016-03-04', member: 8, status: 'closed' } },
    { model: 'billing.invoicedetail', pk: 14, fields: { label: 'Installation', amount: '12.00', quantity: '1.00', tax: '0.00', invoice: 8, offersubscription: null, period_from: null, period_to: null } },
    { model: 'billing.payment', pk: 7, fields: { member: 8, payment_mean: 'cash', amount: '12.00', date: '2016-03-04', invoice: null, label: '' } },
    { model: 'billing.paymentallocation', pk: 6, fields: { invoice: 8, payment: 7, amount: '12.00' } },
  )
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'coin-later-'))
  await fs.writeFile(path.join(dir, 'later.json'), JSON.stringify(records))
  const { code, stdout } = await coin(['import_coin', path.join(dir, 'later.json'), '--commit'])
  await fs.rm(dir, { recursive: true, force: true })
  expect(code).toBe(0)
  expect(row(stdout, 'members.member')).toEqual([8, 1, 7, 0])
  expect(row(stdout, 'billing.invoice')).toEqual([8, 1, 7, 0])
  expect(stdout).toContain('offers.offersubscription 1: resign date changed in Coin since the earlier import: 2016-03-31 (was none)')
  expect(stdout).toContain('billing.invoice 7: validated in Coin as 2016-03-000001 and here as 2016-02-000004: the invoice here is kept')
  expect(stdout).toContain("Balances: the 8 members' balances equal Coin's rule")
  expect((await prisma.subscription.findUniqueOrThrow({ where: { id: 1 }, select: { resignDate: true, reference: true } }))).toEqual({ resignDate: new Date('2016-03-31T00:00:00Z'), reference: 'REF-VPN-1' })
  const added = await prisma.member.findUniqueOrThrow({ where: { username: 'nouvelle' }, select: { id: true } })
  expect(await getMemberBalance(added.id)).toBe(0)
  expect(await prisma.invoice.count({ where: { number: '2016-03-000002', status: 'CLOSED' } })).toBe(1)
})

test('a member imported with a Django hash logs in with their old password', SLOW, async () => {
  const member = await prisma.member.findUniqueOrThrow({ where: { username: 'emartin' }, select: { id: true } })
  const response = await settle(() => loginAction({
    request: makeRequest('/login', { form: { identifier: 'emartin', password: 'ancien-mot-de-passe', redirectTo: '/' }, headers: { 'x-coin-client-ip': '203.0.113.9' } }),
    params: {}, context: {},
  }))
  expect((response as Response).status).toBe(302)
  expect((await prisma.password.findUniqueOrThrow({ where: { memberId: member.id } })).hash).toMatch(/^\$argon2id\$/)
})
