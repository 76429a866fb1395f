import { describe, expect, test } from 'vitest'
import { init, parseEnv } from '#app/utils/env.server.ts'

describe('environment validation', () => {
  test('defaults for a fresh install', () => {
    const env = parseEnv({})
    expect(env).toMatchObject({ PORT: 3000, COIN_DATA_DIR: '.data', MEMBER_CAN_EDIT_PROFILE: false, COIN_MODULES: [], LOG_LEVEL: 'info' })
  })
  test.each([
    [{ PORT: 'abc' }, 'Invalid configuration: PORT: expected a port number (got "abc")'],
    [{ PORT: '70000' }, 'Invalid configuration: PORT: expected a port between 1 and 65535 (got "70000")'],
    [{ MEMBER_CAN_EDIT_PROFILE: 'maybe' }, 'Invalid configuration: MEMBER_CAN_EDIT_PROFILE: expected true or false (got "maybe")'],
    [{ DATABASE_URL: 'mysql://x' }, 'Invalid configuration: DATABASE_URL: expected a postgresql:// URL (got "mysql://x")'],
    [{ COIN_MODULES: 'vpn,ftp' }, 'Invalid configuration: COIN_MODULES: unknown module "ftp", expected a comma-separated list of vpn, dsl, hardware, maillists (got "vpn,ftp")'],
    [{ DEFAULT_FROM_EMAIL: 'nobody' }, 'Invalid configuration: DEFAULT_FROM_EMAIL: expected an email address (got "nobody")'],
    [{ CHARGE_SUBSCRIPTIONS_CRON: 'every night' }, 'Invalid configuration: CHARGE_SUBSCRIPTIONS_CRON: expected a cron expression of 5 fields, e.g. "59 23 * * *" (got "every night")'],
    [{ SMTP_URL: 'smtpx://coin:s3cret@mail.example.org' }, 'Invalid configuration: SMTP_URL: expected an smtp:// or smtps:// URL (got "smtpx://coin:***@mail.example.org")'],
    [{ PUBLIC_URL: 'coin.example.org' }, 'Invalid configuration: PUBLIC_URL: expected an absolute http:// or https:// URL, such as https://coin.fai.example (got "coin.example.org")'],
    [{ PDF_THREADS: '-1' }, 'Invalid configuration: PDF_THREADS: expected between 0 and 16 threads (got "-1")'],
    [{ CHARGE_SUBSCRIPTIONS_CRON: '99 99 * * *' }, 'Invalid configuration: CHARGE_SUBSCRIPTIONS_CRON: not a valid cron expression: Constraint error, got value 99 expected range 0-59 (got "99 99 * * *")'],
    [{ CALL_FOR_MEMBERSHIP_FEES_CRON: '0 0 31 2 *' }, 'Invalid configuration: CALL_FOR_MEMBERSHIP_FEES_CRON: not a valid cron expression: Invalid explicit day of month definition (got "0 0 31 2 *")'],
    [{ REMIND_UNPAID_INVOICES_CRON: '0 25 * * *' }, 'Invalid configuration: REMIND_UNPAID_INVOICES_CRON: not a valid cron expression: Constraint error, got value 25 expected range 0-23 (got "0 25 * * *")'],
    [{ TZ: 'Europe/Pariss' }, 'Invalid configuration: TZ: expected a time zone such as Europe/Paris (see the tz database) (got "Europe/Pariss")'],
    [{ DATABASE_POOL_SIZE: '0' }, 'Invalid configuration: DATABASE_POOL_SIZE: expected between 1 and 100 connections (got "0")'],
    [{ DATABASE_POOL_SIZE: 'ten' }, 'Invalid configuration: DATABASE_POOL_SIZE: expected a number of connections (got "ten")'],
    [{ DATABASE_POOL_SIZE: '2.5' }, 'Invalid configuration: DATABASE_POOL_SIZE: expected a whole number of connections (got "2.5")'],
    [{ SLOW_QUERY_MS: '-5' }, 'Invalid configuration: SLOW_QUERY_MS: expected between 0 and 600000 milliseconds (got "-5")'],
    [{ LOG_FORMAT: 'pretty' }, 'Invalid configuration: LOG_FORMAT: expected json or text (got "pretty")'],
    [{ LOG_LEVEL: 'loud' }, 'Invalid configuration: LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
  ])('%o is refused with a one-line message', (source, message) => {
    expect(() => parseEnv(source)).toThrow(message)
  })
  test('schedules, time zone and pool size that work', () => {
    expect(parseEnv({ CHARGE_SUBSCRIPTIONS_CRON: '*/15 1-5 * * 1,3', TZ: 'America/Montreal', DATABASE_POOL_SIZE: '25', SLOW_QUERY_MS: '0', LOG_FORMAT: 'json' }))
      .toMatchObject({ CHARGE_SUBSCRIPTIONS_CRON: '*/15 1-5 * * 1,3', TZ: 'America/Montreal', DATABASE_POOL_SIZE: 25, SLOW_QUERY_MS: 0, LOG_FORMAT: 'json' })
    expect(parseEnv({})).toMatchObject({ TZ: 'Europe/Paris', DATABASE_POOL_SIZE: 10, SLOW_QUERY_MS: 200 })
  })
  test('booleans and module lists are parsed', () => {
    expect(parseEnv({ MEMBER_CAN_EDIT_PROFILE: 'true', COIN_MODULES: 'vpn, dsl' })).toMatchObject({ MEMBER_CAN_EDIT_PROFILE: true, COIN_MODULES: ['vpn', 'dsl'] })
  })
})

test('PUBLIC_URL is required in production, and is the local address otherwise', () => {
  const secret = 'a-session-secret-long-enough-for-the-check-0123'
  expect(() => init({ NODE_ENV: 'production', SESSION_SECRET: secret })).toThrow(
    'Invalid configuration: PUBLIC_URL: required in production: the address members reach Coin at, such as https://coin.fai.example',
  )
  expect(init({ NODE_ENV: 'production', SESSION_SECRET: secret, PUBLIC_URL: 'https://coin.fai.example/' }).PUBLIC_URL).toBe('https://coin.fai.example')
  expect(init({ NODE_ENV: 'development', SESSION_SECRET: secret, PORT: '4000' }).PUBLIC_URL).toBe('http://localhost:4000')
  init()
})
