import { describe, expect, test } from 'vitest'
import { defaultFeeEnd, feeStatus } from '#app/models/fee/rules.ts'
import { EurosSchema } from '#app/models/offer/offer.schema.ts'
import { commitmentEnd, resignsBeforeCommitmentEnd, subscriptionReference, subscriptionState, unknownPlaceholders } from '#app/models/subscription/rules.ts'
import { addMonths, parseIsoDate, today } from '#app/utils/dates.ts'
import { formatEuros, parseEuros } from '#app/utils/money.ts'
import { parseEnv } from '#app/utils/env.server.ts'

const d = (iso: string) => parseIsoDate(iso)!

describe('subscription state at a date (both ends included)', () => {
  const s = { subscriptionDate: d('2025-03-10'), resignDate: d('2025-09-30') }
  test.each([
    ['2025-03-09', 'future'], ['2025-03-10', 'active'], ['2025-09-30', 'active'], ['2025-10-01', 'resigned'],
  ])('%s → %s', (date, state) => expect(subscriptionState(s, d(date))).toBe(state))
  test('without a resign date it stays active', () => {
    expect(subscriptionState({ subscriptionDate: d('2020-01-01'), resignDate: null }, d('2099-01-01'))).toBe('active')
  })
})

describe('commitment', () => {
  test('12 months from 15 January end on 14 January next year', () => {
    expect(commitmentEnd({ subscriptionDate: d('2025-01-15'), commitmentMonths: 12 })).toEqual(d('2026-01-14'))
    expect(commitmentEnd({ subscriptionDate: d('2025-01-15'), commitmentMonths: 0 })).toBeNull()
  })
  test('resigning on the last day of the commitment is not early', () => {
    const s = { subscriptionDate: d('2025-01-15'), commitmentMonths: 12 }
    expect(resignsBeforeCommitmentEnd(s, d('2026-01-13'))).toBe(true)
    expect(resignsBeforeCommitmentEnd(s, d('2026-01-14'))).toBe(false)
  })
})

describe('subscription reference pattern', () => {
  const values = { offer: { id: 3, reference: 'VPN' }, subscription: { id: 42 }, member: { id: 7, username: 'hdupond' } }
  test('Coin\'s default and its legacy placeholder names', () => {
    expect(subscriptionReference('REF-{offer.reference}-{subscription.id}', values)).toBe('REF-VPN-42')
    expect(subscriptionReference('REF-{subscription.offer.reference}-{subscription.pk}', values)).toBe('REF-VPN-42')
    expect(subscriptionReference('{member.username}/{offer.id}', values)).toBe('hdupond/3')
  })
  test('unknown placeholders are found, and refused at startup', () => {
    expect(unknownPlaceholders('REF-{offer.name}-{subscription.id}-{x}')).toEqual(['offer.name', 'x'])
    expect(() => parseEnv({ SUBSCRIPTION_REFERENCE: 'REF-{offer.name}' })).toThrow(
      'Invalid configuration: SUBSCRIPTION_REFERENCE: unknown placeholder {offer.name}; use {offer.reference}, {offer.id}, {subscription.id}, {member.id} or {member.username} (got "REF-{offer.name}")',
    )
  })
})

describe('membership fees', () => {
  test('a fee lasts one year minus a day by default', () => {
    expect(defaultFeeEnd(d('2025-01-01'))).toEqual(d('2025-12-31'))
    expect(defaultFeeEnd(d('2024-02-29'))).toEqual(d('2025-02-27'))
  })
  test.each([
    [null, 'none'], ['2025-06-30', 'expired'], ['2025-07-01', 'expiringSoon'], ['2025-07-30', 'expiringSoon'], ['2025-07-31', 'upToDate'],
  ])('latest end %s on 1 July 2025 → %s', (end, status) => {
    expect(feeStatus(end ? d(end) : null, d('2025-07-01'))).toBe(status)
  })
})

describe('money typed in euros', () => {
  test.each([
    ['12,50', 1250], ['12.50', 1250], ['12', 1200], ['0,5', 50], ['1 250,00 €', 125000], ['8', 800],
  ])('%s → %i cents', (text, cents) => expect(parseEuros(text)).toBe(cents))
  test.each(['-3', '12,505', 'abc', '', '1e3', '12,'])('%s is refused', (text) => expect(parseEuros(text)).toBeNull())
  test('every amount typed is at most 1 000 000 €', () => {
    expect(EurosSchema.safeParse('1000000').data).toBe(100_000_000)
    expect(EurosSchema.safeParse('1000000,01').error?.issues[0].message).toBe('amountTooLarge')
    expect(EurosSchema.safeParse('9999999,99').error?.issues[0].message).toBe('amountTooLarge')
  })
  test('formats for reading', () => {
    expect(formatEuros(1250, 'fr')).toBe('12,50\u00a0€')
    expect(formatEuros(1250, 'en')).toBe('€12.50')
  })
})

describe('dates', () => {
  test('impossible dates are refused', () => {
    expect(parseIsoDate('2025-02-30')).toBeNull()
    expect(parseIsoDate('2025-2-3')).toBeNull()
  })
  test('months are clamped to the month length', () => {
    expect(addMonths(d('2025-01-31'), 1)).toEqual(d('2025-02-28'))
  })
  test('today is the Paris calendar day', () => {
    expect(today(new Date('2025-06-30T22:30:00Z'), 'Europe/Paris')).toEqual(d('2025-07-01'))
  })
})
