import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, test } from 'vitest'
import { DumpError, Fields, RecordProblem, hundredthsOf, parseDump, referenceFromName } from '#app/models/import/coin-dump.ts'
import { lineTotalCents } from '#app/models/invoice/rules.ts'

describe('reading a Django dump', () => {
  test('decimals become hundredths exactly; more than two decimals is no amount', () => {
    expect(['20.00', '8.5', '0.50', '-3.25', 12, '20.000', '1e3', '', '8.005'].map(hundredthsOf)).toEqual([2000, 850, 50, -325, 1200, 2000, null, null, null])
  })

  test('lines of Coin round half to even, this Coin half up (8.35 € × 0.25 + 20 % = 2.505 €)', () => {
    const line = { unitCents: 835, quantityHundredths: 25, vatBasisPoints: 2000 }
    expect(lineTotalCents({ ...line, halfEven: true })).toBe(250)
    expect(lineTotalCents(line)).toBe(251)
    expect(lineTotalCents({ unitCents: 1045, quantityHundredths: 50, halfEven: true })).toBe(522)
    expect(lineTotalCents({ unitCents: 1055, quantityHundredths: 50, halfEven: true })).toBe(528)
  })

  test('datetimes: UTC as Django writes them, local Paris time without an offset; the day joined is the Paris day', () => {
    const f = new Fields({ model: 'members.member', pk: '1', fields: { a: '2021-03-04T09:12:00.123Z', b: '2016-07-01 00:30:00', c: '2015-12-31T23:30:00Z', d: 'yesterday' } })
    expect(f.datetime('a')!.toISOString()).toBe('2021-03-04T09:12:00.123Z')
    expect(f.datetime('b')!.toISOString()).toBe('2016-06-30T22:30:00.000Z')
    expect(f.localDate('c')!.toISOString().slice(0, 10)).toBe('2016-01-01')
    expect(() => f.datetime('d')).toThrow(new RecordProblem('"yesterday" is not a date and time', 'd'))
  })

  test('a dump is a list of {model, pk, fields}; a byte order mark is fine', () => {
    expect(parseDump('\uFEFF[{"model": "offers.offer", "pk": 3, "fields": {"name": "VPN"}}]')).toEqual([{ model: 'offers.offer', pk: '3', fields: { name: 'VPN' } }])
    expect(() => parseDump('{"model": "offers.offer"}')).toThrow(DumpError)
    expect(() => parseDump('[1, 2]')).toThrow('not a Coin dump: record 1 is not an object; record 2 is not an object')
  })

  test('an offer without a reference gets one from its name', () => {
    expect(referenceFromName('Hébergement 1U')).toBe('HEBERGEMENT-1U')
    expect(referenceFromName('***')).toBe('OFFRE')
  })

  test('the fixtures agree with the figures of their README (tests/fixtures/coin-dumps/check.mjs)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['tests/fixtures/coin-dumps/check.mjs'])
    expect(stdout).not.toMatch(/FAIL|mismatch/i)
  })
})
