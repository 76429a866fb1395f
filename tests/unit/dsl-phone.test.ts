import { describe, expect, test } from 'vitest'
import { DslEditSchema, PhoneNumberSchema } from '#app/backends/dsl/dsl.schema.ts'
import { formatPhoneNumber, normalizePhoneNumber, phoneSearchFragment } from '#app/backends/dsl/phone.ts'

describe('DSL phone numbers', () => {
  test.each([
    // French numbers typed the French way: spaces, dots, dashes, or none.
    ['04 72 00 00 00', '+33472000000'],
    ['0472000000', '+33472000000'],
    ['04.72.00.00.00', '+33472000000'],
    ['04-72-00-00-00', '+33472000000'],
    ['  01 23 45 67 89  ', '+33123456789'],
    ['09\u00a072\u00a000\u00a000\u00a000', '+33972000000'],
    // French numbers in international form.
    ['+33472000000', '+33472000000'],
    ['+33 4 72 00 00 00', '+33472000000'],
    ['+33 (0)4 72 00 00 00', '+33472000000'],
    ['0033 4 72 00 00 00', '+33472000000'],
    // Other countries: E.164, 8 to 15 digits.
    ['+32 2 555 00 00', '+3225550000'],
    ['+1 (212)', null],
    ['+1-212-555-0100', '+12125550100'],
    ['+49 30 1234567', '+49301234567'],
    ['+12345678', '+12345678'],
    ['+123456789012345', '+123456789012345'],
  ])('%j is %j', (typed, e164) => {
    expect(normalizePhoneNumber(typed)).toBe(e164)
  })

  test.each([
    '',
    '04 72 00 00',          // 8 digits
    '04 72 00 00 00 0',     // 11 digits
    '00 72 00 00 00',       // 0 then 0: no such French number
    '4 72 00 00 00',        // no trunk 0, no +
    '+33 0 4 72 00 00 00',  // the trunk 0 kept after +33
    '+33 4 72 00 00',       // 8 digits after +33
    '+1234567',             // 7 digits
    '+1234567890123456',    // 16 digits
    '+0 123 456 789',       // no country code starts with 0
    '04 72 00 00 0O',       // a letter O
    'tel:+33472000000',
    '04/72/00/00/00',
    '+33 4 72 00 00 00 poste 12',
  ])('%j is refused', (typed) => {
    expect(normalizePhoneNumber(typed)).toBeNull()
  })

  test('French numbers read as 04 72 00 00 00, others as stored', () => {
    expect(formatPhoneNumber('+33472000000')).toBe('04 72 00 00 00')
    expect(formatPhoneNumber('+33123456789')).toBe('01 23 45 67 89')
    expect(formatPhoneNumber('+3225550000')).toBe('+3225550000')
    for (const typed of ['04 72 00 00 00', '+33 9 72 00 00 01', '01.23.45.67.89']) {
      const e164 = normalizePhoneNumber(typed)!
      expect(normalizePhoneNumber(formatPhoneNumber(e164))).toBe(e164)
    }
  })

  test('a search typed as a phone number looks for the E.164 form', () => {
    expect(phoneSearchFragment('04 72')).toBe('+33472')
    expect(phoneSearchFragment('04.72.00')).toBe('+3347200')
    expect(phoneSearchFragment('+33 4 72')).toBe('+33472')
    expect(phoneSearchFragment('0032 2')).toBe('+322')
    expect(phoneSearchFragment('72 00')).toBe('7200')
    expect(phoneSearchFragment('00')).toBeNull()
    expect(phoneSearchFragment('4')).toBeNull()
    expect(phoneSearchFragment('orange')).toBeNull()
    expect(phoneSearchFragment('FTTH-0472')).toBeNull()
  })

  test('the form schema normalises the number and names the field it refuses', () => {
    expect(PhoneNumberSchema.parse('04 72 00 00 00')).toBe('+33472000000')
    expect(PhoneNumberSchema.parse('')).toBe('')
    expect(PhoneNumberSchema.parse(undefined)).toBe('')
    const refused = DslEditSchema.safeParse({ phoneNumber: '04 72', pppLogin: 'a b', pppPassword: 'x\ny', activationDate: '2026-02-30' })
    expect(refused.success).toBe(false)
    const issues = Object.fromEntries(refused.error!.issues.map((i) => [i.path.join('.'), i.message]))
    expect(issues).toEqual({
      phoneNumber: 'dsl:errors.phoneInvalid',
      pppLogin: 'dsl:errors.pppLoginInvalid',
      pppPassword: 'dsl:errors.pppPasswordInvalid',
      activationDate: 'dateInvalid',
    })
    const ok = DslEditSchema.parse({ phoneNumber: '+32 2 555 00 00', lineReference: ' REF-1 ', pppLogin: 'ligne1@fai.example', pppPassword: ' mot de passe ', activationDate: '2026-12-07' })
    expect(ok).toEqual({
      phoneNumber: '+3225550000', lineReference: 'REF-1', providerName: '', pppLogin: 'ligne1@fai.example', pppPassword: ' mot de passe ',
      activationDate: new Date(Date.UTC(2026, 11, 7)), comment: '',
    })
  })
})
