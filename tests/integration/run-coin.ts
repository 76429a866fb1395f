import { spawn } from 'node:child_process'
import path from 'node:path'

const COIN = path.resolve('bin/coin.js')

/** Runs `coin ...args` against this test file's database, with no terminal on stdin, at the default log level. */
export function coin(args: string[], env: Record<string, string> = {}) {
  // The tests' own LOG_LEVEL=silent is for the test process: a command runs at its default
  // level, as a user runs it, so a log line landing on stdout shows.
  const inherited = { ...process.env }
  delete inherited.LOG_LEVEL
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [COIN, ...args], {
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c) => (stdout += c))
    child.stderr.on('data', (c) => (stderr += c))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/**
 * The command's own messages on stderr (`coin: …`), without log lines of level warning or below:
 * on a busy machine a query may take over SLOW_QUERY_MS and be logged, which is not the command's
 * answer.
 */
export function commandStderr(stderr: string) {
  return stderr.split('\n').filter((line) => {
    try {
      const entry: unknown = JSON.parse(line)
      return !(entry && typeof entry === 'object' && 'level' in entry && typeof entry.level === 'number' && entry.level <= 40)
    } catch {
      return true
    }
  }).join('\n')
}

/**
 * What a command wrote to stderr besides log lines (JSON, as when stderr is not a terminal) of
 * level warning or below: a slow query may be logged on a busy machine, an error never.
 */
export function stderrProblems(stderr: string) {
  return commandStderr(stderr).split('\n').filter((line) => line !== '')
}
