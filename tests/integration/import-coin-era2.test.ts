import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { expect, test } from 'vitest'
import { validateInvoiceIn } from '#app/models/invoice/validate.server.ts'
import { getMemberBalance } from '#app/models/payment/payments.server.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember } from '#tests/factories/member.ts'
import { coin, commandStderr, stderrProblems } from './run-coin.ts'

// An export of an ARN-era Coin (Django 2.2, bills with fees and donations); figures in
// tests/fixtures/coin-dumps/README.md.
const DUMP = 'tests/fixtures/coin-dumps/coin-era2-django2.2.json'
const SLOW = { timeout: 180_000 }

const row = (stdout: string, model: string) => stdout.split('\n').find((l) => l.startsWith(`${model} `))?.trim().split(/\s{2,}/).slice(1, 5).map(Number)

async function dumpFile(records: unknown) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'coin-dump-'))
  const file = path.join(dir, 'dump.json')
  await fs.writeFile(file, typeof records === 'string' ? records : JSON.stringify(records))
  return file
}

test('a file that is no dump, or a dump with a record in error, imports nothing and says why', SLOW, async () => {
  const missing = await coin(['import_coin', '/nonexistent/coin.json'])
  expect({ code: missing.code, stdout: missing.stdout }).toEqual({ code: 1, stdout: '' })
  expect(commandStderr(missing.stderr)).toContain('coin: cannot read /nonexistent/coin.json: no such file')

  const notJson = await coin(['import_coin', await dumpFile('[{"model": "members.member", ')])
  expect(notJson.code).toBe(1)
  expect(commandStderr(notJson.stderr)).toMatch(/dump\.json: not JSON: /)

  const notRecords = await coin(['import_coin', await dumpFile([{ model: 'members.member', fields: {} }, { pk: 2 }])])
  expect(notRecords.code).toBe(1)
  expect(commandStderr(notRecords.stderr)).toContain('not a Coin dump: record 1 (members.member) has no "pk": export without --natural-primary; record 2 has no "model"')

  // Two members with the same address but for its case: Coin allowed it, here it is one login.
  const member = (pk: number, username: string, email: string) => ({ model: 'members.member', pk, fields: { username, email, first_name: 'A', last_name: 'B', password: '!', date_joined: '2020-01-01T10:00:00Z' } })
  const clash = await dumpFile([member(1, 'alice', 'alice@example.org'), member(2, 'alice2', 'Alice@Example.org'), { model: 'offers.offer', pk: 1, fields: { name: 'VPN', reference: 'VPN', period_fees: '8.005' } }])
  const before = await prisma.member.count()
  const refused = await coin(['import_coin', clash, '--commit'])
  expect(refused.code).toBe(1)
  expect(refused.stdout).toContain('Errors: 2 records cannot be imported as they are:')
  expect(refused.stdout).toContain('members.member 2: email: alice@example.org is also the address of members.member 1 (addresses are unique here)')
  expect(refused.stdout).toContain('offers.offer 1: period_fees: "8.005" is not an amount with at most 2 decimals')
  expect(refused.stdout).toMatch(/Nothing imported: fix the 2 errors above/)
  expect(commandStderr(refused.stderr)).toContain('2 records cannot be imported; nothing was imported')
  expect(await prisma.member.count()).toBe(before)
  expect(await prisma.coinImportRecord.count()).toBe(0)
})

test('a login taken by a member made here is an error; an unknown model and a VPS are reported, not fatal', SLOW, async () => {
  const local = await insertMember({ username: 'cmeyer' })
  const refused = await coin(['import_coin', DUMP])
  expect(refused.code).toBe(1)
  expect(refused.stdout).toMatch(/members\.member 2: username: "cmeyer" is already the login of a member created here/)
  await prisma.member.delete({ where: { id: local.id } })

  const { code, stdout, stderr } = await coin(['import_coin', DUMP])
  expect({ code, problems: stderrProblems(stderr) }).toEqual({ code: 0, problems: [] })
  expect(stdout).toContain('records of a Coin of the ARN era (Django 2.x)')
  expect(row(stdout, 'vps.vpsconfiguration')).toEqual([1, 0, 0, 1])
  expect(stdout).toMatch(/^vps\.vpsconfiguration .* unknown model: nothing here reads it$/m)
  expect(stdout).toContain('configuration.configuration 4: a vps.vpsconfiguration, which is not known here: not imported (nor its subnets)')
  expect(stdout).toContain('offers.offer 5: configuration type "VPSConfiguration" is not known here')
})

test('--commit: fees paid by allocations become fees, donations are left out, balances follow Coin\'s rule, numbers continue', SLOW, async () => {
  const { code, stdout, stderr } = await coin(['import_coin', DUMP, '--commit'])
  expect({ code, problems: stderrProblems(stderr) }).toEqual({ code: 0, problems: [] })
  expect(row(stdout, 'billing.membershipfee')).toEqual([6, 5, 0, 1])
  expect(row(stdout, 'billing.donation')).toEqual([2, 0, 0, 2])
  expect(stdout).toMatch(/billing\.membershipfee 12: the 15,00\s€ fee for 2022-02-01 to 2023-01-31 was never paid: not imported/)
  expect(stdout).toMatch(/Balances: 1 of 7 members differ from Coin's rule:\n {2}jbhoffmann: 0,00 € here, -15,00 € in Coin \(15,00\s€ of membership fees or donations unpaid in Coin\)/)

  const members = await prisma.member.findMany({ select: { id: true, username: true } })
  const balances = Object.fromEntries(await Promise.all(members.map(async (m) => [m.username, await getMemberBalance(m.id)])))
  // README, "balance, all bills", but for jbhoffmann's unpaid fee.
  expect(balances).toEqual({ nschaeffer: 0, cmeyer: 225, cafeassociatiflezebre: -5400, jbhoffmann: 0, lwalter: 0, tbaumann: 0, ogross: -900 })

  const fees = await prisma.membershipFee.findMany({ orderBy: { startDate: 'asc' }, select: { amountCents: true, startDate: true, paymentMethod: true, member: { select: { username: true } } } })
  expect(fees.map((f) => [f.member.username, f.amountCents, f.startDate.toISOString().slice(0, 10)])).toEqual([
    ['cmeyer', 1500, '2021-01-15'], ['jbhoffmann', 1500, '2021-02-01'], ['cafeassociatiflezebre', 3000, '2021-06-01'], ['ogross', 1500, '2021-09-01'], ['nschaeffer', 1500, '2022-01-01'],
  ])
  expect(fees.every((f) => f.paymentMethod !== null)).toBe(true)

  const numbers = await prisma.invoice.findMany({ where: { validated: true }, orderBy: { number: 'asc' }, select: { number: true, totalCents: true } })
  expect(numbers).toEqual([
    { number: '2021-02-000001', totalCents: 775 }, { number: '2021-02-000002', totalCents: 9000 }, { number: '2021-06-000001', totalCents: 14922 },
    { number: '2021-09-000001', totalCents: 1900 }, { number: '2022-03-000001', totalCents: 500 }, { number: '2022-03-000002', totalCents: 3000 },
    { number: '2022-03-000003', totalCents: 5400 }, { number: '2022-03-000004', totalCents: 1900 },
  ])
  const draft = await prisma.invoice.findFirstOrThrow({ where: { validated: false }, select: { id: true } })
  const { number } = await prisma.$transaction((tx) => validateInvoiceIn(tx, { id: draft.id, today: new Date('2022-03-31T00:00:00Z'), paymentDelayDays: 30 }))
  expect(number).toBe('2022-03-000005')

  // OfferIPPool gives the VPN offer its pools.
  const vpn = await prisma.offer.findFirstOrThrow({ where: { backend: 'vpn' }, select: { pools: { select: { name: true }, orderBy: { name: 'asc' } } } })
  expect(vpn.pools.map((p) => p.name)).toEqual(['VPN IPv4 ARN', 'VPN IPv6 ARN'])

  const again = await coin(['import_coin', DUMP, '--commit'])
  expect(again.code).toBe(0)
  expect(again.stdout).toContain('Nothing new to import')
  expect(await prisma.membershipFee.count()).toBe(5)
  expect(await prisma.invoice.count()).toBe(9)
})
