import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, inject } from 'vitest'
import { withDatabase } from '../../cli/embedded-postgres.ts'

// Each test file works in its own database, cloned from the migrated template, so files run in
// parallel and never see each other's rows. DATABASE_URL is set before any app module connects.
const serverUrl = inject('databaseServerUrl')
const name = `coin_test_${process.env.VITEST_POOL_ID ?? 0}_${randomBytes(4).toString('hex')}`

async function admin<T>(work: (client: pg.Client) => Promise<T>) {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE coin_test_template`))
process.env.DATABASE_URL = withDatabase(serverUrl, name)
process.env.COIN_TEST_DATABASE = name

afterAll(async () => {
  const { disconnectDb } = await import('#app/utils/db.server.ts')
  await disconnectDb()
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
})
