import { expect, test } from 'vitest'
import { formatChargeSummary } from '#cli/charge-subscriptions.ts'
import { chargeSubscriptions } from '#app/models/invoice/charge.server.ts'
import { parseIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember } from '#tests/factories/member.ts'

const d = (iso: string) => parseIsoDate(iso)!

async function subscribe(memberId: number, offerId: number, count = 1, [from, to] = ['2036-01-01', '2036-12-31']) {
  for (let i = 0; i < count; i++) await prisma.subscription.create({ data: { memberId, offerId, subscriptionDate: d(from), resignDate: d(to) } })
}

const numbersOf = async (month: string) =>
  (await prisma.invoice.findMany({ where: { number: { startsWith: `${month}-` } }, select: { number: true, memberId: true, pdfSha256: true }, orderBy: { number: 'asc' } }))

test('an offer priced 9 999 999,99 € or a total beyond what an invoice holds: that member is named, everyone else is billed', async () => {
  const huge = await prisma.offer.create({ data: { name: 'Fibre dorée', reference: 'HUGE', periodFeeCents: 999_999_999 }, select: { id: true } })
  const capped = await prisma.offer.create({ data: { name: 'Lien dédié', reference: 'CAP', periodFeeCents: 99_999_999 }, select: { id: true } })
  const vpn = await prisma.offer.create({ data: { name: 'VPN', reference: 'OV-VPN', periodFeeCents: 800 }, select: { id: true } })
  const before = await insertMember()
  const rich = await insertMember()
  const many = await insertMember()
  const after = await insertMember()
  await subscribe(before.id, vpn.id)
  await subscribe(rich.id, huge.id)
  await subscribe(rich.id, vpn.id)
  // 22 lines of 999 999,99 €: each under the line cap, together beyond a 32-bit total of cents.
  await subscribe(many.id, capped.id, 22)
  await subscribe(after.id, vpn.id)

  const summary = await chargeSubscriptions({ date: d('2036-03-01'), today: d('2036-03-01'), paymentDelayDays: 30, batchSize: 10 })

  expect(summary).toMatchObject({ invoices: 2, totalCents: 1600, firstNumber: '2036-03-000001', lastNumber: '2036-03-000002', interrupted: false })
  expect(summary.notBilled).toEqual([
    { memberId: rich.id, username: rich.username, reason: 'lineTooLarge' },
    { memberId: many.id, username: many.username, reason: 'totalTooLarge' },
  ])
  expect((await numbersOf('2036-03')).map((i) => i.memberId)).toEqual([before.id, after.id])
  expect(await prisma.invoice.count({ where: { memberId: { in: [rich.id, many.id] } } })).toBe(0)

  const text = formatChargeSummary(summary, 1)
  expect(text).toContain('Members not billed: 2 (everyone else is billed)')
  expect(text).toContain(`    ${rich.username}: a line is over the cap of 1,000,000 € per line (check the offer's price) (/admin/members/${rich.id})`)
  expect(text).toContain(`    ${many.username}: the invoice total is beyond what one invoice holds (/admin/members/${many.id})`)

  // A dry run names them the same way, and a second run still bills nobody twice.
  const dry = await chargeSubscriptions({ date: d('2036-03-01'), today: d('2036-03-01'), paymentDelayDays: 30, dryRun: true })
  expect(dry.notBilled.map((n) => n.memberId)).toEqual([rich.id, many.id])
  expect(dry.invoices).toBe(0)
})

test('an aborted run stops at the batch boundary with whole, numbered, rendered invoices; the next run bills the rest', async () => {
  const offer = await prisma.offer.create({ data: { name: 'VPN', reference: 'ABORT-VPN', periodFeeCents: 800 }, select: { id: true } })
  const members = []
  for (let i = 0; i < 7; i++) members.push(await insertMember())
  for (const m of members) await subscribe(m.id, offer.id, 1, ['2035-01-01', '2035-12-31'])

  const controller = new AbortController()
  const first = await chargeSubscriptions({
    date: d('2035-04-01'), today: d('2035-04-01'), paymentDelayDays: 30, batchSize: 3, signal: controller.signal,
    // The worker's stop arrives while the first batch is being written.
    onProgress: () => controller.abort(),
  })
  expect(first).toMatchObject({ invoices: 3, firstNumber: '2035-04-000001', lastNumber: '2035-04-000003', interrupted: true, pdfs: 3 })
  expect(formatChargeSummary(first, 1)).toContain('Interrupted (the worker was stopped): run it again to bill the members left')
  const billed = await numbersOf('2035-04')
  expect(billed.map((i) => i.number)).toEqual(['2035-04-000001', '2035-04-000002', '2035-04-000003'])
  expect(billed.every((i) => i.pdfSha256 !== null)).toBe(true)

  const second = await chargeSubscriptions({ date: d('2035-04-01'), today: d('2035-04-01'), paymentDelayDays: 30, batchSize: 3 })
  expect(second).toMatchObject({ invoices: 4, firstNumber: '2035-04-000004', lastNumber: '2035-04-000007', interrupted: false })
  expect(second.skipped.alreadyBilled).toBe(3)
  const all = await numbersOf('2035-04')
  expect(all.map((i) => i.number)).toEqual(Array.from({ length: 7 }, (_, i) => `2035-04-00000${i + 1}`))
  expect(new Set(all.map((i) => i.memberId))).toEqual(new Set(members.map((m) => m.id)))
})

test('an invoice the database refuses for one member: the batch is billed member by member, that member is named with the reason', async () => {
  const offer = await prisma.offer.create({ data: { name: 'VPN', reference: 'REFUSED-VPN', periodFeeCents: 800 }, select: { id: true } })
  const [first, refused, last] = [await insertMember(), await insertMember(), await insertMember()]
  for (const m of [first, refused, last]) await subscribe(m.id, offer.id, 1, ['2034-01-01', '2034-12-31'])
  // A rule of this installation's database (a trigger) refuses one member's invoices.
  await prisma.$executeRawUnsafe(`CREATE FUNCTION refuse_member_invoice() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW."memberId" = ${refused.id} THEN RAISE EXCEPTION 'account frozen by the treasurer'; END IF; RETURN NEW; END $$`)
  await prisma.$executeRawUnsafe('CREATE TRIGGER refuse_member_invoice BEFORE INSERT ON "Invoice" FOR EACH ROW EXECUTE FUNCTION refuse_member_invoice()')
  try {
    const summary = await chargeSubscriptions({ date: d('2034-02-01'), today: d('2034-02-01'), paymentDelayDays: 30, batchSize: 10 })
    expect(summary).toMatchObject({ invoices: 2, firstNumber: '2034-02-000001', lastNumber: '2034-02-000002', interrupted: false })
    expect(summary.notBilled).toEqual([{ memberId: refused.id, username: refused.username, reason: 'failed', message: expect.stringContaining('account frozen by the treasurer') }])
    expect((await numbersOf('2034-02')).map((i) => i.memberId)).toEqual([first.id, last.id])
    expect(formatChargeSummary(summary, 1)).toMatch(new RegExp(`    ${refused.username}: the invoice could not be written \\(.*account frozen by the treasurer.*\\) \\(/admin/members/${refused.id}\\)`))
  } finally {
    await prisma.$executeRawUnsafe('DROP TRIGGER refuse_member_invoice ON "Invoice"')
    await prisma.$executeRawUnsafe('DROP FUNCTION refuse_member_invoice()')
  }
})
