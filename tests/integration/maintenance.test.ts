import net from 'node:net'
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import { afterAll, expect, test } from 'vitest'
import { PrismaClient } from '#app/generated/prisma/client.ts'
import { prisma } from '#app/utils/db.server.ts'
import { databaseRecentlyUnreachable, isDatabaseUnreachable, maintenanceResponse, noteDatabaseError } from '#app/utils/maintenance.server.ts'
import { insertMember } from '#tests/factories/member.ts'

/** A port nothing listens on. */
async function closedPort() {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

const deadUrl = `postgresql://postgres:x@127.0.0.1:${await closedPort()}/coin`
const dead = new PrismaClient({ adapter: new PrismaPg({ connectionString: deadUrl, connectionTimeoutMillis: 2_000 }) })
afterAll(() => dead.$disconnect())

const caught = (work: Promise<unknown>) => work.then(() => null, (error: unknown) => error)

test('a stopped database is told apart from a wrong query, through Prisma and through pg', async () => {
  expect(isDatabaseUnreachable(await caught(dead.member.count()))).toBe(true)
  expect(isDatabaseUnreachable(await caught(dead.$queryRaw`SELECT 1`))).toBe(true)
  expect(isDatabaseUnreachable(await caught(dead.$transaction(async (tx) => tx.member.count())))).toBe(true)
  const client = new pg.Client({ connectionString: deadUrl })
  expect(isDatabaseUnreachable(await caught(client.connect()))).toBe(true)

  // The server ending a session (what a restart does to open connections).
  const live = new pg.Client({ connectionString: process.env.DATABASE_URL })
  await live.connect()
  live.on('error', () => {})
  const { rows } = await live.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
  // Waits for the backend to be gone, so the next query meets a closed session.
  await prisma.$queryRaw`SELECT pg_terminate_backend(${rows[0].pid}::int, 5000)`
  expect(isDatabaseUnreachable(await caught(live.query('SELECT 1')))).toBe(true)
  await live.end().catch(() => {})

  // Errors of the query itself are bugs or bad input, not an outage.
  const member = await insertMember()
  expect(isDatabaseUnreachable(await caught(prisma.member.create({ data: { username: member.username, email: 'x@example.org', firstName: 'A', lastName: 'B' } })))).toBe(false)
  expect(isDatabaseUnreachable(await caught(prisma.$queryRaw`SELECT 1/0`))).toBe(false)
  expect(isDatabaseUnreachable(new Error('Invoice not found'))).toBe(false)
  expect(isDatabaseUnreachable(new Response(null, { status: 404 }))).toBe(false)
})

test('while the database is out of reach, pages get a 503 maintenance page in the visitor\'s language, with Retry-After', async () => {
  expect(noteDatabaseError(new Error('Invoice not found'), 1_000)).toBe(false)
  expect(databaseRecentlyUnreachable(1_000)).toBe(false)
  expect(noteDatabaseError(await caught(dead.member.count()), 1_000)).toBe(true)
  expect(databaseRecentlyUnreachable(3_000)).toBe(true)
  expect(databaseRecentlyUnreachable(7_000)).toBe(false)

  const french = await maintenanceResponse(new Request('http://localhost/admin/members'))
  expect(french.status).toBe(503)
  expect(french.headers.get('retry-after')).toBe('10')
  expect(french.headers.get('cache-control')).toBe('no-store')
  expect(french.headers.get('content-type')).toBe('text/html; charset=utf-8')
  const page = await french.text()
  expect(page).toContain('<html lang="fr">')
  expect(page).toContain('Maintenance en cours')

  const english = await maintenanceResponse(new Request('http://localhost/login', { headers: { 'accept-language': 'en-GB,en;q=0.9' } }))
  expect(await english.text()).toContain('Maintenance in progress')

  const data = await maintenanceResponse(new Request('http://localhost/admin/members.data'))
  expect(data.status).toBe(503)
  expect(data.headers.get('content-type')).toBe('text/plain; charset=utf-8')
  expect(await data.text()).toContain('Maintenance en cours.')
})
