import type { ActionFunction, LoaderFunction } from '@remix-run/node'
import { expect, test } from 'vitest'
import { insertMember, loginAs } from '#tests/factories/member.ts'
import { makeRequest, settle } from './request.ts'

type RouteModule = { loader?: LoaderFunction; action?: ActionFunction }
const modules = import.meta.glob<RouteModule>('/app/routes/admin*.tsx', { eager: true })

test('there are admin routes to check', () => {
  expect(Object.keys(modules).length).toBeGreaterThanOrEqual(6)
})

test('every admin loader and action refuses members (404) and anonymous visitors (login)', async () => {
  const { cookie } = await loginAs({ roles: ['MEMBER'] })
  const target = await insertMember()
  const params = { memberId: String(target.id) }
  for (const [file, mod] of Object.entries(modules)) {
    for (const kind of ['loader', 'action'] as const) {
      const fn = mod[kind]
      if (!fn) continue
      const form = kind === 'action' ? { intent: 'status', status: 'NOT_MEMBER', email: 'x@example.org' } : undefined
      const asMember = await settle(() => Promise.resolve(fn({ request: makeRequest('/admin/x', { cookie, form }), params, context: {} })))
      expect(asMember, `${file} ${kind} as a member`).toBeInstanceOf(Response)
      expect((asMember as Response).status, `${file} ${kind} as a member`).toBe(404)
      const anonymous = await settle(() => Promise.resolve(fn({ request: makeRequest('/admin/x', { form }), params, context: {} })))
      expect((anonymous as Response).status, `${file} ${kind} anonymous`).toBe(302)
      expect((anonymous as Response).headers.get('location'), `${file} ${kind} anonymous`).toMatch(/^\/login/)
    }
  }
  // Nothing was changed by the refused actions.
  const { prisma } = await import('#app/utils/db.server.ts')
  expect(await prisma.member.findUniqueOrThrow({ where: { id: target.id }, select: { status: true } })).toEqual({ status: 'MEMBER' })
})
