import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { migrateDatabase } from '../../cli/database.ts'
import { openEmbeddedCluster, withDatabase } from '../../cli/embedded-postgres.ts'

export const TEMPLATE_DATABASE = 'coin_test_template'

declare module 'vitest' {
  export interface ProvidedContext {
    databaseServerUrl: string
  }
}

function migrationsHash() {
  const dir = path.resolve('prisma/migrations')
  const hash = createHash('sha256')
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: false }).map(String).sort()) {
    const file = path.join(dir, entry)
    if (fs.statSync(file).isFile()) hash.update(entry).update(fs.readFileSync(file))
  }
  return hash.digest('hex').slice(0, 16)
}

/**
 * Starts a throw-away embedded PostgreSQL (or uses TEST_DATABASE_URL) and migrates the template
 * database the test files clone, again only when prisma/migrations changed.
 */
export default async function setup(project: TestProject) {
  let serverUrl = process.env.TEST_DATABASE_URL
  let teardown = async () => {}
  if (!serverUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coin-test-pg-'))
    fs.chmodSync(dir, 0o755)
    const cluster = await openEmbeddedCluster(dir)
    serverUrl = cluster.url
    teardown = async () => {
      await cluster.stop()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
  try {
    await prepareTemplate(serverUrl)
  } catch (error) {
    await teardown()
    throw error
  }
  project.provide('databaseServerUrl', serverUrl)
  return teardown
}

async function prepareTemplate(serverUrl: string) {
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    const hash = migrationsHash()
    const { rows } = await admin.query(
      `SELECT shobj_description(oid, 'pg_database') AS hash FROM pg_database WHERE datname = $1`,
      [TEMPLATE_DATABASE],
    )
    if (rows[0]?.hash !== hash) {
      await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`)
      await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`)
      await migrateDatabase(withDatabase(serverUrl, TEMPLATE_DATABASE))
      await admin.query(`COMMENT ON DATABASE ${TEMPLATE_DATABASE} IS '${hash}'`)
    }
  } finally {
    await admin.end()
  }
}
