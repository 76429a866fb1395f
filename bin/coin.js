#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node
// The `coin` command. TypeScript sources run through tsx, so nothing needs compiling first.
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { register } from 'tsx/esm/api'

const command = process.argv[2] ?? ''
let commandRunning = false

// Started by `coin start` (an IPC channel to it): end with it. Its channel closes when it dies,
// even by SIGKILL; the parent id changing catches a parent that is gone without closing it.
// Once the command runs, SIGTERM runs its own orderly stop; a stop that hangs is cut short.
if (process.channel) {
  const parent = process.ppid
  const stopWithParent = () => {
    clearInterval(watch)
    if (!commandRunning) process.exit(1)
    process.kill(process.pid, 'SIGTERM')
    setTimeout(() => process.exit(1), 40_000).unref()
  }
  const watch = setInterval(() => process.ppid !== parent && stopWithParent(), 1_000)
  watch.unref()
  process.once('disconnect', stopWithParent)
}

// Forked by `coin start` before its database is ready: load the code now (the web app's build
// takes a second or more), then run once `start` sends the database to use.
if (process.env.COIN_PREFORKED && process.channel && (command === 'web' || command === 'worker')) {
  delete process.env.COIN_PREFORKED
  // Listening first: `go` may come while the code loads.
  const go = new Promise((resolve) => {
    const onMessage = (message) => {
      if (message?.type !== 'go') return
      process.off('message', onMessage)
      resolve(message.databaseUrl)
    }
    process.on('message', onMessage)
  })
  // The web server's build is plain JavaScript: imported before tsx's hooks exist, its modules
  // are resolved and loaded by Node alone, in half the time (0.6 s instead of 1.3 s here), and
  // cli/web.ts then finds it loaded. Only here, where the environment is complete (`coin start`
  // read .env): the build reads its configuration as it loads. A module that fails to load here
  // fails again, with its message, when the command runs.
  if (command === 'web') await import(pathToFileURL(path.join(import.meta.dirname, '..', 'build', 'server', 'index.js')).href).catch(() => {})
  register()
  await Promise.all(command === 'web'
    ? [import('../cli/main.ts'), import('../cli/web.ts')]
    : [import('../cli/main.ts'), import('../jobs/worker.ts')]).catch(() => {})
  process.env.DATABASE_URL = await go
} else {
  register()
}

const { main } = await import('../cli/main.ts')
commandRunning = true
const code = await main(process.argv.slice(2))
// Long-running commands keep the event loop alive and exit on a signal; the others end here.
const longRunning = ['start', 'web', 'worker'].includes(command)
if (code !== 0 || !longRunning) process.exit(code)
