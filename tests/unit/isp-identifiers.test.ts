import { describe, expect, test } from 'vitest'
import {
  basisPointsToPercent,
  checkBic,
  checkVatNumber,
  checkIban,
  checkRna,
  checkSiret,
  formatIban,
  imageMimeType,
  luhnValid,
  parseVatPercent,
} from '#app/models/isp/identifiers.ts'

describe('IBAN', () => {
  test('valid IBANs of several countries, typed with spaces or in lower case, are stored compact and upper case', () => {
    expect(checkIban('FR76 3000 6000 0112 3456 7890 189')).toEqual({ value: 'FR7630006000011234567890189' })
    expect(checkIban('gb82 west 1234 5698 7654 32')).toEqual({ value: 'GB82WEST12345698765432' })
    expect(checkIban('DE89370400440532013000')).toEqual({ value: 'DE89370400440532013000' })
    expect(checkIban('BE68\u00a05390 0754 7034')).toEqual({ value: 'BE68539007547034' })
    expect(checkIban('NO93 8601 1117 947')).toEqual({ value: 'NO9386011117947' })
  })

  test('the country code, the length and the mod-97 checksum are checked, in that order', () => {
    expect(checkIban('FR76 3000 6000 0112 3456 7890 188')).toEqual({ error: 'ibanChecksumInvalid' })
    // Two digits swapped: the checksum catches it.
    expect(checkIban('FR76 3000 6000 0112 3456 7809 189')).toEqual({ error: 'ibanChecksumInvalid' })
    expect(checkIban('FR76 3000 6000 0112 3456 7890 18')).toEqual({ error: 'ibanLengthInvalid' })
    expect(checkIban('FR76 3000 6000 0112 3456 7890 1890')).toEqual({ error: 'ibanLengthInvalid' })
    expect(checkIban('ZZ76 3000 6000 0112 3456 7890 189')).toEqual({ error: 'ibanCountryUnknown' })
    expect(checkIban('FR7X 3000 6000 0112 3456 7890 189')).toEqual({ error: 'ibanInvalid' })
    expect(checkIban('FR76 3000 6000 0112 3456 7890 18é')).toEqual({ error: 'ibanInvalid' })
    expect(checkIban('')).toEqual({ error: 'ibanInvalid' })
  })

  test('is printed in groups of four', () => {
    expect(formatIban('FR7630006000011234567890189')).toBe('FR76 3000 6000 0112 3456 7890 189')
    expect(formatIban('BE68539007547034')).toBe('BE68 5390 0754 7034')
    expect(formatIban('')).toBe('')
  })
})

describe('SIRET', () => {
  test('14 digits, spaces allowed, with a valid Luhn key', () => {
    expect(checkSiret('732 829 320 00074')).toEqual({ value: '73282932000074' })
    expect(checkSiret('44306184100047')).toEqual({ value: '44306184100047' })
    expect(checkSiret('73282932000075')).toEqual({ error: 'siretChecksumInvalid' })
    expect(checkSiret('7328293200007')).toEqual({ error: 'siretInvalid' })
    expect(checkSiret('732829320000745')).toEqual({ error: 'siretInvalid' })
    expect(checkSiret('7328293200007A')).toEqual({ error: 'siretInvalid' })
  })

  test('the Luhn check doubles every second digit from the right', () => {
    expect(luhnValid('79927398713')).toBe(true)
    expect(luhnValid('79927398710')).toBe(false)
    expect(luhnValid('0')).toBe(true)
  })
})

describe('RNA and BIC', () => {
  test('an RNA number is W and 9 digits', () => {
    expect(checkRna('W751234567')).toEqual({ value: 'W751234567' })
    expect(checkRna('w75 123 4567')).toEqual({ value: 'W751234567' })
    expect(checkRna('W75123456')).toEqual({ error: 'rnaInvalid' })
    expect(checkRna('X751234567')).toEqual({ error: 'rnaInvalid' })
    expect(checkRna('W7512345678')).toEqual({ error: 'rnaInvalid' })
  })

  test('a BIC has 8 or 11 characters: bank and country in letters', () => {
    expect(checkBic('BNPAFRPP')).toEqual({ value: 'BNPAFRPP' })
    expect(checkBic('bnpa fr pp xxx')).toEqual({ value: 'BNPAFRPPXXX' })
    expect(checkBic('CMCIFR2A')).toEqual({ value: 'CMCIFR2A' })
    expect(checkBic('BNPAFRP')).toEqual({ error: 'bicInvalid' })
    expect(checkBic('BNPAFRPPXX')).toEqual({ error: 'bicInvalid' })
    expect(checkBic('BNP1FRPP')).toEqual({ error: 'bicInvalid' })
  })
})

describe('VAT number', () => {
  test('French: FR, the key (12 + 3 × (SIREN mod 97)) mod 97, the SIREN; other EU numbers by their shape', () => {
    // SIREN 123 456 824: 123456824 mod 97 = 74, (12 + 3 × 74) mod 97 = 40.
    expect(checkVatNumber('FR 40 123 456 824')).toEqual({ value: 'FR40123456824' })
    expect(checkVatNumber('fr41123456824')).toEqual({ error: 'vatNumberChecksumInvalid' })
    expect(checkVatNumber('FR4012345682')).toEqual({ error: 'vatNumberInvalid' })
    expect(checkVatNumber('BE0123456789')).toEqual({ value: 'BE0123456789' })
    expect(checkVatNumber('123456789')).toEqual({ error: 'vatNumberInvalid' })
  })
})

describe('VAT rate in percent', () => {
  test('becomes basis points without floating point', () => {
    expect(parseVatPercent('20')).toBe(2000)
    expect(parseVatPercent('5,5')).toBe(550)
    expect(parseVatPercent('2.10')).toBe(210)
    expect(parseVatPercent('19,6 %')).toBe(1960)
    expect(parseVatPercent('0')).toBe(0)
    expect(parseVatPercent('100')).toBe(10_000)
    // 0.07 × 100 is 7.000000000000001 in floating point: not here.
    expect(parseVatPercent('0,07')).toBe(7)
    expect(parseVatPercent('8,2')).toBe(820)
  })

  test('refuses more than 100 %, more than two decimals, negative or empty values', () => {
    for (const text of ['100,01', '101', '-5', '5,555', '', 'abc', '5,', ',5', '1 000']) expect(parseVatPercent(text), text).toBeNull()
  })

  test('basis points go back to what staff typed', () => {
    expect(basisPointsToPercent(2000)).toBe('20')
    expect(basisPointsToPercent(550)).toBe('5,5')
    expect(basisPointsToPercent(210)).toBe('2,1')
    expect(basisPointsToPercent(1234)).toBe('12,34')
    expect(basisPointsToPercent(5)).toBe('0,05')
    expect(basisPointsToPercent(0)).toBe('0')
    for (const bp of [0, 7, 550, 1960, 2000, 10_000]) expect(parseVatPercent(basisPointsToPercent(bp))).toBe(bp)
  })
})

describe('logo type', () => {
  test('is read from the first bytes, not from the name', () => {
    expect(imageMimeType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))).toBe('image/png')
    expect(imageMimeType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]))).toBe('image/jpeg')
    expect(imageMimeType(new TextEncoder().encode('PNG but really text'))).toBeNull()
    expect(imageMimeType(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBeNull()
    expect(imageMimeType(new Uint8Array([]))).toBeNull()
    // A GIF is an image, but not one invoices take.
    expect(imageMimeType(new TextEncoder().encode('GIF89a'))).toBeNull()
  })
})
