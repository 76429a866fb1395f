import { afterEach, describe, expect, test, vi } from 'vitest'
import {
  DEFAULT_FEE_REMINDER_OFFSETS, describeFeeCall, describeUnpaidReminder, feeReminderCase, feeWhen, parseOffsets, remindedRecently,
  reminderNeeded, summarizeReminderRun, THREE_WEEKS_DAYS,
} from '#app/models/email/reminder-rules.ts'
import { addDays, parseIsoDate } from '#app/utils/dates.ts'
import { parseEnv } from '#app/utils/env.server.ts'

const d = (iso: string) => parseIsoDate(iso)!
const at = (iso: string) => new Date(iso)
const DAY = 86_400_000
const DEFAULT = parseOffsets(DEFAULT_FEE_REMINDER_OFFSETS)

describe('FEE_REMINDER_OFFSETS', () => {
  test('the default is Coin\'s schedule, in months from the fee end', () => {
    expect(DEFAULT).toEqual([-1, 0, 1, 2, 3])
  })
  test('signs, spaces, 0m, duplicates', () => {
    expect(parseOffsets(' +2m , -1m,0m, 12m,+2m ')).toEqual([2, -1, 0, 12])
    expect(parseOffsets('-0m')).toEqual([0])
    expect(Object.is(parseOffsets('-0m')[0], 0)).toBe(true)
    expect(parseOffsets('24m,-24m')).toEqual([24, -24])
  })
  test.each([
    ['+2x', '"+2x": expected offsets like -1m, 0, +1m'],
    ['-1m,,0', '"": expected offsets like -1m, 0, +1m'],
    ['', '"": expected offsets like -1m, 0, +1m'],
    ['1', '"1": expected offsets like -1m, 0, +1m'],
    ['+1M', '"+1M": expected offsets like -1m, 0, +1m'],
    ['1.5m', '"1.5m": expected offsets like -1m, 0, +1m'],
    ['+ 1m', '"+ 1m": expected offsets like -1m, 0, +1m'],
    ['-1m;0', '"-1m;0": expected offsets like -1m, 0, +1m'],
    ['+25m', '"+25m": expected offsets between -24m and +24m'],
  ])('%j is refused: %s', (text, message) => {
    expect(() => parseOffsets(text)).toThrow(message)
  })
  test('checked at startup', () => {
    expect(parseEnv({}).FEE_REMINDER_OFFSETS).toEqual([-1, 0, 1, 2, 3])
    expect(parseEnv({ FEE_REMINDER_OFFSETS: '0,+6m' }).FEE_REMINDER_OFFSETS).toEqual([0, 6])
    expect(() => parseEnv({ FEE_REMINDER_OFFSETS: '-1m,+2x' })).toThrow('Invalid configuration: FEE_REMINDER_OFFSETS: "+2x": expected offsets like -1m, 0, +1m (got "-1m,+2x")')
  })
})

describe('which fee ends are called on a date', () => {
  // Coin's acceptance cases: one email at today+1 month, today, today−1/−2/−3 months; none at
  // today+2 months, today+1 month+1 day, today−4 months.
  const date = d('2025-06-15')
  test.each([
    ['2025-07-15', -1, 'before'],
    ['2025-06-15', 0, 'at'],
    ['2025-05-15', 1, 'after'],
    ['2025-04-15', 2, 'after'],
    ['2025-03-15', 3, 'after'],
  ])('a fee ending %s is called (offset %i, %s)', (end, offset, when) => {
    expect(feeReminderCase(d(end), date, DEFAULT)).toEqual({ offset, when })
  })
  test.each(['2025-08-15', '2025-07-16', '2025-07-14', '2025-06-14', '2025-06-16', '2025-02-15', '2024-06-15'])('a fee ending %s is not', (end) => {
    expect(feeReminderCase(d(end), date, DEFAULT)).toBeNull()
  })
  test('only the configured offsets', () => {
    expect(feeReminderCase(d('2025-03-15'), date, [0, 6])).toBeNull()
    expect(feeReminderCase(d('2024-12-15'), date, [0, 6])).toEqual({ offset: 6, when: 'after' })
    expect(feeReminderCase(d('2025-06-15'), date, [])).toBeNull()
  })
})

describe('month ends: each fee end is called exactly once per offset', () => {
  test('a fee ending 31 January is called with +1m on 28 February (29 in a leap year), not on the 3rd of March', () => {
    expect(feeReminderCase(d('2025-01-31'), d('2025-02-28'), [1])).toEqual({ offset: 1, when: 'after' })
    expect(feeReminderCase(d('2025-01-31'), d('2025-03-03'), [1])).toBeNull()
    expect(feeReminderCase(d('2024-01-31'), d('2024-02-29'), [1])).toEqual({ offset: 1, when: 'after' })
    expect(feeReminderCase(d('2024-01-31'), d('2024-02-28'), [1])).toBeNull()
  })
  test('on 28 February, +1m calls the fees ending 28 to 31 January', () => {
    for (const end of ['2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31']) expect(feeReminderCase(d(end), d('2025-02-28'), [1])).not.toBeNull()
    expect(feeReminderCase(d('2025-01-27'), d('2025-02-28'), [1])).toBeNull()
  })
  test('a fee ending 30 April is called with -1m on 30 March only, not again on the 31st', () => {
    expect(feeReminderCase(d('2025-04-30'), d('2025-03-30'), [-1])).toEqual({ offset: -1, when: 'before' })
    expect(feeReminderCase(d('2025-04-30'), d('2025-03-31'), [-1])).toBeNull()
  })
  test('a fee ending 31 March is called with -1m on 28 February', () => {
    expect(feeReminderCase(d('2025-03-31'), d('2025-02-28'), [-1])).toEqual({ offset: -1, when: 'before' })
  })
  test('over two years of fee ends, each gets exactly one day per offset', () => {
    for (let end = d('2024-01-01'); end < d('2026-01-01'); end = addDays(end, 1)) {
      for (const offset of DEFAULT) {
        let days = 0
        for (let date = addDays(end, -40); date < addDays(end, 100); date = addDays(date, 1)) if (feeReminderCase(end, date, [offset])) days += 1
        expect(days, `${end.toISOString()} ${offset}`).toBe(1)
      }
    }
  })
})

describe('wording from the fee end and the date (staff bulk action)', () => {
  test.each([
    ['2025-07-01', 'before'], ['2025-06-15', 'at'], ['2025-06-14', 'after'], [null, 'after'],
  ])('fee ending %s on 15 June → %s', (end, when) => {
    expect(feeWhen(end ? d(end) : null, d('2025-06-15'))).toBe(when)
  })
  test('describing the call', () => {
    expect(describeFeeCall({ when: 'before', feeEndDate: d('2025-07-15') })).toBe('before: the fee ends on 2025-07-15')
    expect(describeFeeCall({ when: 'at', feeEndDate: d('2025-06-15') })).toBe('at: the fee ends today, 2025-06-15')
    expect(describeFeeCall({ when: 'after', feeEndDate: d('2025-05-15') })).toBe('after: the fee ended on 2025-05-15')
    expect(describeFeeCall({ when: 'after', feeEndDate: null })).toBe('no fee recorded')
  })
})

describe('the 3-week guard', () => {
  const now = at('2025-06-22T01:42:00Z')
  test('never reminded', () => expect(remindedRecently(null, now)).toBe(false))
  test.each([
    [0, true], [1, true], [THREE_WEEKS_DAYS * DAY - 1, true], [THREE_WEEKS_DAYS * DAY, false], [22 * DAY, false],
  ])('reminded %i ms ago → recent: %s', (ago, recent) => {
    expect(remindedRecently(new Date(now.getTime() - ago), now)).toBe(recent)
  })
  test('a reminder recorded in the future (a clock set back) counts as recent', () => {
    expect(remindedRecently(new Date(now.getTime() + DAY), now)).toBe(true)
  })
})

describe('unpaid invoice reminders', () => {
  const now = at('2025-06-30T08:12:00Z')
  const date = d('2025-06-30')
  test.each([
    [27, false], [28, false], [29, true], [120, true],
  ])('due %i days ago, never reminded → needed: %s', (days, needed) => {
    expect(reminderNeeded({ dueDate: addDays(date, -days), lastReminderAt: null }, now, date)).toBe(needed)
  })
  test.each([
    [20, false], [21, true], [22, true],
  ])('due long ago, reminded %i days ago → needed: %s', (days, needed) => {
    expect(reminderNeeded({ dueDate: d('2025-01-31'), lastReminderAt: new Date(now.getTime() - days * DAY) }, now, date)).toBe(needed)
  })
  test('reminded 21 days ago less a second: not yet', () => {
    expect(reminderNeeded({ dueDate: d('2025-01-31'), lastReminderAt: new Date(now.getTime() - 21 * DAY + 1000) }, now, date)).toBe(false)
  })
  test('no due date: never', () => {
    expect(reminderNeeded({ dueDate: null, lastReminderAt: null }, now, date)).toBe(false)
  })
  afterEach(() => {
    vi.unstubAllEnvs()
  })
  test('the date defaults to the day of now in the ISP\'s time zone', () => {
    vi.stubEnv('TZ', 'Europe/Paris')
    // 22:30 UTC on 28 July is already 29 July in Paris: due 30 June is then 29 days ago.
    expect(reminderNeeded({ dueDate: d('2025-06-30'), lastReminderAt: null }, at('2025-07-28T22:30:00Z'))).toBe(true)
    expect(reminderNeeded({ dueDate: d('2025-06-30'), lastReminderAt: null }, at('2025-07-28T21:30:00Z'))).toBe(false)
  })
  test('describing the reminder', () => {
    expect(describeUnpaidReminder({ number: '2025-01-000042', dueDate: d('2025-01-31'), remainingCents: 1250 })).toBe('2025-01-000042 due 2025-01-31, €12.50 left')
  })
})

describe('the summary line', () => {
  const noun: [string, string] = ['member', 'members']
  test.each([
    [3, ['recent'], false, '3 members called, 1 skipped (reminded less than 3 weeks ago).'],
    [1, [], false, '1 member called.'],
    [0, [], true, '0 members would be called. Dry run: nothing sent.'],
    [2, ['recent', 'notMember', 'recent'], true, '2 members would be called, 3 skipped (2 reminded less than 3 weeks ago, 1 not a member). Dry run: nothing sent.'],
  ] as const)('%i sent, skipped %j, dry run %s', (sent, codes, dryRun, line) => {
    expect(summarizeReminderRun({ sent, skipped: codes.map((code) => ({ code })), dryRun, noun, verb: 'called' })).toBe(line)
  })
})
