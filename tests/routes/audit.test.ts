import { beforeAll, describe, expect, test } from 'vitest'
import { updateFee } from '#app/models/fee/fees.server.ts'
import { loader as journalLoader } from '#app/routes/admin.audit._index.tsx'
import { loader as csvLoader } from '#app/routes/admin.audit[.csv].tsx'
import { loader as feeLoader } from '#app/routes/admin.fees.$feeId.tsx'
import { loader as memberLoader } from '#app/routes/admin.members.$memberId._index.tsx'
import { parseIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { formatEuros } from '#app/utils/money.ts'
import { insertMember, loginAs, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from './request.ts'

let cookie: string
let alice: { id: number; username: string }
let bob: { id: number; username: string }
beforeAll(async () => {
  const staff = await loginAsStaff({ firstName: 'Alice', lastName: 'Trésorière' })
  cookie = staff.cookie
  alice = staff.member
  bob = await insertMember({ firstName: 'Bob', lastName: 'Secrétaire', roles: ['MEMBER', 'STAFF'] })
})

type Entry = { at: string; actorId: number | null; action: string; entity: string; entityId: number; memberId: number | null; before?: object; after?: object }
const insertEntries = (entries: Entry[]) => prisma.auditEntry.createMany({ data: entries.map((e) => ({ ...e, at: new Date(e.at) })) })

const journal = async (query: string, as = cookie) => unwrap(await settle(() => journalLoader({ request: makeRequest(`/admin/audit?${query}`, { cookie: as }), params: {}, context: {} })))
const csv = (query: string, as = cookie) => settle(() => csvLoader({ request: makeRequest(`/admin/audit.csv?${query}`, { cookie: as }), params: {}, context: {} }))

describe('the audit log is append-only', () => {
  test('the database refuses UPDATE, DELETE and TRUNCATE on "AuditEntry", even in raw SQL', async () => {
    const member = await insertMember()
    await insertEntries([{ at: '2025-01-01T10:00:00Z', actorId: null, action: 'member.status', entity: 'member', entityId: member.id, memberId: member.id, after: { status: 'MEMBER' } }])
    await expect(prisma.$executeRawUnsafe(`UPDATE "AuditEntry" SET action = 'fee.delete' WHERE "memberId" = ${member.id}`)).rejects.toThrow()
    await expect(prisma.$executeRawUnsafe(`DELETE FROM "AuditEntry" WHERE "memberId" = ${member.id}`)).rejects.toThrow()
    await expect(prisma.$executeRawUnsafe('TRUNCATE "AuditEntry"')).rejects.toThrow()
    expect(await prisma.auditEntry.findMany({ where: { memberId: member.id }, select: { action: true } })).toEqual([{ action: 'member.status' }])
  })
})

describe('journal', () => {
  test('filters by staff person, member (username or number), type and days in Paris time, newest first', async () => {
    const member = await insertMember({ firstName: 'Chloé', lastName: 'Filtrée' })
    const other = await insertMember()
    await insertEntries([
      // 2025-03-15 00:30 and 23:30 in Paris: both on the 15th.
      { at: '2025-03-14T23:30:00Z', actorId: alice.id, action: 'fee.create', entity: 'fee', entityId: 1001, memberId: member.id, after: { amountCents: 2000 } },
      { at: '2025-03-15T22:30:00Z', actorId: bob.id, action: 'member.status', entity: 'member', entityId: member.id, memberId: member.id, before: { status: 'MEMBER' }, after: { status: 'NOT_MEMBER' } },
      // 2025-03-16 00:30 in Paris.
      { at: '2025-03-15T23:30:00Z', actorId: null, action: 'payment.import', entity: 'payment', entityId: 1002, memberId: member.id, after: { amountCents: 1500 } },
      { at: '2025-03-15T12:00:00Z', actorId: alice.id, action: 'fee.create', entity: 'fee', entityId: 1003, memberId: other.id },
    ])
    const actions = async (query: string) => (await journal(query)).data.entries.map((e: { action: string; entityId: number }) => `${e.action}#${e.entityId}`)
    expect(await actions(`member=${member.username}`)).toEqual(['payment.import#1002', `member.status#${member.id}`, 'fee.create#1001'])
    expect(await actions(`member=${member.id}&actor=${alice.id}`)).toEqual(['fee.create#1001'])
    expect(await actions(`member=${member.id}&entity=member`)).toEqual([`member.status#${member.id}`])
    expect(await actions(`member=${member.username.toUpperCase()}&from=2025-03-15&to=2025-03-15`)).toEqual([`member.status#${member.id}`, 'fee.create#1001'])
    expect(await actions(`member=${member.id}&from=2025-03-16`)).toEqual(['payment.import#1002'])
    expect(await actions(`actor=${alice.id}&from=2025-03-15&to=2025-03-15`)).toEqual(['fee.create#1003', 'fee.create#1001'])
    const page = await journal(`member=${member.id}&entity=nonsense`)
    expect(page.status).toBe(200)
    expect(page.data.total).toBe(3)
    expect(page.data.entries[0]).toMatchObject({ actorId: null, actorName: null, memberName: 'Chloé Filtrée', after: { amountCents: 1500 } })
    expect(page.data.entries[1]).toMatchObject({ actorId: bob.id, actorName: 'Bob Secrétaire' })
    expect(page.data.actors.map((a: { id: number }) => a.id)).toEqual(expect.arrayContaining([alice.id, bob.id]))
    expect(page.data.actors.map((a: { id: number }) => a.id)).not.toContain(member.id)
  })

  test('a wrong date, a reversed period, a bad staff id or an unknown member is a field error, not a 500', async () => {
    const bad = await journal('from=2025-02-30&to=hier&actor=abc')
    expect(bad.status).toBe(400)
    expect(bad.data.errors).toEqual({ from: ['dateInvalid'], to: ['dateInvalid'], actor: ['audit:errors.actorInvalid'] })
    expect(bad.data.values).toMatchObject({ from: '2025-02-30', to: 'hier' })
    expect(bad.data.entries).toEqual([])
    expect((await journal('from=2025-03-02&to=2025-03-01')).data.errors).toEqual({ to: ['endBeforeStart'] })
    expect((await journal('member=personne-de-ce-nom')).data.errors).toEqual({ member: ['audit:errors.memberUnknown'] })
    expect(((await csv('from=2025-13-01')) as Response).status).toBe(400)
  })

  test('pages hold 50 entries; page 2 has the rest', async () => {
    const member = await insertMember()
    await insertEntries(Array.from({ length: 51 }, (_, i) => ({
      at: new Date(Date.UTC(2025, 4, 1, 8, i)).toISOString(), actorId: alice.id, action: 'fee.update', entity: 'fee', entityId: 2000 + i, memberId: member.id,
    })))
    const first = await journal(`member=${member.id}`)
    expect(first.data).toMatchObject({ total: 51, page: 1, pageCount: 2 })
    expect(first.data.entries).toHaveLength(50)
    expect(first.data.entries[0].entityId).toBe(2050)
    const second = await journal(`member=${member.id}&page=2`)
    expect(second.data.entries.map((e: { entityId: number }) => e.entityId)).toEqual([2000])
  })

  test('members never see it: the page and the CSV are 404 for them', async () => {
    const { cookie: memberCookie } = await loginAs()
    expect(((await settle(() => journalLoader({ request: makeRequest('/admin/audit', { cookie: memberCookie }), params: {}, context: {} }))) as Response).status).toBe(404)
    expect(((await csv('', memberCookie)) as Response).status).toBe(404)
  })
})

describe('CSV export', () => {
  test('the filtered log, every page, with who (Coin for its own runs), the action in words and the changes in words', async () => {
    const member = await insertMember({ firstName: 'Denis', lastName: 'Exporté' })
    await insertEntries([
      { at: '2025-06-01T08:00:00Z', actorId: alice.id, action: 'fee.update', entity: 'fee', entityId: 3001, memberId: member.id, before: { amountCents: 2000, endDate: '2025-12-31' }, after: { amountCents: 2500, endDate: '2026-01-15' } },
      { at: '2025-06-02T08:00:00Z', actorId: null, action: 'payment.import', entity: 'payment', entityId: 3002, memberId: member.id, after: { method: 'TRANSFER', label: '=SOMME(A1)' } },
      { at: '2025-06-03T08:00:00Z', actorId: bob.id, action: 'fee.delete', entity: 'fee', entityId: 3003, memberId: member.id, before: { amountCents: 1000 } },
    ])
    const response = (await csv(`member=${member.username}&to=2025-06-02`)) as Response
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="journal-\d{4}-\d{2}-\d{2}\.csv"$/)
    const lines = (await response.text()).replace(/^\uFEFF/, '').trimEnd().split('\r\n')
    expect(lines).toEqual([
      '"Date";"Fait par";"Action";"Type";"Numéro";"Identifiant du membre";"Membre";"Modifications"',
      `"2025-06-02 10:00:00";"Coin";"Paiement importé d'un relevé bancaire";"Paiement";"3002";"${member.username}";"Denis Exporté";"Moyen de paiement : Virement ; Libellé : =SOMME(A1)"`,
      `"2025-06-01 10:00:00";"${alice.username}";"Cotisation modifiée";"Cotisation";"3001";"${member.username}";"Denis Exporté";"Montant : ${formatEuros(2000, 'fr')} → ${formatEuros(2500, 'fr')} ; Fin : 31 déc. 2025 → 15 janv. 2026"`,
    ])
  })
})

describe('histories on pages', () => {
  test("the member page shows the member's latest 20 changes and the total; a fee page shows the fee's own", async () => {
    const member = await insertMember()
    const fee = await prisma.membershipFee.create({ data: { memberId: member.id, amountCents: 2000, startDate: parseIsoDate('2025-01-01')!, endDate: parseIsoDate('2025-12-31')! }, select: { id: true } })
    await insertEntries(Array.from({ length: 21 }, (_, i) => ({
      at: new Date(Date.UTC(2025, 0, 1, 8, i)).toISOString(), actorId: bob.id, action: 'member.status', entity: 'member', entityId: member.id, memberId: member.id,
    })))
    await updateFee({ id: fee.id, actorId: alice.id, amount: 3000, startDate: parseIsoDate('2025-01-01')!, endDate: null, paymentMethod: 'CASH', reference: '', comment: '' })
    const page = await memberLoader({ request: makeRequest(`/admin/members/${member.id}`, { cookie }), params: { memberId: String(member.id) }, context: {} })
    expect(page.history.total).toBe(22)
    expect(page.history.entries).toHaveLength(20)
    expect(page.history.entries[0]).toMatchObject({ action: 'fee.update', entity: 'fee', entityId: fee.id, actorName: 'Alice Trésorière' })
    const feePage = await feeLoader({ request: makeRequest(`/admin/fees/${fee.id}`, { cookie }), params: { feeId: String(fee.id) }, context: {} })
    expect(feePage.history.map((e) => [e.action, e.before, e.after])).toEqual([['fee.update', { amountCents: 2000, paymentMethod: null }, { amountCents: 3000, paymentMethod: 'CASH' }]])
  })
})
