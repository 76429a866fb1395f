import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startMaillistSync } from '#jobs/sync-maillists.ts'
import { maillistCommandArgv, splitCommandLine } from '#app/integrations/maillist/command.ts'
import { syncDueMailingLists } from '#app/models/maillist/sync.server.ts'
import { action as listsAction, loader as listsLoader } from '#app/routes/lists.tsx'
import { action as adminListsAction, loader as adminListsLoader } from '#app/routes/admin.lists._index.tsx'
import { action as adminListAction, loader as adminListLoader } from '#app/routes/admin.lists.$listId.tsx'
import { action as memberListsAction, loader as memberListsLoader } from '#app/routes/admin.members.$memberId.lists.tsx'
import { action as profileAction } from '#app/routes/profile.tsx'
import { prisma } from '#app/utils/db.server.ts'
import { init, parseEnv } from '#app/utils/env.server.ts'
import { loginAs, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from '#tests/routes/request.ts'

/**
 * Mailing lists pushed to a real command: a small node script, written here, that appends its
 * argv and stdin to a log file (or fails like a list server would). No shell runs it.
 */

let dir: string
let logFile: string
let pushScript: string
let failScript: string
let slowScript: string
let staff: Awaited<ReturnType<typeof loginAsStaff>>
const ctx = { context: {} }
const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`

/** Configures the app with the maillists module and, when given, this sync command. */
const configure = (command?: string, extra: Record<string, string> = {}) =>
  init({ ...process.env, COIN_MODULES: 'maillists', MAILLIST_SYNC_COMMAND: command ?? '', ...extra })
const pushCommand = () => `${quote(process.execPath)} ${quote(pushScript)} --list {short_name} --address={email}`

type Push = { argv: string[]; stdin: string }
const pushes = (): Push[] => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Push) : [])
const lastPushOf = (shortName: string) => pushes().filter((p) => p.argv[1] === shortName).at(-1)

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coin-maillist-'))
  logFile = path.join(dir, 'pushes.log')
  pushScript = path.join(dir, 'push.mjs')
  failScript = path.join(dir, 'fail.mjs')
  slowScript = path.join(dir, 'slow.mjs')
  fs.writeFileSync(pushScript, `
import fs from 'node:fs'
let stdin = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (c) => { stdin += c })
process.stdin.on('end', () => { fs.appendFileSync(${JSON.stringify(logFile)}, JSON.stringify({ argv: process.argv.slice(2), stdin }) + '\\n') })
`)
  fs.writeFileSync(failScript, `process.stderr.write('  mailman: list server says no\\n  (try later)\\n\\n'); process.exit(3)\n`)
  fs.writeFileSync(slowScript, `setTimeout(() => {}, 10_000)\n`)
  configure(pushCommand())
  staff = await loginAsStaff()
})
afterAll(() => {
  init()
  fs.rmSync(dir, { recursive: true, force: true })
})

let sequence = 0
/** Creates a list through the staff form; returns its id. */
async function createList(fields: Record<string, string> = {}) {
  sequence++
  const form = { label: `Liste ${sequence}`, address: `liste${sequence}-${Date.now()}@lists.example.org`, shortName: `liste${sequence}-${Date.now()}`, description: 'Pour discuter', ...fields }
  const answer = await settle(() => adminListsAction({ request: makeRequest('/admin/lists', { cookie: staff.cookie, form }), params: {}, ...ctx }))
  expect(answer, JSON.stringify(unwrap(answer).data)).toBeInstanceOf(Response)
  return Number((answer as Response).headers.get('location')!.match(/\/admin\/lists\/(\d+)/)![1])
}

const memberSave = (cookie: string, listIds: number[]) =>
  settle(() => listsAction({ request: makeRequest('/lists', { cookie, form: { listId: listIds.map(String) } }), params: {}, ...ctx }))

const syncState = (id: number) => prisma.mailingList.findUniqueOrThrow({ where: { id }, select: { syncState: true, syncLastError: true, syncAttempts: true, syncNextAttemptAt: true } })

describe('the command line', () => {
  test('is split like a shell splits words, and placeholders are replaced inside each argument', () => {
    expect(splitCommandLine(`/usr/bin/sync-list --name '{short_name}' "a b" c\\ d`)).toEqual(['/usr/bin/sync-list', '--name', '{short_name}', 'a b', 'c d'])
    expect(maillistCommandArgv('sync --list={short_name} {email}', { short_name: 'x; rm -rf ~ $(id)', email: 'l@x.org' }))
      .toEqual(['sync', '--list=x; rm -rf ~ $(id)', 'l@x.org'])
    expect(() => splitCommandLine(`sync 'open`)).toThrow(/unclosed single quote/)
  })

  test('MAILLIST_SYNC_COMMAND is validated: quotes closed, known placeholders only', () => {
    expect(parseEnv({ MAILLIST_SYNC_COMMAND: 'sync {short_name} {email}' }).MAILLIST_SYNC_COMMAND).toBe('sync {short_name} {email}')
    expect(parseEnv({ MAILLIST_SYNC_COMMAND: '' }).MAILLIST_SYNC_COMMAND).toBeUndefined()
    expect(() => parseEnv({ MAILLIST_SYNC_COMMAND: 'sync {list}' })).toThrow(/MAILLIST_SYNC_COMMAND.*unknown placeholder \{list\}/s)
    expect(() => parseEnv({ MAILLIST_SYNC_COMMAND: 'sync "{short_name}' })).toThrow(/MAILLIST_SYNC_COMMAND.*unclosed double quote/s)
  })
})

describe('sync with a real command', () => {
  test('subscribe and unsubscribe push the full sorted list on stdin; nothing runs during the request', async () => {
    configure(pushCommand())
    const listId = await createList()
    const list = await prisma.mailingList.findUniqueOrThrow({ where: { id: listId } })
    const a = await loginAs({ email: `zoe.${Date.now()}@example.org` })
    const b = await loginAs({ email: `Alice.${Date.now()}@Example.org` })
    const c = await loginAs({ email: `marc.${Date.now()}@example.org` })
    for (const m of [a, b, c]) expect(((await memberSave(m.cookie, [listId])) as Response).headers.get('location')).toBe('/lists?saved=1')
    expect(lastPushOf(list.shortName)).toBeUndefined()
    expect((await syncState(listId)).syncState).toBe('PENDING')

    expect(await syncDueMailingLists()).toMatchObject({ failed: 0 })
    const first = lastPushOf(list.shortName)!
    expect(first.argv).toEqual(['--list', list.shortName, `--address=${list.address}`])
    expect(first.stdin).toBe([a, b, c].map((m) => m.member.email.toLowerCase()).sort().map((e) => `${e}\n`).join(''))
    expect((await syncState(listId)).syncState).toBe('SYNCED')

    // Unsubscribing (an empty form) pushes the list without that member.
    await memberSave(b.cookie, [])
    await syncDueMailingLists()
    expect(lastPushOf(list.shortName)!.stdin).toBe([a, c].map((m) => m.member.email).sort().map((e) => `${e}\n`).join(''))
    // A second round has nothing to do: the push is synced.
    const before = pushes().length
    expect(await syncDueMailingLists()).toEqual({ synced: 0, failed: 0 })
    expect(pushes()).toHaveLength(before)
  })

  test('a member\'s email change pushes every list they are on', async () => {
    configure(pushCommand(), { MEMBER_CAN_EDIT_PROFILE: 'true' })
    const [l1, l2, l3] = [await createList(), await createList(), await createList()]
    const member = await loginAs()
    await memberSave(member.cookie, [l1, l2])
    await syncDueMailingLists()
    const newEmail = `nouvelle.${Date.now()}@example.org`
    const answer = await profileAction({
      request: makeRequest('/profile', { cookie: member.cookie, form: {
        type: 'NATURAL_PERSON', firstName: 'Léa', lastName: 'Moreau', nickname: '', organizationName: '', email: newEmail,
        homePhone: '', mobilePhone: '', address: '', postalCode: '', city: '', country: 'France', language: '',
      } }),
      params: {}, ...ctx,
    })
    expect((answer as Response).status).toBe(302)
    expect((await syncState(l1)).syncState).toBe('PENDING')
    expect((await syncState(l2)).syncState).toBe('PENDING')
    expect((await syncState(l3)).syncState).toBe('SYNCED')
    await syncDueMailingLists()
    for (const id of [l1, l2]) {
      const { shortName } = await prisma.mailingList.findUniqueOrThrow({ where: { id } })
      expect(lastPushOf(shortName)!.stdin).toBe(`${newEmail}\n`)
    }
  })

  test('a failing command shows failed with its stderr, and is retried after the backoff', async () => {
    configure(`${quote(process.execPath)} ${quote(failScript)} {short_name}`)
    const listId = await createList()
    const now = new Date()
    expect(await syncDueMailingLists({ now: () => now })).toMatchObject({ failed: 1 })
    const failed = await syncState(listId)
    expect(failed).toMatchObject({ syncState: 'FAILED', syncLastError: 'mailman: list server says no\n  (try later)', syncAttempts: 1 })
    expect(failed.syncNextAttemptAt.getTime()).toBe(now.getTime() + 30_000)
    // Staff see it, with the stderr.
    const page = await adminListLoader({ request: makeRequest(`/admin/lists/${listId}`, { cookie: staff.cookie }), params: { listId: String(listId) }, ...ctx })
    expect(page.list.status).toMatchObject({ state: 'failed', message: 'mailman: list server says no\n  (try later)' })
    const overview = await adminListsLoader({ request: makeRequest('/admin/lists', { cookie: staff.cookie }), params: {}, ...ctx })
    expect(overview.lists.find((l) => l.id === listId)?.status.state).toBe('failed')

    // Not before its time; then again (still failing: a longer wait); then the server is back.
    expect(await syncDueMailingLists({ now: () => new Date(now.getTime() + 10_000) })).toEqual({ synced: 0, failed: 0 })
    const later = new Date(now.getTime() + 31_000)
    expect(await syncDueMailingLists({ now: () => later })).toMatchObject({ failed: 1 })
    expect((await syncState(listId)).syncNextAttemptAt.getTime()).toBe(later.getTime() + 60_000)
    configure(pushCommand())
    expect(await syncDueMailingLists({ now: () => new Date(later.getTime() + 61_000) })).toMatchObject({ failed: 0 })
    expect(await syncState(listId)).toMatchObject({ syncState: 'SYNCED', syncLastError: null, syncAttempts: 0 })
  })

  test('a command that hangs is stopped at the timeout and fails', async () => {
    configure(`${quote(process.execPath)} ${quote(slowScript)}`)
    const listId = await createList()
    expect(await syncDueMailingLists({ timeoutMs: 300 })).toMatchObject({ failed: 1 })
    expect((await syncState(listId)).syncLastError).toBe('timed out after 0 s')
    configure(pushCommand())
    await syncDueMailingLists()
  })

  test('a short name with spaces and semicolons stays one argument; "sync now" pushes again', async () => {
    configure(pushCommand())
    const shortName = `bénévoles; touch ${path.join(dir, 'pwned')} && echo $(id) ${Date.now()}`.slice(0, 50)
    const listId = await createList({ shortName })
    await syncDueMailingLists()
    expect(lastPushOf(shortName)!.argv).toEqual(['--list', shortName, expect.stringMatching(/^--address=/)])
    expect(fs.existsSync(path.join(dir, 'pwned'))).toBe(false)
    const before = pushes().length
    const answer = await adminListAction({ request: makeRequest(`/admin/lists/${listId}`, { cookie: staff.cookie, form: { intent: 'sync' } }), params: { listId: String(listId) }, ...ctx })
    expect((answer as Response).headers.get('location')).toBe(`/admin/lists/${listId}?sync=1`)
    await syncDueMailingLists()
    expect(pushes()).toHaveLength(before + 1)
  })

  test('the worker loop pushes changed lists by itself', async () => {
    configure(pushCommand())
    const listId = await createList()
    const { shortName } = await prisma.mailingList.findUniqueOrThrow({ where: { id: listId } })
    const stop = startMaillistSync({ log: pino({ level: 'silent' }), intervalMs: 50 })
    try {
      await expect.poll(() => lastPushOf(shortName), { timeout: 10_000 }).toBeDefined()
    } finally {
      await stop()
    }
  })

  test('without MAILLIST_SYNC_COMMAND nothing is pushed and staff see "off"', async () => {
    configure()
    const listId = await createList()
    expect(await syncDueMailingLists()).toEqual({ synced: 0, failed: 0 })
    const page = await adminListLoader({ request: makeRequest(`/admin/lists/${listId}`, { cookie: staff.cookie }), params: { listId: String(listId) }, ...ctx })
    expect(page.list.status.state).toBe('off')
    configure(pushCommand())
  })
})

describe('pages', () => {
  test('"Mes listes" shows every list and only the session member\'s ticks; ids of no list are ignored', async () => {
    configure(pushCommand())
    const [l1, l2] = [await createList(), await createList()]
    const me = await loginAs()
    const other = await loginAs()
    await memberSave(other.cookie, [l1, l2])
    await memberSave(me.cookie, [l2, 2_000_000_000])
    const page = await listsLoader({ request: makeRequest('/lists', { cookie: me.cookie }), params: {}, ...ctx })
    expect(page.email).toBe(me.member.email)
    expect(page.lists.find((l) => l.id === l1)?.subscribed).toBe(false)
    expect(page.lists.find((l) => l.id === l2)?.subscribed).toBe(true)
    expect(await prisma.mailingListSubscription.findMany({ where: { memberId: me.member.id }, select: { listId: true } })).toEqual([{ listId: l2 }])
    expect(await prisma.mailingListSubscription.count({ where: { memberId: other.member.id } })).toBe(2)
  })

  test('staff tick a member\'s lists from the member\'s page, see the subscribers and take one off', async () => {
    configure(pushCommand())
    const [l1, l2] = [await createList(), await createList()]
    const member = await loginAs()
    const params = { memberId: String(member.member.id) }
    const saved = await memberListsAction({ request: makeRequest('/x', { cookie: staff.cookie, form: { listId: [String(l1), String(l2)] } }), params, ...ctx })
    expect((saved as Response).headers.get('location')).toBe(`/admin/members/${member.member.id}/lists?saved=1`)
    const page = await memberListsLoader({ request: makeRequest('/x', { cookie: staff.cookie }), params, ...ctx })
    expect(page.lists.filter((l) => l.subscribed).map((l) => l.id).sort()).toEqual([l1, l2].sort())
    const list = await adminListLoader({ request: makeRequest('/x', { cookie: staff.cookie }), params: { listId: String(l1) }, ...ctx })
    expect(list.list.subscribers.map((s) => s.id)).toEqual([member.member.id])
    await adminListAction({ request: makeRequest('/x', { cookie: staff.cookie, form: { intent: 'remove', memberId: String(member.member.id) } }), params: { listId: String(l1) }, ...ctx })
    expect(await prisma.mailingListSubscription.count({ where: { listId: l1 } })).toBe(0)
    const overview = await adminListsLoader({ request: makeRequest('/admin/lists', { cookie: staff.cookie }), params: {}, ...ctx })
    expect(overview.lists.find((l) => l.id === l2)?.subscriberCount).toBe(1)
  })

  test('a taken short name or address is refused on its field; a short name may not start with "-"', async () => {
    configure(pushCommand())
    const listId = await createList()
    const list = await prisma.mailingList.findUniqueOrThrow({ where: { id: listId } })
    const post = (form: Record<string, string>) => settle(() => adminListsAction({ request: makeRequest('/admin/lists', { cookie: staff.cookie, form: { label: 'x', description: '', ...form } }), params: {}, ...ctx }))
    expect(unwrap(await post({ shortName: list.shortName, address: `n${Date.now()}@x.org` })).data.result.error).toEqual({ shortName: ['lists:errors.shortNameTaken'] })
    expect(unwrap(await post({ shortName: `n${Date.now()}`, address: list.address.toUpperCase() })).data.result.error).toEqual({ address: ['lists:errors.addressTaken'] })
    expect(unwrap(await post({ shortName: '--help', address: `n${Date.now()}@x.org` })).data.result.error).toEqual({ shortName: ['lists:errors.shortNameInvalid'] })
  })

  test('with the module off every page is a 404; members get a 404 on the admin pages', async () => {
    const member = await loginAs()
    configure(pushCommand())
    const listId = await createList()
    const asMember: (() => Promise<unknown>)[] = [
      () => adminListsLoader({ request: makeRequest('/admin/lists', { cookie: member.cookie }), params: {}, ...ctx }),
      () => adminListLoader({ request: makeRequest('/x', { cookie: member.cookie }), params: { listId: String(listId) }, ...ctx }),
      () => adminListAction({ request: makeRequest('/x', { cookie: member.cookie, form: { intent: 'confirmDelete' } }), params: { listId: String(listId) }, ...ctx }),
      () => memberListsLoader({ request: makeRequest('/x', { cookie: member.cookie }), params: { memberId: String(member.member.id) }, ...ctx }),
    ]
    for (const run of asMember) expect(((await settle(run)) as Response).status).toBe(404)
    expect(await prisma.mailingList.count({ where: { id: listId } })).toBe(1)

    init({ ...process.env, COIN_MODULES: '' })
    try {
      const off: (() => Promise<unknown>)[] = [
        () => listsLoader({ request: makeRequest('/lists', { cookie: member.cookie }), params: {}, ...ctx }),
        () => listsAction({ request: makeRequest('/lists', { cookie: member.cookie, form: { listId: String(listId) } }), params: {}, ...ctx }),
        () => adminListsLoader({ request: makeRequest('/admin/lists', { cookie: staff.cookie }), params: {}, ...ctx }),
        () => adminListLoader({ request: makeRequest('/x', { cookie: staff.cookie }), params: { listId: String(listId) }, ...ctx }),
        () => memberListsLoader({ request: makeRequest('/x', { cookie: staff.cookie }), params: { memberId: String(member.member.id) }, ...ctx }),
      ]
      for (const run of off) expect(((await settle(run)) as Response).status).toBe(404)
      expect(await prisma.mailingListSubscription.count({ where: { memberId: member.member.id } })).toBe(0)
    } finally {
      configure(pushCommand())
    }
  })
})
