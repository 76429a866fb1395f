import { describe, expect, test } from 'vitest'
import { prisma } from '#app/utils/db.server.ts'
import { verifyPassword } from '#app/utils/password.server.ts'
import { coin, commandStderr } from './run-coin.ts'

describe('coin CLI', { timeout: 120_000 }, () => {
  test('--help lists every command with one line of help', async () => {
    const { code, stdout } = await coin(['--help'])
    expect(code).toBe(0)
    for (const command of ['start', 'web', 'worker', 'migrate', 'seed', 'createsuperuser']) {
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b.*\\S`, 'm'))
    }
  })

  test('an unknown command or option is bad usage (exit 2)', async () => {
    const unknown = await coin(['frobnicate'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("unknown command 'frobnicate'")
    expect((await coin(['migrate', '--bogus'])).code).toBe(2)
  })

  test('a wrong environment variable stops with one line naming it (exit 1)', async () => {
    const { code, stderr } = await coin(['migrate'], { PORT: 'eighty' })
    expect(code).toBe(1)
    expect(stderr.trim()).toBe('coin: Invalid configuration: PORT: expected a port number (got "eighty")')
  })

  test('createsuperuser with flags creates a staff superuser with an argon2id password', async () => {
    const { code, stdout } = await coin(['createsuperuser', '--username', 'root2', '--email', 'Root2@Example.org', '--password', 'a long enough pass'])
    expect(stdout).toContain('Superuser "root2" created.')
    expect(code).toBe(0)
    const member = await prisma.member.findUniqueOrThrow({ where: { username: 'root2' }, select: { email: true, roles: true, password: { select: { hash: true } } } })
    expect(member.email).toBe('root2@example.org')
    expect(member.roles).toEqual(['MEMBER', 'STAFF', 'SUPERUSER'])
    expect(member.password!.hash).toMatch(/^\$argon2id\$/)
    expect(await verifyPassword('a long enough pass', member.password!.hash)).toBe(true)
  })

  test('createsuperuser errors: missing flags without a terminal, bad values, taken names', async () => {
    const missing = await coin(['createsuperuser', '--username', 'root3'])
    expect(missing).toMatchObject({ code: 2 })
    expect(missing.stderr).toContain('missing --email, --password (stdin is not a terminal')
    const badEmail = await coin(['createsuperuser', '--username', 'root3', '--email', 'nope', '--password', 'a long enough pass'])
    expect(badEmail.code).toBe(2)
    expect(badEmail.stderr.trim()).toBe('coin: --email is not a valid email address')
    const short = await coin(['createsuperuser', '--username', 'root3', '--email', 'r3@example.org', '--password', 'short'])
    expect(short.stderr.trim()).toBe('coin: --password must be at least 10 characters')
    await coin(['createsuperuser', '--username', 'root4', '--email', 'r4@example.org', '--password', 'a long enough pass'])
    const taken = await coin(['createsuperuser', '--username', 'root4', '--email', 'other@example.org', '--password', 'a long enough pass'])
    expect(taken.code).toBe(1)
    expect(commandStderr(taken.stderr).trim()).toBe('coin: the username "root4" is already taken')
    expect(await prisma.member.count({ where: { username: 'root3' } })).toBe(0)
  })

  test('seed --demo loads FAI Démo once, with members in every status', async () => {
    const first = await coin(['seed', '--demo'])
    expect(first.code).toBe(0)
    expect(first.stdout).toContain('Admin login: admin / admin-demo')
    const again = await coin(['seed', '--demo'])
    expect(again.stdout).toContain('Demo data was already loaded.')
    expect(await prisma.ispSettings.findUniqueOrThrow({ where: { id: 1 }, select: { name: true } })).toEqual({ name: 'FAI Démo' })
    const byStatus = await prisma.member.groupBy({ by: ['status'], _count: { _all: true } })
    expect(byStatus.map((r) => r.status).sort()).toEqual(['MEMBER', 'NOT_MEMBER', 'PENDING'])
    expect(await prisma.member.count({ where: { username: { in: ['hdupond', 'hdupond2', 'gemajaxdelaboetie'] } } })).toBe(3)
  })

  test('migrate says the database is up to date', async () => {
    const { code, stdout } = await coin(['migrate'])
    expect(code).toBe(0)
    expect(stdout).toBe('The database is up to date.\n')
  })
})
