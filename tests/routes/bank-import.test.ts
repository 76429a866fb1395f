import { createHash } from 'node:crypto'
import { faker } from '@faker-js/faker'
import { beforeAll, describe, expect, test } from 'vitest'
import { validateDraft } from '#app/models/invoice/invoices.server.ts'
import { action, loader } from '#app/routes/admin.payments.import.tsx'
import { parseIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember, loginAs, loginAsStaff } from '#tests/factories/member.ts'
import { settle, unwrap } from './request.ts'

let cookie: string
beforeAll(async () => {
  ;({ cookie } = await loginAsStaff())
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
  test('members get a 404, on the page and on the form', async () => {
    const { cookie: memberCookie } = await loginAs()
    const page = await settle(() => loader({ request: new Request('http://localhost/admin/payments/import', { headers: { Cookie: memberCookie } }), params: {}, context: {} }))
    expect((page as Response).status).toBe(404)
    const before = await prisma.payment.count()
    const { csv } = await scene()
    expect(((await post({ intent: 'commit', columns: mapping }, { bytes: csv }, memberCookie)) as Response).status).toBe(404)
    expect(await prisma.payment.count()).toBe(before)
  })

  test('preview shows what would be recorded and why the rest is not; "Record" then records it without choosing the file again', async () => {
    const { member, invoiceId, number, csv } = await scene()
    const preview = unwrap(await post({ intent: 'preview', columns: mapping }, { bytes: csv, name: 'juillet.csv' }))
    expect(preview.status).toBe(200)
    const { report, upload } = preview.data
    expect(report).toMatchObject({ intent: 'preview', fileName: 'juillet.csv', encoding: 'utf-8', delimiter: ';', recorded: null })
    expect(report.summary).toEqual({ lines: 4, toRecord: 2, toRecordCents: 2000, notMatched: 1, alreadyImported: 0, ignored: 1, invalid: 0 })
    type Line = { lineNumber: number; reason: string | null; member: { name: string } | null }
    const sections = report.sections as { key: string; count: number; page: number; pageCount: number; lines: Line[] }[]
    expect(sections.map((s) => [s.key, s.count, s.lines.map((l) => [l.lineNumber, l.reason, l.member?.name ?? null])])).toEqual([
      ['toRecord', 2, [[2, null, 'Chloé Petit'], [3, null, 'Chloé Petit']]],
      ['noReference', 1, [[5, 'noReference', null]]],
      ['debit', 1, [[4, 'debit', null]]],
    ])
    expect(sections[0].lines[1]).toMatchObject({ matchedBy: { kind: 'invoice', reference: number }, forcedInvoice: { id: invoiceId, number } })
    expect(upload).toEqual({ fileName: 'juillet.csv', content: Buffer.from(csv).toString('base64'), sha256: createHash('sha256').update(csv).digest('hex') })
    // The big hidden field is not sent back a second time through the form's own state.
    expect(JSON.stringify(preview.data.result)).not.toContain(upload.content)
    expect(await prisma.payment.count({ where: { memberId: member.id } })).toBe(0)

    const commit = { intent: 'commit', columns: mapping, content: upload.content, contentSha256: upload.sha256, fileName: upload.fileName }
    const committed = unwrap(await post(commit))
    expect(committed.status).toBe(200)
    expect(committed.data.report).toMatchObject({ intent: 'commit', recorded: 2, fileName: 'juillet.csv', summary: { lines: 4 } })
    expect(committed.data.upload).toBeNull()
    expect(await prisma.payment.count({ where: { memberId: member.id } })).toBe(2)
    expect((await prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: { status: true } })).status).toBe('CLOSED')

    const again = unwrap(await post(commit))
    expect(again.data.report).toMatchObject({ recorded: 0, summary: { alreadyImported: 2, toRecord: 0 } })
    expect(await prisma.payment.count({ where: { memberId: member.id } })).toBe(2)
  })

  test('a long statement is previewed a page at a time for each outcome, and the page stays small', async () => {
    const { csv } = await scene()
    const rows = csv.split('\n')
    // 260 more lines without a reference, 130 more debits.
    const extra = Array.from({ length: 390 }, (_, i) => (i % 3 === 2 ? `06/07/2031;PRLV ${i};12,00;` : `06/07/2031;VIR DON ${i};;3,00`))
    const long = [...rows, ...extra].join('\n')
    const first = unwrap(await post({ intent: 'preview', columns: mapping }, { bytes: long }))
    const sectionsOf = (data: { report: { sections: { key: string; count: number; page: number; pageCount: number; lines: { lineNumber: number }[] }[] } }) =>
      Object.fromEntries(data.report.sections.map((s) => [s.key, { count: s.count, page: s.page, pageCount: s.pageCount, shown: s.lines.length, first: s.lines[0]?.lineNumber }]))
    expect(sectionsOf(first.data)).toMatchObject({ toRecord: { count: 2, shown: 2 }, noReference: { count: 261, page: 1, pageCount: 6, shown: 50 }, debit: { count: 131, page: 1, pageCount: 3, shown: 50 } })
    // The page buttons post the form again with the file it carries, asking one section's page.
    const { upload } = first.data
    const next = unwrap(await post({ columns: mapping, content: upload.content, contentSha256: upload.sha256, fileName: upload.fileName, show: 'noReference:6' }))
    expect(sectionsOf(next.data)).toMatchObject({ noReference: { count: 261, page: 6, shown: 11 }, debit: { page: 1, shown: 50 } })
    expect(next.data.report.intent).toBe('preview')
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

    const columns = unwrap(await post({ intent: 'commit' }, { bytes: csv }))
    expect(columns.data.result.error).toEqual({ columns: ['missingColumns'] })
    expect(columns.data.errorParams).toMatchObject({ missing: 'date', headers: 'Date opération | Libellé | Débit | Crédit' })
    // The file stays on the page: adding the mapping is enough to go on.
    expect(columns.data.upload).toMatchObject({ fileName: 'releve.csv', content: Buffer.from(csv).toString('base64') })

    const syntax = unwrap(await post({ intent: 'commit', columns: 'date:Date' }, { bytes: csv }))
    expect(syntax.data.result.error).toEqual({ columns: ['mappingSyntax'] })
    expect(syntax.data.errorParams).toEqual({ detail: 'date:Date' })
    expect(await prisma.payment.count({ where: { memberId: member.id } })).toBe(0)

    // In Windows-1252 with the mapping, the same file goes through.
    const fixed = unwrap(await post({ intent: 'commit', columns: mapping, encoding: 'windows-1252' }, { bytes: cp1252 }))
    expect(fixed.data.report).toMatchObject({ recorded: 2, encoding: 'windows-1252' })
  })

  test('a file sent back altered, or too large, is refused', async () => {
    const { member, csv } = await scene()
    const content = Buffer.from(csv).toString('base64')
    const altered = unwrap(await post({ intent: 'commit', columns: mapping, content, contentSha256: '0'.repeat(64) }))
    expect(altered.data.result.error).toEqual({ file: ['fileChanged'] })
    const big = new Uint8Array(2 * 1024 * 1024 + 1).fill(0x41)
    const tooLarge = unwrap(await post({ intent: 'preview' }, { bytes: big }))
    expect(tooLarge.status).toBe(413)
    expect(tooLarge.data.result.error).toEqual({ file: ['fileTooLarge'] })
    expect(tooLarge.data.errorParams).toEqual({ max: 2 })
    expect(await prisma.payment.count({ where: { memberId: member.id } })).toBe(0)
  })
})
