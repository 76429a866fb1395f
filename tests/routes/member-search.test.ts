import { beforeAll, describe, expect, test } from 'vitest'
import { loader as csvLoader } from '#app/routes/admin.members[.csv].tsx'
import { loader as listLoader } from '#app/routes/admin.members._index.tsx'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest } from './request.ts'

let cookie: string
beforeAll(async () => {
  ;({ cookie } = await loginAsStaff({ lastName: 'Searchstaff' }))
  for (let i = 0; i < 5; i++) await insertMember({ lastName: `Plain${i}` })
  await insertMember({ type: 'LEGAL_ENTITY', organizationName: 'Réseau 100% Libre', email: 'contact@cent.example' })
  await insertMember({ username: 'under_score', lastName: 'Tiret' })
  await insertMember({ lastName: 'Back\\slash' })
})

const names = async (q: string) =>
  (await listLoader({ request: makeRequest(`/admin/members?q=${encodeURIComponent(q)}`, { cookie }), params: {}, context: {} })).members.map((m) => m.name)

describe('the members search takes % _ and \\ literally', () => {
  test('PostgreSQL LIKE through Prisma `contains` treats them as wildcards unless escaped', async () => {
    // What the search would do without escaping: `%` and `_` match every member.
    const everyone = await prisma.member.count()
    expect(await prisma.member.count({ where: { searchText: { contains: '%' } } })).toBe(everyone)
    expect(await prisma.member.count({ where: { searchText: { contains: '_' } } })).toBe(everyone)
  })

  test('q=% finds the member whose name has a percent sign, and no one else', async () => {
    expect(await names('%')).toEqual(['Réseau 100% Libre'])
    expect(await names('100%')).toEqual(['Réseau 100% Libre'])
    expect(await names('%%')).toEqual([])
  })

  test('q=_ finds the username with an underscore only', async () => {
    const found = await names('_')
    expect(found).toHaveLength(1)
    expect(await names('under_score')).toEqual(found)
    expect(await names('under_sco_e')).toEqual([])
  })

  test('a backslash is a character too', async () => {
    expect(await names('\\')).toHaveLength(1)
    expect(await names('back\\slash')).toHaveLength(1)
  })

  test('the CSV export uses the same search', async () => {
    const response = await csvLoader({ request: makeRequest('/admin/members.csv?q=%25', { cookie }), params: {}, context: {} })
    const lines = (await response.text()).trim().split('\r\n')
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain('Réseau 100% Libre')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
  })
})
