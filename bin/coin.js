#!/usr/bin/env node
// The `coin` command. TypeScript sources run through tsx, so nothing needs compiling first.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../cli/main.ts')
const code = await main(process.argv.slice(2))
// Long-running commands keep the event loop alive and exit on a signal; the others end here.
const longRunning = ['start', 'web', 'worker'].includes(process.argv[2] ?? '')
if (code !== 0 || !longRunning) process.exit(code)

// Started by `coin start` (an IPC channel to it): end with it. Its channel closes when it dies,
// even by SIGKILL; the parent id changing catches a parent that is gone without closing it.
// SIGTERM runs the command's own orderly stop; a stop that hangs is cut short.
if (process.channel) {
  const parent = process.ppid
  const stopWithParent = () => {
    clearInterval(watch)
    process.kill(process.pid, 'SIGTERM')
    setTimeout(() => process.exit(1), 40_000).unref()
  }
  const watch = setInterval(() => process.ppid !== parent && stopWithParent(), 1_000)
  watch.unref()
  process.once('disconnect', stopWithParent)
}
