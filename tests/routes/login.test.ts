import { beforeEach, describe, expect, test } from 'vitest'
import { action as languageAction } from '#app/routes/language.tsx'
import { action as loginAction } from '#app/routes/login.tsx'
import { action as logoutAction } from '#app/routes/logout.tsx'
import { loader as dashboardLoader } from '#app/routes/_index.tsx'
import { THROTTLE } from '#app/utils/auth.server.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember } from '#tests/factories/member.ts'
import { HOSTILE_REDIRECTS } from '#tests/fixtures/hostile-redirects.ts'
import { makeRequest, settle, unwrap } from './request.ts'

const PASSWORD = 'correct horse battery'

const login = (identifier: string, password: string, ip = '203.0.113.7', redirectTo = '/profile') =>
  settle(() =>
    loginAction({
      request: makeRequest('/login', { form: { identifier, password, redirectTo }, headers: { 'x-coin-client-ip': ip } }),
      params: {},
      context: {},
    }),
  )

/** What a refused login answered: its status and Retry-After header (for a 429). */
function refusal(result: unknown) {
  const { status } = unwrap(result)
  const init = (result as { init?: ResponseInit | null }).init
  return { status, retryAfter: new Headers(init?.headers).get('Retry-After') }
}

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
    const result = await login(member.username, PASSWORD, '192.0.2.99')
    const throttled = unwrap(result)
    expect(throttled.status).toBe(429)
    expect(throttled.data).toMatchObject({ error: 'throttled', minutes: THROTTLE.windowMinutes })
    const retryAfter = Number(refusal(result).retryAfter)
    expect(retryAfter).toBeGreaterThan((THROTTLE.windowMinutes - 1) * 60)
    expect(retryAfter).toBeLessThanOrEqual(THROTTLE.windowMinutes * 60)
    // Other accounts are not affected.
    const other = await insertMember({ password: PASSWORD })
    expect((await login(other.username, PASSWORD, '192.0.2.99')) as Response).toHaveProperty('status', 302)
  })

  test(`is throttled after ${THROTTLE.perAddress} failures from one address`, async () => {
    for (let i = 0; i < THROTTLE.perAddress; i++) await login(`guess${i}`, 'wrong', '203.0.113.200')
    const throttled = refusal(await login(member.username, PASSWORD, '203.0.113.200'))
    expect(throttled.status).toBe(429)
    expect(Number(throttled.retryAfter)).toBeGreaterThan(0)
    expect(await login(member.username, PASSWORD, '203.0.113.201')).toHaveProperty('status', 302)
  })

  test('30 concurrent wrong passwords for one account: only the allowed ones are tried, the rest get 429 with Retry-After', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => login(member.username, `wrong ${i}`, `198.51.100.${i + 1}`)))
    const refusals = results.map(refusal)
    expect(refusals.filter((r) => r.status === 400)).toHaveLength(THROTTLE.perAccount)
    const throttled = refusals.filter((r) => r.status === 429)
    expect(throttled).toHaveLength(30 - THROTTLE.perAccount)
    for (const r of throttled) expect(Number(r.retryAfter)).toBeGreaterThan(0)
    // Only the evaluated attempts are on record.
    expect(await prisma.loginAttempt.count({ where: { identifier: `member:${member.id}` } })).toBe(THROTTLE.perAccount)
    expect(refusal(await login(member.username, PASSWORD, '192.0.2.50')).status).toBe(429)
  })

  test('the username and the email of one account share one count, whatever their case', async () => {
    const typed = [member.username, member.email, member.email.toUpperCase(), ` ${member.username.toUpperCase()} `, member.email]
    expect(typed).toHaveLength(THROTTLE.perAccount)
    for (const [i, identifier] of typed.entries()) {
      expect(refusal(await login(identifier, 'wrong', `198.51.100.${i + 1}`)).status).toBe(400)
    }
    expect(refusal(await login(member.email, PASSWORD, '192.0.2.60')).status).toBe(429)
    expect(refusal(await login(member.username, PASSWORD, '192.0.2.61')).status).toBe(429)
  })

  test("a success clears its own account's failures only", async () => {
    const attacker = await insertMember({ password: 'the attacker password' })
    const address = '203.0.113.50'
    for (let i = 0; i < THROTTLE.perAccount - 1; i++) expect(refusal(await login(member.username, 'wrong', address)).status).toBe(400)
    // The attacker logs into their own account from the same address…
    expect(await login(attacker.username, 'the attacker password', address)).toHaveProperty('status', 302)
    // …which leaves the member's count where it was: one more failure and the account is closed.
    expect(refusal(await login(member.username, 'wrong', address)).status).toBe(400)
    expect(refusal(await login(member.username, PASSWORD, '192.0.2.70')).status).toBe(429)

    // The member's own success clears the member's count.
    const other = await insertMember({ password: PASSWORD })
    for (let i = 0; i < THROTTLE.perAccount - 1; i++) expect(refusal(await login(other.email, 'wrong', `198.51.100.${i + 1}`)).status).toBe(400)
    expect(await login(other.username, PASSWORD, '192.0.2.71')).toHaveProperty('status', 302)
    for (let i = 0; i < THROTTLE.perAccount - 1; i++) expect(refusal(await login(other.username, 'wrong', `198.51.100.${i + 1}`)).status).toBe(400)
    expect(await login(other.username, PASSWORD, '192.0.2.71')).toHaveProperty('status', 302)
  })

  test("a success from an address does not clear that address's failures on other accounts", async () => {
    const address = '203.0.113.60'
    for (let i = 0; i < THROTTLE.perAddress - 1; i++) expect(refusal(await login(`guess-${i}`, 'wrong', address)).status).toBe(400)
    expect(await login(member.username, PASSWORD, address)).toHaveProperty('status', 302)
    expect(refusal(await login('guess-last', 'wrong', address)).status).toBe(400)
    const throttled = refusal(await login(member.username, PASSWORD, address))
    expect(throttled.status).toBe(429)
    expect(Number(throttled.retryAfter)).toBeGreaterThan(0)
  })

  test('unknown names are counted by the name as typed, in lower case', async () => {
    for (let i = 0; i < THROTTLE.perAccount; i++) {
      expect(refusal(await login(i % 2 ? 'Nobody-Twice' : 'nobody-twice', 'wrong', `198.51.100.${i + 1}`)).status).toBe(400)
    }
    expect(refusal(await login('NOBODY-TWICE', 'wrong', '192.0.2.80')).status).toBe(429)
    expect(refusal(await login('nobody-else', 'wrong', '192.0.2.80')).status).toBe(400)
  })

  test.each(HOSTILE_REDIRECTS)('redirectTo %j: the session opens and the browser goes home', async (redirectTo) => {
    const response = await login(member.username, PASSWORD, '203.0.113.90', redirectTo)
    expect(response).toBeInstanceOf(Response)
    expect((response as Response).status).toBe(302)
    expect((response as Response).headers.get('location')).toBe('/')
  })

  test('redirectTo with line breaks is a plain path, never a 500', async () => {
    const response = (await login(member.username, PASSWORD, '203.0.113.91', '/profile\r\nSet-Cookie: stolen=1')) as Response
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/profileSet-Cookie:%20stolen=1')
    expect(response.headers.get('set-cookie')).not.toContain('stolen')
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

describe('language switch', () => {
  const switchLanguage = (redirectTo: string) =>
    settle(() => languageAction({ request: makeRequest('/language', { form: { language: 'en', redirectTo } }), params: {}, context: {} }))

  test('goes back to the page it was on', async () => {
    const response = (await switchLanguage('/admin/members?q=dupond')) as Response
    expect(response.headers.get('location')).toBe('/admin/members?q=dupond')
    expect(response.headers.get('set-cookie')).toMatch(/^coin_lang=/)
  })

  test.each([...HOSTILE_REDIRECTS, '/x\r\nSet-Cookie: a=b'])('redirectTo %j stays on this site', async (redirectTo) => {
    const response = await switchLanguage(redirectTo)
    expect(response).toBeInstanceOf(Response)
    const location = (response as Response).headers.get('location')!
    expect(new URL(location, 'http://coin.test').origin).toBe('http://coin.test')
    expect(location).toMatch(/^\/(?![/\\])/)
  })
})

describe('passwords imported from the original Coin (Django hashes)', () => {
  // Made with Python's hashlib as Django does: pbkdf2_hmac('sha256', password, salt, iterations) in
  // base64, and sha1(salt + password) in hex for the oldest installs.
  const DJANGO = [
    { hash: 'pbkdf2_sha256$260000$Xq9sEl4Ta1Zb$UBWTA5ZUgD+TANRExUR6MsqivXT291G1VR1/rQV2RKw=', password: 'mot de passe 123' },
    { hash: 'sha1$a1b2c$ab349ddf161f3e27d1e727cf65c2ebaf41540795', password: 'ancien mot' },
  ]

  test.each(DJANGO)('are accepted at login and replaced by argon2id ($hash)', async ({ hash, password }) => {
    const member = await insertMember()
    await prisma.password.create({ data: { memberId: member.id, hash } })
    expect(refusal(await login(member.username, `${password}!`, '203.0.113.80')).status).toBe(400)
    expect((await prisma.password.findUniqueOrThrow({ where: { memberId: member.id } })).hash).toBe(hash)

    const response = await login(member.username, password, '203.0.113.81')
    expect((response as Response).status).toBe(302)
    const { hash: stored } = await prisma.password.findUniqueOrThrow({ where: { memberId: member.id } })
    expect(stored).toMatch(/^\$argon2id\$/)
    // The next login checks the new hash.
    expect(((await login(member.username, password, '203.0.113.82')) as Response).status).toBe(302)
  })
})
