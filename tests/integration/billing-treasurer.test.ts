import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { simpleParser } from 'mailparser'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { formatChargeSummary } from '#cli/charge-subscriptions.ts'
import { fileTransport } from '#app/integrations/smtp/transport.server.ts'
import { deliverDueEmails } from '#app/models/email/outbox.server.ts'
import { chargeSubscriptions } from '#app/models/invoice/charge.server.ts'
import { createCreditNote, setInvoiceDisputed, validateDraft } from '#app/models/invoice/invoices.server.ts'
import { getInvoicePdf, invoicesMissingPdf, storeMissingPdfs } from '#app/models/invoice/pdf.server.ts'
import { updateIspIdentity } from '#app/models/isp/settings.server.ts'
import { cancelAllocation, deletePayment, recordPayment } from '#app/models/payment/payments.server.ts'
import { loader as overviewLoader } from '#app/routes/admin._index.tsx'
import { action as invoiceAction } from '#app/routes/admin.invoices.$invoiceId.tsx'
import { action as paymentAction } from '#app/routes/admin.payments.$paymentId.tsx'
import { loader as csvLoader } from '#app/routes/admin.invoices[.csv].tsx'
import { loader as myInvoiceLoader } from '#app/routes/invoices.$invoiceId.tsx'
import { parseIsoDate, toIsoDate, today } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertDraftInvoice, insertValidatedInvoice } from '#tests/factories/invoice.ts'
import { insertMember, loginAs, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, unwrap } from '#tests/routes/request.ts'
import { pdfText } from './pdf-text.ts'

const d = (iso: string) => parseIsoDate(iso)!
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
/** A 4×4 dark blue PNG. */
const TINY_PNG = new Uint8Array(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGNQcGiAIwbiOABmQw4BvCqhbgAAAABJRU5ErkJggg==', 'base64'))

let staff: { id: number; cookie: string }
beforeAll(async () => {
  const { member, cookie } = await loginAsStaff()
  staff = { id: member.id, cookie }
  await updateIspIdentity({
    name: 'Illyse', address: '12 rue de l’Église', postalCode: '69001', city: 'Lyon', iban: 'FR7630004000031234567890143', bic: 'BNPAFRPPXXX',
    vatMention: 'TVA non applicable, art. 293 B du CGI',
  })
})

const onInvoicePage = (id: number, form: Record<string, string>) =>
  invoiceAction({ request: makeRequest(`/admin/invoices/${id}`, { cookie: staff.cookie, form }), params: { invoiceId: String(id) }, context: {} })
const numberOf = async (id: number) => (await prisma.invoice.findUniqueOrThrow({ where: { id }, select: { number: true } })).number
const statusOf = async (id: number) => (await prisma.invoice.findUniqueOrThrow({ where: { id }, select: { status: true } })).status

/** An invoice as the import from the original Coin will write it: validated, numbered, frozen. */
function insertStoredInvoice(memberId: number, number: string, date: string) {
  return prisma.$executeRaw`
    INSERT INTO "Invoice" ("memberId", date, validated, "validatedAt", number, "totalCents", seller, "updatedAt")
    VALUES (${memberId}, ${d(date)}::date, true, now(), ${number}, 1000, '{"name":"Illyse"}'::jsonb, now())`
}

/**
 * Ends the subscriptions earlier tests left running and stores the PDFs they left missing, so a
 * run's summary counts only what the test at hand set up.
 */
async function quietBilling() {
  await prisma.$executeRaw`UPDATE "Subscription" SET "resignDate" = "subscriptionDate" WHERE "resignDate" IS NULL`
  await storeMissingPdfs(await invoicesMissingPdf())
}

async function offer(reference: string, overrides: { periodFeeCents?: number; initialFeeCents?: number } = {}) {
  return prisma.offer.create({ data: { name: reference, reference, periodFeeCents: 800, ...overrides }, select: { id: true } })
}

describe('invoice numbers after numbers the counter did not hand out', () => {
  test('a validated YYYY-MM-000007 inserted by SQL: the page, then the charge run, then a credit note continue after it', async () => {
    const month = toIsoDate(today()).slice(0, 7)
    const member = await insertMember()
    await insertStoredInvoice(member.id, `${month}-000007`, `${month}-01`)
    // Other schemes, drafts' labels and other months do not count.
    await insertStoredInvoice(member.id, `${month.replace('-', '')}-01-a3f2c`, `${month}-01`)
    await insertStoredInvoice(member.id, `1999-01-000050`, '1999-01-15')
    await insertStoredInvoice(member.id, `AV-${month}-000004`, `${month}-01`)

    const draft = await insertDraftInvoice({ memberId: member.id })
    expect((await onInvoicePage(draft.id, { intent: 'validate' }) as Response).headers.get('location')).toBe(`/admin/invoices/${draft.id}?done=validate`)
    expect(await numberOf(draft.id)).toBe(`${month}-000008`)

    // A number written behind the counter's back while it stands at 8.
    await insertStoredInvoice(member.id, `${month}-000009`, `${month}-01`)
    const vpn = await offer('NUM-VPN')
    const subscriber = await insertMember()
    await prisma.subscription.create({ data: { memberId: subscriber.id, offerId: vpn.id, subscriptionDate: d('2020-01-01') } })
    const run = await chargeSubscriptions({ date: today(), today: today(), paymentDelayDays: 30 })
    expect(run).toMatchObject({ invoices: 1, firstNumber: `${month}-000010`, lastNumber: `${month}-000010` })

    const response = await onInvoicePage(draft.id, { intent: 'creditNote', amount: '2', reason: 'Geste' }) as Response
    const noteId = Number(/\/admin\/invoices\/(\d+)/.exec(response.headers.get('location')!)![1])
    expect(await numberOf(noteId)).toBe(`AV-${month}-000005`)
  })
})

describe('an invoice keeps the identities it was issued with', () => {
  test('moved member, renamed ISP, logo removed: the PDF rendered again is byte-identical, and the pages and the CSV show what was issued', async () => {
    await updateIspIdentity({ logo: TINY_PNG, logoMimeType: 'image/png' })
    const { member, cookie } = await loginAs({ firstName: 'Élodie', lastName: 'Dupré' })
    await prisma.member.update({ where: { id: member.id }, data: { address: '3 chemin des Écureuils', postalCode: '01460', city: 'Montréal-la-Cluse' } })
    const invoice = await insertValidatedInvoice({ memberId: member.id, today: d('2043-05-10'), withPdf: true })
    const issued = (await getInvoicePdf(invoice.id))!.pdf

    await prisma.member.update({ where: { id: member.id }, data: { firstName: 'Élo', address: '8 rue Neuve', postalCode: '75011', city: 'Paris' } })
    await updateIspIdentity({ name: 'Illyse SCIC', address: '1 place Bellecour', logo: null, logoMimeType: null })
    // Throw the stored PDF away (the table refuses it to Coin; a superuser can), then download again.
    await prisma.$transaction([
      prisma.$executeRaw`ALTER TABLE "Invoice" DISABLE TRIGGER invoice_frozen`,
      prisma.$executeRaw`UPDATE "Invoice" SET pdf = NULL, "pdfSha256" = NULL WHERE id = ${invoice.id}`,
      prisma.$executeRaw`ALTER TABLE "Invoice" ENABLE TRIGGER invoice_frozen`,
    ])
    const again = (await getInvoicePdf(invoice.id))!.pdf
    expect(sha(again)).toBe(sha(issued))
    const text = await pdfText(again)
    expect(text).toContain('3 chemin des Écureuils')
    expect(text).toContain('Illyse')
    expect(text).not.toContain('Paris')
    expect(text).not.toContain('Bellecour')

    const page = await myInvoiceLoader({ request: makeRequest(`/invoices/${invoice.id}`, { cookie }), params: { invoiceId: String(invoice.id) }, context: {} })
    expect(page.invoice.buyer).toMatchObject({ name: 'Élodie Dupré', address: '3 chemin des Écureuils', city: 'Montréal-la-Cluse' })
    expect(page.invoice.seller).toMatchObject({ name: 'Illyse', address: '12 rue de l’Église' })
    const csv = await (await csvLoader({ request: makeRequest('/admin/invoices.csv?month=2043-05', { cookie: staff.cookie }), params: {}, context: {} })).text()
    expect(csv).toContain('Élodie Dupré')
    expect(csv).not.toContain('Élo Dupré')

    // The database keeps the snapshot frozen.
    await expect(prisma.$executeRaw`UPDATE "Invoice" SET buyer = '{}'::jsonb WHERE id = ${invoice.id}`).rejects.toThrow(/cannot be changed/)
    await updateIspIdentity({ name: 'Illyse', address: '12 rue de l’Église' })
  })
})

describe('the mentions each invoice needs', () => {
  test('VAT charged: totals per rate with their base, the VAT number, no 293 B mention', async () => {
    await updateIspIdentity({ vatNumber: 'FR40123456824' })
    const member = await insertMember()
    const invoice = await insertValidatedInvoice({
      memberId: member.id, today: d('2043-06-01'), withPdf: true,
      lines: [{ label: 'Routeur', unitCents: 10000, vatBasisPoints: 2000 }, { label: 'Presse', unitCents: 1000, vatBasisPoints: 550 }, { label: 'Cotisation', unitCents: 1500 }],
    })
    const text = await pdfText((await getInvoicePdf(invoice.id))!.pdf)
    expect(text).toMatch(/Total HT 125,00\s€/)
    expect(text).toMatch(/TVA 5,5\s% sur 10,00\s€ 0,55\s€/)
    expect(text).toMatch(/TVA 20\s% sur 100,00\s€ 20,00\s€/)
    expect(text).toMatch(/Total TTC 145,55\s€/)
    expect(text).toContain('N° de TVA intracommunautaire : FR40123456824')
    expect(text).not.toContain('293 B')
  })

  test('no VAT: the total alone and the 293 B mention; an organisation is told of the 40 € indemnity, a person is not', async () => {
    const person = await insertMember()
    const organisation = await insertMember({ type: 'LEGAL_ENTITY', organizationName: 'Mairie de Saint-Genis' })
    const forPerson = await pdfText((await getInvoicePdf((await insertValidatedInvoice({ memberId: person.id, today: d('2043-06-02') })).id))!.pdf)
    const forOrganisation = await pdfText((await getInvoicePdf((await insertValidatedInvoice({ memberId: organisation.id, today: d('2043-06-02') })).id))!.pdf)
    expect(forPerson).toContain('TVA non applicable, art. 293 B du CGI')
    expect(forPerson).not.toContain('Total HT')
    expect(forPerson).not.toContain('N° de TVA')
    expect(forPerson).not.toContain('40 €')
    expect(forOrganisation).toContain('Mairie de Saint-Genis')
    expect(forOrganisation).toMatch(/indemnité forfaitaire pour frais de recouvrement de 40\s€ \(articles L441-10 et D441-5 du Code de commerce\)/)
  })

  test('a credit note names the invoice it corrects by number and date', async () => {
    const member = await insertMember()
    const invoice = await insertValidatedInvoice({ memberId: member.id, today: d('2043-07-04') })
    const note = await createCreditNote({ invoiceId: invoice.id, amountCents: 300, reason: '', today: d('2043-07-20'), paymentDelayDays: 30 })
    expect(await pdfText((await getInvoicePdf(note.id))!.pdf)).toContain(`Avoir sur la facture ${invoice.number} du 04/07/2043`)
  })
})

describe('the monthly run bills as Coin bills', () => {
  test('a single day (from the 31st, or resigned on the 1st) makes no line; the set-up fee is still billed, alone', async () => {
    await quietBilling()
    const plain = await offer('DAY-VPN')
    const withFee = await offer('DAY-ADSL', { initialFeeCents: 3000 })
    const [a, b, c] = [await insertMember(), await insertMember(), await insertMember()]
    await prisma.subscription.createMany({
      data: [
        { memberId: a.id, offerId: plain.id, subscriptionDate: d('2044-01-31') },
        { memberId: b.id, offerId: withFee.id, subscriptionDate: d('2044-01-31') },
        { memberId: c.id, offerId: plain.id, subscriptionDate: d('2044-02-01'), resignDate: d('2044-03-01') },
      ],
    })
    const billing = (date: string) => chargeSubscriptions({ date: d(date), today: d(date), paymentDelayDays: 30 })
    const linesOf = (memberId: number) => prisma.invoiceLine.findMany({ where: { invoice: { memberId } }, orderBy: { id: 'asc' }, select: { isSetupFee: true, periodFrom: true, quantityHundredths: true } })

    expect(await billing('2044-01-31')).toMatchObject({ invoices: 1, totalCents: 3000, pdfs: 1 })
    expect(await linesOf(a.id)).toEqual([])
    expect(await linesOf(b.id)).toEqual([{ isSetupFee: true, periodFrom: null, quantityHundredths: 100 }])

    expect(await billing('2044-02-29')).toMatchObject({ invoices: 3, totalCents: 3 * 800 })
    expect((await linesOf(b.id)).map((l) => l.isSetupFee)).toEqual([true, false])

    const march = await billing('2044-03-31')
    expect(march).toMatchObject({ invoices: 2 })
    expect(await linesOf(c.id)).toHaveLength(1)
  })

  test('a staff draft holding a period: the run skips that subscription, names the member and the draft, and the overview lists old drafts', async () => {
    await quietBilling()
    const vpn = await offer('DRAFT-VPN')
    const member = await insertMember()
    const subscription = await prisma.subscription.create({ data: { memberId: member.id, offerId: vpn.id, subscriptionDate: d('2044-01-01') }, select: { id: true } })
    const draft = await insertDraftInvoice({ memberId: member.id, lines: [{ label: 'VPN avril', subscriptionId: subscription.id, periodFrom: d('2044-04-01'), periodTo: d('2044-04-30') }] })

    const run = await chargeSubscriptions({ date: d('2044-04-15'), today: d('2044-04-15'), paymentDelayDays: 30 })
    expect(run.skipped.heldByDraft).toBe(1)
    expect(run.heldByDrafts).toEqual([{ memberId: member.id, username: member.username, draftId: draft.id, draft: `DRAFT-${draft.id}` }])
    expect(formatChargeSummary(run, 1)).toContain(`${member.username}: DRAFT-${draft.id} (/admin/invoices/${draft.id})`)
    expect(await prisma.invoice.count({ where: { memberId: member.id, validated: true } })).toBe(0)

    await prisma.invoice.update({ where: { id: draft.id }, data: { createdAt: new Date(Date.now() - 8 * 86_400_000) } })
    const overview = unwrap(await overviewLoader({ request: makeRequest('/admin', { cookie: staff.cookie }), params: {}, context: {} })).data
    expect(overview.staleDrafts).toEqual(expect.arrayContaining([expect.objectContaining({ id: draft.id, label: `DRAFT-${draft.id}`, member: { id: member.id, username: member.username } })]))
  })
})

describe('invoice emails say what is due when they are sent', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'coin-invoice-mail-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  /** Sends what is due through the file transport and returns the plain-text bodies written, by recipient. */
  async function send() {
    const transport = fileTransport(dir)
    const result = await deliverDueEmails({ transport })
    transport.close()
    const files = await readdir(dir).catch(() => [])
    const mails = await Promise.all(files.map(async (file) => simpleParser(await readFile(path.join(dir, file)))))
    await rm(dir, { recursive: true, force: true })
    return { result, byAddress: new Map(mails.map((m) => [m.to && !Array.isArray(m.to) ? m.to.value[0].address : '', m.text ?? ''])) }
  }

  test('credit pays the whole invoice: the email asks for nothing; a part: it asks for the rest; none: all, with the reference', async () => {
    await quietBilling()
    await prisma.emailMessage.deleteMany({})
    const vpn = await offer('MAIL-VPN', { periodFeeCents: 1000 })
    const [rich, some, none, prompt] = [await insertMember(), await insertMember(), await insertMember(), await insertMember()]
    for (const m of [rich, some, none, prompt]) await prisma.subscription.create({ data: { memberId: m.id, offerId: vpn.id, subscriptionDate: d('2045-01-01') } })
    await recordPayment({ memberId: rich.id, method: 'TRANSFER', amountCents: 2500, date: d('2044-12-20') })
    await recordPayment({ memberId: some.id, method: 'TRANSFER', amountCents: 300, date: d('2044-12-20') })

    const run = await chargeSubscriptions({ date: d('2045-01-31'), today: d('2045-01-31'), paymentDelayDays: 30 })
    expect(run).toMatchObject({ invoices: 4, pdfs: 4 })
    // A member who pays between the invoice and its email is thanked, not told of a credit.
    await recordPayment({ memberId: prompt.id, method: 'TRANSFER', amountCents: 1000, date: d('2045-02-01') })
    const { result, byAddress } = await send()
    expect(result).toMatchObject({ sent: 4, failed: 0 })
    expect(byAddress.get(prompt.email)).toMatch(/Elle est déjà réglée, merci\s: vous n’avez rien à payer\./)
    expect(byAddress.get(prompt.email)).not.toContain('crédit')
    const richText = byAddress.get(rich.email)!
    expect(richText).toContain('Elle est déjà réglée par votre crédit')
    expect(richText).not.toContain('IBAN')
    const someText = byAddress.get(some.email)!
    expect(someText).toMatch(/Votre crédit en a déjà réglé 3,00\s€\s: il reste 7,00\s€ à payer/)
    expect(someText).toContain('FR7630004000031234567890143')
    const noneText = byAddress.get(none.email)!
    expect(noneText).toMatch(/Merci de régler 10,00\s€ avant le/)
    const invoice = await prisma.invoice.findFirstOrThrow({ where: { memberId: none.id }, select: { number: true } })
    expect(noneText).toContain(invoice.number!)
  })

  test('a validated invoice\'s email waits for its PDF instead of rendering it a second time', async () => {
    await prisma.emailMessage.deleteMany({})
    const member = await insertMember()
    const { id } = await insertDraftInvoice({ memberId: member.id })
    await validateDraft({ id, today: d('2045-02-03'), paymentDelayDays: 30, actorId: staff.id })
    expect((await send()).result).toMatchObject({ sent: 0 })
    expect(await storeMissingPdfs([id])).toBe(1)
    expect((await send()).result).toMatchObject({ sent: 1 })
  })
})

describe('payments, disputes and the trail', () => {
  const pay = (memberId: number, amountCents: number, extra: { forcedInvoiceId?: number } = {}) =>
    recordPayment({ memberId, method: 'TRANSFER', amountCents, date: d('2046-02-01'), actorId: staff.id, ...extra })
  const allocationsOf = (paymentId: number) => prisma.paymentAllocation.findMany({ where: { paymentId }, select: { id: true, invoiceId: true, amountCents: true } })

  test('a payment forced onto a disputed invoice pays it, and the invoice is closed; others leave it alone', async () => {
    const member = await insertMember()
    const disputed = await insertValidatedInvoice({ memberId: member.id, today: d('2046-01-05') })
    await setInvoiceDisputed({ id: disputed.id, disputed: true, actorId: staff.id })
    await pay(member.id, 500)
    expect(await statusOf(disputed.id)).toBe('TROUBLE')
    const forced = await pay(member.id, 800, { forcedInvoiceId: disputed.id })
    expect(await allocationsOf(forced.id)).toEqual([expect.objectContaining({ invoiceId: disputed.id, amountCents: 800 })])
    expect(await statusOf(disputed.id)).toBe('CLOSED')
    // A settled invoice has nothing left to dispute: refused, nothing logged.
    const logged = () => prisma.auditEntry.count({ where: { entity: 'invoice', entityId: disputed.id, action: 'invoice.dispute' } })
    expect(await logged()).toBe(1)
    await expect(setInvoiceDisputed({ id: disputed.id, disputed: true, actorId: staff.id })).rejects.toMatchObject({ code: 'INVOICE_SETTLED' })
    expect(await statusOf(disputed.id)).toBe('CLOSED')
    expect(await logged()).toBe(1)
    // The allocation the forced payment made is in the log too, under the staff member who recorded it.
    expect(await prisma.auditEntry.findMany({ where: { entity: 'allocation', action: 'allocation.create', memberId: member.id }, select: { actorId: true, after: true } }))
      .toEqual([{ actorId: staff.id, after: { paymentId: forced.id, invoiceId: disputed.id, amountCents: 800 } }])
  })

  test('money taken off an invoice never goes straight back; it moves where staff say; the payment\'s life is in the audit log', async () => {
    const member = await insertMember()
    const first = await insertValidatedInvoice({ memberId: member.id, today: d('2046-01-10') })
    const second = await insertValidatedInvoice({ memberId: member.id, today: d('2046-01-20') })
    const payment = await pay(member.id, 800)
    const [allocation] = await allocationsOf(payment.id)
    expect(allocation.invoiceId).toBe(first.id)

    await cancelAllocation({ id: allocation.id, paymentId: payment.id, actorId: staff.id })
    expect(await statusOf(first.id)).toBe('OPEN')
    // Another payment and a new invoice reconcile the account: the money does not return to the first invoice.
    const other = await pay(member.id, 100)
    await insertValidatedInvoice({ memberId: member.id, today: d('2046-02-10') })
    expect((await allocationsOf(payment.id)).map((a) => a.invoiceId)).not.toContain(first.id)
    expect(await allocationsOf(other.id)).toEqual([expect.objectContaining({ invoiceId: first.id, amountCents: 100 })])

    const [onSecond] = await allocationsOf(payment.id)
    expect(onSecond.invoiceId).toBe(second.id)
    await cancelAllocation({ id: onSecond.id, paymentId: payment.id, moveToInvoiceId: first.id, actorId: staff.id })
    // The first invoice takes what it still owes (7 €); the rest pays the oldest open invoice but the second.
    const moved = await allocationsOf(payment.id)
    expect(moved).toEqual([expect.objectContaining({ invoiceId: first.id, amountCents: 700 }), expect.objectContaining({ amountCents: 100 })])
    expect(moved.map((a) => a.invoiceId)).not.toContain(second.id)
    expect(await statusOf(second.id)).toBe('OPEN')
    await expect(cancelAllocation({ id: moved[0].id, paymentId: payment.id, moveToInvoiceId: first.id })).rejects.toMatchObject({ code: 'MOVE_TO_SAME_INVOICE' })

    await deletePayment({ id: payment.id, actorId: staff.id })
    const trail = await prisma.auditEntry.findMany({ where: { entity: 'payment', entityId: payment.id }, orderBy: { id: 'asc' }, select: { actorId: true, action: true, memberId: true, before: true, after: true } })
    expect(trail.map((e) => e.action)).toEqual(['payment.create', 'allocation.cancel', 'allocation.move', 'payment.delete'])
    expect(trail.every((e) => e.actorId === staff.id && e.memberId === member.id)).toBe(true)
    expect(trail[0].after).toMatchObject({ amountCents: 800, method: 'TRANSFER', date: '2046-02-01' })
    expect(trail[1]).toMatchObject({ before: { invoice: first.number, amountCents: 800 }, after: { credit: true } })
    expect(trail[2]).toMatchObject({ before: { invoice: second.number }, after: { invoice: first.number, allocations: moved.map(({ invoiceId, amountCents }) => ({ invoiceId, amountCents })) } })
    expect(trail[3].before).toMatchObject({ amountCents: 800 })
    // The invoice's own history shows the money taken off it.
    expect(await prisma.auditEntry.count({ where: { entity: 'invoice', entityId: first.id, action: 'allocation.cancel' } })).toBe(1)
  })

  test('credit left on a payment is put on the invoice staff choose, from the payment page, even one it was taken off', async () => {
    const member = await insertMember()
    const invoice = await insertValidatedInvoice({ memberId: member.id, today: d('2046-03-01') })
    const payment = await pay(member.id, 800)
    const [allocation] = await allocationsOf(payment.id)
    await cancelAllocation({ id: allocation.id, paymentId: payment.id, actorId: staff.id })
    expect(await allocationsOf(payment.id)).toEqual([])
    const onPage = (form: Record<string, string>) =>
      paymentAction({ request: makeRequest(`/admin/payments/${payment.id}`, { cookie: staff.cookie, form }), params: { paymentId: String(payment.id) }, context: {} })
    const response = await onPage({ intent: 'allocateCredit', invoiceId: String(invoice.id) }) as Response
    expect(response.headers.get('location')).toBe(`/admin/payments/${payment.id}?allocationMoved=1`)
    expect(await allocationsOf(payment.id)).toEqual([expect.objectContaining({ invoiceId: invoice.id, amountCents: 800 })])
    expect(await statusOf(invoice.id)).toBe('CLOSED')
    // Nothing left to put anywhere: said, not a 500.
    const again = unwrap(await onPage({ intent: 'allocateCredit', invoiceId: String(invoice.id) }))
    expect(again.status).toBe(409)
    expect(again.data.result.error['']).toEqual(['nothingToAllocate'])
  })
})
