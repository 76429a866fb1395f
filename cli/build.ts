import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { PROJECT_ROOT } from './database.ts'

/** Where `remix vite:build` writes the app (the web server reads the same folder). */
export const BUILD_DIR = path.join(PROJECT_ROOT, 'build')

const SOURCES = ['app', 'public', 'remix.config.js', 'vite.config.ts', 'package-lock.json']

function newestMtime(target: string): number {
  if (!fs.existsSync(target)) return 0
  const stat = fs.statSync(target)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)))
  return newest
}

/** True when the web build is missing or older than a source file. */
export function buildIsStale() {
  const marker = path.join(BUILD_DIR, 'server', 'index.js')
  if (!fs.existsSync(marker)) return true
  const built = fs.statSync(marker).mtimeMs
  return SOURCES.some((s) => newestMtime(path.join(PROJECT_ROOT, s)) > built)
}

/** Builds the web app with Vite (production mode). */
export function buildWeb() {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'node_modules/@remix-run/dev/dist/cli.js'), 'vite:build'], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production' },
    })
    // Vite's output is only worth showing when the build fails.
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the web build failed (exit code ${code}):\n${output}`))))
  })
}
