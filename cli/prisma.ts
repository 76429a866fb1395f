// Runs the Prisma CLI with an environment that works offline: when no native schema engine was
// downloaded, PRISMA_SCHEMA_ENGINE_BINARY points at the wasm bridge in ./prisma-engine/.
// See docs/decisions/001-prisma-offline-schema-engine.md.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const prismaCli = path.join(root, 'node_modules', 'prisma', 'build', 'index.js')

/** The executable that stands in for the native schema engine. */
export const schemaEngineBridge = path.join(root, 'cli', 'prisma-engine', 'schema-engine.mjs')

/**
 * Finds a downloaded native engine where the CLI looks for one: `@prisma/engines`, then the
 * `prisma` package, `node_modules` and `prisma/runtime`, named `schema-engine-<binary target>`.
 */
export function nativeSchemaEngine(): string | undefined {
  const modules = path.join(root, 'node_modules')
  const dirs = [
    path.join(modules, '@prisma', 'engines'),
    path.join(modules, 'prisma'),
    modules,
    path.join(modules, 'prisma', 'runtime'),
  ]
  for (const dir of dirs) {
    const names = fs.existsSync(dir) ? fs.readdirSync(dir) : []
    for (const name of names) {
      const file = path.join(dir, name)
      if (/^schema-engine-[\w.-]+$/.test(name) && !/\.(gz|sha256|sig)$/.test(name) && fs.statSync(file).isFile()) {
        return file
      }
    }
  }
  return undefined
}

/** process.env for the Prisma CLI: the database URL, the schema engine, and no network chatter. */
export function prismaEnv(databaseUrl?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' }
  if (databaseUrl) env.DATABASE_URL = databaseUrl
  const engineChosen = env.PRISMA_SCHEMA_ENGINE_BINARY || env.PRISMA_MIGRATION_ENGINE_BINARY
  if (!engineChosen && !nativeSchemaEngine()) {
    env.PRISMA_SCHEMA_ENGINE_BINARY = schemaEngineBridge
    // The CLI executes the bridge directly: its `#!/usr/bin/env node` must find this Node first.
    env.PATH = [path.dirname(process.execPath), env.PATH].filter(Boolean).join(path.delimiter)
  }
  return env
}

export type PrismaResult = { code: number; stdout: string; stderr: string }

/**
 * Runs `prisma ...args` from the project root. With `inherit`, the CLI shares this terminal
 * (prompts work; stdout/stderr come back empty); otherwise its output is captured.
 */
export function runPrisma(
  args: string[],
  opts: { databaseUrl?: string; inherit?: boolean } = {},
): Promise<PrismaResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCli, ...args], {
      cwd: root,
      env: prismaEnv(opts.databaseUrl),
      stdio: opts.inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), stdout, stderr }))
  })
}
