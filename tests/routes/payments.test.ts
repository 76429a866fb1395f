import { beforeAll, describe, expect, test } from 'vitest'
import { getInvoice } from '#app/models/invoice/invoices.server.ts'
import { validateDraft } from '#app/models/invoice/invoices.server.ts'
import { loader as memberLoader } from '#app/routes/admin.members.$memberId._index.tsx'
import { action as detailAction, loader as detailLoader } from '#app/routes/admin.payments.$paymentId.tsx'
import { loader as listLoader } from '#app/routes/admin.payments._index.tsx'
import { action as newAction, loader as newLoader } from '#app/routes/admin.payments.new.tsx'
import { parseIsoDate, toIsoDate, today } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember, loginAs, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from './request.ts'

let cookie: string
beforeAll(async () => {
  ;({ cookie } = await loginAsStaff())
})

const d = (iso: string) => parseIsoDate(iso)!

/** A validated invoice of `cents` (one line, no VAT) dated `date`. */
async function insertInvoice(memberId: number, cents: number, date: string) {
  const { id } = await prisma.invoice.create({ data: { memberId, lines: { create: [{ label: 'VPN', unitCents: cents, quantityHundredths: 100 }] } }, select: { id: true } })
  const number = await validateDraft({ id, today: d(date), paymentDelayDays: 30 })
  return { id, number }
}

const invoiceState = async (id: number) => {
  const invoice = await getInvoice(id, { today: d('2030-01-01') })
  return { status: invoice!.status, remainingCents: invoice!.remainingCents }
}

const paymentForm = (overrides: Record<string, string> = {}) => ({ member: '', method: 'TRANSFER', amount: '10,00', date: '2030-06-01', label: '', ...overrides })
const post = (form: Record<string, string>) => newAction({ request: makeRequest('/admin/payments/new', { cookie, form }), params: {}, context: {} })
const paymentsOf = (memberId: number) => prisma.payment.findMany({ where: { memberId }, orderBy: { id: 'asc' }, select: { id: true, amountCents: true, method: true, date: true, label: true, forcedInvoiceId: true } })
const memberPage = (memberId: number) => memberLoader({ request: makeRequest(`/admin/members/${memberId}`, { cookie }), params: { memberId: String(memberId) }, context: {} })
const detail = (paymentId: number) =>
  detailLoader({ request: makeRequest(`/admin/payments/${paymentId}`, { cookie }), params: { paymentId: String(paymentId) }, context: {} })
const onDetail = (paymentId: number, form: Record<string, string>) =>
  detailAction({ request: makeRequest(`/admin/payments/${paymentId}`, { cookie, form }), params: { paymentId: String(paymentId) }, context: {} })

describe('record a payment', () => {
  test('pays the oldest invoice first; a partial payment leaves the next open; an overpayment is credit on the member page', async () => {
    const member = await insertMember({ status: 'MEMBER' })
    const newer = await insertInvoice(member.id, 2000, '2030-02-10')
    const older = await insertInvoice(member.id, 3000, '2030-01-10')

    const response = await post(paymentForm({ member: member.username, amount: '40', method: 'CHEQUE', label: 'Chèque 1234567' }))
    expect((response as Response).headers.get('location')).toBe(`/admin/members/${member.id}?paymentRecorded=1`)
    expect(await paymentsOf(member.id)).toMatchObject([{ amountCents: 4000, method: 'CHEQUE', date: d('2030-06-01'), label: 'Chèque 1234567', forcedInvoiceId: null }])
    expect(await invoiceState(older.id)).toEqual({ status: 'CLOSED', remainingCents: 0 })
    expect(await invoiceState(newer.id)).toEqual({ status: 'OPEN', remainingCents: 1000 })
    let page = await memberPage(member.id)
    expect(page.billing.balanceCents).toBe(-1000)

    await post(paymentForm({ member: String(member.id), amount: '25,50' }))
    expect(await invoiceState(newer.id)).toEqual({ status: 'CLOSED', remainingCents: 0 })
    page = await memberPage(member.id)
    expect(page.billing.balanceCents).toBe(1550)
    expect(page.billing.invoices.map((i) => [i.number, i.status, i.remainingCents])).toEqual([[newer.number, 'CLOSED', 0], [older.number, 'CLOSED', 0]])
    expect(page.billing.payments.map((p) => [p.amountCents, p.unallocatedCents])).toEqual([[2550, 1550], [4000, 0]])
    expect(page.billing).toMatchObject({ invoiceCount: 2, paymentCount: 2 })

    // The credit pays the next invoice as soon as it is validated.
    const next = await insertInvoice(member.id, 1000, '2030-07-01')
    expect(await invoiceState(next.id)).toEqual({ status: 'CLOSED', remainingCents: 0 })
    expect((await memberPage(member.id)).billing.balanceCents).toBe(550)
  })

  test('an empty date is today; the payment detail shows what it paid', async () => {
    const member = await insertMember()
    const invoice = await insertInvoice(member.id, 1200, '2030-03-01')
    await post(paymentForm({ member: String(member.id), amount: '15', date: '' }))
    const [payment] = await paymentsOf(member.id)
    expect(payment.date).toEqual(today())
    const page = await detail(payment.id)
    expect(page.member).toMatchObject({ id: member.id, username: member.username })
    expect(page.payment).toMatchObject({ amountCents: 1500, unallocatedCents: 300, imported: false, forcedInvoice: null })
    expect(page.payment.allocations).toMatchObject([{ amountCents: 1200, invoice: { id: invoice.id, number: invoice.number } }])
  })

  test('a forced invoice is paid first, even when an older one is open; staff go back to that invoice', async () => {
    const member = await insertMember()
    const older = await insertInvoice(member.id, 3000, '2030-01-05')
    const forced = await insertInvoice(member.id, 2000, '2030-02-05')
    const prefill = await newLoader({ request: makeRequest(`/admin/payments/new?invoiceId=${forced.id}`, { cookie }), params: {}, context: {} })
    expect(prefill).toMatchObject({ member: { id: member.id }, invoice: { id: forced.id, label: forced.number, remainingCents: 2000 } })

    const response = await post(paymentForm({ member: String(member.id), amount: '20,00', invoiceId: String(forced.id) }))
    expect((response as Response).headers.get('location')).toBe(`/admin/invoices/${forced.id}?paymentRecorded=1`)
    expect(await invoiceState(forced.id)).toEqual({ status: 'CLOSED', remainingCents: 0 })
    expect(await invoiceState(older.id)).toEqual({ status: 'OPEN', remainingCents: 3000 })
    expect((await paymentsOf(member.id))[0].forcedInvoiceId).toBe(forced.id)
  })

  // Known model issue: allocateFifo never lets a forced payment pay anything but its forced
  // invoice, so what exceeds it stays unallocated for good, while getMemberBalance counts it as
  // credit. Remove `.fails` once the excess pays other invoices (or decide it is intended).
  test('what a forced payment pays beyond its invoice pays the member\'s other open invoices', async () => {
    const member = await insertMember()
    const older = await insertInvoice(member.id, 3000, '2030-01-05')
    const forced = await insertInvoice(member.id, 2000, '2030-02-05')
    await post(paymentForm({ member: String(member.id), amount: '30', invoiceId: String(forced.id) }))
    expect(await invoiceState(forced.id)).toEqual({ status: 'CLOSED', remainingCents: 0 })
    expect(await invoiceState(older.id)).toEqual({ status: 'OPEN', remainingCents: 2000 })
  })

  test('an invoice of another member is refused with the message, and nothing is recorded', async () => {
    const member = await insertMember()
    const other = await insertMember()
    const invoice = await insertInvoice(other.id, 1000, '2030-01-15')
    const result = unwrap(await post(paymentForm({ member: String(member.id), invoiceId: String(invoice.id) })))
    expect(result.status).toBe(400)
    expect(result.data.result.error).toEqual({ '': ['invoiceOfAnotherMember'] })
    expect(await paymentsOf(member.id)).toEqual([])
    expect(await paymentsOf(other.id)).toEqual([])
    expect(await invoiceState(invoice.id)).toEqual({ status: 'OPEN', remainingCents: 1000 })
  })

  test('bad amounts are field errors, shown with every other error at once; nothing is recorded', async () => {
    const member = await insertMember()
    for (const amount of ['12,5x', '-3', '0', '0,00', '12,345', '']) {
      const result = unwrap(await post(paymentForm({ member: String(member.id), amount })))
      expect(result.status, amount).toBe(400)
      expect(result.data.result.error, amount).toEqual({ amount: [amount ? 'amountInvalid' : 'required'] })
    }
    const all = unwrap(await post(paymentForm({ member: 'nobody-by-that-name', amount: '-3', method: 'BITCOIN', date: '2030-02-30' })))
    expect(all.data.result.error).toMatchObject({ member: ['memberNotFound'], amount: ['amountInvalid'], date: ['dateInvalid'] })
    expect(all.data.result.error.method).toHaveLength(1)
    expect(unwrap(await post(paymentForm())).data.result.error).toEqual({ member: ['required'] })
    expect(await paymentsOf(member.id)).toEqual([])
  })

  test('?memberId= prefills the member; unknown ids are 404', async () => {
    const member = await insertMember({ firstName: 'Paule', lastName: 'Payeuse' })
    const load = (query: string) => newLoader({ request: makeRequest(`/admin/payments/new?${query}`, { cookie }), params: {}, context: {} })
    expect(await load(`memberId=${member.id}`)).toMatchObject({ member: { id: member.id, name: 'Paule Payeuse' }, invoice: null, date: toIsoDate(today()) })
    expect(await load('')).toMatchObject({ member: null, invoice: null })
    for (const query of ['memberId=999999999', 'memberId=abc', 'invoiceId=999999999', 'invoiceId=-1']) {
      expect(((await settle(() => load(query))) as Response).status, query).toBe(404)
    }
  })
})

describe('undo', () => {
  test('deleting a payment asks for confirmation, then reopens what it paid', async () => {
    const member = await insertMember()
    const older = await insertInvoice(member.id, 3000, '2030-01-20')
    const newer = await insertInvoice(member.id, 1000, '2030-01-25')
    await post(paymentForm({ member: String(member.id), amount: '40', date: '2030-01-26' }))
    await post(paymentForm({ member: String(member.id), amount: '5', date: '2030-01-27' }))
    const [first, second] = await paymentsOf(member.id)
    expect(await invoiceState(older.id)).toEqual({ status: 'CLOSED', remainingCents: 0 })
    expect(await invoiceState(newer.id)).toEqual({ status: 'CLOSED', remainingCents: 0 })

    const ask = unwrap(await onDetail(first.id, { intent: 'delete' }))
    expect(ask.data.confirmDelete).toBe(true)
    expect(await paymentsOf(member.id)).toHaveLength(2)

    const done = await onDetail(first.id, { intent: 'confirmDelete' })
    expect((done as Response).headers.get('location')).toBe(`/admin/members/${member.id}?paymentDeleted=1`)
    expect((await paymentsOf(member.id)).map((p) => p.id)).toEqual([second.id])
    expect((await invoiceState(older.id)).status).toBe('OPEN')
    expect((await invoiceState(newer.id)).status).toBe('OPEN')
    expect((await memberPage(member.id)).billing.balanceCents).toBe(-3500)
    expect(((await settle(() => detail(first.id))) as Response).status).toBe(404)
  })

  // Known model issue: reconcileMember lists open invoices before reopening the ones a deletion
  // unpaid, so the member's credit does not pay them until the next reconciliation, although
  // deletePayment's comment says it does. Remove `.fails` once the model allocates after reopening.
  test('deleting a payment lets the member\'s unallocated money pay the reopened invoice at once', async () => {
    const member = await insertMember()
    const invoice = await insertInvoice(member.id, 3000, '2030-01-20')
    await post(paymentForm({ member: String(member.id), amount: '30', date: '2030-01-21' }))
    await post(paymentForm({ member: String(member.id), amount: '10', date: '2030-01-22' }))
    const [first] = await paymentsOf(member.id)
    await onDetail(first.id, { intent: 'confirmDelete' })
    expect(await invoiceState(invoice.id)).toEqual({ status: 'OPEN', remainingCents: 2000 })
  })

  test('cancelling an allocation reopens the invoice and turns the money into credit', async () => {
    const member = await insertMember()
    const invoice = await insertInvoice(member.id, 1500, '2030-01-20')
    await post(paymentForm({ member: String(member.id), amount: '15' }))
    const [payment] = await paymentsOf(member.id)
    const { payment: before } = await detail(payment.id)
    const [allocation] = before.allocations

    const other = await insertMember()
    await insertInvoice(other.id, 500, '2030-01-20')
    await post(paymentForm({ member: String(other.id), amount: '5' }))
    const [otherPayment] = await paymentsOf(other.id)
    const { payment: otherDetail } = await detail(otherPayment.id)
    const refused = await settle(() => onDetail(payment.id, { intent: 'cancelAllocation', allocationId: String(otherDetail.allocations[0].id) }))
    expect((refused as Response).status).toBe(404)

    const response = await onDetail(payment.id, { intent: 'cancelAllocation', allocationId: String(allocation.id) })
    expect((response as Response).headers.get('location')).toBe(`/admin/payments/${payment.id}?allocationDeleted=1`)
    expect(await invoiceState(invoice.id)).toEqual({ status: 'OPEN', remainingCents: 1500 })
    expect((await detail(payment.id)).payment).toMatchObject({ allocations: [], unallocatedCents: 1500 })
    expect((await memberPage(member.id)).billing.balanceCents).toBe(0)
    expect((await detail(otherPayment.id)).payment.allocations).toHaveLength(1)
  })
})

describe('payments list', () => {
  test('filters by month, member (number or username) and unallocated money; 50 a page', async () => {
    const member = await insertMember()
    await insertInvoice(member.id, 1000, '2030-03-01')
    for (let day = 1; day <= 28; day++) await post(paymentForm({ member: String(member.id), amount: '1', date: `2031-04-${String(day).padStart(2, '0')}` }))
    for (let day = 1; day <= 27; day++) await post(paymentForm({ member: String(member.id), amount: '2', date: `2031-05-${String(day).padStart(2, '0')}` }))
    const other = await insertMember()
    await post(paymentForm({ member: String(other.id), amount: '3', date: '2031-04-15' }))
    const list = (query: string) => listLoader({ request: makeRequest(`/admin/payments?${query}`, { cookie }), params: {}, context: {} })

    const page1 = await list(`member=${member.username}`)
    expect(page1).toMatchObject({ total: 55, pageCount: 2, memberNotFound: false })
    expect(page1.payments).toHaveLength(50)
    expect(toIsoDate(page1.payments[0].date)).toBe('2031-05-27')
    expect(page1.payments[0]).toMatchObject({ memberId: member.id, username: member.username, method: 'TRANSFER', amountCents: 200, unallocatedCents: 200 })
    const page2 = await list(`member=${member.id}&page=2`)
    expect(page2.payments).toHaveLength(5)
    // The oldest ten 1 € payments paid the invoice: the last page is fully allocated.
    expect(page2.payments.map((p) => p.unallocatedCents)).toEqual([0, 0, 0, 0, 0])

    const april = await list(`member=${member.id}&month=2031-04`)
    expect(april.total).toBe(28)
    const unallocated = await list(`member=${member.id}&month=2031-04&unallocated=on`)
    expect(unallocated.total).toBe(18)
    expect(unallocated.payments.every((p) => p.unallocatedCents > 0)).toBe(true)
    const wholeMonth = await list('month=2031-04')
    expect(wholeMonth.payments.filter((p) => p.memberId === other.id)).toHaveLength(1)

    expect(await list('member=nobody-by-that-name')).toMatchObject({ memberNotFound: true, total: 0, payments: [] })
    expect((await list('month=2031-13&page=-2&unallocated=yes')).query).toEqual({ month: '', member: '', unallocated: false, page: 1 })
  })

  test('members get a 404 on the payment pages and record nothing', async () => {
    const { cookie: memberCookie, member } = await loginAs()
    const refused = await settle(() => newAction({ request: makeRequest('/admin/payments/new', { cookie: memberCookie, form: paymentForm({ member: String(member.id) }) }), params: {}, context: {} }))
    expect((refused as Response).status).toBe(404)
    expect(((await settle(() => listLoader({ request: makeRequest('/admin/payments', { cookie: memberCookie }), params: {}, context: {} }))) as Response).status).toBe(404)
    expect(await paymentsOf(member.id)).toEqual([])
  })
})
