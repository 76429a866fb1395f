import { faker } from '@faker-js/faker'
import { describe, expect, test } from 'vitest'
import { feeStatus } from '#app/models/fee/rules.ts'
import { resignsBeforeCommitmentEnd, subscriptionState } from '#app/models/subscription/rules.ts'
import { parseIsoDate, today } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember } from '#tests/factories/member.ts'
import { coin, stderrProblems } from './run-coin.ts'

// Every test spawns the CLI several times (about a second each on a busy machine).
const SLOW = { timeout: 120_000 }

const d = (iso: string) => parseIsoDate(iso)!
const unique = () => faker.string.alphanumeric({ length: 6, casing: 'upper' })

async function offer(reference = `T${unique()}`, overrides: { name?: string; active?: boolean } = {}) {
  return prisma.offer.create({ data: { name: `Offre ${reference}`, reference, periodFeeCents: 800, ...overrides }, select: { id: true, reference: true } })
}

async function subscribe(memberId: number, offerId: number, from: string, to: string | null = null) {
  await prisma.subscription.create({ data: { memberId, offerId, subscriptionDate: d(from), resignDate: to ? d(to) : null } })
}

async function fee(memberId: number, startDate: string, endDate: string) {
  await prisma.membershipFee.create({ data: { memberId, amountCents: 2000, startDate: d(startDate), endDate: d(endDate) } })
}

/** The addresses a members_email run printed that belong to this test (the database holds others). */
async function emails(prefix: string, args: string[], command = 'members_email') {
  const { code, stdout, stderr } = await coin([command, ...args])
  expect({ code, problems: stderrProblems(stderr) }).toEqual({ code: 0, problems: [] })
  expect(stdout === '' || stdout.endsWith('\n')).toBe(true)
  return stdout.split('\n').filter((line) => line.startsWith(prefix))
}

describe('coin members_email', () => {
  test('lists members with status member, one address a line, filtered by subscription and offer at the date', SLOW, async () => {
    const p = `zz-${unique().toLowerCase()}-`
    const vpn = await offer()
    const adsl = await offer()
    const only = async (args: string[]) => emails(p, args)
    const member = async (name: string, status: 'MEMBER' | 'PENDING' | 'NOT_MEMBER' = 'MEMBER') => (await insertMember({ email: `${p}${name}@example.org`, status })).id
    const both = await member('both')
    const vpnOnly = await member('vpn')
    const adslOnly = await member('adsl')
    const future = await member('future')
    const resigned = await member('resigned')
    await member('none')
    const pending = await member('pending', 'PENDING')
    const former = await member('former', 'NOT_MEMBER')
    await subscribe(both, vpn.id, '2024-01-01')
    await subscribe(both, adsl.id, '2024-01-01')
    await subscribe(both, vpn.id, '2024-06-01')
    await subscribe(vpnOnly, vpn.id, '2024-01-01', '2024-03-31')
    await subscribe(adslOnly, adsl.id, '2024-03-31')
    await subscribe(future, vpn.id, '2024-04-01')
    await subscribe(resigned, adsl.id, '2023-01-01', '2024-03-30')
    await subscribe(pending, vpn.id, '2024-01-01')
    await subscribe(former, vpn.id, '2024-01-01')
    const at = ['--date', '2024-03-31']

    // Coin's rule: every member whose status is "member", whatever their subscriptions.
    expect(await only(at)).toEqual(['adsl', 'both', 'future', 'none', 'resigned', 'vpn'].map((n) => `${p}${n}@example.org`))
    // A subscription counts from its first day to its last, both included.
    expect(await only(['--subscribers', ...at])).toEqual([`${p}adsl@example.org`, `${p}both@example.org`, `${p}vpn@example.org`])
    expect(await only(['--subscribers', '--date', '2024-04-01'])).toEqual([`${p}adsl@example.org`, `${p}both@example.org`, `${p}future@example.org`])
    // By reference, by id, repeated: each member once, even with several subscriptions.
    expect(await only(['--offer', vpn.reference, ...at])).toEqual([`${p}both@example.org`, `${p}vpn@example.org`])
    expect(await only(['--offer', String(adsl.id), ...at])).toEqual([`${p}adsl@example.org`, `${p}both@example.org`])
    expect(await only(['--offer', vpn.reference, '--offer', String(adsl.id), '--offer', vpn.reference, ...at]))
      .toEqual([`${p}adsl@example.org`, `${p}both@example.org`, `${p}vpn@example.org`])
    // Without --date, today: the subscriptions from 2024 without an end are active.
    expect(await only(['--offer', vpn.reference])).toEqual([`${p}both@example.org`, `${p}future@example.org`])
    // The dashed spelling is an alias.
    expect(await emails(p, ['--offer', adsl.reference, ...at], 'members-email')).toEqual([`${p}adsl@example.org`, `${p}both@example.org`])
  })

  test('an offer is looked up by reference first, then by id; a retired offer still has subscribers', SLOW, async () => {
    const p = `zz-${unique().toLowerCase()}-`
    const target = await offer()
    const shadow = await offer(String(target.id), { active: false })
    const a = (await insertMember({ email: `${p}target@example.org` })).id
    const b = (await insertMember({ email: `${p}shadow@example.org` })).id
    await subscribe(a, target.id, '2024-01-01')
    await subscribe(b, shadow.id, '2024-01-01')
    expect(await emails(p, ['--offer', String(target.id), '--date', '2024-06-01'])).toEqual([`${p}shadow@example.org`])
    expect(await emails(p, ['--offer', target.reference, '--date', '2024-06-01'])).toEqual([`${p}target@example.org`])
  })

  test('fee filters look at the date: up to date until the last day of the latest fee, expired after or without any', SLOW, async () => {
    const p = `zz-${unique().toLowerCase()}-`
    const o = await offer()
    const paid = (await insertMember({ email: `${p}paid@example.org` })).id
    const renewed = (await insertMember({ email: `${p}renewed@example.org` })).id
    await insertMember({ email: `${p}never@example.org` })
    const formerPaid = (await insertMember({ email: `${p}former@example.org`, status: 'NOT_MEMBER' })).id
    await fee(paid, '2029-07-01', '2030-06-30')
    await fee(renewed, '2029-01-01', '2029-12-31')
    await fee(renewed, '2030-01-01', '2030-12-31')
    await fee(formerPaid, '2030-01-01', '2030-12-31')
    await subscribe(paid, o.id, '2029-01-01')
    await subscribe(renewed, o.id, '2029-01-01', '2030-06-30')

    expect(await emails(p, ['--fee-up-to-date', '--date', '2030-06-30'])).toEqual([`${p}paid@example.org`, `${p}renewed@example.org`])
    expect(await emails(p, ['--fee-up-to-date', '--date', '2030-07-01'])).toEqual([`${p}renewed@example.org`])
    expect(await emails(p, ['--fee-expired', '--date', '2030-06-30'])).toEqual([`${p}never@example.org`])
    expect(await emails(p, ['--fee-expired', '--date', '2030-07-01'])).toEqual([`${p}never@example.org`, `${p}paid@example.org`])
    // Filters combine: subscribers of the offer on that day whose fee has expired.
    expect(await emails(p, ['--offer', o.reference, '--fee-expired', '--date', '2030-07-01'])).toEqual([`${p}paid@example.org`])
    expect(await emails(p, ['--subscribers', '--fee-up-to-date', '--date', '2030-07-01'])).toEqual([])
  })
})

describe('coin offer_subscriptions_count', () => {
  test('counts active subscriptions per offer at a date, both ends included, as a table or JSON', SLOW, async () => {
    const a = await offer(`CNT${unique()}`, { name: 'Offre comptée' })
    const b = await offer(`CNT${unique()}`, { name: 'Hébergement compté' })
    const member = (await insertMember()).id
    await subscribe(member, a.id, '2001-03-01', '2001-03-31')
    await subscribe(member, a.id, '2001-03-31')
    await subscribe(member, a.id, '2001-04-01')
    await subscribe(member, b.id, '2001-01-01', '2001-02-28')

    const json = async (date: string) => {
      const { code, stdout, stderr } = await coin(['offer_subscriptions_count', '--date', date, '--json'])
      expect({ code, problems: stderrProblems(stderr) }).toEqual({ code: 0, problems: [] })
      const rows: { reference: string; name: string; count: number }[] = JSON.parse(stdout)
      for (const row of rows) expect(Object.keys(row)).toEqual(['reference', 'name', 'count'])
      return rows
    }
    const ours = async (date: string) => (await json(date)).filter((r) => r.reference === a.reference || r.reference === b.reference)
    expect(await ours('2001-02-28')).toEqual(expect.arrayContaining([
      { reference: a.reference, name: 'Offre comptée', count: 0 },
      { reference: b.reference, name: 'Hébergement compté', count: 1 },
    ]))
    const countOf = async (date: string) => (await ours(date)).find((r) => r.reference === a.reference)!.count
    expect(await Promise.all(['2001-02-28', '2001-03-01', '2001-03-31', '2001-04-01'].map(countOf))).toEqual([0, 1, 2, 2])

    const { code, stdout, stderr } = await coin(['offer_subscriptions_count', '--date', '2001-03-31'])
    expect({ code, problems: stderrProblems(stderr) }).toEqual({ code: 0, problems: [] })
    const lines = stdout.split('\n')
    expect(lines.pop()).toBe('')
    expect(lines[0]).toMatch(/^Reference +Name +Count$/)
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${a.reference} +Offre comptée +2$`)))
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${b.reference} +Hébergement compté +0$`)))
    // Columns line up: names start at one column, counts end at one column.
    const nameColumn = lines[0].indexOf('Name')
    for (const line of lines.slice(1, -1)) expect(line.slice(nameColumn - 2, nameColumn)).toBe('  ')
    expect(new Set(lines.map((l) => l.length)).size).toBe(1)
    const total = (await json('2001-03-31')).reduce((sum, r) => sum + r.count, 0)
    expect(lines.at(-1)).toMatch(new RegExp(`^Total +${total}$`))

    // Coin's positional date and the dashed alias give the same answer.
    const positional = await coin(['offer-subscriptions-count', '2001-03-31'])
    expect({ ...positional, stderr: stderrProblems(positional.stderr) }).toEqual({ code: 0, stdout, stderr: [] })
  })
})

describe('stdout holds only the output, whatever is logged', () => {
  // SLOW_QUERY_MS=0 logs every query as a slow one: the warnings go to stderr.
  const LOUD = { SLOW_QUERY_MS: '0' }

  test('offer_subscriptions_count --json parses as JSON, members_email prints only addresses', SLOW, async () => {
    const p = `zz-${unique().toLowerCase()}-`
    const counted = await offer(`LOG${unique()}`)
    const member = (await insertMember({ email: `${p}logged@example.org` })).id
    await subscribe(member, counted.id, '2002-01-01')

    const counts = await coin(['offer_subscriptions_count', '--date', '2002-06-01', '--json'], LOUD)
    expect(counts.code).toBe(0)
    expect(counts.stderr).toContain('slow query')
    const rows: { reference: string; count: number }[] = JSON.parse(counts.stdout)
    expect(rows.find((r) => r.reference === counted.reference)).toMatchObject({ count: 1 })

    const addresses = await coin(['members_email', '--offer', counted.reference, '--date', '2002-06-01'], LOUD)
    expect(addresses.code).toBe(0)
    expect(addresses.stderr).toContain('slow query')
    expect(addresses.stdout).toBe(`${p}logged@example.org\n`)
    const all = await coin(['members_email'], LOUD)
    expect(all.stderr).toContain('slow query')
    for (const line of all.stdout.trimEnd().split('\n')) expect(line).toMatch(/^[^\s@]+@[^\s@]+$/)
  })
})

describe('bad usage exits 2 with one line naming the argument', () => {
  test('impossible dates, unknown offers and conflicting flags', SLOW, async () => {
    await offer('KNOWN')
    const cases: [string[], string][] = [
      [['members_email', '--date', '2025-02-30'], 'coin: --date: "2025-02-30" is not a date (YYYY-MM-DD)'],
      [['members_email', '--date', '2025-13-01'], 'coin: --date: "2025-13-01" is not a date (YYYY-MM-DD)'],
      [['members_email', '--date', 'tomorrow'], 'coin: --date: "tomorrow" is not a date (YYYY-MM-DD)'],
      [['offer_subscriptions_count', '--date', '2025-02-30'], 'coin: --date: "2025-02-30" is not a date (YYYY-MM-DD)'],
      [['offer_subscriptions_count', '--json', '--date', '2025-13-01'], 'coin: --date: "2025-13-01" is not a date (YYYY-MM-DD)'],
      [['offer_subscriptions_count', '--date', 'tomorrow'], 'coin: --date: "tomorrow" is not a date (YYYY-MM-DD)'],
      [['offer_subscriptions_count', 'tomorrow'], 'coin: date: "tomorrow" is not a date (YYYY-MM-DD)'],
      [['offer_subscriptions_count', '2025-01-01', '--date', '2025-01-01'], 'coin: give the date once: either --date or as an argument'],
      [['members_email', '--offer', 'FOO'], 'coin: --offer: no offer with reference or id "FOO"'],
      [['members_email', '--offer', 'KNOWN', '--offer', '99999999999'], 'coin: --offer: no offer with reference or id "99999999999"'],
      [['members_email', '--offer', 'known'], 'coin: --offer: no offer with reference or id "known"'],
      [['members_email', '--fee-up-to-date', '--fee-expired'], 'coin: --fee-up-to-date and --fee-expired cannot be used together'],
      [['members-email', '--fee-expired', '--fee-up-to-date', '--date', '2025-01-01'], 'coin: --fee-up-to-date and --fee-expired cannot be used together'],
    ]
    const results = await Promise.all(cases.map(([args]) => coin(args)))
    results.forEach((result, i) => expect({ args: cases[i][0], ...result, stderr: stderrProblems(result.stderr) }).toEqual({ args: cases[i][0], code: 2, stdout: '', stderr: [cases[i][1]] }))
  })
})

describe('coin seed --demo', () => {
  test('loads offers, subscriptions, fees and requests in every state relative to today, once', SLOW, async () => {
    const first = await coin(['seed', '--demo'])
    expect(first.code).toBe(0)
    const again = await coin(['seed', '--demo'])
    expect(again.stdout).toContain('Demo data was already loaded.')

    const offers = await prisma.offer.findMany({
      where: { reference: { in: ['VPN', 'ADSL', 'HOUSING', 'VPN2015'] } },
      orderBy: { reference: 'asc' },
      select: { reference: true, name: true, periodFeeCents: true, initialFeeCents: true, nonBillable: true, visibleToMembers: true, active: true, backend: true },
    })
    expect(offers).toEqual([
      { reference: 'ADSL', name: 'ADSL', periodFeeCents: 2900, initialFeeCents: 5000, nonBillable: false, visibleToMembers: true, active: true, backend: 'none' },
      { reference: 'HOUSING', name: 'Hébergement', periodFeeCents: 0, initialFeeCents: 0, nonBillable: true, visibleToMembers: false, active: true, backend: 'none' },
      { reference: 'VPN', name: 'VPN', periodFeeCents: 800, initialFeeCents: 0, nonBillable: false, visibleToMembers: true, active: true, backend: 'none' },
      { reference: 'VPN2015', name: 'VPN 2015', periodFeeCents: 500, initialFeeCents: 0, nonBillable: false, visibleToMembers: false, active: false, backend: 'none' },
    ])

    const t = today()
    const subscriptions = await prisma.subscription.findMany({
      where: { offer: { reference: { in: ['VPN', 'ADSL', 'HOUSING', 'VPN2015'] } } },
      select: { subscriptionDate: true, resignDate: true, commitmentMonths: true, earlyResignConfirmedAt: true, earlyResignConfirmedBy: true, offer: { select: { active: true } } },
    })
    expect(subscriptions).toHaveLength(14)
    const states = subscriptions.map((s) => subscriptionState(s, t))
    expect(new Set(states)).toEqual(new Set(['active', 'future', 'resigned']))
    expect(subscriptions.some((s) => subscriptionState(s, t) === 'active' && s.resignDate && s.resignDate > t)).toBe(true)
    expect(subscriptions.some((s) => subscriptionState(s, t) === 'active' && !s.offer.active)).toBe(true)
    const early = subscriptions.filter((s) => s.earlyResignConfirmedAt)
    expect(early).toHaveLength(1)
    expect(resignsBeforeCommitmentEnd(early[0], early[0].resignDate!)).toBe(true)
    expect(early[0].earlyResignConfirmedBy).toEqual(expect.any(Number))

    const members = await prisma.member.findMany({
      where: { status: 'MEMBER', email: { endsWith: '@exemple.fr' } },
      select: { membershipFees: { select: { endDate: true } } },
    })
    expect(members.reduce((sum, m) => sum + m.membershipFees.length, 0)).toBe(13)
    const feeStates = members.map((m) => feeStatus(m.membershipFees.reduce<Date | null>((max, f) => (!max || f.endDate > max ? f.endDate : max), null), t))
    expect(new Set(feeStates)).toEqual(new Set(['upToDate', 'expiringSoon', 'expired', 'none']))

    const requests = await prisma.subscriptionRequest.findMany({
      select: { status: true, message: true, rejectReason: true, pendingKey: true, subscriptionId: true, decidedById: true, memberId: true, offerId: true, member: { select: { username: true } }, offer: { select: { reference: true } } },
      orderBy: { status: 'asc' },
    })
    expect(requests.map((r) => r.status)).toEqual(['PENDING', 'APPROVED', 'REJECTED'])
    const [pending, approved, rejected] = requests
    expect(pending).toMatchObject({ member: { username: 'cmartin' }, offer: { reference: 'ADSL' }, pendingKey: `${pending.memberId}:${pending.offerId}`, decidedById: null })
    expect(pending.message).not.toBe('')
    expect(approved.subscriptionId).toEqual(expect.any(Number))
    expect(approved.pendingKey).toBeNull()
    expect(rejected.rejectReason).not.toBe('')
    expect(rejected.pendingKey).toBeNull()

    // The commands read the demo: counts today, and the VPN subscribers' addresses.
    const counts = await coin(['offer_subscriptions_count', '--json'])
    expect(JSON.parse(counts.stdout).filter((r: { reference: string }) => ['VPN', 'ADSL', 'HOUSING', 'VPN2015'].includes(r.reference))).toEqual([
      { reference: 'ADSL', name: 'ADSL', count: 1 },
      { reference: 'HOUSING', name: 'Hébergement', count: 1 },
      { reference: 'VPN', name: 'VPN', count: 6 },
      { reference: 'VPN2015', name: 'VPN 2015', count: 1 },
    ])
    const cmartin = await prisma.member.findUniqueOrThrow({ where: { username: 'cmartin' }, select: { email: true } })
    expect((await coin(['members_email', '--offer', 'VPN'])).stdout.split('\n')).toContain(cmartin.email)
  })

  test('a demo loaded before offers existed gets them on the next seed --demo', SLOW, async () => {
    const demo = { offer: { reference: { in: ['VPN', 'ADSL', 'HOUSING', 'VPN2015'] } } }
    await coin(['seed', '--demo'])
    // What an older version loaded had no billing: remove it (validated invoices are frozen by
    // triggers, which a replica session role skips).
    await prisma.$transaction([
      prisma.$executeRaw`SET LOCAL session_replication_role = replica`,
      ...['PaymentAllocation', 'Payment', 'InvoiceLine', 'Invoice', 'InvoiceCounter'].map((table) => prisma.$executeRawUnsafe(`DELETE FROM "${table}"`)),
    ])
    await prisma.subscriptionRequest.deleteMany({ where: demo })
    await prisma.subscription.deleteMany({ where: demo })
    await prisma.membershipFee.deleteMany({ where: { member: { email: { endsWith: '@exemple.fr' } } } })
    await prisma.offer.deleteMany({ where: { reference: { in: ['VPN', 'ADSL', 'HOUSING', 'VPN2015'] } } })
    const reseeded = await coin(['seed', '--demo'])
    expect(reseeded).toMatchObject({ code: 0, stdout: expect.stringContaining('Demo data loaded.') })
    expect(await prisma.subscription.count({ where: demo })).toBe(14)
    expect(await prisma.subscriptionRequest.count({ where: demo })).toBe(3)
    expect(await prisma.member.count({ where: { username: { in: ['hdupond', 'hdupond2'] } } })).toBe(2)
    expect(await prisma.invoice.count({ where: { validated: true, pdfSha256: { not: null } } })).toBeGreaterThan(0)
  })
})
