#!/usr/bin/env node
// The `coin` command. TypeScript sources run through tsx, so nothing needs compiling first.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../cli/main.ts')
const code = await main(process.argv.slice(2))
// Long-running commands keep the event loop alive and exit on a signal; the others end here.
const longRunning = ['start', 'web', 'worker'].includes(process.argv[2] ?? '')
if (code !== 0 || !longRunning) process.exit(code)
