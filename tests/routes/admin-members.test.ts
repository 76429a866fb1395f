import { beforeAll, describe, expect, test } from 'vitest'
import { loader as csvLoader } from '#app/routes/admin.members[.csv].tsx'
import { action as listAction, loader as listLoader } from '#app/routes/admin.members._index.tsx'
import { action as newAction } from '#app/routes/admin.members.new.tsx'
import { action as detailAction, loader as detailLoader } from '#app/routes/admin.members.$memberId._index.tsx'
import { action as editAction, loader as editLoader } from '#app/routes/admin.members.$memberId.edit.tsx'
import { prisma } from '#app/utils/db.server.ts'
import { createSession } from '#app/utils/session.server.ts'
import { insertMember, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from './request.ts'

let cookie: string
beforeAll(async () => {
  ;({ cookie } = await loginAsStaff({ username: 'staffer', lastName: 'Zzstaff' }))
  for (let i = 0; i < 60; i++) {
    await insertMember({ lastName: `Listtest${String(i).padStart(2, '0')}`, status: i % 3 === 0 ? 'PENDING' : 'MEMBER' })
  }
  await insertMember({ firstName: 'Hervé', lastName: 'Dupond', organizationName: '', status: 'NOT_MEMBER', email: 'herve.dupond@exemple.fr' })
  await insertMember({ type: 'LEGAL_ENTITY', organizationName: 'Les Amis du Lien', status: 'MEMBER', email: 'contact@amisdulien.fr' })
})

const list = (query: string) => listLoader({ request: makeRequest(`/admin/members?${query}`, { cookie }), params: {}, context: {} })

describe('members list', () => {
  test('paginates by 50 with the total', async () => {
    const page1 = await list('q=listtest&sort=name')
    expect(page1.total).toBe(60)
    expect(page1.pageCount).toBe(2)
    expect(page1.members).toHaveLength(50)
    expect(page1.members[0].name).toMatch(/Listtest00$/)
    const page2 = await list('q=listtest&sort=name&page=2')
    expect(page2.members).toHaveLength(10)
    expect(page2.members.at(-1)!.name).toMatch(/Listtest59$/)
  })
  test('searches names, email and organisation, case- and word-insensitively', async () => {
    expect((await list('q=DUPOND')).members.map((m) => m.name)).toEqual(['Hervé Dupond'])
    expect((await list('q=herv%C3%A9+dupond')).total).toBe(1)
    // Accents and case do not matter, in the search or in the names.
    expect((await list('q=HERVE')).members.map((m) => m.name)).toEqual(['Hervé Dupond'])
    // A member renamed later is found under the new name only.
    const renamed = await insertMember({ lastName: 'Avantrenommage' })
    await prisma.member.update({ where: { id: renamed.id }, data: { lastName: 'Aprèsrenommage' } })
    expect((await list('q=avantrenommage')).total).toBe(0)
    expect((await list('q=apresrenommage')).total).toBe(1)
    expect((await list('q=amisdulien.fr')).members.map((m) => m.name)).toEqual(['Les Amis du Lien'])
    expect((await list('q=lien+amis')).total).toBe(1)
    expect((await list('q=nobody-matches-this')).total).toBe(0)
  })
  test('filters by status and sorts both ways; bad parameters fall back', async () => {
    expect((await list('q=listtest&status=PENDING')).total).toBe(20)
    const desc = await list('q=listtest&sort=name&dir=desc')
    expect(desc.members[0].name).toMatch(/Listtest59$/)
    const odd = await list('q=listtest&status=BOGUS&sort=password&page=-4')
    expect(odd.total).toBe(60)
    expect(odd.query).toMatchObject({ sort: 'username', page: 1 })
  })
  test('sets the status of the ticked members and comes back to the same filter', async () => {
    const a = await insertMember({ status: 'PENDING' })
    const b = await insertMember({ status: 'PENDING' })
    const untouched = await insertMember({ status: 'PENDING' })
    const response = await listAction({
      request: makeRequest('/admin/members?q=x&status=PENDING', { cookie, form: { intent: 'setStatus', status: 'MEMBER', ids: [String(a.id), String(b.id)] } }),
      params: {}, context: {},
    })
    expect((response as Response).headers.get('location')).toBe('/admin/members?q=x&status=PENDING&updated=2')
    const rows = await prisma.member.findMany({ where: { id: { in: [a.id, b.id, untouched.id] } }, orderBy: { id: 'asc' }, select: { status: true } })
    expect(rows.map((r) => r.status)).toEqual(['MEMBER', 'MEMBER', 'PENDING'])
    const none = unwrap(await listAction({ request: makeRequest('/admin/members', { cookie, form: { intent: 'setStatus', status: 'MEMBER' } }), params: {}, context: {} }))
    expect(none.status).toBe(400)
    expect(none.data.result.error).toEqual({ ids: ['noneSelected'] })
  })

  test('CSV export of the current filter opens in a spreadsheet', async () => {
    const response = await csvLoader({ request: makeRequest('/admin/members.csv?q=listtest&status=PENDING&sort=name', { cookie }), params: {}, context: {} })
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="membres-\d{4}-\d{2}-\d{2}\.csv"$/)
    const bytes = new Uint8Array(await response.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const lines = new TextDecoder().decode(bytes.slice(3)).trimEnd().split('\r\n')
    expect(lines).toHaveLength(21)
    expect(lines[0]).toMatch(/^"N°";"Identifiant";"Statut";"Type";"Prénom";"Nom";/)
    expect(lines[1]).toContain('"Demande d\'adhésion";"Personne physique"')
    expect(lines[1]).toContain('"Listtest00"')
  })
})

const memberForm = (overrides: Record<string, string | string[]> = {}) => ({
  status: 'MEMBER', type: 'NATURAL_PERSON', firstName: 'Gérard-Étienne', lastName: 'Majax de la Boétie', nickname: '', organizationName: '',
  email: 'gerard@example.org', homePhone: '', mobilePhone: '', address: '', postalCode: '', city: '', country: 'France', language: '',
  dateJoined: '2024-01-15', resignDate: '', comments: '', sendMembershipFeesEmail: 'on', isActive: 'on', username: '', password: '',
  ...overrides,
})

describe('create and edit a member', () => {
  test('creates with a generated username and no password', async () => {
    const response = await newAction({ request: makeRequest('/admin/members/new', { cookie, form: memberForm() }), params: {}, context: {} })
    const location = (response as Response).headers.get('location')!
    expect(location).toMatch(/^\/admin\/members\/\d+\?created=1$/)
    const id = Number(location.split('/')[3].split('?')[0])
    const detail = await detailLoader({ request: makeRequest(location, { cookie }), params: { memberId: String(id) }, context: {} })
    expect(detail.member).toMatchObject({ username: 'gemajaxdelaboetie', hasPassword: false, roles: ['MEMBER'], status: 'MEMBER' })
  })

  test('per-field errors and nothing saved', async () => {
    const before = await prisma.member.count()
    const result = unwrap(await newAction({
      request: makeRequest('/admin/members/new', { cookie, form: memberForm({ type: 'LEGAL_ENTITY', email: 'not-an-email', password: 'short', dateJoined: '2024-02-30', username: 'Bad Name' }) }),
      params: {}, context: {},
    }))
    expect(result.status).toBe(400)
    expect(result.data.result.error).toMatchObject({
      email: ['emailInvalid'], organizationName: ['organizationRequired'], password: ['passwordTooShort'], dateJoined: ['dateInvalid'], username: ['usernameInvalid'],
    })
    expect(await prisma.member.count()).toBe(before)
  })

  test('refuses a username or email already taken', async () => {
    const existing = await insertMember()
    const result = unwrap(await newAction({
      request: makeRequest('/admin/members/new', { cookie, form: memberForm({ username: existing.username, email: existing.email.toUpperCase() }) }),
      params: {}, context: {},
    }))
    expect(result.data.result.error).toEqual({ email: ['emailTaken'], username: ['usernameTaken'] })
  })

  test('edits a member, keeps other fields, and the change shows on the detail page', async () => {
    const target = await insertMember({ mobilePhone: '06 00 00 00 00' })
    const params = { memberId: String(target.id) }
    const { defaults } = await editLoader({ request: makeRequest(`/admin/members/${target.id}/edit`, { cookie }), params, context: {} })
    const form = Object.fromEntries(Object.entries({ ...defaults, mobilePhone: '07 12 34 56 78' }).map(([k, v]) => [k, v === true ? 'on' : v === false || v === null ? '' : v])) as Record<string, string | string[]>
    const response = await editAction({ request: makeRequest(`/admin/members/${target.id}/edit`, { cookie, form }), params, context: {} })
    expect((response as Response).headers.get('location')).toBe(`/admin/members/${target.id}?saved=1`)
    const detail = await detailLoader({ request: makeRequest(`/admin/members/${target.id}`, { cookie }), params, context: {} })
    expect(detail.member).toMatchObject({ mobilePhone: '07 12 34 56 78', username: target.username, email: target.email, firstName: target.firstName })
  })

  test('changes status and logs a member out everywhere', async () => {
    const target = await insertMember()
    await createSession({ memberId: target.id, request: makeRequest('/login') })
    await createSession({ memberId: target.id, request: makeRequest('/login') })
    const params = { memberId: String(target.id) }
    await detailAction({ request: makeRequest('/x', { cookie, form: { intent: 'status', status: 'NOT_MEMBER' } }), params, context: {} })
    const revoked = await detailAction({ request: makeRequest('/x', { cookie, form: { intent: 'revokeSessions' } }), params, context: {} })
    expect((revoked as Response).headers.get('location')).toBe(`/admin/members/${target.id}?revoked=2`)
    expect(await prisma.member.findUniqueOrThrow({ where: { id: target.id }, select: { status: true, sessions: true } })).toEqual({ status: 'NOT_MEMBER', sessions: [] })
  })

  test('unknown or malformed ids are 404', async () => {
    for (const memberId of ['999999', 'abc', '-1', '1e3']) {
      const result = await settle(() => detailLoader({ request: makeRequest('/x', { cookie }), params: { memberId }, context: {} }))
      expect((result as Response).status).toBe(404)
    }
  })
})

describe('admin overview', () => {
  test('counts members by status and current members by year joined', async () => {
    const { loader } = await import('#app/routes/admin._index.tsx')
    const { prisma } = await import('#app/utils/db.server.ts')
    const data = unwrap(await loader({ request: makeRequest('/admin', { cookie }), params: {}, context: {} })).data as { counts: Record<string, number>; joins: { year: number; count: number }[]; pendingRequests: number }
    expect(data.counts.MEMBER).toBe(await prisma.member.count({ where: { status: 'MEMBER' } }))
    expect(data.counts.PENDING).toBe(await prisma.member.count({ where: { status: 'PENDING' } }))
    expect(data.joins.reduce((sum, j) => sum + j.count, 0)).toBe(data.counts.MEMBER)
    expect(data.pendingRequests).toBe(await prisma.subscriptionRequest.count({ where: { status: 'PENDING' } }))
    // Consecutive years, gaps filled with zero.
    expect(data.joins.map((j) => j.year)).toEqual(data.joins.map((_, i) => data.joins[0].year + i))
  })
})
