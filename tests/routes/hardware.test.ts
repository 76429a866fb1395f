import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { uniqueViolation } from '#app/models/hardware/errors.server.ts'
import { normalizeMac } from '#app/models/hardware/mac.ts'
import { borrowItem } from '#app/models/hardware/loans.server.ts'
import { loader as csvLoader } from '#app/routes/admin.hardware[.csv].tsx'
import { action as listAction, loader as listLoader } from '#app/routes/admin.hardware._index.tsx'
import { action as editAction, loader as editLoader } from '#app/routes/admin.hardware.items.$itemId.tsx'
import { action as newAction, loader as newLoader } from '#app/routes/admin.hardware.items.new.tsx'
import { action as loansAction, loader as loansLoader } from '#app/routes/admin.hardware.loans.tsx'
import { action as storagesAction, loader as storagesLoader } from '#app/routes/admin.hardware.storages.tsx'
import { action as memberAction, loader as memberLoader } from '#app/routes/hardware._index.tsx'
import { prisma } from '#app/utils/db.server.ts'
import { init } from '#app/utils/env.server.ts'
import { loginAs, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from './request.ts'

let staff: Awaited<ReturnType<typeof loginAsStaff>>
let typeId: number
let shelfId: number
let cellarId: number
let sequence = 0

beforeAll(async () => {
  init({ ...process.env, COIN_MODULES: 'hardware' })
  staff = await loginAsStaff()
  typeId = (await prisma.itemType.create({ data: { name: `Routeur ${Date.now()}` } })).id
  shelfId = (await prisma.storage.create({ data: { name: `Étagère ${Date.now()}`, notes: 'Clé chez Alice' } })).id
  cellarId = (await prisma.storage.create({ data: { name: `Cave ${Date.now()}` } })).id
})
afterAll(() => init())

const ctx = { context: {} }

/** Adds an item through the staff form and returns its id (or the failed answer). */
async function postItem(fields: Record<string, string>) {
  const form = { designation: `Objet ${++sequence}`, typeId: String(typeId), storageId: String(shelfId), macAddress: '', serial: '', buyDate: '', owner: '', comment: '', ...fields }
  return settle(() => newAction({ request: makeRequest('/admin/hardware/items/new', { cookie: staff.cookie, form }), params: {}, ...ctx }))
}

async function createItem(fields: Record<string, string> = {}) {
  const answer = await postItem(fields)
  expect(answer, JSON.stringify(unwrap(answer).data)).toBeInstanceOf(Response)
  return Number((answer as Response).headers.get('location')!.match(/\/items\/(\d+)/)![1])
}

const memberPost = (cookie: string, form: Record<string, string>) =>
  settle(() => memberAction({ request: makeRequest('/hardware', { cookie, form }), params: {}, ...ctx }))

const runningLoans = (itemId: number) => prisma.loan.findMany({ where: { itemId, endedAt: null }, select: { id: true, memberId: true } })

describe('MAC addresses', () => {
  test('are normalised to lower-case colon form, blanks stay blank, anything else is refused', () => {
    expect(normalizeMac('AA-BB-CC-DD-EE-FF')).toBe('aa:bb:cc:dd:ee:ff')
    expect(normalizeMac(' aabb.ccdd.eeff ')).toBe('aa:bb:cc:dd:ee:ff')
    expect(normalizeMac('AABBCCDDEEFF')).toBe('aa:bb:cc:dd:ee:ff')
    expect(normalizeMac('')).toBe('')
    expect(normalizeMac('aa:bb:cc:dd:ee')).toBeNull()
    expect(normalizeMac('aa:bb:cc:dd:ee:fg')).toBeNull()
    expect(normalizeMac('aab:bcc:dde:eff')).toBeNull()
  })
})

describe('items', () => {
  test('staff add an item: the MAC is stored normalised; a taken MAC or serial is refused on its field; blanks repeat', async () => {
    const id = await createItem({ macAddress: '02-00-00-00-AB-01', serial: `SN-${Date.now()}`, buyDate: '2026-01-15' })
    const item = await prisma.item.findUniqueOrThrow({ where: { id } })
    expect(item).toMatchObject({ macAddress: '02:00:00:00:ab:01', storageId: shelfId, deployed: false })
    expect(item.buyDate?.toISOString().slice(0, 10)).toBe('2026-01-15')

    const sameMac = unwrap(await postItem({ macAddress: '02:00:00:00:AB:01' }))
    expect(sameMac.status).toBe(400)
    expect(sameMac.data.result.error).toEqual({ macAddress: ['hardware:errors.macTaken'] })
    const sameSerial = unwrap(await postItem({ serial: item.serial }))
    expect(sameSerial.status).toBe(400)
    expect(sameSerial.data.result.error).toEqual({ serial: ['hardware:errors.serialTaken'] })
    const badMac = unwrap(await postItem({ macAddress: 'not-a-mac' }))
    expect(badMac.data.result.error).toEqual({ macAddress: ['hardware:errors.macInvalid'] })
    const noOwner = unwrap(await postItem({ owner: 'nobody-by-that-name' }))
    expect(noOwner.data.result.error).toEqual({ owner: ['memberNotFound'] })

    // Blank MAC and serial are allowed on as many items as needed.
    const blanks = [await createItem(), await createItem(), await createItem()]
    const stored = await prisma.item.findMany({ where: { id: { in: blanks } }, select: { macAddress: true, serial: true } })
    expect(stored).toEqual(Array(3).fill({ macAddress: '', serial: '' }))

    // Editing another item to the taken MAC is refused the same way.
    const edited = unwrap(await settle(() => editAction({
      request: makeRequest(`/admin/hardware/items/${blanks[0]}`, { cookie: staff.cookie, form: { intent: 'save', designation: 'x', typeId: String(typeId), macAddress: '02:00:00:00:ab:01' } }),
      params: { itemId: String(blanks[0]) }, ...ctx,
    })))
    expect(edited.data.result.error).toEqual({ macAddress: ['hardware:errors.macTaken'] })
    const page = await editLoader({ request: makeRequest(`/admin/hardware/items/${id}`, { cookie: staff.cookie }), params: { itemId: String(id) }, ...ctx })
    expect(page.defaults).toMatchObject({ macAddress: '02:00:00:00:ab:01', buyDate: '2026-01-15', storageId: String(shelfId) })
  })

  test('the list filters available, borrowed and deployed items, by type, storage and owner, and searches', async () => {
    const tag = `Filtre${Date.now()}`
    const owner = await loginAs({ lastName: `Proprio${tag}` })
    const available = await createItem({ designation: `${tag} libre`, macAddress: '02:00:00:00:cd:01' })
    const borrowed = await createItem({ designation: `${tag} prêté`, serial: `${tag}-SERIAL`, storageId: String(cellarId) })
    const deployed = await createItem({ designation: `${tag} en prod`, deployed: 'on', owner: owner.member.username })
    const borrower = await loginAs()
    await borrowItem({ itemId: borrowed, memberId: borrower.member.id })

    const list = async (query: string) => {
      const page = await listLoader({ request: makeRequest(`/admin/hardware?${query}`, { cookie: staff.cookie }), params: {}, ...ctx })
      return page.items.map((i) => i.id).sort((a, b) => a - b)
    }
    expect(await list(`q=${tag}`)).toEqual([available, borrowed, deployed])
    expect(await list(`q=${tag}&availability=available`)).toEqual([available])
    expect(await list(`q=${tag}&availability=borrowed`)).toEqual([borrowed])
    expect(await list(`q=${tag}&availability=deployed`)).toEqual([deployed])
    expect(await list(`q=${tag}&storageId=${cellarId}`)).toEqual([borrowed])
    expect(await list(`q=${tag}&typeId=${typeId}`)).toEqual([available, borrowed, deployed])
    expect(await list(`q=${tag}&owner=${owner.member.username}`)).toEqual([deployed])
    expect(await list(`q=${tag}&owner=association`)).toEqual([available, borrowed])
    expect(await list('q=02-00-00-00-CD-01')).toEqual([available])
    expect(await list(`q=${tag}-serial`)).toEqual([borrowed])
    expect(await list(`q=Proprio${tag}`)).toEqual([deployed])
    // LIKE wildcards are literal.
    expect(await list(`q=${tag}%25`)).toEqual([])
    expect(await list(`q=${tag}_libre`)).toEqual([])
  })

  test('the inventory CSV has the filtered items with their state', async () => {
    const tag = `Csv${Date.now()}`
    const borrower = await loginAs({ firstName: 'Zoé', lastName: `Emprunteuse${tag}` })
    const id = await createItem({ designation: `${tag} antenne`, macAddress: '02:00:00:00:ef:01', serial: `${tag}-1`, comment: '=SUM(A1)' })
    await createItem({ designation: `Autre ${Date.now()}` })
    await borrowItem({ itemId: id, memberId: borrower.member.id })
    const response = await csvLoader({ request: makeRequest(`/admin/hardware.csv?q=${tag}`, { cookie: staff.cookie }), params: {}, ...ctx })
    expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('Content-Disposition')).toMatch(/^attachment; filename="inventaire-\d{4}-\d{2}-\d{2}\.csv"$/)
    const lines = (await response.text()).replace(/^\uFEFF/, '').trim().split('\r\n')
    expect(lines[0]).toBe('"N°";"Désignation";"Type";"Adresse MAC";"N° de série";"Lieu de stockage";"Date d\'achat";"Propriétaire";"En production";"Emprunté par";"Commentaire"')
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain(`"${tag} antenne"`)
    expect(lines[1]).toContain('"02:00:00:00:ef:01"')
    expect(lines[1]).toContain(`"Zoé Emprunteuse${tag} (${borrower.member.username})"`)
    expect(lines[1]).toContain('"non"')
    expect(lines[1]).toContain(`"'=SUM(A1)"`)
  })
})

describe('loans', () => {
  test('two members borrowing one item at once get one loan; the other is told it is no longer available', async () => {
    const [a, b] = [await loginAs(), await loginAs()]
    for (let round = 0; round < 5; round++) {
      const itemId = await createItem()
      const answers = await Promise.all([a, b].map((m) => memberPost(m.cookie, { intent: 'borrow', itemId: String(itemId) })))
      const won = answers.filter((r) => r instanceof Response)
      const lost = answers.filter((r) => !(r instanceof Response)).map(unwrap)
      expect(won).toHaveLength(1)
      expect((won[0] as Response).headers.get('location')).toBe('/hardware?done=borrow')
      expect(lost).toHaveLength(1)
      expect(lost[0].status).toBe(409)
      expect(lost[0].data.result.error).toEqual({ '': ['hardware:errors.unavailable'] })
      expect(await runningLoans(itemId)).toHaveLength(1)
    }
  })

  test('the model refuses the second of two concurrent borrows through the unique index', async () => {
    const [a, b] = [await loginAs(), await loginAs()]
    for (let round = 0; round < 5; round++) {
      const itemId = await createItem()
      const results = await Promise.allSettled([borrowItem({ itemId, memberId: a.member.id }), borrowItem({ itemId, memberId: b.member.id })])
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      const refused = results.find((r) => r.status === 'rejected')
      expect((refused as PromiseRejectedResult).reason).toMatchObject({ code: 'HARDWARE_ITEM_UNAVAILABLE' })
      expect(await runningLoans(itemId)).toHaveLength(1)
    }
    // The database itself refuses a second running loan.
    const itemId = await createItem()
    await prisma.loan.create({ data: { itemId, memberId: a.member.id } })
    const error: unknown = await prisma.loan.create({ data: { itemId, memberId: b.member.id } }).catch((e: unknown) => e)
    expect(uniqueViolation(error)).toBe('runningLoan')
  })

  test('a deployed item cannot be borrowed and is not listed to members', async () => {
    const member = await loginAs()
    const itemId = await createItem({ deployed: 'on' })
    const answer = unwrap(await memberPost(member.cookie, { intent: 'borrow', itemId: String(itemId) }))
    expect(answer.status).toBe(409)
    const page = await memberLoader({ request: makeRequest('/hardware', { cookie: member.cookie }), params: {}, ...ctx })
    expect(page.available.map((i) => i.id)).not.toContain(itemId)
    expect(page.storages.find((s) => s.id === shelfId)?.notes).toBe('Clé chez Alice')
    const unknown = await memberPost(member.cookie, { intent: 'borrow', itemId: '2147483647' })
    expect((unknown as Response).status).toBe(404)
  })

  test('only the borrower returns or transfers (others get 404); a transfer ends one loan and starts the other', async () => {
    const [alice, bob, carol] = [await loginAs(), await loginAs(), await loginAs()]
    const itemId = await createItem()
    expect(await memberPost(alice.cookie, { intent: 'borrow', itemId: String(itemId) })).toBeInstanceOf(Response)
    const [loan] = await runningLoans(itemId)
    const page = await memberLoader({ request: makeRequest('/hardware', { cookie: alice.cookie }), params: {}, ...ctx })
    expect(page.running.map((l) => l.id)).toEqual([loan.id])
    expect(page.available.map((i) => i.id)).not.toContain(itemId)
    const bobPage = await memberLoader({ request: makeRequest('/hardware', { cookie: bob.cookie }), params: {}, ...ctx })
    expect(bobPage.running.map((l) => l.id)).not.toContain(loan.id)

    // Bob cannot return or transfer Alice's loan.
    expect(((await memberPost(bob.cookie, { intent: 'return', loanId: String(loan.id), storageId: String(cellarId) })) as Response).status).toBe(404)
    expect(((await memberPost(bob.cookie, { intent: 'transfer', loanId: String(loan.id), username: bob.member.username })) as Response).status).toBe(404)
    expect(await runningLoans(itemId)).toEqual([{ id: loan.id, memberId: alice.member.id }])

    // Alice cannot hand it to herself nor to nobody.
    const self = unwrap(await memberPost(alice.cookie, { intent: 'transfer', loanId: String(loan.id), username: alice.member.username }))
    expect(self.data.result.error).toEqual({ username: ['hardware:errors.transferSelf'] })
    const nobody = unwrap(await memberPost(alice.cookie, { intent: 'transfer', loanId: String(loan.id), username: 'no-such-member' }))
    expect(nobody.data.result.error).toEqual({ username: ['memberNotFound'] })

    const moved = await memberPost(alice.cookie, { intent: 'transfer', loanId: String(loan.id), username: bob.member.username.toUpperCase() })
    expect((moved as Response).headers.get('location')).toBe('/hardware?done=transfer')
    const loans = await prisma.loan.findMany({ where: { itemId }, orderBy: { id: 'asc' } })
    expect(loans).toHaveLength(2)
    expect(loans[0]).toMatchObject({ memberId: alice.member.id })
    expect(loans[0].endedAt).not.toBeNull()
    expect(loans[1]).toMatchObject({ memberId: bob.member.id, endedAt: null })
    expect(loans[1].startedAt.getTime()).toBe(loans[0].endedAt!.getTime())

    // Alice's ended loan is no longer hers to return; Carol cannot return Bob's.
    expect(((await memberPost(alice.cookie, { intent: 'return', loanId: String(loans[0].id), storageId: '' })) as Response).status).toBe(404)
    expect(((await memberPost(carol.cookie, { intent: 'return', loanId: String(loans[1].id), storageId: '' })) as Response).status).toBe(404)
    const returned = await memberPost(bob.cookie, { intent: 'return', loanId: String(loans[1].id), storageId: String(cellarId) })
    expect((returned as Response).headers.get('location')).toBe('/hardware?done=return')
    expect(await runningLoans(itemId)).toEqual([])
    expect((await prisma.item.findUniqueOrThrow({ where: { id: itemId } })).storageId).toBe(cellarId)
    const alicePage = await memberLoader({ request: makeRequest('/hardware', { cookie: alice.cookie }), params: {}, ...ctx })
    expect(alicePage.past.map((l) => l.id)).toEqual([loans[0].id])
    expect(alicePage.available.map((i) => i.id)).toContain(itemId)
  })

  test('staff give items back (loans end, storage set) and end a loan from the loans list', async () => {
    const member = await loginAs()
    const [first, second] = [await createItem(), await createItem()]
    await borrowItem({ itemId: first, memberId: member.member.id })
    await borrowItem({ itemId: second, memberId: member.member.id })
    const none = unwrap(await settle(() => listAction({ request: makeRequest('/admin/hardware', { cookie: staff.cookie, form: { storageId: '' } }), params: {}, ...ctx })))
    expect(none.data.result.error).toEqual({ ids: ['hardware:errors.noneSelected'] })
    const given = await listAction({ request: makeRequest('/admin/hardware', { cookie: staff.cookie, form: { ids: [String(first)], storageId: String(cellarId) } }), params: {}, ...ctx })
    expect((given as Response).headers.get('location')).toBe('/admin/hardware?done=1')
    expect(await runningLoans(first)).toEqual([])
    expect((await prisma.item.findUniqueOrThrow({ where: { id: first } })).storageId).toBe(cellarId)

    const [loan] = await runningLoans(second)
    const running = await loansLoader({ request: makeRequest('/admin/hardware/loans?status=running', { cookie: staff.cookie }), params: {}, ...ctx })
    expect(running.loans.every((l) => l.running)).toBe(true)
    const ended = await loansAction({ request: makeRequest('/admin/hardware/loans?status=running', { cookie: staff.cookie, form: { intent: 'end', loanId: String(loan.id) } }), params: {}, ...ctx })
    expect((ended as Response).headers.get('location')).toBe('/admin/hardware/loans?status=running&done=ended')
    expect(await runningLoans(second)).toEqual([])
    const again = await loansAction({ request: makeRequest('/admin/hardware/loans', { cookie: staff.cookie, form: { intent: 'end', loanId: String(loan.id) } }), params: {}, ...ctx })
    expect((again as Response).headers.get('location')).toBe('/admin/hardware/loans?done=notRunning')
    const finished = await loansLoader({ request: makeRequest('/admin/hardware/loans?status=finished', { cookie: staff.cookie }), params: {}, ...ctx })
    expect(finished.loans.every((l) => !l.running)).toBe(true)
    const mine = await loansLoader({ request: makeRequest(`/admin/hardware/loans?status=all&member=${member.member.username}`, { cookie: staff.cookie }), params: {}, ...ctx })
    expect(mine.loans.map((l) => l.item.id).sort((a, b) => a - b)).toEqual([first, second])
    const ofItem = await loansLoader({ request: makeRequest(`/admin/hardware/loans?status=all&itemId=${second}`, { cookie: staff.cookie }), params: {}, ...ctx })
    expect(ofItem.loans.map((l) => l.id)).toEqual([loan.id])
  })
})

describe('storages and item types', () => {
  test('are listed with item counts; a taken name is refused; a used type cannot be deleted', async () => {
    const name = `Local ${Date.now()}`
    const post = (form: Record<string, string>) => settle(() => storagesAction({ request: makeRequest('/admin/hardware/storages', { cookie: staff.cookie, form }), params: {}, ...ctx }))
    expect(await post({ intent: 'createStorage', name, notes: 'Au fond' })).toBeInstanceOf(Response)
    const taken = unwrap(await post({ intent: 'createStorage', name, notes: '' }))
    expect(taken.data.result.error).toEqual({ name: ['hardware:errors.nameTaken'] })
    const used = unwrap(await post({ intent: 'deleteType', id: String(typeId) }))
    expect(used.data.result.error).toEqual({ '': ['hardware:errors.typeInUse'] })
    const page = await storagesLoader({ request: makeRequest('/admin/hardware/storages', { cookie: staff.cookie }), params: {}, ...ctx })
    expect(page.storages.find((s) => s.name === name)).toMatchObject({ notes: 'Au fond', itemCount: 0 })
    expect(page.types.find((t) => t.id === typeId)?.itemCount).toBeGreaterThan(0)
  })
})

describe('access', () => {
  const adminCalls = (cookie: string): (() => Promise<unknown>)[] => [
    () => listLoader({ request: makeRequest('/admin/hardware', { cookie }), params: {}, ...ctx }),
    () => listAction({ request: makeRequest('/admin/hardware', { cookie, form: { ids: '1' } }), params: {}, ...ctx }),
    () => newLoader({ request: makeRequest('/admin/hardware/items/new', { cookie }), params: {}, ...ctx }),
    () => newAction({ request: makeRequest('/admin/hardware/items/new', { cookie, form: { designation: 'x', typeId: String(typeId) } }), params: {}, ...ctx }),
    () => editLoader({ request: makeRequest('/admin/hardware/items/1', { cookie }), params: { itemId: '1' }, ...ctx }),
    () => loansLoader({ request: makeRequest('/admin/hardware/loans', { cookie }), params: {}, ...ctx }),
    () => storagesLoader({ request: makeRequest('/admin/hardware/storages', { cookie }), params: {}, ...ctx }),
    () => csvLoader({ request: makeRequest('/admin/hardware.csv', { cookie }), params: {}, ...ctx }),
  ]

  test('members cannot reach the admin pages (404)', async () => {
    const member = await loginAs()
    for (const call of adminCalls(member.cookie)) expect(((await settle(call)) as Response).status).toBe(404)
  })

  test('with the module off every hardware page is a 404, for staff too', async () => {
    init({ ...process.env, COIN_MODULES: '' })
    try {
      const member = await loginAs()
      expect(((await settle(() => memberLoader({ request: makeRequest('/hardware', { cookie: member.cookie }), params: {}, ...ctx }))) as Response).status).toBe(404)
      expect(((await memberPost(member.cookie, { intent: 'borrow', itemId: '1' })) as Response).status).toBe(404)
      for (const call of adminCalls(staff.cookie)) expect(((await settle(call)) as Response).status).toBe(404)
    } finally {
      init({ ...process.env, COIN_MODULES: 'hardware' })
    }
  })
})

describe('hostile requests, module on', () => {
  test('huge ids, NUL bytes and bodies that are not forms get a 4xx, never a 500', async () => {
    const member = await loginAs()
    const HUGE = '99999999999'
    const NUL = 'a\u0000b'
    const modules = [
      { path: '/hardware', loader: memberLoader, action: memberAction },
      { path: '/admin/hardware', loader: listLoader, action: listAction },
      { path: '/admin/hardware/items/new', loader: newLoader, action: newAction },
      { path: `/admin/hardware/items/${HUGE}`, loader: editLoader, action: editAction },
      { path: '/admin/hardware/loans', loader: loansLoader, action: loansAction },
      { path: '/admin/hardware/storages', loader: storagesLoader, action: storagesAction },
      { path: '/admin/hardware.csv', loader: csvLoader, action: undefined },
    ]
    const fields = ['intent', 'id', 'ids', 'itemId', 'loanId', 'storageId', 'typeId', 'username', 'designation', 'macAddress', 'serial', 'owner', 'name', 'notes', 'buyDate']
    const statusOf = (outcome: unknown) => (outcome instanceof Response ? outcome.status : unwrap(outcome).status)
    for (const { cookie } of [staff, member]) {
      for (const { path, loader, action } of modules) {
        const params = { itemId: HUGE }
        for (const query of [`q=${encodeURIComponent(NUL)}`, `page=${HUGE}&typeId=${HUGE}&storageId=${HUGE}&owner=${encodeURIComponent(NUL)}&availability=x&status=x`]) {
          const outcome = await settle(() => Promise.resolve(loader({ request: makeRequest(`${path}?${query}`, { cookie }), params, ...ctx })))
          expect(statusOf(outcome), `${path}?${query}`).toBeLessThan(500)
        }
        if (!action) continue
        for (const intent of ['borrow', 'return', 'transfer', 'save', 'endLoan', 'end', 'delete', 'confirmDelete', 'createStorage', 'updateType', 'deleteType']) {
          for (const value of [HUGE, NUL]) {
            const form = Object.fromEntries([...fields.map((f) => [f, value]), ['intent', intent]])
            const outcome = await settle(() => Promise.resolve(action({ request: makeRequest(path, { cookie, form }), params, ...ctx })))
            expect(statusOf(outcome), `${path} ${intent} ${JSON.stringify(value)}`).toBeLessThan(500)
          }
        }
        const json = new Request(new URL(path, 'http://localhost'), { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json' }, body: '{}' })
        expect(statusOf(await settle(() => Promise.resolve(action({ request: json, params, ...ctx })))), `${path} JSON`).toBeLessThan(500)
      }
    }
  })
})
