import { afterEach, describe, expect, test } from 'vitest'
import { action, loader } from '#app/routes/profile.tsx'
import { action as passwordAction } from '#app/routes/password.tsx'
import { prisma } from '#app/utils/db.server.ts'
import { init } from '#app/utils/env.server.ts'
import { insertMember, loginAs } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from './request.ts'

const setEditable = (value: boolean) => init({ ...process.env, MEMBER_CAN_EDIT_PROFILE: String(value) })
afterEach(() => setEditable(false))

const profileForm = (overrides: Record<string, string> = {}) => ({
  type: 'NATURAL_PERSON', firstName: 'Léa', lastName: 'Moreau', nickname: '', organizationName: '', email: 'lea.moreau@example.org',
  homePhone: '', mobilePhone: '06 11 22 33 44', address: '3 rue Neuve', postalCode: '69001', city: 'Lyon', country: 'France', language: '',
  ...overrides,
})

describe('profile', () => {
  test('read-only by default, with whom to ask; a forged POST is refused', async () => {
    setEditable(false)
    const { member, cookie } = await loginAs()
    const data = await loader({ request: makeRequest('/profile', { cookie }), params: {}, context: {} })
    expect(data.canEdit).toBe(false)
    expect(data.profile.username).toBe(member.username)
    const refused = await settle(() => action({ request: makeRequest('/profile', { cookie, form: profileForm() }), params: {}, context: {} }))
    expect((refused as Response).status).toBe(403)
    expect(await prisma.member.findUniqueOrThrow({ where: { id: member.id }, select: { lastName: true } })).toEqual({ lastName: member.lastName })
  })

  test('editable when MEMBER_CAN_EDIT_PROFILE=true, for the member\'s own row only', async () => {
    setEditable(true)
    const { member, cookie } = await loginAs()
    const other = await insertMember()
    // A member id in the form is ignored: the session decides whose row changes.
    const response = await action({ request: makeRequest('/profile', { cookie, form: { ...profileForm(), id: String(other.id) } }), params: {}, context: {} })
    expect((response as Response).headers.get('location')).toBe('/profile?saved=1')
    expect(await prisma.member.findUniqueOrThrow({ where: { id: member.id }, select: { firstName: true, mobilePhone: true, email: true } }))
      .toEqual({ firstName: 'Léa', mobilePhone: '06 11 22 33 44', email: 'lea.moreau@example.org' })
    expect(await prisma.member.findUniqueOrThrow({ where: { id: other.id }, select: { firstName: true } })).toEqual({ firstName: other.firstName })
  })

  test('per-field errors, nothing saved', async () => {
    setEditable(true)
    const { member, cookie } = await loginAs()
    const taken = await insertMember()
    const result = unwrap(await action({
      request: makeRequest('/profile', { cookie, form: profileForm({ firstName: '', postalCode: '6900', email: taken.email }) }),
      params: {}, context: {},
    }))
    expect(result.status).toBe(400)
    expect(result.data.result.error).toMatchObject({ firstName: ['nameRequired'], postalCode: ['postalCodeInvalid'] })
    const second = unwrap(await action({ request: makeRequest('/profile', { cookie, form: profileForm({ email: taken.email }) }), params: {}, context: {} }))
    expect(second.data.result.error).toEqual({ email: ['emailTaken'] })
    expect(await prisma.member.findUniqueOrThrow({ where: { id: member.id }, select: { email: true } })).toEqual({ email: member.email })
  })
})

describe('change password', () => {
  test('checks the current password, then logs out the other sessions', async () => {
    const { member, cookie } = await loginAs({ password: 'old password 123' })
    const { createSession } = await import('#app/utils/session.server.ts')
    await createSession({ memberId: member.id, request: makeRequest('/login') })
    const wrong = unwrap(await passwordAction({
      request: makeRequest('/password', { cookie, form: { currentPassword: 'nope', newPassword: 'new password 456', confirmPassword: 'new password 456' } }),
      params: {}, context: {},
    }))
    expect(wrong.data.result.error).toEqual({ currentPassword: ['currentPasswordWrong'] })
    const ok = await passwordAction({
      request: makeRequest('/password', { cookie, form: { currentPassword: 'old password 123', newPassword: 'new password 456', confirmPassword: 'new password 456' } }),
      params: {}, context: {},
    })
    expect((ok as Response).headers.get('location')).toBe('/password?saved=1')
    expect(await prisma.session.count({ where: { memberId: member.id } })).toBe(1)
  })
})

describe('my sessions', () => {
  test('lists my sessions only and logs out the others, keeping this one', async () => {
    const { loader: sessionsLoader, action: sessionsAction } = await import('#app/routes/sessions.tsx')
    const { createSession } = await import('#app/utils/session.server.ts')
    const { member, cookie } = await loginAs()
    await createSession({ memberId: member.id, request: makeRequest('/login', { headers: { 'user-agent': 'Firefox on the other laptop' } }) })
    const someoneElse = await loginAs()
    const data = await sessionsLoader({ request: makeRequest('/sessions', { cookie }), params: {}, context: {} })
    expect(data.sessions).toHaveLength(2)
    expect(data.sessions.filter((s) => s.current)).toHaveLength(1)
    expect(data.sessions.map((s) => s.userAgent)).toContain('Firefox on the other laptop')
    const response = await sessionsAction({ request: makeRequest('/sessions', { cookie, method: 'POST' }), params: {}, context: {} })
    expect(response.headers.get('location')).toBe('/sessions?revoked=1')
    expect(await prisma.session.count({ where: { memberId: member.id } })).toBe(1)
    expect(await prisma.session.count({ where: { memberId: someoneElse.member.id } })).toBe(1)
  })
})
