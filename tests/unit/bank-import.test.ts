import { describe, expect, test } from 'vitest'
import {
  BankFileError, decodeBankFile, detectDelimiter, parseBankFile, parseColumnMapping, parseDelimiter, parseEncoding,
  parseStatementAmount, parseStatementDate,
} from '#app/models/payment/bank-import.ts'
import { findInvoiceReferences, findReferences, normalizeReference } from '#app/models/payment/bank-references.ts'

const utf8 = (text: string) => new TextEncoder().encode(text)
/** Windows-1252 bytes of a text made of Latin-1 characters (é is 0xE9). */
const cp1252 = (text: string) => Uint8Array.from([...text].map((c) => c.charCodeAt(0)))

function fileError(run: () => unknown) {
  try {
    run()
  } catch (error) {
    if (error instanceof BankFileError) return error
    throw error
  }
  throw new Error('expected a BankFileError')
}

describe('encodings', () => {
  test('UTF-8 with or without a byte-order mark, Windows-1252 and ISO-8859-1 when asked', () => {
    expect(decodeBankFile(utf8('\uFEFFLibellé'))).toBe('Libellé')
    expect(decodeBankFile(utf8('Libellé'))).toBe('Libellé')
    expect(decodeBankFile(cp1252('Libellé'), 'windows-1252')).toBe('Libellé')
    expect(decodeBankFile(Uint8Array.from([0x80, 0x20, 0x92, 0x9c, 0x81]), 'windows-1252')).toBe('\u20ac \u2019\u0153\u0081')
    expect(decodeBankFile(cp1252('Libellé'), 'iso-8859-1')).toBe('Libellé')
  })

  test('a Windows-1252 file read as UTF-8 is an error naming the line and suggesting --encoding windows-1252', () => {
    const error = fileError(() => decodeBankFile(cp1252('date;amount;label\n2025-03-01;12,50;ok\n2025-03-02;1;Frédéric\n')))
    expect(error).toMatchObject({ code: 'invalidUtf8', field: 'encoding', params: { line: 3, byte: '0xE9' } })
    expect(error.message).toContain('line 3')
    expect(error.message).toContain('--encoding windows-1252')
    // A byte-order mark does not shift the line numbers.
    expect(fileError(() => decodeBankFile(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61, 0x0a, 0xc3, 0x28]))).params).toMatchObject({ line: 2 })
  })

  test('UTF-16 files are refused with their own message; encoding names are read loosely', () => {
    expect(fileError(() => decodeBankFile(Uint8Array.from([0xff, 0xfe, 0x61, 0]))).code).toBe('utf16')
    expect(['UTF8', 'cp1252', 'Latin1', 'windows-1252', 'utf-16'].map(parseEncoding)).toEqual(['utf-8', 'windows-1252', 'iso-8859-1', 'windows-1252', null])
  })

  test('the same file in both encodings gives the same lines and keys', () => {
    const text = 'Date;Libellé;Montant\n05/03/2025;VIR Frédéric REF-VPN-42;12,50\n'
    const a = parseBankFile(utf8(text))
    const b = parseBankFile(cp1252(text), { encoding: 'windows-1252' })
    expect(b.lines).toEqual(a.lines)
    expect(a.lines[0]).toMatchObject({ label: 'VIR Frédéric REF-VPN-42', amountCents: 1250, date: '2025-03-05' })
  })
})

describe('delimiters and columns', () => {
  test('the delimiter is detected from the header line: semicolon, comma or tab, or given', () => {
    expect(detectDelimiter('date;amount;label\n1,2;3')).toBe(';')
    expect(detectDelimiter('date,amount,label\n')).toBe(',')
    expect(detectDelimiter('Relevé du compte\n\ndate\tamount\tlabel\n')).toBe('\t')
    expect(detectDelimiter('"a;b",c,d\n')).toBe(',')
    for (const [text, delimiter] of [
      ['date,amount,label\n2025-03-05,12.50,REF\n', ','],
      ['date\tamount\tlabel\n2025-03-05\t12,50\tREF\n', '\t'],
      ['date;amount;label\n2025-03-05;12,50;REF\n', ';'],
    ]) {
      const parsed = parseBankFile(utf8(text))
      expect(parsed.delimiter).toBe(delimiter)
      expect(parsed.lines[0].amountCents).toBe(1250)
    }
    expect(parseBankFile(utf8('date|amount|label\n2025-03-05|12,50|REF\n'), { delimiter: '|' }).lines[0].amountCents).toBe(1250)
    expect(parseDelimiter('tab')).toBe('\t')
    expect(parseDelimiter(undefined)).toBeUndefined()
    expect(() => parseDelimiter('ab')).toThrow(BankFileError)
  })

  test('the default layout accepts English and French headers, any case, with or without accents', () => {
    const parsed = parseBankFile(utf8('MONTANT;Libelle;DATE\n12,50;Cotisation;2025-03-05\n'))
    expect(parsed.lines).toMatchObject([{ lineNumber: 2, date: '2025-03-05', amountCents: 1250, label: 'Cotisation' }])
  })

  test('a mapping names columns by header or 1-based number, with credit and debit columns', () => {
    expect(parseColumnMapping('date=Date opération, credit=Crédit,debit=4,label=Libellé+5')).toEqual({
      date: { name: 'Date opération' }, credit: { name: 'Crédit' }, debit: { index: 3 }, label: [{ name: 'Libellé' }, { index: 4 }],
    })
    const text = [
      'Relevé de compte courant n° 0123456789;;;;',
      'Date opération;Date valeur;Libellé;Débit;Crédit;Détail',
      '03/03/2025;04/03/2025;VIR SEPA DUPONT;;25,00;REF-VPN-42',
      '04/03/2025;04/03/2025;PRLV EDF;45,10;;',
      '05/03/2025;05/03/2025;CB CAFE;;;',
      '06/03/2025;06/03/2025;ERREUR;1,00;2,00;',
    ].join('\r\n')
    const parsed = parseBankFile(utf8(text), { columns: parseColumnMapping('date=Date opération,credit=Crédit,debit=Débit,label=Libellé+Détail') })
    expect(parsed.lines.map((l) => [l.lineNumber, l.date, l.amountCents, l.label])).toEqual([
      [3, '2025-03-03', 2500, 'VIR SEPA DUPONT REF-VPN-42'],
      [4, '2025-03-04', -4510, 'PRLV EDF'],
    ])
    expect(parsed.problems.map((p) => [p.lineNumber, p.code])).toEqual([[5, 'missingAmount'], [6, 'creditAndDebit']])
    // Crédit and Débit columns are found without a mapping too.
    const byDefault = parseBankFile(utf8('Date;Libellé;Débit;Crédit\n03/03/2025;VIR;;25,00\n04/03/2025;PRLV;-45,10;\n'))
    expect(byDefault.lines.map((l) => l.amountCents)).toEqual([2500, -4510])
    const byNumber = parseBankFile(utf8('a;b;c\n2025-03-05;x;7,00\n'), { columns: parseColumnMapping('date=1,label=2,amount=3') })
    expect(byNumber.lines).toMatchObject([{ amountCents: 700, label: 'x' }])
  })

  test('bad mappings are refused with the reason', () => {
    for (const text of ['date', 'when=Date', 'date=', 'date=A,date=B', 'amount=M,credit=C', 'debit=D', 'label=A+', 'date=0', '']) {
      expect(fileError(() => parseColumnMapping(text)), text).toMatchObject({ code: 'mappingSyntax', field: 'columns' })
    }
  })

  test('missing columns are named, with the headers found', () => {
    const error = fileError(() => parseBankFile(utf8('Date;Libellé;Somme\n2025-03-05;x;1\n')))
    expect(error).toMatchObject({ code: 'missingColumns', field: 'columns', params: { missing: 'amount', headers: 'Date | Libellé | Somme', line: 1 } })
    expect(error.message).toContain('--columns')
    const mapped = fileError(() => parseBankFile(utf8('Date;Libellé;Somme\n'), { columns: parseColumnMapping('amount=Montant net') }))
    expect(mapped.params.missing).toBe('amount ("Montant net")')
    expect(fileError(() => parseBankFile(utf8('a;b\n'), { columns: parseColumnMapping('date=1,label=2,amount=7') })).code).toBe('columnOutOfRange')
    expect(fileError(() => parseBankFile(utf8('\n \n'))).code).toBe('emptyFile')
  })
})

describe('amounts and dates', () => {
  test('amounts are exact cents from every common spelling', () => {
    const cents = (text: string) => {
      const result = parseStatementAmount(text)
      return 'cents' in result ? result.cents : result.error
    }
    for (const text of ['12,50', '12.50', '12,5', '+12,50', '12,50 €', '€12.50', '12,50EUR', '0012,50']) expect(cents(text), text).toBe(1250)
    expect(cents('12')).toBe(1200)
    expect(cents('-12,50')).toBe(-1250)
    expect(cents('\u221212,50')).toBe(-1250)
    expect(cents('1 234,56')).toBe(123456)
    expect(cents('1\u202f234,56')).toBe(123456)
    expect(cents('1.234,56')).toBe(123456)
    expect(cents('1,234.56')).toBe(123456)
    expect(cents('1.234.567,89')).toBe(123456789)
    expect(cents('0,10') as number + (cents('0,20') as number)).toBe(30)
    expect(cents('19,99')).toBe(1999)
    expect(cents('0,07')).toBe(7)
    expect(cents('1.234')).toBe('ambiguous')
    expect(cents('12,345')).toBe('ambiguous')
    for (const bad of ['', 'abc', '12,5,0', '1.23.4', '12,50-', '1,2.3', '--1']) expect(cents(bad), bad).toBe('invalid')
    expect(cents('123456789,00')).toBe('tooLarge')
  })

  test('dates: YYYY-MM-DD, DD/MM/YYYY and DD-MM-YYYY, real days only', () => {
    expect(['2025-03-05', '05/03/2025', '05-03-2025', ' 29/02/2024 '].map(parseStatementDate)).toEqual(['2025-03-05', '2025-03-05', '2025-03-05', '2024-02-29'])
    expect(['31/02/2025', '2025/03/05', '5/3/2025', '05/03/25', ''].map(parseStatementDate)).toEqual([null, null, null, null, null])
  })

  test('bad values are problems naming the line, the column and the value; the other lines are kept', () => {
    const parsed = parseBankFile(utf8('date;amount;label\n2025-03-05;12,50;ok\n32/01/2025;1,00;bad date\n2025-03-06;douze;bad amount\n;;Total\n2025-03-07;1.234;ambiguous\n'))
    expect(parsed.lines.map((l) => l.lineNumber)).toEqual([2])
    expect(parsed.problems.map(({ lineNumber, column, value, code }) => [lineNumber, column, value, code])).toEqual([
      [3, 'date', '32/01/2025', 'invalidDate'],
      [4, 'amount', 'douze', 'invalidAmount'],
      [5, 'date', '', 'invalidDate'],
      [5, 'amount', '', 'invalidAmount'],
      [6, 'amount', '1.234', 'ambiguousAmount'],
    ])
    expect(parsed.problems[1].message).toBe('line 4, column amount: not an amount (12,50 or 12.50) ("douze")')
  })

  test('line numbers are file lines, across blank lines and quoted line breaks; broken quoting is an error', () => {
    const parsed = parseBankFile(utf8('date;amount;label\n\n2025-03-05;1;"two\nlines"\n2025-03-06;2;after\n'))
    expect(parsed.lines.map((l) => [l.lineNumber, l.label])).toEqual([[3, 'two lines'], [5, 'after']])
    expect(fileError(() => parseBankFile(utf8('date;amount;label\n2025-03-05;1;"never closed\n2025-03-06;2;x\n')))).toMatchObject({ code: 'csvSyntax', field: 'file' })
  })

  test('quoted cells read the same whether every cell is quoted, some are, or a quote sits inside a bare cell', () => {
    const read = (text: string) => parseBankFile(utf8(text)).lines.map((l) => [l.lineNumber, l.date, l.amountCents, l.label])
    const expected = [[2, '2025-03-05', 1250, 'VIR "DUPONT" ; REF-VPN-42'], [3, '2025-03-06', -200, 'two lines'], [5, '2025-03-07', 300, 'x']]
    expect(read('"date";"amount";"label"\n"2025-03-05" ; "12,50";"VIR ""DUPONT"" ; REF-VPN-42"\n"2025-03-06";"-2,00";"two\nlines"\n2025-03-07;3;x\n')).toEqual(expected)
    expect(read('date;amount;label\n2025-03-05;12,50;"VIR ""DUPONT"" ; REF-VPN-42"\n2025-03-06;-2,00;"two\nlines"\n  2025-03-07 ;3; x\n')).toEqual(expected)
    // A quote inside a bare cell is kept as it is.
    expect(read('date;amount;label\n2025-03-05;12,50;VIR "DUPONT" ; REF-VPN-42\n2025-03-06;-2,00;"two\nlines"\n2025-03-07;3;x')).toEqual([[2, '2025-03-05', 1250, 'VIR "DUPONT"'], ...expected.slice(1)])
  })
})

describe('import keys', () => {
  const text = 'date;amount;label\n2025-03-05;12,50;VIR DUPONT REF-VPN-42\n2025-03-05;12,50;VIR DUPONT REF-VPN-42\n2025-03-06;12,50;VIR DUPONT REF-VPN-42\n'

  test('identical lines of one file get distinct keys; the same file gives the same keys again', () => {
    const keys = parseBankFile(utf8(text)).lines.map((l) => l.importKey)
    expect(keys).toHaveLength(3)
    expect(new Set(keys).size).toBe(3)
    expect(keys.every((k) => /^[0-9a-f]{64}$/.test(k))).toBe(true)
    expect(parseBankFile(utf8(text)).lines.map((l) => l.importKey)).toEqual(keys)
    // Another export of the same transactions (comma, other spacing and case) gives the same keys.
    const other = 'Date,Montant,Libellé\n05/03/2025,"12,50",vir dupont  ref-vpn-42\n05/03/2025,"12,50",VIR DUPONT REF VPN 42\n06/03/2025,12.50,VIR DUPONT REF-VPN-42\n'
    expect(parseBankFile(utf8(other)).lines.map((l) => l.importKey)).toEqual(keys)
  })
})

describe('references in labels', () => {
  const known = new Set(['REF VPN 42', 'REF VPN 4', 'REF VPN 4 2', 'REF ADSL 7'])

  test('normalisation makes mangled labels comparable', () => {
    for (const label of ['REF VPN 42', 'ref-vpn-42', '/REF-VPN-42/', 'Réf.VPN42', 'REF_VPN_42', ' ref  vpn\t42 ']) expect(normalizeReference(label), label).toBe('REF VPN 42')
  })

  test('references are found as whole tokens, the longest one winning', () => {
    expect(findReferences('VIR SEPA M DUPONT /REF VPN 42/ MARS', known)).toEqual(['REF VPN 42'])
    expect(findReferences('VIR ref-vpn-421', known)).toEqual([])
    expect(findReferences('PREF VPN 42', known)).toEqual([])
    expect(findReferences('REF-VPN-4-2', known)).toEqual(['REF VPN 4 2'])
    expect(findReferences('REF-VPN-42 + REF-ADSL-7', known)).toEqual(['REF VPN 42', 'REF ADSL 7'])
  })

  test('invoice numbers, credit notes and drafts', () => {
    expect(findInvoiceReferences('VIR FACTURE 2025-03-000042 ET 2025 03 000043')).toEqual([
      { kind: 'invoice', number: '2025-03-000042' }, { kind: 'invoice', number: '2025-03-000043' },
    ])
    expect(findInvoiceReferences('FA2025-03-000042 12,50')).toEqual([{ kind: 'invoice', number: '2025-03-000042' }])
    expect(findInvoiceReferences('AV-2025-03-000001 DRAFT-12')).toEqual([{ kind: 'creditNote', number: 'AV-2025-03-000001' }, { kind: 'draft', id: 12 }])
    expect(findInvoiceReferences('2025-03-00004 2025-3-000042 12025-03-000042')).toEqual([])
  })
})
