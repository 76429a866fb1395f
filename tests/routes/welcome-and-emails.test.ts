import { beforeAll, describe, expect, test } from 'vitest'
import { action as emailsAction, loader as emailsLoader } from '#app/routes/admin.emails._index.tsx'
import { action as listAction } from '#app/routes/admin.members._index.tsx'
import { action as detailAction, loader as detailLoader } from '#app/routes/admin.members.$memberId._index.tsx'
import { action as resetAction } from '#app/routes/reset-password.$token.tsx'
import { updateIspIdentity } from '#app/models/isp/settings.server.ts'
import { prisma } from '#app/utils/db.server.ts'
import { init } from '#app/utils/env.server.ts'
import { insertMember, loginAs, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from './request.ts'

let cookie: string
beforeAll(async () => {
  ;({ cookie } = await loginAsStaff())
})

const welcomeEmails = (memberIds: number[]) =>
  prisma.emailMessage.findMany({ where: { memberId: { in: memberIds }, template: 'welcome' }, orderBy: { id: 'asc' }, select: { memberId: true, toAddress: true, text: true, status: true } })

const tokenIn = (text: string) => /\/reset-password\/([A-Za-z0-9_-]{43})/.exec(text)?.[1]

describe('welcome email', () => {
  test("every link points to PUBLIC_URL, Coin's public address", async () => {
    init({ ...process.env, PUBLIC_URL: 'https://coin.fai.example/' })
    try {
      await updateIspIdentity({ logo: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), logoMimeType: 'image/png' })
      const member = await insertMember()
      await detailAction({ request: makeRequest(`/admin/members/${member.id}`, { cookie, form: { intent: 'welcome' } }), params: { memberId: String(member.id) }, context: {} })
      const email = await prisma.emailMessage.findFirstOrThrow({ where: { memberId: member.id, template: 'welcome' }, select: { html: true, text: true } })
      const links = [...email.html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]!).filter((url) => !url.startsWith('mailto:'))
      expect(links.length).toBeGreaterThan(1)
      for (const url of links) expect(url).toMatch(/^https:\/\/coin\.fai\.example\//)
      expect(email.html).toContain('https://coin.fai.example/logo')
      expect(email.text).toMatch(/https:\/\/coin\.fai\.example\/reset-password\/[A-Za-z0-9_-]{43}/)
      expect(email.html + email.text).not.toContain('localhost')
    } finally {
      init()
      await updateIspIdentity({ logo: null, logoMimeType: null })
    }
  })

  test('from the member page: queued for the member, with a link that sets a password', async () => {
    const member = await insertMember()
    const params = { memberId: String(member.id) }
    const response = await detailAction({ request: makeRequest(`/admin/members/${member.id}`, { cookie, form: { intent: 'welcome' } }), params, context: {} })
    expect((response as Response).headers.get('location')).toBe(`/admin/members/${member.id}?welcomeQueued=1`)
    const [email, ...others] = await welcomeEmails([member.id])
    expect(others).toHaveLength(0)
    expect(email.toAddress).toContain(`<${member.email}>`)
    expect(email.text).toContain(member.username)
    const token = tokenIn(email.text)
    expect(token).toBeDefined()
    // The link is valid for days, not hours.
    const stored = await prisma.passwordResetToken.findFirstOrThrow({ where: { memberId: member.id }, select: { expiresAt: true, createdAt: true } })
    expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBe(7 * 24 * 3600_000)
    const set = await resetAction({ request: makeRequest(`/reset-password/${token}`, { form: { newPassword: 'my first password', confirmPassword: 'my first password' } }), params: { token: token! }, context: {} })
    expect((set as Response).headers.get('location')).toBe('/login?reset=1')
    const detail = await detailLoader({ request: makeRequest(`/admin/members/${member.id}`, { cookie }), params, context: {} })
    expect(detail.member.hasPassword).toBe(true)
  })

  test('an inactive account gets no welcome email; an unknown member is 404', async () => {
    const inactive = await insertMember({ isActive: false })
    const refused = unwrap(await detailAction({ request: makeRequest('/x', { cookie, form: { intent: 'welcome' } }), params: { memberId: String(inactive.id) }, context: {} }))
    expect(refused.status).toBe(409)
    expect(refused.data.result.error).toEqual({ '': ['memberInactive'] })
    expect(await welcomeEmails([inactive.id])).toHaveLength(0)
    const unknown = await settle(() => detailAction({ request: makeRequest('/x', { cookie, form: { intent: 'welcome' } }), params: { memberId: '999999' }, context: {} }))
    expect((unknown as Response).status).toBe(404)
  })

  test('in bulk: a confirmation listing whom it reaches, then one email each', async () => {
    const a = await insertMember()
    const b = await insertMember()
    const inactive = await insertMember({ isActive: false })
    const ids = [a.id, b.id, inactive.id].map(String)
    const preview = unwrap(await listAction({ request: makeRequest('/admin/members?q=x', { cookie, form: { intent: 'welcome', ids } }), params: {}, context: {} }))
    expect(preview.status).toBe(200)
    expect(preview.data.confirm.intent).toBe('welcome')
    expect(preview.data.confirm.recipients.map((r: { email: string }) => r.email).sort()).toEqual([a.email, b.email].sort())
    expect(preview.data.confirm.skipped).toEqual([{ id: inactive.id, name: expect.any(String), reason: 'inactive' }])
    // Nothing is queued before the confirmation.
    expect(await welcomeEmails([a.id, b.id, inactive.id])).toHaveLength(0)

    const confirmed = await listAction({ request: makeRequest('/admin/members?q=x&updated=3', { cookie, form: { intent: 'welcome', confirmed: 'yes', ids } }), params: {}, context: {} })
    expect((confirmed as Response).headers.get('location')).toBe('/admin/members?q=x&welcomed=2&welcomeSkipped=1')
    const emails = await welcomeEmails([a.id, b.id, inactive.id])
    expect(emails.map((e) => e.memberId).sort()).toEqual([a.id, b.id].sort())
    expect(emails.find((e) => e.memberId === a.id)!.toAddress).toContain(`<${a.email}>`)
    expect(emails.find((e) => e.memberId === b.id)!.toAddress).toContain(`<${b.email}>`)

    // Nothing ticked: the same field error as the status action.
    const none = unwrap(await listAction({ request: makeRequest('/admin/members', { cookie, form: { intent: 'welcome' } }), params: {}, context: {} }))
    expect(none.status).toBe(400)
    expect(none.data.result.error).toEqual({ ids: ['noneSelected'] })
  })

  test('non-staff get 404 and nothing is queued', async () => {
    const { cookie: memberCookie } = await loginAs()
    const target = await insertMember()
    const attempts: (() => Promise<unknown>)[] = [
      () => detailAction({ request: makeRequest('/x', { cookie: memberCookie, form: { intent: 'welcome' } }), params: { memberId: String(target.id) }, context: {} }),
      () => listAction({ request: makeRequest('/admin/members', { cookie: memberCookie, form: { intent: 'welcome', confirmed: 'yes', ids: [String(target.id)] } }), params: {}, context: {} }),
      () => emailsLoader({ request: makeRequest('/admin/emails', { cookie: memberCookie }), params: {}, context: {} }),
      () => emailsAction({ request: makeRequest('/admin/emails', { cookie: memberCookie, form: { intent: 'resend', id: '1' } }), params: {}, context: {} }),
    ]
    for (const attempt of attempts) expect(((await settle(attempt)) as Response).status).toBe(404)
    expect(await welcomeEmails([target.id])).toHaveLength(0)
  })
})

describe('emails page', () => {
  const insertEmail = (memberId: number, status: 'QUEUED' | 'SENT' | 'FAILED', subject: string) =>
    prisma.emailMessage.create({
      data: {
        memberId, template: 'new-invoice', toAddress: `"Someone" <someone@example.org>`, fromAddress: 'coin@example.org', subject, html: '<p>x</p>', text: 'x',
        messageId: `<${subject}@example.org>`, status,
        ...(status === 'FAILED' ? { attempts: 12, lastError: '550 mailbox unavailable' } : {}),
        ...(status === 'SENT' ? { attempts: 1, sentAt: new Date() } : {}),
      },
      select: { id: true },
    })

  test('lists the outbox newest first, filters by status with counts, and resends a failed message', async () => {
    const member = await insertMember()
    const sent = await insertEmail(member.id, 'SENT', 'outbox-test-sent')
    const failed = await insertEmail(member.id, 'FAILED', 'outbox-test-failed')
    const queued = await insertEmail(member.id, 'QUEUED', 'outbox-test-queued')
    const list = (query: string) => emailsLoader({ request: makeRequest(`/admin/emails${query}`, { cookie }), params: {}, context: {} })

    const all = await list('')
    const ids = all.emails.map((e) => e.id)
    expect(ids.indexOf(queued.id)).toBeLessThan(ids.indexOf(failed.id))
    expect(ids.indexOf(failed.id)).toBeLessThan(ids.indexOf(sent.id))
    expect(all.counts.FAILED).toBeGreaterThanOrEqual(1)
    expect(all.total).toBe(Object.values(all.counts).reduce((s, n) => s + (n ?? 0), 0))

    const failedOnly = await list('?status=FAILED')
    expect(failedOnly.query.status).toBe('FAILED')
    expect(failedOnly.emails.every((e) => e.status === 'FAILED')).toBe(true)
    expect(failedOnly.emails.find((e) => e.id === failed.id)).toMatchObject({ attempts: 12, lastError: '550 mailbox unavailable', template: 'new-invoice' })
    expect(failedOnly.total).toBe(all.counts.FAILED)
    // An unknown status shows everything.
    expect((await list('?status=BOGUS&page=-2')).query).toEqual({ status: undefined, page: 1 })

    const resent = await emailsAction({ request: makeRequest('/admin/emails?status=FAILED', { cookie, form: { intent: 'resend', id: String(failed.id) } }), params: {}, context: {} })
    expect((resent as Response).headers.get('location')).toBe(`/admin/emails?status=FAILED&resent=${failed.id}`)
    expect(await prisma.emailMessage.findUniqueOrThrow({ where: { id: failed.id }, select: { status: true, attempts: true, lastError: true } }))
      .toEqual({ status: 'QUEUED', attempts: 0, lastError: null })

    // A queued message is not resent again.
    const twice = unwrap(await emailsAction({ request: makeRequest('/admin/emails', { cookie, form: { intent: 'resend', id: String(failed.id) } }), params: {}, context: {} }))
    expect(twice.status).toBe(409)
    expect(twice.data.result.error).toEqual({ '': ['emailNotResendable'] })
  })
})
