import { describe, expect, test } from 'vitest'
import { parseEnv } from '#app/utils/env.server.ts'

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
    [{ PUBLIC_URL: 'coin.example.org' }, 'Invalid configuration: PUBLIC_URL: expected an http:// or https:// URL (got "coin.example.org")'],
    [{ PDF_THREADS: '-1' }, 'Invalid configuration: PDF_THREADS: expected between 0 and 16 threads (got "-1")'],
    [{ LOG_LEVEL: 'loud' }, 'Invalid configuration: LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
  ])('%o is refused with a one-line message', (source, message) => {
    expect(() => parseEnv(source)).toThrow(message)
  })
  test('booleans and module lists are parsed', () => {
    expect(parseEnv({ MEMBER_CAN_EDIT_PROFILE: 'true', COIN_MODULES: 'vpn, dsl' })).toMatchObject({ MEMBER_CAN_EDIT_PROFILE: true, COIN_MODULES: ['vpn', 'dsl'] })
  })
})
