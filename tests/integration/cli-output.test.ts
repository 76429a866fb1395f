import { spawnSync } from 'node:child_process'
import { describe, expect, test } from 'vitest'
import { coin, stderrProblems } from './run-coin.ts'

// Every test spawns the CLI several times (about a second each on a busy machine).
const SLOW = { timeout: 120_000 }

/** The lines of the "Commands:" section of a help text. */
const commandLines = (help: string) => help.split('\nCommands:\n')[1].trimEnd().split('\n\n')[0].split('\n')

describe('coin --help', () => {
  test('one line per command; the detail is in each command\'s own --help', SLOW, async () => {
    const { code, stdout, stderr } = await coin(['--help'])
    expect({ code, problems: stderrProblems(stderr) }).toEqual({ code: 0, problems: [] })
    const lines = commandLines(stdout)
    for (const line of lines) expect(line).toMatch(/^ {2}[a-z_]+ +\S.*$/)
    expect(lines.map((line) => line.trim().split(/\s+/)[0])).toEqual([
      'start', 'web', 'worker', 'migrate', 'seed', 'createsuperuser', 'members_email', 'offer_subscriptions_count', 'ldap_sync', 'reverse_dns_zone', 'charge_subscriptions',
      'invoice_pdf', 'import_payments', 'import_coin', 'jobs', 'emails', 'call_for_membership_fees', 'remind_unpaid_invoices', 'help',
    ])
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80)
    expect(stdout).toContain('coin <command> --help')

    const own = await coin(['charge_subscriptions', '--help'])
    expect(own.code).toBe(0)
    expect(own.stdout).toContain('Each billing period is billed once')
    expect(own.stdout).toContain('--dry-run')
    expect(own.stdout).toContain('--antidate')
    const emails = await coin(['emails', '--help'])
    for (const line of commandLines(emails.stdout)) expect(line).toMatch(/^ {2}[a-z_]+ +\S.*$/)
  })
})

describe('configuration checked at startup, for every command', () => {
  test('a cron value pg-boss would refuse stops the command with one line naming the variable', SLOW, async () => {
    for (const args of [['migrate'], ['members_email'], ['jobs']]) {
      const { code, stdout, stderr } = await coin(args, { CHARGE_SUBSCRIPTIONS_CRON: '99 99 * * *' })
      expect({ code, stdout, stderr }).toEqual({
        code: 1,
        stdout: '',
        stderr: 'coin: Invalid configuration: CHARGE_SUBSCRIPTIONS_CRON: not a valid cron expression: Constraint error, got value 99 expected range 0-59 (got "99 99 * * *")\n',
      })
    }
    const reminders = await coin(['jobs'], { REMIND_UNPAID_INVOICES_CRON: '12 10 31 2 *' })
    expect(reminders.code).toBe(1)
    expect(reminders.stderr).toMatch(/^coin: Invalid configuration: REMIND_UNPAID_INVOICES_CRON: .+\n$/)
  })

  test('an unknown time zone and a wrong pool size stop the command the same way', SLOW, async () => {
    const tz = await coin(['members_email'], { TZ: 'Europe/Pariss' })
    expect(tz).toEqual({ code: 1, stdout: '', stderr: 'coin: Invalid configuration: TZ: expected a time zone such as Europe/Paris (see the tz database) (got "Europe/Pariss")\n' })
    const pool = await coin(['members_email'], { DATABASE_POOL_SIZE: '0' })
    expect(pool).toEqual({ code: 1, stdout: '', stderr: 'coin: Invalid configuration: DATABASE_POOL_SIZE: expected between 1 and 100 connections (got "0")\n' })
  })
})

describe('log lines', () => {
  test('go to stderr as JSON when stderr is not a terminal, as one-line text with LOG_FORMAT=text', SLOW, async () => {
    // SLOW_QUERY_MS=0 logs every query as a slow one.
    const json = await coin(['offer_subscriptions_count', '--json'], { SLOW_QUERY_MS: '0' })
    expect(json.code).toBe(0)
    expect(Array.isArray(JSON.parse(json.stdout))).toBe(true)
    const entries = json.stderr.trimEnd().split('\n').map((line) => JSON.parse(line) as { level: number; msg: string; durationMs: number; query: string })
    expect(entries.length).toBeGreaterThan(0)
    for (const entry of entries) expect(entry).toMatchObject({ level: 40, msg: 'slow query', durationMs: expect.any(Number), query: expect.any(String) })

    const text = await coin(['offer_subscriptions_count', '--json'], { SLOW_QUERY_MS: '0', LOG_FORMAT: 'text' })
    expect(text.code).toBe(0)
    expect(Array.isArray(JSON.parse(text.stdout))).toBe(true)
    const lines = text.stderr.trimEnd().split('\n')
    for (const line of lines) expect(line).toMatch(/^\d\d:\d\d:\d\d WARN {2}slow query durationMs=\d+ query=".+"$/)
  })

  const hasScript = spawnSync('script', ['--version']).status === 0
  test.skipIf(!hasScript)('on a terminal they are one-line text (run under script(1), which gives the command a terminal)', SLOW, async () => {
    const command = `${process.execPath} bin/coin.js offer_subscriptions_count --json`
    const run = spawnSync('script', ['-qec', command, '/dev/null'], { env: { ...process.env, LOG_LEVEL: '', SLOW_QUERY_MS: '0', NO_COLOR: '1' }, encoding: 'utf8' })
    expect(run.status).toBe(0)
    const output = run.stdout.replace(/\r\n/g, '\n')
    expect(output).toMatch(/^\d\d:\d\d:\d\d WARN {2}slow query durationMs=\d+ query=".+"$/m)
    expect(output).not.toContain('"level":')
  })
})
