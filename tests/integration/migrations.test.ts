import { expect, test } from 'vitest'
import pg from 'pg'
import { inject } from 'vitest'
import { migrateDatabase, pendingMigrations } from '../../cli/database.ts'
import { withDatabase } from '../../cli/embedded-postgres.ts'
import { runPrisma } from '../../cli/prisma.ts'

const serverUrl = inject('databaseServerUrl')

test('migrate deploy builds the whole schema on an empty database, offline', async () => {
  const name = `coin_empty_${process.pid}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.query(`CREATE DATABASE ${name}`)
    const url = withDatabase(serverUrl, name)
    expect((await pendingMigrations(url)).length).toBeGreaterThan(0)
    expect(await migrateDatabase(url)).toBeGreaterThan(0)
    expect(await pendingMigrations(url)).toEqual([])
    const status = await runPrisma(['migrate', 'status'], { databaseUrl: url })
    expect(status.stdout).toContain('Database schema is up to date!')
    expect(status.code).toBe(0)
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  }
}, 120_000)

test('schema.prisma and prisma/migrations do not drift', async () => {
  const result = await runPrisma(
    ['migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema', 'prisma/schema.prisma', '--exit-code'],
    { databaseUrl: process.env.DATABASE_URL },
  )
  expect(result.stdout + result.stderr).not.toMatch(/CREATE|ALTER|DROP/)
  expect(result.code).toBe(0)
}, 120_000)
