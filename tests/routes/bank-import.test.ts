import { createHash } from 'node:crypto'
import { faker } from '@faker-js/faker'
import { beforeAll, describe, expect, test } from 'vitest'
import { validateDraft } from '#app/models/invoice/invoices.server.ts'
import { findBankStatement, storeBankStatement } from '#app/models/payment/bank-import-statements.server.ts'
import { action, loader } from '#app/routes/admin.payments.import.tsx'
import { parseIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember, loginAs, loginAsStaff } from '#tests/factories/member.ts'
import { settle, unwrap } from './request.ts'

let cookie: string
let staffId: number
beforeAll(async () => {
  ;({ cookie, member: { id: staffId } } = await loginAsStaff())
})

const unique = () => faker.string.alphanumeric({ length: 6, casing: 'upper' })

/** The multipart POST a browser sends for the upload form; `file` is left empty when absent, as browsers do. */
function post(fields: Record<string, string>, file?: { bytes: Uint8Array<ArrayBuffer> | string; name?: string }, as = cookie) {
  const body = new FormData()
  body.append('file', new Blob(file ? [file.bytes] : [], { type: file ? 'text/csv' : 'application/octet-stream' }), file ? file.name ?? 'releve.csv' : '')
  for (const [name, value] of Object.entries({ encoding: 'utf-8', delimiter: '', columns: '', ...fields })) body.append(name, value)
  const request = new Request('http://localhost/admin/payments/import', { method: 'POST', body, headers: { Cookie: as } })
  return settle(() => action({ request, params: {}, context: {} }))
}

/** The GET of the page at `path` (a preview's address, or a page of one of its sections). */
function get(path: string, as = cookie) {
  const request = new Request(new URL(path, 'http://localhost/admin/payments/import'), { headers: { Cookie: as } })
  return settle(() => loader({ request, params: {}, context: {} }))
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex')

/** Posts a preview: the answer is a redirect to the preview's address, which is then shown. */
async function preview(fields: Record<string, string>, file?: { bytes: Uint8Array<ArrayBuffer> | string; name?: string }) {
  const answer = await post({ intent: 'preview', ...fields }, file)
  expect(answer).toBeInstanceOf(Response)
  const location = (answer as Response).headers.get('Location')!
  expect((answer as Response).status).toBe(302)
  return { location, page: unwrap(await get(location)) }
}

type Section = { key: string; count: number; page: number; pageCount: number; lines: { lineNumber: number; reason: string | null; member: { name: string } | null }[] }
const sectionsOf = (data: { view: { report: { sections: Section[] } } }) =>
  Object.fromEntries(data.view.report.sections.map((s) => [s.key, { count: s.count, page: s.page, pageCount: s.pageCount, shown: s.lines.length, first: s.lines[0]?.lineNumber }]))

/** A member with a subscription and an open invoice of 20 €; its statement lines. */
async function scene() {
  const member = await insertMember({ firstName: 'Chloé', lastName: 'Petit', status: 'MEMBER' })
  const offer = await prisma.offer.create({ data: { name: 'VPN', reference: `R${unique()}`, periodFeeCents: 2000 }, select: { id: true, reference: true } })
  const sub = await prisma.subscription.create({ data: { memberId: member.id, offerId: offer.id, subscriptionDate: parseIsoDate('2030-01-01')! }, select: { id: true } })
  const { id: invoiceId } = await prisma.invoice.create({ data: { memberId: member.id, lines: { create: [{ label: 'VPN', unitCents: 2000, quantityHundredths: 100 }] } }, select: { id: true } })
  const number = await validateDraft({ id: invoiceId, today: parseIsoDate('2031-07-01')!, paymentDelayDays: 30 })
  const tag = unique()
  const csv = [
    'Date opération;Libellé;Débit;Crédit',
    `02/07/2031;VIR CHLOE PETIT REF ${offer.reference} ${sub.id} ${tag};;12,00`,
    `03/07/2031;VIR CHLOE PETIT FACT ${number} ${tag};;8,00`,
    `04/07/2031;PRLV OVH ${tag};30,00;`,
    `05/07/2031;VIR INCONNU ${tag};;5,00`,
  ].join('\n')
  return { member, invoiceId, number, csv }
}

const mapping = 'date=Date opération,credit=Crédit,debit=Débit,label=Libellé'

describe('bank statement upload page', () => {
  test('members get a 404: on the page, on a preview address and on the form', async () => {
    const { cookie: memberCookie } = await loginAs()
    const { csv } = await scene()
    const statement = await storeBankStatement({ staffId, bytes: new TextEncoder().encode(csv), fileName: 'x.csv' })
    expect(((await get('/admin/payments/import', memberCookie)) as Response).status).toBe(404)
    expect(((await get(`?statement=${statement}&columns=${encodeURIComponent(mapping)}`, memberCookie)) as Response).status).toBe(404)
    const before = await prisma.payment.count()
    expect(((await post({ intent: 'commit', columns: mapping }, { bytes: csv }, memberCookie)) as Response).status).toBe(404)
    expect(((await post({ intent: 'commit', columns: mapping, statement }, undefined, memberCookie)) as Response).status).toBe(404)
    expect(await prisma.payment.count()).toBe(before)
    expect(await prisma.bankStatementUpload.count({ where: { staffId: { not: staffId } } })).toBe(0)
  })

  test('preview keeps the file and answers with its address; "Record" names it and records each line once', async () => {
    const { member, invoiceId, number, csv } = await scene()
    const { location, page } = await preview({ columns: mapping }, { bytes: csv, name: 'juillet.csv' })
    expect(location).toBe(`/admin/payments/import?statement=${sha256(csv)}&encoding=utf-8&columns=${encodeURIComponent(mapping).replaceAll('%20', '+')}`)
    expect(await findBankStatement({ staffId, sha256: sha256(csv) })).toMatchObject({ fileName: 'juillet.csv', bytes: new TextEncoder().encode(csv) })
    expect(page.status).toBe(200)
    const { report, kept, options, error } = page.data.view
    expect(error).toBeNull()
    expect(kept).toEqual({ sha256: sha256(csv), fileName: 'juillet.csv' })
    expect(options).toEqual({ encoding: 'utf-8', columns: mapping })
    expect(report).toMatchObject({ intent: 'preview', fileName: 'juillet.csv', encoding: 'utf-8', delimiter: ';', recorded: null })
    expect(report.summary).toEqual({ lines: 4, toRecord: 2, toRecordCents: 2000, notMatched: 1, alreadyImported: 0, ignored: 1, invalid: 0 })
    const sections: Section[] = report.sections
    expect(sections.map((s) => [s.key, s.count, s.lines.map((l) => [l.lineNumber, l.reason, l.member?.name ?? null])])).toEqual([
      ['toRecord', 2, [[2, null, 'Chloé Petit'], [3, null, 'Chloé Petit']]],
      ['noReference', 1, [[5, 'noReference', null]]],
      ['debit', 1, [[4, 'debit', null]]],
    ])
    expect(sections[0].lines[1]).toMatchObject({ matchedBy: { kind: 'invoice', reference: number }, forcedInvoice: { id: invoiceId, number } })
    expect(await prisma.payment.count({ where: { memberId: member.id } })).toBe(0)

    // "Record" posts the reference only; the file is not sent again.
    const commit = { intent: 'commit', columns: mapping, statement: kept.sha256 }
    const committed = unwrap(await post(commit))
    expect(committed.status).toBe(200)
    expect(committed.data.report).toMatchObject({ intent: 'commit', recorded: 2, fileName: 'juillet.csv', summary: { lines: 4 } })
    expect(committed.data.kept).toBeNull()
    expect(await prisma.payment.count({ where: { memberId: member.id } })).toBe(2)
    expect((await prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: { status: true } })).status).toBe('CLOSED')

    const again = unwrap(await post(commit))
    expect(again.data.report).toMatchObject({ recorded: 0, summary: { alreadyImported: 2, toRecord: 0 } })
    expect(await prisma.payment.count({ where: { memberId: member.id } })).toBe(2)
    // The preview shown again after recording is computed afresh: its lines are already imported.
    expect(unwrap(await get(location)).data.view.report.summary).toMatchObject({ toRecord: 0, alreadyImported: 2 })
  })

  test('a long statement is previewed a page at a time for each outcome, the pages being plain GET addresses', async () => {
    const { csv } = await scene()
    const rows = csv.split('\n')
    // 260 more lines without a reference, 130 more debits.
    const extra = Array.from({ length: 390 }, (_, i) => (i % 3 === 2 ? `06/07/2031;PRLV ${i};12,00;` : `06/07/2031;VIR DON ${i};;3,00`))
    const { location, page } = await preview({ columns: mapping }, { bytes: [...rows, ...extra].join('\n') })
    expect(sectionsOf(page.data)).toMatchObject({ toRecord: { count: 2, shown: 2 }, noReference: { count: 261, page: 1, pageCount: 6, shown: 50 }, debit: { count: 131, page: 1, pageCount: 3, shown: 50 } })
    const next = unwrap(await get(`${location}&show=noReference:6`))
    expect(next.status).toBe(200)
    expect(sectionsOf(next.data)).toMatchObject({ noReference: { count: 261, page: 6, shown: 11 }, debit: { page: 1, shown: 50 } })
    expect(next.data.view.report.intent).toBe('preview')
    // A page beyond the last shows the last; a section that does not exist changes nothing.
    expect(sectionsOf(unwrap(await get(`${location}&show=debit:999`)).data)).toMatchObject({ debit: { page: 3, shown: 31 } })
    expect(sectionsOf(unwrap(await get(`${location}&show=nothing:2`)).data)).toMatchObject({ noReference: { page: 1 } })
  })

  test('an unknown statement, or one another staff member sent, is a clear message, never a 500', async () => {
    const { csv } = await scene()
    const unknown = unwrap(await get(`?statement=${'0'.repeat(64)}`))
    expect(unknown.status).toBe(404)
    expect(unknown.data.view).toMatchObject({ report: null, kept: null, error: { code: 'statementUnknown' } })
    expect(unwrap(await get('?statement=not-a-digest')).data.view.error).toEqual({ code: 'statementUnknown', params: {} })
    const other = await loginAsStaff()
    const theirs = await storeBankStatement({ staffId: other.member.id, bytes: new TextEncoder().encode(csv), fileName: 'leur.csv' })
    expect(unwrap(await get(`?statement=${theirs}&columns=${encodeURIComponent(mapping)}`)).data.view.error).toMatchObject({ code: 'statementUnknown' })
    const before = await prisma.payment.count()
    for (const statement of [theirs, '0'.repeat(64), 'x']) {
      const commit = unwrap(await post({ intent: 'commit', columns: mapping, statement }))
      expect(commit.status).toBe(404)
      expect(commit.data.result.error).toEqual({ file: ['statementUnknown'] })
    }
    expect(await prisma.payment.count()).toBe(before)
    // Their own statement serves them.
    const theirPreview = unwrap(await get(`?statement=${theirs}&columns=${encodeURIComponent(mapping)}`, other.cookie))
    expect(theirPreview.data.view.report.summary).toMatchObject({ toRecord: 2 })
  })

  test('statements are kept a day', async () => {
    const bytes = new TextEncoder().encode(`date;amount;label\n2031-07-01;1,00;${unique()}`)
    const now = new Date('2031-07-01T10:00:00Z')
    const sha = await storeBankStatement({ staffId, bytes, fileName: 'old.csv', now })
    expect(await findBankStatement({ staffId, sha256: sha, now: new Date('2031-07-02T09:59:00Z') })).not.toBeNull()
    expect(await findBankStatement({ staffId, sha256: sha, now: new Date('2031-07-02T10:01:00Z') })).toBeNull()
    // Any later upload deletes the statements older than a day.
    await storeBankStatement({ staffId, bytes: new TextEncoder().encode(unique()), fileName: 'new.csv', now: new Date('2031-07-03T10:00:00Z') })
    expect(await prisma.bankStatementUpload.count({ where: { sha256: sha } })).toBe(0)
  })

  test('a missing file, a wrong encoding, missing columns or a bad mapping are field errors, and nothing is recorded', async () => {
    const { member, csv } = await scene()
    const missing = unwrap(await post({ intent: 'commit' }))
    expect(missing.status).toBe(400)
    expect(missing.data.result.error).toEqual({ file: ['fileRequired'] })

    const cp1252 = Uint8Array.from([...csv].map((c) => c.charCodeAt(0)))
    const encoding = unwrap(await post({ intent: 'commit', columns: mapping }, { bytes: cp1252 }))
    expect(encoding.status).toBe(400)
    expect(encoding.data.result.error).toEqual({ encoding: ['invalidUtf8'] })
    expect(encoding.data.errorParams).toEqual({ line: 1, byte: '0xE9' })
    expect(encoding.data.report).toBeNull()

    const columns = unwrap(await post({ intent: 'preview' }, { bytes: csv }))
    expect(columns.data.result.error).toEqual({ columns: ['missingColumns'] })
    expect(columns.data.errorParams).toMatchObject({ missing: 'date', headers: 'Date opération | Libellé | Débit | Crédit' })
    // The file is kept: adding the mapping is enough to go on.
    expect(columns.data.kept).toEqual({ fileName: 'releve.csv', sha256: sha256(csv) })
    const { page } = await preview({ columns: mapping, statement: sha256(csv) })
    expect(page.data.view.report.summary).toMatchObject({ toRecord: 2 })
    // A preview address with a mapping that does not fit is explained on the page.
    const misfit = unwrap(await get(`?statement=${sha256(csv)}&columns=date%3DNope`))
    expect(misfit.status).toBe(400)
    expect(misfit.data.view).toMatchObject({ report: null, kept: { fileName: 'releve.csv' }, error: { code: 'missingColumns' } })

    const syntax = unwrap(await post({ intent: 'commit', columns: 'date:Date' }, { bytes: csv }))
    expect(syntax.data.result.error).toEqual({ columns: ['mappingSyntax'] })
    expect(syntax.data.errorParams).toEqual({ detail: 'date:Date' })
    expect(await prisma.payment.count({ where: { memberId: member.id } })).toBe(0)

    // In Windows-1252 with the mapping, the same file goes through.
    const fixed = unwrap(await post({ intent: 'commit', columns: mapping, encoding: 'windows-1252' }, { bytes: cp1252 }))
    expect(fixed.data.report).toMatchObject({ recorded: 2, encoding: 'windows-1252' })
  })

  test('a statement of 10 MB is taken, a larger one is refused', async () => {
    const { member } = await scene()
    // Over the 2 MB that used to be the limit: 40,000 lines of a realistic length.
    const lines = Array.from({ length: 40_000 }, (_, i) => `2031-07-${String(1 + (i % 28)).padStart(2, '0')};VIR SEPA M JEAN DUPONT DON ${i} ASSOCIATION;${1 + (i % 90)},00;EUR`)
    const big = ['date;label;amount;devise', ...lines].join('\n')
    expect(big.length).toBeGreaterThan(2 * 1024 * 1024)
    const { page } = await preview({}, { bytes: big })
    expect(page.data.view.report.summary).toMatchObject({ lines: 40_000, notMatched: 40_000 })
    const tooLarge = unwrap(await post({ intent: 'preview' }, { bytes: new Uint8Array(10 * 1024 * 1024 + 1).fill(0x41) }))
    expect(tooLarge.status).toBe(413)
    expect(tooLarge.data.result.error).toEqual({ file: ['fileTooLarge'] })
    expect(tooLarge.data.errorParams).toEqual({ max: 10 })
    expect(await prisma.payment.count({ where: { memberId: member.id } })).toBe(0)
  })
})
