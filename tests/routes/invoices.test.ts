import { createHash } from 'node:crypto'
import { beforeAll, describe, expect, test } from 'vitest'
import { getI18n } from '#app/i18n.ts'
import { parseQuantity, parseVatPercent } from '#app/models/invoice/invoice.schema.ts'
import { createDraft } from '#app/models/invoice/invoices.server.ts'
import { updateIspIdentity } from '#app/models/isp/settings.server.ts'
import { recordPayment } from '#app/models/payment/payments.server.ts'
import { action as detailAction, loader as detailLoader } from '#app/routes/admin.invoices.$invoiceId.tsx'
import { loader as adminPdfLoader } from '#app/routes/admin.invoices.$invoiceId[.pdf].tsx'
import { loader as listLoader } from '#app/routes/admin.invoices._index.tsx'
import { loader as csvLoader } from '#app/routes/admin.invoices[.csv].tsx'
import { action as newAction, loader as newLoader } from '#app/routes/admin.invoices.new.tsx'
import { loader as myInvoiceLoader } from '#app/routes/invoices.$invoiceId.tsx'
import { loader as myPdfLoader } from '#app/routes/invoices.$invoiceId[.pdf].tsx'
import { loader as myInvoicesLoader } from '#app/routes/invoices._index.tsx'
import { parseIsoDate, toIsoDate, today } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertDraftInvoice, insertValidatedInvoice } from '#tests/factories/invoice.ts'
import { insertMember, loginAs, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from './request.ts'

const d = (iso: string) => parseIsoDate(iso)!
const NUMBER = /^\d{4}-\d{2}-\d{6}$/
let staff: string
beforeAll(async () => {
  ;({ cookie: staff } = await loginAsStaff())
})

const args = (path: string, params: Record<string, string>, cookie: string, form?: Record<string, string>) =>
  ({ request: makeRequest(path, { cookie, form }), params, context: {} })
const status = (result: unknown) => (result as Response).status
const location = (result: unknown) => (result as Response).headers.get('location')

const detail = (id: number) => detailLoader(args(`/admin/invoices/${id}`, { invoiceId: String(id) }, staff))
const post = (id: number, form: Record<string, string>) => detailAction(args(`/admin/invoices/${id}`, { invoiceId: String(id) }, staff, form))
const lineForm = (overrides: Record<string, string> = {}) => ({ intent: 'addLine', label: 'VPN mars', unitPrice: '8,00', quantity: '1', vat: '0', ...overrides })
const linesOf = (invoiceId: number) =>
  prisma.invoiceLine.findMany({ where: { invoiceId }, orderBy: { id: 'asc' }, select: { id: true, label: true, unitCents: true, quantityHundredths: true, vatBasisPoints: true } })
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

describe('form parsers', () => {
  test('quantities are exact hundredths, positive, two decimals at most', () => {
    expect(['0,84', '0.84', '1', '2,5', '12 345,00'].map(parseQuantity)).toEqual([84, 84, 100, 250, 1234500])
    expect(['-1', 'abc', '0', '0,00', '1,234', '', '1e2'].map(parseQuantity)).toEqual([null, null, null, null, null, null, null])
  })

  test('VAT rates become basis points between 0 and 100 %', () => {
    expect(['20', '5,5', '2.10', '0', '100', '20 %'].map(parseVatPercent)).toEqual([2000, 550, 210, 0, 10000, 2000])
    expect(['100,01', '-5', 'abc', '5,555'].map(parseVatPercent)).toEqual([null, null, null, null])
  })
})

describe('member pages', () => {
  test('the billing page lists only the member\'s own validated invoices, with the balance', async () => {
    const { member, cookie } = await loginAs()
    const other = await insertMember()
    const mine = await insertValidatedInvoice({ memberId: member.id, lines: [{ unitCents: 800 }], today: d('2020-01-15') })
    const future = await insertValidatedInvoice({ memberId: member.id, lines: [{ unitCents: 500 }], today: d('2030-02-01') })
    await insertDraftInvoice({ memberId: member.id })
    await insertValidatedInvoice({ memberId: other.id })
    await recordPayment({ memberId: member.id, method: 'TRANSFER', amountCents: 300, date: d('2020-01-20') })
    const page = await myInvoicesLoader(args('/invoices', {}, cookie))
    expect(page.invoices.map((i) => i.id)).toEqual([future.id, mine.id])
    expect(page.balanceCents).toBe(-1000)
    const old = page.invoices.find((i) => i.id === mine.id)
    expect(old).toMatchObject({ number: mine.number, totalCents: 800, remainingCents: 500, status: 'OPEN', overdue: true })
    // What the balance says, in words.
    const t = getI18n('fr').getFixedT('fr', 'billing')
    expect(t('mine.owes', { amount: '10,00 €' })).toBe('Vous devez 10,00 €.')
  })

  test('another member\'s invoice and a draft are 404; the member\'s own shows its lines and payment reference', async () => {
    const { member, cookie } = await loginAs()
    const other = await insertMember()
    const foreign = await insertValidatedInvoice({ memberId: other.id })
    const draft = await insertDraftInvoice({ memberId: member.id })
    const own = await insertValidatedInvoice({ memberId: member.id, lines: [{ label: 'VPN', unitCents: 800, quantityHundredths: 84, periodFrom: d('2030-01-15'), periodTo: d('2030-03-31') }] })
    const load = (id: number | string) => settle(() => myInvoiceLoader(args(`/invoices/${id}`, { invoiceId: String(id) }, cookie)))
    expect(status(await load(foreign.id))).toBe(404)
    expect(status(await load(draft.id))).toBe(404)
    expect(status(await load('abc'))).toBe(404)
    const page = await myInvoiceLoader(args(`/invoices/${own.id}`, { invoiceId: String(own.id) }, cookie))
    expect(page.invoice).toMatchObject({ number: own.number, totalCents: 672, remainingCents: 672 })
    expect(page.invoice.lines[0]).toMatchObject({ quantityHundredths: 84, totalCents: 672, periodFrom: d('2030-01-15') })
    expect(page.invoice.seller).not.toHaveProperty('logo')
  })

  test('the PDF is the stored file: application/pdf, the invoice\'s filename, its sha256 as ETag; not another member\'s', async () => {
    const { member, cookie } = await loginAs()
    const other = await insertMember()
    const own = await insertValidatedInvoice({ memberId: member.id, withPdf: true })
    const foreign = await insertValidatedInvoice({ memberId: other.id, withPdf: true })
    const response = await myPdfLoader(args(`/invoices/${own.id}.pdf`, { invoiceId: String(own.id) }, cookie))
    expect(response.headers.get('content-type')).toBe('application/pdf')
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="Facture_${own.number}.pdf"`)
    expect(response.headers.get('cache-control')).toBe('private')
    const bytes = new Uint8Array(await response.arrayBuffer())
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-')
    const stored = await prisma.invoice.findUniqueOrThrow({ where: { id: own.id }, select: { pdfSha256: true } })
    expect(response.headers.get('etag')).toBe(`"${sha256(bytes)}"`)
    expect(stored.pdfSha256).toBe(sha256(bytes))
    const again = await myPdfLoader({ ...args(`/invoices/${own.id}.pdf`, { invoiceId: String(own.id) }, cookie), request: makeRequest(`/invoices/${own.id}.pdf`, { cookie, headers: { 'If-None-Match': `"${sha256(bytes)}"` } }) })
    expect(again.status).toBe(304)
    expect(status(await settle(() => myPdfLoader(args(`/invoices/${foreign.id}.pdf`, { invoiceId: String(foreign.id) }, cookie))))).toBe(404)
    // Staff download any invoice with the same headers.
    const staffCopy = await adminPdfLoader(args(`/admin/invoices/${foreign.id}.pdf`, { invoiceId: String(foreign.id) }, staff))
    expect(staffCopy.headers.get('content-disposition')).toBe(`attachment; filename="Facture_${foreign.number}.pdf"`)
    expect(staffCopy.headers.get('etag')).toMatch(/^"[0-9a-f]{64}"$/)
  })
})

describe('staff: drafts', () => {
  test('creates a draft for a member named by username, or prefilled by ?memberId=; an unknown member is a field error', async () => {
    const member = await insertMember({ firstName: 'Zoé', lastName: 'Facturée' })
    const created = await newAction(args('/admin/invoices/new', {}, staff, { member: member.username, dueDate: '' }))
    const id = Number(/^\/admin\/invoices\/(\d+)\?created=1$/.exec(location(created) ?? '')?.[1])
    expect(await prisma.invoice.findUniqueOrThrow({ where: { id }, select: { memberId: true, validated: true, dueDate: true } })).toEqual({ memberId: member.id, validated: false, dueDate: null })
    const unknown = unwrap(await newAction(args('/admin/invoices/new', {}, staff, { member: 'nobody-by-that-name' })))
    expect(unknown.status).toBe(400)
    expect(unknown.data.result.error).toEqual({ member: ['memberNotFound'] })
    const badDate = unwrap(await newAction(args('/admin/invoices/new', {}, staff, { member: String(member.id), dueDate: '2030-02-30' })))
    expect(badDate.data.result.error).toEqual({ dueDate: ['dateInvalid'] })
    const prefilled = await newLoader(args(`/admin/invoices/new?memberId=${member.id}`, {}, staff))
    expect(prefilled.member).toMatchObject({ id: member.id, name: 'Zoé Facturée' })
    expect(status(await settle(() => newLoader(args('/admin/invoices/new?memberId=999999999', {}, staff))))).toBe(404)
  })

  test('adds lines: 0,84 × 8,00 € is 6,72 €; the VAT defaults to the ISP\'s rate; a bad quantity is a field error and records nothing', async () => {
    const member = await insertMember()
    await updateIspIdentity({ defaultVatBasisPoints: 2000 })
    const { id } = await insertDraftInvoice({ memberId: member.id, lines: [] })
    expect(location(await post(id, lineForm({ quantity: '0,84' })))).toBe(`/admin/invoices/${id}?done=addLine`)
    const page = await detail(id)
    expect(page.defaultVat).toBe(2000)
    expect(page.invoice.label).toBe(`DRAFT-${id}`)
    expect(page.invoice.lines).toMatchObject([{ label: 'VPN mars', unitCents: 800, quantityHundredths: 84, vatBasisPoints: 0, totalCents: 672 }])
    expect(page.invoice.totalCents).toBe(672)
    for (const quantity of ['-1', 'abc']) {
      const refused = unwrap(await post(id, lineForm({ quantity })))
      expect(refused.status).toBe(400)
      expect(refused.data).toMatchObject({ formId: 'line', result: { error: { quantity: ['quantityInvalid'] } } })
    }
    const several = unwrap(await post(id, lineForm({ label: '', unitPrice: '-3', vat: '120', periodFrom: '2030-01-01' })))
    expect(several.data.result.error).toEqual({ label: ['required'], unitPrice: ['amountInvalid'], vat: ['vatInvalid'] })
    expect(await linesOf(id)).toHaveLength(1)
  })

  test('edits and deletes a line; a subscription of another member is refused on its field', async () => {
    const member = await insertMember()
    const other = await insertMember()
    const offer = await prisma.offer.create({ data: { name: 'VPN', reference: `VPN-${member.id}`, periodFeeCents: 800 }, select: { id: true } })
    const own = await prisma.subscription.create({ data: { memberId: member.id, offerId: offer.id, subscriptionDate: d('2030-01-01') }, select: { id: true } })
    const foreign = await prisma.subscription.create({ data: { memberId: other.id, offerId: offer.id, subscriptionDate: d('2030-01-01') }, select: { id: true } })
    const { id } = await insertDraftInvoice({ memberId: member.id, lines: [{ label: 'A' }, { label: 'B' }] })
    const [a, b] = await linesOf(id)
    expect((await detail(id)).subscriptions.map((s) => s.id)).toEqual([own.id])
    const edit = { ...lineForm({ label: 'A2', unitPrice: '10', quantity: '2', vat: '5,5', subscriptionId: String(own.id), periodFrom: '2030-01-01', periodTo: '2030-01-31' }), intent: 'updateLine', lineId: String(a.id) }
    expect(location(await post(id, edit))).toBe(`/admin/invoices/${id}?done=updateLine`)
    const refused = unwrap(await post(id, { ...edit, subscriptionId: String(foreign.id) }))
    expect(refused.data).toMatchObject({ formId: `line-${a.id}`, result: { error: { subscriptionId: ['subscriptionNotFound'] } } })
    const halfPeriod = unwrap(await post(id, { ...edit, periodTo: '' }))
    expect(halfPeriod.data.result.error).toEqual({ periodTo: ['periodIncomplete'] })
    expect(location(await post(id, { intent: 'deleteLine', lineId: String(b.id) }))).toBe(`/admin/invoices/${id}?done=deleteLine`)
    expect(await linesOf(id)).toEqual([{ id: a.id, label: 'A2', unitCents: 1000, quantityHundredths: 200, vatBasisPoints: 550 }])
    // The same period of the subscription cannot be billed twice.
    const second = await insertDraftInvoice({ memberId: member.id, lines: [] })
    const twice = unwrap(await post(second.id, lineForm({ subscriptionId: String(own.id), periodFrom: '2030-01-15', periodTo: '2030-02-14' })))
    expect(twice.status).toBe(409)
    expect(twice.data.result.error).toEqual({ periodFrom: ['periodAlreadyBilled'] })
  })

  test('validating numbers the invoice and stores its PDF; editing it afterwards is refused with a clear error and changes nothing', async () => {
    const member = await insertMember()
    const { id } = await insertDraftInvoice({ memberId: member.id, lines: [{ unitCents: 800, quantityHundredths: 84 }] })
    expect(location(await post(id, { intent: 'dueDate', dueDate: '2099-12-31' }))).toBe(`/admin/invoices/${id}?done=dueDate`)
    expect(location(await post(id, { intent: 'validate' }))).toBe(`/admin/invoices/${id}?done=validate`)
    const row = await prisma.invoice.findUniqueOrThrow({ where: { id }, select: { number: true, validated: true, date: true, dueDate: true, totalCents: true, pdfSha256: true } })
    expect(row).toMatchObject({ validated: true, date: today(), dueDate: d('2099-12-31'), totalCents: 672 })
    expect(row.number).toMatch(NUMBER)
    expect(row.number?.slice(0, 7)).toBe(toIsoDate(today()).slice(0, 7))
    expect(row.pdfSha256).toMatch(/^[0-9a-f]{64}$/)
    const [line] = await linesOf(id)
    const edit = unwrap(await post(id, { ...lineForm({ label: 'Changed', unitPrice: '1' }), intent: 'updateLine', lineId: String(line.id) }))
    expect(edit.status).toBe(409)
    expect(edit.data).toMatchObject({ formId: `line-${line.id}`, result: { error: { '': ['invoiceNotDraft'] } } })
    expect(unwrap(await post(id, lineForm())).data.result.error).toEqual({ '': ['invoiceNotDraft'] })
    expect(unwrap(await post(id, { intent: 'deleteLine', lineId: String(line.id) })).data.result.error).toEqual({ '': ['invoiceNotDraft'] })
    expect(unwrap(await post(id, { intent: 'deleteDraft' })).data.result.error).toEqual({ '': ['invoiceNotDraft'] })
    expect(unwrap(await post(id, { intent: 'validate' })).data.result.error).toEqual({ '': ['invoiceAlreadyValidated'] })
    expect(await linesOf(id)).toEqual([line])
    expect(getI18n('fr').getFixedT('fr', 'errors')('invoiceNotDraft')).toMatch(/ne peut plus être modifiée/)
    const page = await detail(id)
    expect(page).toMatchObject({ hasPdf: true, invoice: { number: row.number, status: 'OPEN', label: row.number } })
  })

  test('a draft with a zero total is not validated, with Coin\'s message; a draft can be deleted', async () => {
    const member = await insertMember()
    const { id } = await insertDraftInvoice({ memberId: member.id, lines: [] })
    const refused = unwrap(await post(id, { intent: 'validate' }))
    expect(refused.status).toBe(409)
    expect(refused.data).toMatchObject({ formId: 'validate', result: { error: { '': ['invoiceZeroTotal'] } } })
    expect(getI18n('fr').getFixedT('fr', 'errors')('invoiceZeroTotal')).toBe('Une facture validée ne peut pas avoir un total de 0 €.')
    expect(await prisma.invoice.findUniqueOrThrow({ where: { id }, select: { validated: true, number: true } })).toEqual({ validated: false, number: null })
    expect(location(await post(id, { intent: 'deleteDraft' }))).toBe('/admin/invoices?deleted=1')
    expect(await prisma.invoice.count({ where: { id } })).toBe(0)
    expect(status(await settle(() => detail(id)))).toBe(404)
  })
})

describe('staff: validated invoices', () => {
  test('when the PDF cannot be made (a logo stored before logos were checked at upload), validation says so instead of pretending all went well', async () => {
    const member = await insertMember()
    const brokenPng = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0])
    await updateIspIdentity({ logo: brokenPng, logoMimeType: 'image/png' })
    const { id } = await insertDraftInvoice({ memberId: member.id })
    expect(location(await post(id, { intent: 'validate' }))).toBe(`/admin/invoices/${id}?done=validate&pdfFailed=1`)
    expect((await detail(id)).hasPdf).toBe(false)
    await updateIspIdentity({ logo: null, logoMimeType: null })
  })

  test('a credit note larger than what is due is refused; a valid one gets an AV- number, its PDF, and lowers the remaining amount', async () => {
    const member = await insertMember()
    const invoice = await insertValidatedInvoice({ memberId: member.id, lines: [{ unitCents: 1250 }] })
    const tooLarge = unwrap(await post(invoice.id, { intent: 'creditNote', amount: '12,51', reason: '' }))
    expect(tooLarge.status).toBe(409)
    expect(tooLarge.data).toMatchObject({ formId: 'creditNote', result: { error: { '': ['creditTooLarge'] } } })
    expect(unwrap(await post(invoice.id, { intent: 'creditNote', amount: '0' })).data.result.error).toEqual({ amount: ['amountInvalid'] })
    const created = await post(invoice.id, { intent: 'creditNote', amount: '2,50', reason: 'Geste commercial' })
    const noteId = Number(/^\/admin\/invoices\/(\d+)\?done=creditNote$/.exec(location(created) ?? '')?.[1])
    const note = await prisma.invoice.findUniqueOrThrow({ where: { id: noteId }, select: { number: true, kind: true, totalCents: true, creditedInvoiceId: true, pdfSha256: true } })
    expect(note).toMatchObject({ kind: 'CREDIT_NOTE', totalCents: -250, creditedInvoiceId: invoice.id })
    expect(note.number).toMatch(/^AV-\d{4}-\d{2}-\d{6}$/)
    expect(note.pdfSha256).toMatch(/^[0-9a-f]{64}$/)
    const page = await detail(invoice.id)
    expect(page.invoice).toMatchObject({ dueCents: 1000, remainingCents: 1000, creditNotes: [{ id: noteId, number: note.number, totalCents: -250 }] })
    const pdf = await adminPdfLoader(args(`/admin/invoices/${noteId}.pdf`, { invoiceId: String(noteId) }, staff))
    expect(pdf.headers.get('content-disposition')).toBe(`attachment; filename="Avoir_${note.number}.pdf"`)
    // A credit note is not credited again.
    expect(unwrap(await post(noteId, { intent: 'creditNote', amount: '1' })).data.result.error).toEqual({ '': ['invoiceNotCreditable'] })
  })

  test('marks an invoice disputed and back; the page lists its payments', async () => {
    const member = await insertMember()
    const invoice = await insertValidatedInvoice({ memberId: member.id, lines: [{ unitCents: 1000 }] })
    const payment = await recordPayment({ memberId: member.id, method: 'CHEQUE', amountCents: 400, date: today() })
    expect(location(await post(invoice.id, { intent: 'dispute' }))).toBe(`/admin/invoices/${invoice.id}?done=dispute`)
    expect((await detail(invoice.id)).invoice.status).toBe('TROUBLE')
    expect(location(await post(invoice.id, { intent: 'undispute' }))).toBe(`/admin/invoices/${invoice.id}?done=undispute`)
    const page = await detail(invoice.id)
    expect(page.invoice).toMatchObject({ status: 'OPEN', paidCents: 400, remainingCents: 600 })
    expect(page.invoice.allocations).toMatchObject([{ amountCents: 400, payment: { id: payment.id, method: 'CHEQUE' } }])
    const draft = await insertDraftInvoice({ memberId: member.id })
    expect(unwrap(await post(draft.id, { intent: 'dispute' })).data.result.error).toEqual({ '': ['invoiceNotPayable'] })
    expect(unwrap(await post(invoice.id, { intent: 'bogus' })).status).toBe(400)
    expect(unwrap(await post(999999999, { intent: 'validate' })).status).toBe(404)
  })
})

describe('staff: list and export', () => {
  test('filters by status, month, member and overdue, with the totals of the whole filtered list', async () => {
    const member = await insertMember()
    const overdue = await insertValidatedInvoice({ memberId: member.id, lines: [{ unitCents: 1000 }], today: d('2021-03-10') })
    const paid = await insertValidatedInvoice({ memberId: member.id, lines: [{ unitCents: 500 }], today: d('2021-03-20') })
    await recordPayment({ memberId: member.id, method: 'CASH', amountCents: 500, date: d('2021-03-21'), forcedInvoiceId: paid.id })
    await recordPayment({ memberId: member.id, method: 'TRANSFER', amountCents: 700, date: d('2021-03-22') })
    const later = await insertValidatedInvoice({ memberId: member.id, lines: [{ unitCents: 2000 }], today: d('2021-04-02'), dueDate: d('2099-01-01') })
    const draft = await insertDraftInvoice({ memberId: member.id })
    const list = (query: string) => listLoader(args(`/admin/invoices?member=${member.username}&${query}`, {}, staff))
    const ids = async (query: string) => (await list(query)).invoices.map((i) => i.id)
    // Drafts first, then newest first.
    expect(await ids('')).toEqual([draft.id, later.id, paid.id, overdue.id])
    expect(await ids('status=DRAFT')).toEqual([draft.id])
    expect(await ids('status=CLOSED')).toEqual([paid.id])
    expect(await ids('status=OPEN')).toEqual([later.id, overdue.id])
    expect(await ids('month=2021-03')).toEqual([paid.id, overdue.id])
    expect(await ids('overdue=on')).toEqual([overdue.id])
    // 500 paid the forced invoice, then 700 went to the oldest open one.
    const all = await list('')
    expect(all.totals).toEqual({ count: 4, totalCents: 3500, remainingCents: 2300 })
    expect(all.invoices[0]).toMatchObject({ label: `DRAFT-${draft.id}`, validated: false })
    expect((await list('status=OPEN')).totals).toEqual({ count: 2, totalCents: 3000, remainingCents: 2300 })
    expect((await list('overdue=on')).invoices).toMatchObject([{ id: overdue.id, overdue: true, remainingCents: 300 }])
    expect(all.pageCount).toBe(1)
    expect(all.member).toMatchObject({ id: member.id })
    const fallback = await listLoader(args('/admin/invoices?status=BOGUS&month=2021-13&page=-1&member=nobody-by-that-name', {}, staff))
    expect(fallback).toMatchObject({ memberUnknown: true, invoices: [], query: { status: undefined, month: undefined, page: 1, overdue: false } })
  })

  test('pages hold 50 invoices; the totals count the whole filtered list', async () => {
    const member = await insertMember()
    const drafts = []
    for (let i = 0; i < 51; i += 1) drafts.push(await createDraft({ memberId: member.id }))
    const first = await listLoader(args(`/admin/invoices?member=${member.id}`, {}, staff))
    expect(first).toMatchObject({ pageCount: 2, totals: { count: 51, totalCents: 0, remainingCents: 0 } })
    expect(first.invoices).toHaveLength(50)
    const second = await listLoader(args(`/admin/invoices?member=${member.id}&page=2`, {}, staff))
    expect(second.invoices.map((i) => i.id)).toEqual([drafts[0].id])
  })

  test('the CSV export has the same filters, amounts with a comma, drafts by label', async () => {
    const member = await insertMember({ firstName: 'Camille', lastName: 'Export' })
    const invoice = await insertValidatedInvoice({ memberId: member.id, lines: [{ unitCents: 1250 }], today: d('2022-05-10') })
    await insertValidatedInvoice({ memberId: member.id, lines: [{ unitCents: 999 }], today: d('2022-06-10') })
    const draft = await insertDraftInvoice({ memberId: member.id })
    const response = await csvLoader(args(`/admin/invoices.csv?member=${member.id}&month=2022-05`, {}, staff))
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="factures-\d{4}-\d{2}-\d{2}\.csv"$/)
    const bytes = new Uint8Array(await response.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(new TextDecoder().decode(bytes).split('\r\n')).toEqual([
      '"Numéro";"Type";"État";"Date";"Échéance";"Identifiant";"Membre";"Montant TTC";"Reste à payer"',
      `"${invoice.number}";"Facture";"À payer";"2022-05-10";"2022-06-09";"${member.username}";"Camille Export";"12,50";"12,50"`,
      '',
    ])
    const drafts = await (await csvLoader(args(`/admin/invoices.csv?member=${member.id}&status=DRAFT`, {}, staff))).text()
    expect(drafts).toContain(`"DRAFT-${draft.id}";"Facture";"Brouillon";`)
  })
})
