import { describe, expect, test } from 'vitest'
import { action as forgotAction } from '#app/routes/forgot-password.tsx'
import { action as loginAction } from '#app/routes/login.tsx'
import { action as resetAction, loader as resetLoader } from '#app/routes/reset-password.$token.tsx'
import { requestPasswordReset, resetPassword, RESET_REQUESTS_PER_HOUR } from '#app/models/member/password-reset.server.ts'
import { prisma } from '#app/utils/db.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { getSessionMember } from '#app/utils/session.server.ts'
import { insertMember, loginAs } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from './request.ts'

const OLD_PASSWORD = 'the old password 1'
const NEW_PASSWORD = 'a brand new password'

const forgot = (identifier: string) =>
  settle(() => forgotAction({ request: makeRequest('/forgot-password', { form: { identifier } }), params: {}, context: {} }))

const resetEmails = (memberId: number) =>
  prisma.emailMessage.findMany({ where: { memberId, template: 'password-reset' }, orderBy: { id: 'asc' }, select: { text: true, html: true, toAddress: true } })

/** The token of the link in an email's plain-text body. */
const tokenIn = (text: string) => {
  const match = /http:\/\/localhost:3000\/reset-password\/([A-Za-z0-9_-]{43})/.exec(text)
  expect(match, text).not.toBeNull()
  return match![1]
}

const login = (identifier: string, password: string) =>
  settle(() => loginAction({ request: makeRequest('/login', { form: { identifier, password, redirectTo: '/' } }), params: {}, context: {} }))

const submitReset = (token: string, newPassword: string, confirmPassword = newPassword) =>
  settle(() => resetAction({ request: makeRequest(`/reset-password/${token}`, { form: { newPassword, confirmPassword } }), params: { token }, context: {} }))

describe('forgotten password', () => {
  test('a request by username or by email queues one email with a link, and the answer never varies', async () => {
    const member = await insertMember({ password: OLD_PASSWORD })
    const byUsername = await forgot(member.username)
    expect(byUsername).toBeInstanceOf(Response)
    expect((byUsername as Response).headers.get('location')).toBe('/forgot-password?sent=1')
    let emails = await resetEmails(member.id)
    expect(emails).toHaveLength(1)
    expect(emails[0].toAddress).toContain(member.email)
    tokenIn(emails[0].text)

    const byEmail = await forgot(`  ${member.email.toUpperCase()} `)
    expect((byEmail as Response).headers.get('location')).toBe('/forgot-password?sent=1')
    emails = await resetEmails(member.id)
    expect(emails).toHaveLength(2)
    // Only the newest link works.
    const [first, second] = emails.map((e) => tokenIn(e.text))
    expect(first).not.toBe(second)
    expect(unwrap(await resetLoader({ request: makeRequest(`/reset-password/${first}`), params: { token: first }, context: {} })).data).toMatchObject({ valid: false })
    expect(unwrap(await resetLoader({ request: makeRequest(`/reset-password/${second}`), params: { token: second }, context: {} })).data).toEqual({ valid: true, username: member.username })
    // Only the hash of a token is stored.
    const stored = await prisma.passwordResetToken.findMany({ where: { memberId: member.id }, select: { tokenHash: true } })
    expect(stored.map((s) => s.tokenHash)).not.toContain(second)
    expect(stored.every((s) => /^[0-9a-f]{64}$/.test(s.tokenHash))).toBe(true)
  })

  test('an unknown or inactive account gets the same answer and nothing is queued', async () => {
    const inactive = await insertMember({ isActive: false })
    const before = await prisma.emailMessage.count()
    for (const identifier of ['nobody-by-that-name', 'nobody@example.org', inactive.username]) {
      const response = await forgot(identifier)
      expect((response as Response).status).toBe(302)
      expect((response as Response).headers.get('location')).toBe('/forgot-password?sent=1')
    }
    expect(await prisma.emailMessage.count()).toBe(before)
    // An empty form is a field error, not a request.
    const empty = unwrap(await forgot('  '))
    expect(empty.status).toBe(400)
    expect(empty.data.result.error).toEqual({ identifier: ['required'] })
  })

  test('every request does the same work, whether or not the account exists, and only a real one keeps anything', async () => {
    const active = await insertMember()
    const inactive = await insertMember({ isActive: false })
    const limited = await insertMember()
    for (let i = 0; i < RESET_REQUESTS_PER_HOUR; i++) await requestPasswordReset({ identifier: limited.username })
    const recorded: string[][] = []
    let statements: string[] | null = null
    prisma.$on('query', (e) => statements?.push(e.query.replace(/\s+/g, ' ').trim()))
    const requestAs = async (identifier: string) => {
      statements = []
      const response = await forgot(identifier)
      expect((response as Response).headers.get('location')).toBe('/forgot-password?sent=1')
      recorded.push(statements)
      statements = null
    }
    const emailsBefore = await prisma.emailMessage.count()
    const tokensBefore = await prisma.passwordResetToken.count()
    for (const identifier of [active.email, 'nobody-by-this-name', 'nobody@example.org', inactive.username, limited.username]) await requestAs(identifier)

    // One email and one token more: the active account's.
    expect(await prisma.emailMessage.count()).toBe(emailsBefore + 1)
    expect(await prisma.passwordResetToken.count()).toBe(tokensBefore + 1)
    expect(await resetEmails(active.id)).toHaveLength(1)
    // The same statements in the same order, the rendered email's INSERT included; the others
    // roll back to the savepoint where the active account's request keeps its work.
    const [sent, ...others] = recorded
    expect(sent.some((q) => q.startsWith('INSERT INTO "public"."EmailMessage"'))).toBe(true)
    expect(sent.some((q) => q.startsWith('INSERT INTO "PasswordResetToken"'))).toBe(true)
    expect(sent.at(-2)).toBe('RELEASE SAVEPOINT password_reset')
    for (const statementsOfOther of others) {
      expect(statementsOfOther.at(-2)).toBe('ROLLBACK TO SAVEPOINT password_reset')
      expect(statementsOfOther.map((q) => q.replace('ROLLBACK TO SAVEPOINT', 'RELEASE SAVEPOINT'))).toEqual(sent)
    }
  })

  test(`at most ${RESET_REQUESTS_PER_HOUR} emails per member per hour`, async () => {
    const member = await insertMember()
    const start = new Date(Date.now() - 10 * 60_000)
    for (let i = 0; i < RESET_REQUESTS_PER_HOUR + 1; i++) {
      await requestPasswordReset({ identifier: member.username, now: new Date(start.getTime() + i * 60_000) })
    }
    expect(await resetEmails(member.id)).toHaveLength(RESET_REQUESTS_PER_HOUR)
    // Through the page, a further request gets the same answer and queues nothing either.
    const response = await forgot(member.email)
    expect((response as Response).headers.get('location')).toBe('/forgot-password?sent=1')
    expect(await resetEmails(member.id)).toHaveLength(RESET_REQUESTS_PER_HOUR)
    // An hour after the first ones, a new request goes through.
    await requestPasswordReset({ identifier: member.username, now: new Date(start.getTime() + 61 * 60_000) })
    expect(await resetEmails(member.id)).toHaveLength(RESET_REQUESTS_PER_HOUR + 1)
  })
})

describe('reset link', () => {
  test('sets the password once, logs out every session, and login works with the new password', async () => {
    const { member, cookie } = await loginAs({ password: OLD_PASSWORD })
    await requestPasswordReset({ identifier: member.username })
    const token = tokenIn((await resetEmails(member.id))[0].text)

    const mismatch = unwrap(await submitReset(token, NEW_PASSWORD, 'something else entirely'))
    expect(mismatch.status).toBe(400)
    expect(mismatch.data.result.error).toEqual({ confirmPassword: ['passwordMismatch'] })
    const short = unwrap(await submitReset(token, 'short'))
    expect(short.data.result.error).toMatchObject({ newPassword: ['passwordTooShort'] })

    const done = await submitReset(token, NEW_PASSWORD)
    expect((done as Response).headers.get('location')).toBe('/login?reset=1')
    expect(await getSessionMember(makeRequest('/', { cookie }))).toBeNull()
    expect(await prisma.session.count({ where: { memberId: member.id } })).toBe(0)
    expect((await login(member.username, OLD_PASSWORD)) as Response).not.toHaveProperty('status', 302)
    expect((await login(member.username, NEW_PASSWORD)) as Response).toHaveProperty('status', 302)

    // A second use of the same link is refused, with the page that offers a new one.
    const again = unwrap(await submitReset(token, 'yet another password'))
    expect(again.status).toBe(410)
    expect(again.data).toMatchObject({ valid: false, result: { error: { '': ['resetLinkInvalid'] } } })
    const page = unwrap(await resetLoader({ request: makeRequest(`/reset-password/${token}`), params: { token }, context: {} }))
    expect(page).toEqual({ status: 410, data: { valid: false, username: '' } })
    expect((await login(member.username, NEW_PASSWORD)) as Response).toHaveProperty('status', 302)
  })

  test('sets a password for an account that had none', async () => {
    const member = await insertMember()
    await requestPasswordReset({ identifier: member.email })
    const token = tokenIn((await resetEmails(member.id))[0].text)
    expect((await submitReset(token, NEW_PASSWORD)) as Response).toHaveProperty('status', 302)
    expect((await login(member.email, NEW_PASSWORD)) as Response).toHaveProperty('status', 302)
  })

  test('an expired link is refused', async () => {
    const member = await insertMember({ password: OLD_PASSWORD })
    const askedAt = new Date(Date.now() - 3 * 3600_000)
    await requestPasswordReset({ identifier: member.username, now: askedAt })
    const token = tokenIn((await resetEmails(member.id))[0].text)
    // Still valid just before the 2 hours…
    await expect(resetPassword({ token, password: NEW_PASSWORD, now: new Date(askedAt.getTime() + 119 * 60_000) })).resolves.toEqual({ memberId: member.id })
    await requestPasswordReset({ identifier: member.username, now: askedAt })
    const later = tokenIn((await resetEmails(member.id))[1].text)
    // …and refused after them, by the model and by the page.
    await expect(resetPassword({ token: later, password: NEW_PASSWORD, now: new Date(askedAt.getTime() + 121 * 60_000) })).rejects.toThrow(DomainError)
    expect(unwrap(await submitReset(later, NEW_PASSWORD)).status).toBe(410)
    expect(unwrap(await resetLoader({ request: makeRequest('/x'), params: { token: later }, context: {} })).data.valid).toBe(false)
  })

  test('malformed and unknown tokens show the same page', async () => {
    for (const token of ['abc', 'A'.repeat(43), '../../etc/passwd']) {
      expect(unwrap(await resetLoader({ request: makeRequest('/x'), params: { token }, context: {} }))).toEqual({ status: 410, data: { valid: false, username: '' } })
      expect(unwrap(await submitReset(token, NEW_PASSWORD)).status).toBe(410)
    }
  })
})
