import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { pngSize } from '#app/integrations/images/render.server.ts'
import { parseMonthRange } from '#app/models/charts/range.ts'
import { loader as chartLoader } from '#app/routes/admin.charts.$file.tsx'
import { loader as overviewLoader } from '#app/routes/admin._index.tsx'
import { prisma } from '#app/utils/db.server.ts'
import { init } from '#app/utils/env.server.ts'
import { insertValidatedInvoice } from '#tests/factories/invoice.ts'
import { insertMember, loginAs, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from './request.ts'

// A past range no other test file's rows fall in (each file has its own database anyway).
const RANGE = 'from=2025-01&to=2025-06'
let cookie: string

const day = (iso: string) => new Date(`${iso}T00:00:00Z`)

async function get(file: string, query = RANGE, headers: Record<string, string> = {}) {
  const response = await settle(() => chartLoader({ request: makeRequest(`/admin/charts/${file}?${query}`, { cookie, headers }), params: { file }, context: {} }))
  return response as Response
}

/** The CSV's rows as text fields (the byte-order mark, quotes and `;` taken off), header first. */
async function csvRows(file: string, query = RANGE) {
  const text = await (await get(file, query)).text()
  return text.replace(/^\uFEFF/, '').trim().split('\r\n').map((line) => line.slice(1, -1).split('";"'))
}

beforeAll(async () => {
  init({ ...process.env, COIN_MODULES: 'vpn' })
  cookie = (await loginAsStaff()).cookie
  // Members: two from before the range, one joining in March, one leaving in April, one pending.
  const member = async (joined: string, resigned: string | null = null, status: 'MEMBER' | 'PENDING' = 'MEMBER') => {
    const m = await insertMember({ status })
    await prisma.member.update({ where: { id: m.id }, data: { dateJoined: day(joined), resignDate: resigned ? day(resigned) : null } })
    return m
  }
  const alice = await member('2024-05-10')
  await member('2024-11-30', '2025-04-15')
  await member('2025-03-02')
  await member('2025-02-01', null, 'PENDING')
  // Billing: invoices in February and March, a payment in March, one invoice overdue.
  await insertValidatedInvoice({ memberId: alice.id, today: day('2025-02-05'), lines: [{ unitCents: 1250 }] })
  const march = await insertValidatedInvoice({ memberId: alice.id, today: day('2025-03-05'), lines: [{ unitCents: 3000, quantityHundredths: 200 }] })
  await prisma.payment.create({ data: { memberId: alice.id, amountCents: 2000, date: day('2025-03-20'), method: 'CASH', allocations: { create: { invoiceId: march.id, amountCents: 2000 } } } })
  // Subscriptions: one offer running all along, one from May.
  const vpn = await prisma.offer.create({ data: { name: 'VPN', reference: `VPN-${Date.now()}`, backend: 'none' } })
  const dsl = await prisma.offer.create({ data: { name: 'ADSL', reference: `ADSL-${Date.now()}`, backend: 'none' } })
  await prisma.subscription.create({ data: { memberId: alice.id, offerId: vpn.id, subscriptionDate: day('2024-06-01') } })
  await prisma.subscription.create({ data: { memberId: alice.id, offerId: dsl.id, subscriptionDate: day('2025-05-10'), resignDate: day('2025-05-31') } })
  // A pool with two /32s.
  const pool = await prisma.ipPool.create({ data: { name: 'Graph v4', network: '198.51.100.0/28', defaultPrefixLength: 32 } })
  await prisma.ipSubnet.createMany({ data: [{ poolId: pool.id, network: '198.51.100.1/32' }, { poolId: pool.id, network: '198.51.100.2/32' }] })
})
afterAll(() => init())

describe('the overview charts', () => {
  test('members: the CSV equals counts computed apart in SQL, month by month', async () => {
    const rows = await csvRows('members.csv')
    expect(rows[0]).toEqual(['Mois', 'Adhérents en fin de mois', 'Adhésions', 'Départs'])
    const expected = await prisma.$queryRaw<{ month: string; active: number; joins: number; resignations: number }[]>`
      SELECT to_char(m, 'YYYY-MM') AS month,
        (SELECT count(*) FROM "Member" WHERE status <> 'PENDING' AND "dateJoined" < m + interval '1 month' AND ("resignDate" IS NULL OR "resignDate" >= m + interval '1 month'))::int AS active,
        (SELECT count(*) FROM "Member" WHERE status <> 'PENDING' AND "dateJoined" >= m AND "dateJoined" < m + interval '1 month')::int AS joins,
        (SELECT count(*) FROM "Member" WHERE status <> 'PENDING' AND "resignDate" >= m AND "resignDate" < m + interval '1 month')::int AS resignations
      FROM generate_series('2025-01-01'::date, '2025-06-01'::date, interval '1 month') AS m ORDER BY m`
    expect(rows.slice(1)).toEqual(expected.map((r) => [r.month, String(r.active), String(r.joins), String(r.resignations)]))
    expect(rows.slice(1).map((r) => r[1])).toEqual(['2', '2', '3', '2', '2', '2'])
  })

  test('billing: invoiced and received per month in euros, and overdue amounts by age', async () => {
    const rows = await csvRows('billing.csv')
    expect(rows[0]).toEqual(['Mois', 'Facturé', 'Encaissé'])
    const expected = await prisma.$queryRaw<{ month: string; invoiced: number; paid: number }[]>`
      SELECT to_char(m, 'YYYY-MM') AS month,
        (SELECT COALESCE(sum("totalCents"), 0) FROM "Invoice" WHERE validated AND date >= m AND date < m + interval '1 month')::int AS invoiced,
        (SELECT COALESCE(sum("amountCents"), 0) FROM "Payment" WHERE date >= m AND date < m + interval '1 month')::int AS paid
      FROM generate_series('2025-01-01'::date, '2025-06-01'::date, interval '1 month') AS m ORDER BY m`
    const euros = (cents: number) => `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`
    expect(rows.slice(1)).toEqual(expected.map((r) => [r.month, euros(r.invoiced), euros(r.paid)]))
    expect(rows[2]).toEqual(['2025-02', '12,50', '0,00'])
    expect(rows[3]).toEqual(['2025-03', '60,00', '20,00'])

    // Both invoices are long overdue: 12,50 € and 40,00 € left, in "over 90 days".
    const overdue = await csvRows('overdue.csv')
    expect(overdue).toEqual([
      ['Retard (jours)', 'Reste à payer', 'Factures'],
      ['0 à 30 jours', '0,00', '0'], ['31 à 60 jours', '0,00', '0'], ['61 à 90 jours', '0,00', '0'], ['Plus de 90 jours', '52,50', '2'],
    ])
  })

  test('subscriptions per offer and IP pool usage', async () => {
    const rows = await csvRows('subscriptions.csv')
    expect(rows[0]![0]).toBe('Mois')
    const adsl = rows[0]!.findIndex((h) => h.startsWith('ADSL'))
    const vpn = rows[0]!.findIndex((h) => h.startsWith('VPN'))
    // The ADSL line runs 10–31 May: counted at the end of May only.
    expect(rows.slice(1).map((r) => [r[0], r[vpn], r[adsl]])).toEqual([
      ['2025-01', '1', '0'], ['2025-02', '1', '0'], ['2025-03', '1', '0'], ['2025-04', '1', '0'], ['2025-05', '1', '1'], ['2025-06', '1', '0'],
    ])
    const pools = await csvRows('pools.csv')
    expect(pools).toEqual([['Pool', 'Blocs attribués', 'Blocs disponibles au total', 'Taille des blocs'], ['Graph v4 (198.51.100.0/28)', '2', '16', '/32']])
    init({ ...process.env, COIN_MODULES: '' })
    expect((await get('pools.png')).status).toBe(404)
    init({ ...process.env, COIN_MODULES: 'vpn' })
  })

  test('pictures: PNG of the expected size, SVG, an ETag answered with 304, an empty range drawn with its sentence', async () => {
    const png = await get('members.png')
    expect(png.headers.get('Content-Type')).toBe('image/png')
    expect(png.headers.get('Cache-Control')).toBe('private, max-age=60')
    const bytes = new Uint8Array(await png.arrayBuffer())
    expect(pngSize(bytes)).toEqual({ width: 880, height: 400 })
    const empty = new Uint8Array(await (await get('members.png', 'from=1990-01&to=1990-12')).arrayBuffer())
    expect(pngSize(empty)).toEqual({ width: 880, height: 400 })
    // Bars are drawn: the picture with data is not the empty one.
    expect(Buffer.from(bytes).equals(Buffer.from(empty))).toBe(false)

    const svg = await get('billing.svg')
    expect(svg.headers.get('Content-Type')).toBe('image/svg+xml')
    expect(await svg.text()).toMatch(/^<svg /)

    const etag = png.headers.get('ETag')!
    const again = await get('members.png', RANGE, { 'If-None-Match': etag })
    expect(again.status).toBe(304)
    // The numbers change, the picture too.
    await insertMember({ status: 'MEMBER' }).then((m) => prisma.member.update({ where: { id: m.id }, data: { dateJoined: day('2025-06-10') } }))
    expect((await get('members.png', RANGE, { 'If-None-Match': etag })).status).toBe(200)
  })

  test('bad ranges are 400 with a message; unknown charts 404; members who are not staff 404', async () => {
    const invalid = await get('members.png', 'from=2025-13&to=2025-06')
    expect(invalid.status).toBe(400)
    expect(await invalid.text()).toBe('from: Mois invalide : écrivez-le AAAA-MM, par exemple 2025-01.\n')
    const long = await get('members.csv', 'from=2010-01&to=2025-06')
    expect([long.status, await long.text()]).toEqual([400, 'from: La période ne peut dépasser 10 ans (120 mois).\n'])
    expect((await get('members.png', 'from=2025-06&to=2025-01')).status).toBe(400)
    expect((await get('nothing.png')).status).toBe(404)
    expect((await get('members.gif')).status).toBe(404)
    const member = await loginAs()
    const refused = await settle(() => chartLoader({ request: makeRequest(`/admin/charts/members.png?${RANGE}`, { cookie: member.cookie }), params: { file: 'members.png' }, context: {} }))
    expect((refused as Response).status).toBe(404)
  })

  test('the overview shows each chart with its sentence, and a bad range on the page is a 400 naming the field', async () => {
    const page = unwrap(await overviewLoader({ request: makeRequest(`/admin?${RANGE}`, { cookie }), params: {}, context: {} }))
    expect(page.status).toBe(200)
    const charts = page.data.charts as { name: string; alt: string; src: string; csv: string }[]
    expect(charts.map((c) => c.name)).toEqual(['members', 'billing', 'overdue', 'subscriptions', 'pools'])
    expect(charts[0]!.alt).toMatch(/^Adhérents par mois, de janvier 2025 à juin 2025 : 3 adhérents fin juin 2025 \(2 fin janvier 2025\), 2 adhésions et 1 départs sur la période\.$/)
    expect(charts[0]!.src).toMatch(/^\/admin\/charts\/members\.png\?from=2025-01&to=2025-06&v=/)
    expect(charts[1]!.alt).toContain('72,50')
    const bad = unwrap(await overviewLoader({ request: makeRequest('/admin?from=2000-01&to=2025-06', { cookie }), params: {}, context: {} }))
    expect(bad.status).toBe(400)
    expect(bad.data.range.problem).toEqual({ field: 'from', message: 'rangeTooLong' })
    expect(bad.data.charts).toEqual([])
  })
})

describe('month ranges', () => {
  const today = day('2026-12-07')
  test('the last 24 months by default, one bound given keeps 24 months', () => {
    expect(parseMonthRange({}, today)).toMatchObject({ from: '2025-01', to: '2026-12' })
    expect(parseMonthRange({ to: '2025-06' }, today)).toMatchObject({ from: '2023-07', to: '2025-06' })
    expect(parseMonthRange({ from: '2026-01' }, today)).toMatchObject({ from: '2026-01', to: '2026-12', months: expect.arrayContaining(['2026-01', '2026-12']) })
    expect(parseMonthRange({ from: '2016-12', to: '2026-11' }, today)).toMatchObject({ months: expect.any(Array) })
    expect(parseMonthRange({ from: '2016-11', to: '2026-11' }, today)).toEqual({ field: 'from', message: 'rangeTooLong' })
    expect(parseMonthRange({ from: '0000-01' }, today)).toEqual({ field: 'from', message: 'rangeInvalidMonth' })
  })
})
