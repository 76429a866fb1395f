import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { faker } from '@faker-js/faker'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CommandError, UsageError } from '#cli/errors.ts'
import { importPayments } from '#cli/import-payments.ts'
import { formatAmount } from '#cli/text.ts'
import { commitBankImport, previewBankImport } from '#app/models/payment/bank-import.server.ts'
import { BankFileError } from '#app/models/payment/bank-import.ts'
import { validateDraft } from '#app/models/invoice/invoices.server.ts'
import { parseIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember } from '#tests/factories/member.ts'

const d = (iso: string) => parseIsoDate(iso)!
const unique = () => faker.string.alphanumeric({ length: 6, casing: 'upper' })
const utf8 = (text: string) => new TextEncoder().encode(text)

async function subscribe(memberId: number, offerReference: string) {
  const offer = await prisma.offer.create({ data: { name: `Offre ${offerReference}`, reference: offerReference, periodFeeCents: 800 }, select: { id: true } })
  return prisma.subscription.create({ data: { memberId, offerId: offer.id, subscriptionDate: d('2030-01-01') }, select: { id: true } })
}

/** A validated invoice (or credit note) of one line; returns its id and number. */
async function invoice(memberId: number, unitCents: number, { kind = 'INVOICE' as 'INVOICE' | 'CREDIT_NOTE', date = '2031-05-01' } = {}) {
  const { id } = await prisma.invoice.create({ data: { memberId, kind, lines: { create: [{ label: 'VPN', unitCents, quantityHundredths: 100 }] } }, select: { id: true } })
  const number = await validateDraft({ id, today: d(date), paymentDelayDays: 30 })
  return { id, number }
}

/** Two members with a subscription each, alice with an invoice and a credit note, bob with an invoice. */
async function scene() {
  const alice = await insertMember({ firstName: 'Alice', lastName: 'Martin', status: 'MEMBER' })
  const bob = await insertMember({ firstName: 'Bob', lastName: 'Durand', status: 'MEMBER' })
  const vpn = `V${unique()}`
  const adsl = `A${unique()}`
  const aliceSub = await subscribe(alice.id, vpn)
  const bobSub = await subscribe(bob.id, adsl)
  const aliceInvoice = await invoice(alice.id, 800)
  const aliceCredit = await invoice(alice.id, -100, { kind: 'CREDIT_NOTE' })
  const bobInvoice = await invoice(bob.id, 2000)
  return {
    alice, bob, aliceInvoice, aliceCredit, bobInvoice,
    aliceRef: `REF-${vpn}-${aliceSub.id}`, bobRef: `REF-${adsl}-${bobSub.id}`,
  }
}

type Scene = Awaited<ReturnType<typeof scene>>

/** A statement in a French bank's layout, one line per case the import must handle. */
function statement(s: Scene, tag: string) {
  return [
    'Date;Libellé;Montant',
    `03/05/2031;VIR ALICE MARTIN FACTURE ${s.aliceInvoice.number} ${tag};8,00`,
    `04/05/2031;VIR SEPA BOB /${s.bobRef.toLowerCase()}/ ${tag};12,50`,
    `05/05/2031;VIR INCONNU REF-NOPE-999999 ${tag};5,00`,
    `05/05/2031;VIR SANS REFERENCE ${tag};7,00`,
    `06/05/2031;VIR ${s.aliceRef} ${s.bobRef} ${tag};9,00`,
    `06/05/2031;VIR ${s.aliceRef} POUR ${s.bobInvoice.number} ${tag};10,00`,
    `07/05/2031;PRLV EDF ${tag};-45,00`,
    `07/05/2031;REMB ${s.aliceCredit.number} ${tag};1,00`,
    `08/05/2031;VIR ${s.aliceRef.replace(/-/g, ' ')} ${tag};1 234,56`,
    `31/05/2031;TOTAL ${tag};douze`,
  ].join('\r\n')
}

describe('preview', () => {
  test('each line is matched by invoice number or subscription reference, or says why it is not', async () => {
    const s = await scene()
    const preview = await previewBankImport(utf8(statement(s, unique())))
    const rows = preview.lines.map((l) => [l.lineNumber, l.member?.id ?? null, l.matchedBy?.kind ?? null, l.forcedInvoice?.id ?? null, l.reason])
    expect(rows).toEqual([
      [2, s.alice.id, 'invoice', s.aliceInvoice.id, null],
      [3, s.bob.id, 'subscription', null, null],
      [4, null, null, null, 'unknownReference'],
      [5, null, null, null, 'noReference'],
      [6, null, null, null, 'ambiguous'],
      [7, null, null, null, 'invoiceOfAnotherMember'],
      [8, null, null, null, 'debit'],
      [9, s.alice.id, 'invoice', null, 'invoiceNotPayable'],
      [10, s.alice.id, 'subscription', null, null],
      [11, null, null, null, 'invalid'],
    ])
    expect(preview.lines[0]).toMatchObject({ member: { username: s.alice.username, name: 'Alice Martin' }, matchedBy: { reference: s.aliceInvoice.number }, amountCents: 800, date: '2031-05-03' })
    expect(preview.lines[1].matchedBy).toEqual({ kind: 'subscription', reference: s.bobRef })
    expect(preview.lines[2].references).toEqual([{ reference: 'REF NOPE 999999', username: null }])
    expect(preview.lines[5].references).toEqual([{ reference: s.bobInvoice.number, username: s.bob.username }, { reference: s.aliceRef, username: s.alice.username }])
    expect(preview.lines[9].problem).toMatchObject({ column: 'amount', value: 'douze', code: 'invalidAmount' })
    expect(preview.summary).toEqual({ lines: 10, toRecord: 3, toRecordCents: 800 + 1250 + 123456, notMatched: 5, alreadyImported: 0, ignored: 1, invalid: 1 })
    expect(await prisma.payment.count({ where: { memberId: { in: [s.alice.id, s.bob.id] } } })).toBe(0)
  })

  test('the reference pattern comes from SUBSCRIPTION_REFERENCE', async () => {
    const member = await insertMember()
    const sub = await subscribe(member.id, `P${unique()}`)
    const preview = await previewBankImport(utf8(`date;amount;label\n2031-06-01;3,00;VIR COTIS-${sub.id}-${member.username}\n`), { referencePattern: 'COTIS-{subscription.id}-{member.username}' })
    expect(preview.lines[0]).toMatchObject({ reason: null, member: { id: member.id }, matchedBy: { kind: 'subscription', reference: `COTIS-${sub.id}-${member.username}` } })
  })

  test('a subscription answers to its reference override, however the bank wrote it, and still to its computed reference', async () => {
    const member = await insertMember()
    const offerReference = `O${unique()}`
    const sub = await subscribe(member.id, offerReference)
    const override = `ANCIEN/${unique()}-7`
    await prisma.subscription.update({ where: { id: sub.id }, data: { reference: override } })
    const csv = [
      'date;amount;label',
      `2031-06-02;4,00;VIR ${override.toLowerCase().replace('/', ' ')}`,
      `2031-06-03;5,00;VIR REF-${offerReference}-${sub.id}`,
    ].join('\n')
    const preview = await previewBankImport(utf8(csv))
    expect(preview.lines.map((l) => [l.reason, l.member?.id, l.matchedBy?.reference])).toEqual([
      [null, member.id, override],
      [null, member.id, `REF-${offerReference}-${sub.id}`],
    ])
  })
})

describe('commit', () => {
  test('records the matched lines once; the invoice paid in full closes; a second import records nothing', async () => {
    const s = await scene()
    const file = utf8(statement(s, unique()))
    const first = await commitBankImport(file)
    expect(first.recorded).toBe(3)
    const payments = await prisma.payment.findMany({
      where: { memberId: { in: [s.alice.id, s.bob.id] } },
      orderBy: { date: 'asc' },
      select: { memberId: true, method: true, amountCents: true, date: true, label: true, forcedInvoiceId: true, importKey: true },
    })
    expect(payments.map(({ importKey: _key, label: _label, ...p }) => p)).toEqual([
      { memberId: s.alice.id, method: 'TRANSFER', amountCents: 800, date: d('2031-05-03'), forcedInvoiceId: s.aliceInvoice.id },
      { memberId: s.bob.id, method: 'TRANSFER', amountCents: 1250, date: d('2031-05-04'), forcedInvoiceId: null },
      { memberId: s.alice.id, method: 'TRANSFER', amountCents: 123456, date: d('2031-05-08'), forcedInvoiceId: null },
    ])
    expect(payments[0].label).toContain(`FACTURE ${s.aliceInvoice.number}`)
    expect(payments.every((p) => p.importKey?.length === 64)).toBe(true)
    const status = async (id: number) => (await prisma.invoice.findUniqueOrThrow({ where: { id }, select: { status: true } })).status
    expect(await status(s.aliceInvoice.id)).toBe('CLOSED')
    expect(await status(s.bobInvoice.id)).toBe('OPEN')

    const again = await commitBankImport(file)
    expect(again.recorded).toBe(0)
    expect(again.preview.summary).toMatchObject({ toRecord: 0, alreadyImported: 3 })
    expect(again.preview.lines.filter((l) => l.reason === 'alreadyImported').map((l) => l.lineNumber)).toEqual([2, 3, 10])
    expect(await prisma.payment.count({ where: { memberId: { in: [s.alice.id, s.bob.id] } } })).toBe(3)
  })

  test('two identical transfers on one day are two payments', async () => {
    const s = await scene()
    const line = `2031-05-09;4,00;VIR ${s.aliceRef} ${unique()}`
    expect((await commitBankImport(utf8(`date;amount;label\n${line}\n${line}\n`))).recorded).toBe(2)
    expect((await commitBankImport(utf8(`date;amount;label\n${line}\n${line}\n${line}\n`))).recorded).toBe(1)
  })

  test('a file with a wrong column or encoding records nothing', async () => {
    const s = await scene()
    const before = await prisma.payment.count()
    const badColumn = statement(s, unique()).replace('Montant', 'Somme')
    await expect(commitBankImport(utf8(badColumn))).rejects.toMatchObject({ code: 'missingColumns', params: { missing: 'amount' } })
    const latin1 = Uint8Array.from([...statement(s, 'Frédéric')].map((c) => c.charCodeAt(0)))
    const error = await commitBankImport(latin1).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BankFileError)
    expect(error).toMatchObject({ code: 'invalidUtf8', params: { line: 1 } }) // the é of Libellé
    expect(await prisma.payment.count()).toBe(before)
  })
})

describe('importPayments (the CLI command)', () => {
  let dir: string
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'coin-bank-'))
  })
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true })
  })

  test('dry run shows the tables and summary; --commit records; a second run records nothing', async () => {
    const s = await scene()
    const file = path.join(dir, `releve-${unique()}.csv`)
    // A Windows-1252 export, as French banks make them.
    await fs.writeFile(file, Uint8Array.from([...statement(s, 'Frédéric')].map((c) => c.charCodeAt(0))))
    const dry = await importPayments({ file, commit: false, encoding: 'cp1252' })
    expect(dry).toContain(`${file}: windows-1252, delimiter ";"`)
    expect(dry).toContain('To record:')
    expect(dry).toMatch(new RegExp(`^ +2 +2031-05-03 +8,00 € +${s.alice.username} \\(Alice Martin\\) +invoice ${s.aliceInvoice.number}$`, 'm'))
    expect(dry).toMatch(/^ +8 +2031-05-07 +-45,00 € +PRLV EDF Frédéric +debit, ignored$/m)
    expect(dry).toContain('unknown reference: REF NOPE 999999')
    expect(dry).toContain(`invoice of another member: ${s.bobInvoice.number} (${s.bob.username}), ${s.aliceRef} (${s.alice.username})`)
    expect(dry).toContain('column amount: not an amount (12,50 or 12.50) ("douze")')
    expect(dry.trimEnd().split('\n').at(-1)).toBe(
      '10 lines: 3 to record (1 255,06 €), 5 not matched, 1 ignored (debits), 1 unreadable. Dry run: nothing recorded; add --commit to record.',
    )
    expect(await prisma.payment.count({ where: { memberId: { in: [s.alice.id, s.bob.id] } } })).toBe(0)

    const committed = await importPayments({ file, commit: true, encoding: 'windows-1252' })
    expect(committed).toContain('Recorded:')
    expect(committed.trimEnd().split('\n').at(-1)).toBe('10 lines: 3 payments recorded (1 255,06 €), 5 not matched, 1 ignored (debits), 1 unreadable.')
    const again = await importPayments({ file, commit: true, encoding: 'windows-1252' })
    expect(again.trimEnd().split('\n').at(-1)).toBe('10 lines: 0 payments recorded (0,00 €), 5 not matched, 3 already imported, 1 ignored (debits), 1 unreadable.')
    expect(await prisma.payment.count({ where: { memberId: { in: [s.alice.id, s.bob.id] } } })).toBe(3)
  })

  test('usage mistakes are UsageErrors; unreadable or unusable files are CommandErrors and record nothing', async () => {
    const file = path.join(dir, 'statement.csv')
    await fs.writeFile(file, 'Date;Libellé;Somme\n2031-05-03;x;1,00\n')
    await expect(importPayments({ file, commit: true, encoding: 'utf-16' })).rejects.toThrow(new UsageError('--encoding: unknown encoding "utf-16"; use utf-8, windows-1252, iso-8859-1'))
    await expect(importPayments({ file, commit: true, columns: 'date' })).rejects.toBeInstanceOf(UsageError)
    await expect(importPayments({ file, commit: true, columns: 'when=Date' })).rejects.toThrow(/^--columns: unknown column "when"/)
    await expect(importPayments({ file, commit: true, delimiter: 'ab' })).rejects.toBeInstanceOf(UsageError)
    await expect(importPayments({ file: path.join(dir, 'missing.csv'), commit: true })).rejects.toThrow(new CommandError(`cannot read ${path.join(dir, 'missing.csv')}: no such file`))
    const before = await prisma.payment.count()
    const missing = await importPayments({ file, commit: true }).catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(CommandError)
    expect((missing as Error).message).toBe(`${file}: Missing column amount; the header (line 1) has: Date | Libellé | Somme. Give the columns with --columns date=…,amount=…,label=… Nothing was recorded.`)
    await fs.writeFile(file, Uint8Array.from([...'date;amount;label\n2031-05-03;1,00;Frédéric\n'].map((c) => c.charCodeAt(0))))
    await expect(importPayments({ file, commit: true })).rejects.toThrow(/line 2, byte 0xE9\).*--encoding windows-1252/)
    expect(await prisma.payment.count()).toBe(before)
    // With the mapping, the same file is read.
    await fs.writeFile(file, 'Date;Libellé;Somme\n2031-05-03;x;1,00\n')
    expect(await importPayments({ file, commit: false, columns: 'amount=Somme' })).toContain('1 line: 0 to record (0,00 €), 1 not matched.')
  })

  test('amounts print in French with plain spaces', () => {
    expect([0, 5, 1250, -4500, 123456, 100000000].map(formatAmount)).toEqual(['0,00 €', '0,05 €', '12,50 €', '-45,00 €', '1 234,56 €', '1 000 000,00 €'])
  })
})
