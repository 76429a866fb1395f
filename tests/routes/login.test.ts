import { beforeEach, describe, expect, test } from 'vitest'
import { action as loginAction } from '#app/routes/login.tsx'
import { action as logoutAction } from '#app/routes/logout.tsx'
import { loader as dashboardLoader } from '#app/routes/_index.tsx'
import { THROTTLE } from '#app/utils/auth.server.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from './request.ts'

const PASSWORD = 'correct horse battery'

const login = (identifier: string, password: string, ip = '203.0.113.7') =>
  settle(() =>
    loginAction({
      request: makeRequest('/login', { form: { identifier, password, redirectTo: '/profile' }, headers: { 'x-coin-client-ip': ip } }),
      params: {},
      context: {},
    }),
  )

const cookieOf = (response: Response) => response.headers.get('set-cookie')!.split(';')[0]

describe('login', () => {
  let member: Awaited<ReturnType<typeof insertMember>>
  beforeEach(async () => {
    member = await insertMember({ password: PASSWORD })
  })

  test('by username or email opens a session and goes where asked', async () => {
    for (const identifier of [member.username, member.email.toUpperCase()]) {
      const response = await login(identifier, PASSWORD)
      expect(response).toBeInstanceOf(Response)
      const r = response as Response
      expect(r.status).toBe(302)
      expect(r.headers.get('location')).toBe('/profile')
      const setCookie = r.headers.get('set-cookie')!
      expect(setCookie).toMatch(/HttpOnly/)
      expect(setCookie).toMatch(/SameSite=Lax/)
      const data = await dashboardLoader({ request: makeRequest('/', { cookie: cookieOf(r) }), params: {}, context: {} })
      expect(data.displayName).toBe(`${member.firstName} ${member.lastName}`)
    }
    const stored = await prisma.session.findMany({ where: { memberId: member.id }, select: { id: true } })
    expect(stored).toHaveLength(2)
    // Only a hash of the cookie's token is stored.
    expect(stored[0].id).toMatch(/^[0-9a-f]{64}$/)
  })

  test('the session cookie is Secure when the request came over HTTPS', async () => {
    const { createSession } = await import('#app/utils/session.server.ts')
    expect(await createSession({ memberId: member.id, request: new Request('https://coin.example/login') })).toMatch(/; Secure/)
    expect(await createSession({ memberId: member.id, request: new Request('http://localhost/login') })).not.toMatch(/Secure/)
  })

  test('a wrong password and an unknown account get the same message', async () => {
    const wrong = unwrap(await login(member.username, 'not the password'))
    const unknown = unwrap(await login('nobody-here', PASSWORD))
    expect(wrong).toEqual({ status: 400, data: { error: 'invalid', minutes: 0, identifier: member.username } })
    expect(unknown).toEqual({ status: 400, data: { error: 'invalid', minutes: 0, identifier: 'nobody-here' } })
  })

  test(`is throttled after ${THROTTLE.perAccount} failures on one account, with HTTP 429`, async () => {
    for (let i = 0; i < THROTTLE.perAccount; i++) {
      expect(unwrap(await login(member.username, 'wrong', `198.51.100.${i}`)).status).toBe(400)
    }
    // Even the right password is refused while throttled, from any address.
    const throttled = unwrap(await login(member.username, PASSWORD, '192.0.2.99'))
    expect(throttled.status).toBe(429)
    expect(throttled.data).toMatchObject({ error: 'throttled', minutes: THROTTLE.windowMinutes })
    // Other accounts are not affected.
    const other = await insertMember({ password: PASSWORD })
    expect((await login(other.username, PASSWORD, '192.0.2.99')) as Response).toHaveProperty('status', 302)
  })

  test(`is throttled after ${THROTTLE.perAddress} failures from one address`, async () => {
    for (let i = 0; i < THROTTLE.perAddress; i++) await login(`guess${i}`, 'wrong', '203.0.113.200')
    expect(unwrap(await login(member.username, PASSWORD, '203.0.113.200')).status).toBe(429)
    expect(await login(member.username, PASSWORD, '203.0.113.201')).toHaveProperty('status', 302)
  })

  test('an inactive account cannot log in', async () => {
    await prisma.member.update({ where: { id: member.id }, data: { isActive: false } })
    expect(unwrap(await login(member.username, PASSWORD)).status).toBe(400)
  })

  test('logout ends the session for good', async () => {
    const cookie = cookieOf((await login(member.username, PASSWORD)) as Response)
    const out = await logoutAction({ request: makeRequest('/logout', { cookie, method: 'POST' }), params: {}, context: {} })
    expect(out.headers.get('location')).toBe('/login')
    const after = await settle(() => dashboardLoader({ request: makeRequest('/', { cookie }), params: {}, context: {} }))
    expect(after).toBeInstanceOf(Response)
    expect((after as Response).headers.get('location')).toBe('/login')
  })
})
