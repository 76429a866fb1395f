#!/usr/bin/env node
// Stand-in for Prisma's native schema engine binary, for machines that cannot download it.
//
// The Prisma CLI spawns the executable named by PRISMA_SCHEMA_ENGINE_BINARY in two ways:
// - `--datamodels <file>... --datasource <json>`, then newline-delimited JSON-RPC 2.0 over
//   stdin/stdout until stdin closes (migrate deploy|dev|status|diff|resolve|reset, db push|pull);
// - `--datasource <json> cli <command>` for one-shot commands (can-connect-to-database,
//   create-database), whose outcome is the exit code and stderr.
// This script serves both with the wasm build of the same engine (@prisma/schema-engine-wasm),
// which reaches PostgreSQL through the `@prisma/adapter-pg` driver adapter. stdout carries
// JSON-RPC only; diagnostics go to stderr as JSON lines shaped like the native engine's logs.
// See docs/decisions/001-prisma-offline-schema-engine.md.

import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { PrismaPg } from '@prisma/adapter-pg'
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from '@prisma/driver-adapter-utils'
import * as wasmBindings from '@prisma/schema-engine-wasm/schema_engine_bg'
import pg from 'pg'
import { parse as parseConnectionString } from 'pg-connection-string'

const CHAR_OID = 18 // PostgreSQL's internal one-byte "char" type
const TEXT_OID = 25

// Library code that logs with console.log must not corrupt the JSON-RPC stream.
console.log = console.info = console.debug = console.error

function log(level, message) {
  process.stderr.write(`${JSON.stringify({ timestamp: new Date().toISOString(), level, fields: { message } })}\n`)
}

function send(message) {
  process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`)
}

/** Reads the arguments the CLI passes to the native engine. */
function parseArgs(argv) {
  const args = { datamodels: [], datasource: {}, version: false, command: undefined }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--datamodels' || arg === '-d') args.datamodels.push(argv[++i])
    else if (arg === '--datasource') args.datasource = JSON.parse(argv[++i])
    else if (arg === '--version' || arg === '-V') args.version = true
    else if (arg === 'cli') args.command = argv[++i]
    else if (arg === '--enabled-preview-features' || arg === '--extension-types') i++ // unused by the wasm engine
    else log('WARN', `schema-engine bridge: ignoring argument ${arg}`)
  }
  return args
}

const quoteIdent = (name) => `"${name.replaceAll('"', '""')}"`

/**
 * pg settings for a Prisma connection URL, or for another database on the same server.
 * `?schema=` becomes the search path, as with the native engine.
 */
function pgConfig(url, database) {
  const config = { ...parseConnectionString(url) }
  if (database) config.database = database
  if (config.schema) {
    config.options = [config.options, `-c search_path=${quoteIdent(config.schema)}`].join(' ').trim()
  }
  return config
}

/**
 * adapter-pg cannot type PostgreSQL's "char" columns (OID 18), which the engine's describer
 * selects (e.g. pg_constraint.contype) and reads as a Rust char. queryRaw here runs adapter-pg's
 * own queryRaw with those columns disguised as text, then reports them as characters.
 */
function withCharColumns(queryable) {
  const { queryRaw, performIO } = queryable
  queryable.queryRaw = async function (query) {
    const charColumns = []
    const disguised = Object.create(this, {
      performIO: {
        async value(q) {
          const result = await performIO.call(this, q)
          result.fields.forEach((field, i) => {
            if (field.dataTypeID !== CHAR_OID) return
            charColumns.push(i)
            field.dataTypeID = TEXT_OID
          })
          return result
        },
      },
    })
    const result = await queryRaw.call(disguised, query)
    for (const i of charColumns) result.columnTypes[i] = ColumnTypeEnum.Character
    return result
  }
  return queryable
}

/**
 * Driver adapter factory for the wasm engine (the role `PrismaPg` plays for Prisma's own wasm
 * engine). Its adapters read "char" columns, run a migration script as one multi-statement
 * query like the native engine (adapter-pg splits scripts on every `;`, which breaks function
 * bodies and string literals), and are all closed at shutdown. The shadow database is the
 * configured `shadowDatabaseUrl`, or else a temporary database created beside the main one and
 * dropped once its pool is closed (adapter-pg's own shadow database connects to the main
 * database when given a connection string, and drops the database before closing its pool).
 */
class BridgeAdapterFactory {
  provider = 'postgres'
  adapterName = '@prisma/adapter-pg'
  open = new Set()

  constructor(url, shadowDatabaseUrl) {
    this.url = url
    this.shadowDatabaseUrl = shadowDatabaseUrl
  }

  async openAdapter(config, afterDispose = async () => {}) {
    const adapter = withCharColumns(await new PrismaPg(config, { schema: config.schema }).connect())
    const { startTransaction, dispose } = adapter
    let disposed
    adapter.startTransaction = async (...args) => withCharColumns(await startTransaction.apply(adapter, args))
    adapter.executeScript = async (script) => {
      try {
        await adapter.underlyingDriver().query(script)
      } catch (error) {
        adapter.onError(error) // rethrows it as a DriverAdapterError the engine understands
      }
    }
    adapter.dispose = () => {
      disposed ??= dispose.call(adapter).then(afterDispose).finally(() => this.open.delete(adapter))
      return disposed
    }
    this.open.add(adapter)
    return adapter
  }

  connect() {
    if (!this.url) throw new Error('No datasource URL: set DATABASE_URL or datasource.url in prisma.config.ts.')
    return this.openAdapter(pgConfig(this.url))
  }

  async connectToShadowDb() {
    if (this.shadowDatabaseUrl) return this.openAdapter(pgConfig(this.shadowDatabaseUrl))
    const name = `prisma_migrate_shadow_db_${randomUUID()}`
    const admin = new pg.Client(pgConfig(this.url))
    await admin.connect()
    try {
      await admin.query(`CREATE DATABASE ${quoteIdent(name)}`)
    } catch (error) {
      await admin.end()
      throw error
    }
    log('INFO', `Created temporary shadow database ${name}`)
    return this.openAdapter(pgConfig(this.url, name), async () => {
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`)
        log('INFO', `Dropped temporary shadow database ${name}`)
      } finally {
        await admin.end()
      }
    })
  }

  async closeAll() {
    await Promise.allSettled([...this.open].map((adapter) => adapter.dispose()))
  }
}

// The engine's panic hook stores the Rust panic message here before the wasm traps. The trap
// itself surfaces as an uncaught WebAssembly.RuntimeError, which `rescue` may claim.
const panics = {
  message: '',
  set_message(message) {
    this.message = message
  },
}
globalThis.PRISMA_WASM_PANIC_REGISTRY = panics
let rescue = () => false
process.on('uncaughtException', (error) => rescue(error) || fail(error))

/** Instantiates the wasm module (its own entry point needs --experimental-wasm-modules on Node 20). */
async function loadWasmEngine() {
  const bindingsPath = fileURLToPath(import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg'))
  const bytes = await readFile(path.join(path.dirname(bindingsPath), 'schema_engine_bg.wasm'))
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': wasmBindings })
  wasmBindings.__wbg_set_wasm(instance.exports)
  instance.exports.__wbindgen_start()
  return wasmBindings
}

function newEngine(wasm, adapter, datamodels) {
  return wasm.SchemaEngine.new(
    { datamodels: datamodels.length > 0 ? datamodels : undefined },
    (line) => process.stderr.write(line.endsWith('\n') ? line : `${line}\n`), // already native-style JSON
    adapter,
  )
}

/**
 * Turns an engine exception into the native engine's JSON-RPC error, whose `data` is a Prisma
 * user-facing error. A JS error thrown inside the adapter reaches us as "External error id#N".
 */
function toRpcError(error, errorRegistry) {
  const externalId = /External error id#(\d+)/.exec(String(error?.message))?.[1]
  const cause = (externalId && errorRegistry.consumeError(Number(externalId))?.error) || error
  const isPanic = cause instanceof WebAssembly.RuntimeError
  const message = isPanic ? panics.message || String(cause.message) : String(cause?.message ?? cause)
  const data = { is_panic: isPanic, message, backtrace: isPanic ? cause.stack : null }
  if (isPanic) data.error = { message }
  if (typeof cause?.code === 'string' && /^P\d{4}$/.test(cause.code)) {
    Object.assign(data, { error_code: cause.code, meta: cause.meta ?? {} })
  }
  return { code: 4466, message: 'An error happened. Check the data field for details.', data }
}

const CONNECTION_ERROR_CODES = {
  AuthenticationFailed: 'P1000',
  DatabaseNotReachable: 'P1001',
  DatabaseDoesNotExist: 'P1003',
  DatabaseAccessDenied: 'P1010',
}

/**
 * The wasm engine words connection errors like the native one but drops their Prisma code,
 * which the CLI needs (P1003 makes `migrate dev` create the database): a direct query through
 * adapter-pg recovers it from the driver error's kind.
 */
async function connectionErrorCode(factory) {
  const connection = await factory.connect()
  try {
    await connection.queryRaw({ sql: 'SELECT 1', args: [], argTypes: [] })
  } catch (error) {
    return CONNECTION_ERROR_CODES[error.cause?.kind]
  } finally {
    await connection.dispose()
  }
}

/**
 * Runs a one-shot `cli <command>`. The CLI skips the first stderr line, parses the others as
 * JSON, and takes the Prisma error code from the `schema_engine::logger` ERROR line.
 */
async function runCliCommand(command, wasm, factory, adapter) {
  log('INFO', `Starting schema engine CLI (wasm bridge): ${command}`)
  try {
    if (command === 'can-connect-to-database') {
      try {
        const engine = await newEngine(wasm, adapter, [])
        await engine.ensureConnectionValidity({ datasource: { tag: 'ConnectionString', url: factory.url } })
      } catch (error) {
        error.code ??= await connectionErrorCode(factory)
        throw error
      }
    } else if (command === 'create-database') {
      const { database } = parseConnectionString(factory.url)
      const admin = new pg.Client(pgConfig(factory.url, 'postgres'))
      await admin.connect()
      try {
        await admin.query(`CREATE DATABASE ${quoteIdent(database)}`)
      } finally {
        await admin.end()
      }
      log('INFO', `Database ${database} created`)
    } else {
      throw new Error(`Unknown command: cli ${command}`)
    }
  } catch (error) {
    const { data } = toRpcError(error, adapter.errorRegistry)
    const fields = { message: data.message, error_code: data.error_code }
    process.stderr.write(`${JSON.stringify({ level: 'ERROR', target: 'schema_engine::logger', fields })}\n`)
    process.exitCode = 1
  } finally {
    await factory.closeAll()
  }
}

/**
 * Serves JSON-RPC requests from stdin, one at a time and in order, until stdin closes. Every
 * request gets an answer, even when the engine cannot start (e.g. the database is unreachable)
 * or has panicked: the CLI exits silently, with code 0, when the engine dies mid-request.
 */
function serve(wasm, factory, adapter, datamodelPaths) {
  const readDatamodel = async (file) => [file, await readFile(path.resolve(file), 'utf8')]
  const engineReady = Promise.all(datamodelPaths.map(readDatamodel)).then((datamodels) =>
    newEngine(wasm, adapter, datamodels),
  )
  engineReady.catch(() => {}) // reported in the answer to each request

  // The native engine prints through the CLI: a `print` request whose answer needs no waiting.
  let printId = 0
  const print = (content) => send({ id: `print-${++printId}`, method: 'print', params: { content } })

  /**
   * The wasm engine builds the schema of a migration list on a shadow database only within
   * devDiagnostic and diagnoseMigrationHistory, and caches it; evaluateDataLoss and
   * createMigration merely read that cache. After `migrate dev` applies pending migrations, the
   * lookup misses ("shadow DB must be provided through an external factory"): diagnosing the
   * now fully applied history fills the cache, and the call is retried once.
   */
  const withMigrationSchema = (method) => async (engine, params) => {
    try {
      return await engine[method](params)
    } catch (error) {
      if (!/shadow DB must be provided through an external factory/.test(error?.message)) throw error
      const { migrationsList, filters } = params
      await engine.diagnoseMigrationHistory({ migrationsList, filters, optInToShadowDatabase: true })
      return engine[method](params)
    }
  }

  /** Native methods whose wasm counterpart has another name, result shape or limitation. */
  const methods = {
    evaluateDataLoss: withMigrationSchema('evaluateDataLoss'),
    createMigration: withMigrationSchema('createMigration'),
    getDatabaseVersion: (engine, params) => engine.version(params),
    async diff(engine, params) {
      const { stdout, ...result } = await engine.diff(params)
      if (stdout) print(stdout)
      return { ...result, stdout: null }
    },
  }

  // A panic fails the request in flight, and every later one: the engine is unusable afterwards.
  let inFlight
  let panic
  rescue = (error) => {
    if (!(error instanceof WebAssembly.RuntimeError) || !inFlight) return false
    panic = error
    inFlight.reject(error)
    return true
  }

  async function handle({ id, method, params }) {
    try {
      if (panic) throw panic
      const engine = await engineReady
      const run = methods[method] ?? (typeof engine[method] === 'function' && ((e, p) => e[method](p)))
      if (!run) return send({ id, error: { code: -32601, message: `Method not found: ${method}` } })
      const result = await new Promise((resolve, reject) => {
        inFlight = { reject }
        run(engine, params).then(resolve, reject)
      })
      send({ id, result: result ?? null })
    } catch (error) {
      log('ERROR', `${method} failed: ${error?.stack ?? error}`)
      send({ id, error: toRpcError(error, adapter.errorRegistry) })
    } finally {
      inFlight = undefined
    }
  }

  // Exiting explicitly: the engine may leave timers behind (e.g. after applying migrations).
  let shuttingDown = false
  async function shutdown(code) {
    if (shuttingDown) return
    shuttingDown = true
    setTimeout(() => process.exit(code), 5000).unref() // a stuck pool must not keep the process alive
    await factory.closeAll()
    if (!panic) (await engineReady.catch(() => undefined))?.free()
    process.exit(code)
  }
  // The CLI ends stdin when done, and on Linux sends SIGTERM right after.
  process.on('SIGTERM', () => shutdown(0))
  process.on('SIGINT', () => shutdown(130))

  let queue = Promise.resolve()
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
  lines.on('line', (line) => {
    if (!line.trim()) return
    let message
    try {
      message = JSON.parse(line)
    } catch {
      return send({ id: null, error: { code: -32700, message: 'Parse error' } })
    }
    if (message.method) queue = queue.then(() => handle(message)) // else: the answer to a `print`
  })
  lines.on('close', () => queue.then(() => shutdown(0)))
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const wasm = await loadWasmEngine()
  if (args.version) {
    process.stdout.write(`schema-engine-cli ${wasm.version()} (wasm bridge)\n`)
    return
  }
  const url = args.datasource.url || process.env.DATABASE_URL || ''
  const factory = new BridgeAdapterFactory(url, args.datasource.shadowDatabaseUrl || undefined)
  const adapter = bindMigrationAwareSqlAdapterFactory(factory)
  if (args.command) {
    await runCliCommand(args.command, wasm, factory, adapter)
    process.exit()
  }
  serve(wasm, factory, adapter, args.datamodels)
}

// A failure outside a request ends the process with an ERROR log line, which the CLI reports
// (exit code 101 marks a Rust panic, as with the native engine).
function fail(error) {
  const isPanic = error instanceof WebAssembly.RuntimeError
  log('ERROR', isPanic ? `panicked: ${panics.message}\n${error.stack}` : String(error?.stack ?? error))
  process.exit(isPanic ? 101 : 1)
}
main().catch(fail)
