import { spawn } from 'node:child_process'
import { maillistCommandArgv } from './command.ts'

/** How much of the command's stderr is kept (the start of it, where the reason usually is). */
export const STDERR_LIMIT = 4000

export type PushResult = { ok: true } | { ok: false; error: string }

/**
 * Runs MAILLIST_SYNC_COMMAND for one list, without a shell: the subscribers' addresses go to its
 * stdin, one per line. Exit 0 is success; anything else (a non-zero exit, a signal, the timeout,
 * a command that cannot start) is a failure whose message is the trimmed stderr, or what happened
 * when stderr is empty. Never throws.
 */
export function runMaillistCommand({ command, shortName, address, subscribers, timeoutMs = 60_000 }: {
  command: string
  shortName: string
  address: string
  subscribers: string[]
  timeoutMs?: number
}): Promise<PushResult> {
  const [file, ...args] = maillistCommandArgv(command, { short_name: shortName, email: address })
  if (!file) return Promise.resolve({ ok: false, error: 'MAILLIST_SYNC_COMMAND is empty' })
  return new Promise((resolve) => {
    let stderr = ''
    let settled = false
    const finish = (result: PushResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(result)
    }
    const child = spawn(file, args, { stdio: ['pipe', 'ignore', 'pipe'], shell: false })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      finish({ ok: false, error: withStderr(`timed out after ${Math.round(timeoutMs / 1000)} s`, stderr) })
    }, timeoutMs)
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < STDERR_LIMIT) stderr += chunk
    })
    child.on('error', (error) => finish({ ok: false, error: `${file} could not run: ${error.message}` }))
    // A command that exits without reading all of stdin closes the pipe: its exit code tells.
    child.stdin.on('error', () => {})
    child.on('close', (code, signal) => {
      if (code === 0) finish({ ok: true })
      else finish({ ok: false, error: withStderr(signal ? `stopped by ${signal}` : `exited with code ${code}`, stderr) })
    })
    child.stdin.end(subscribers.map((address) => `${address}\n`).join(''))
  })
}

/** The trimmed, capped stderr, or `fallback` when the command wrote nothing there. */
function withStderr(fallback: string, stderr: string) {
  const text = stderr.slice(0, STDERR_LIMIT).trim()
  return text || fallback
}
