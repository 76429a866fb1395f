import fs from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * The processes of one `coin start`, kept in `<COIN_DATA_DIR>/coin-start.json`, so the next start
 * of the same data directory finds what a killed start left behind. A process is named by its
 * id and its start time (field 22 of /proc/<pid>/stat), so a reused id is never mistaken for it.
 */

export type RecordedProcess = { pid: number; startTime: string; role: string }
type StartRecord = { start: RecordedProcess; children: RecordedProcess[] }

const recordFile = (dataDir: string) => path.join(path.resolve(dataDir), 'coin-start.json')

/** The start time of a running process (clock ticks since boot), or null when it is gone. */
function startTimeOf(pid: number) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // Fields after the command name start at field 3 (state); a zombie has ended.
    return fields[0] === 'Z' ? null : fields[19]
  } catch {
    return null
  }
}

export function describeProcess(pid: number, role: string): RecordedProcess {
  return { pid, role, startTime: startTimeOf(pid) ?? '' }
}

const isRunning = (p: RecordedProcess) => p.startTime !== '' && startTimeOf(p.pid) === p.startTime

/** Records this start and its children. */
export function recordStart(dataDir: string, children: RecordedProcess[]) {
  const record: StartRecord = { start: describeProcess(process.pid, 'start'), children }
  fs.mkdirSync(path.dirname(recordFile(dataDir)), { recursive: true })
  fs.writeFileSync(recordFile(dataDir), `${JSON.stringify(record)}\n`)
}

/** Forgets this start's record (a clean stop). */
export function forgetStart(dataDir: string) {
  try {
    const record = JSON.parse(fs.readFileSync(recordFile(dataDir), 'utf8')) as StartRecord
    if (record.start.pid === process.pid) fs.rmSync(recordFile(dataDir), { force: true })
  } catch {
    // No record, or not readable: nothing to forget.
  }
}

/**
 * Before a start: fails when another start of the same data directory is running; otherwise stops
 * the web and worker processes a killed start left running (SIGTERM, then SIGKILL after
 * `graceMs`) and returns what it stopped.
 */
export async function stopLeftovers(dataDir: string, { graceMs = 35_000 }: { graceMs?: number } = {}) {
  let record: StartRecord
  try {
    record = JSON.parse(fs.readFileSync(recordFile(dataDir), 'utf8')) as StartRecord
  } catch {
    return []
  }
  if (record.start.pid !== process.pid && isRunning(record.start)) {
    throw new Error(`Coin is already running from ${path.resolve(dataDir)} (process ${record.start.pid}): stop it first, or set COIN_DATA_DIR to another directory.`)
  }
  const left = record.children.filter(isRunning)
  for (const child of left) {
    try {
      process.kill(child.pid, 'SIGTERM')
    } catch {
      // Ended meanwhile.
    }
  }
  const deadline = Date.now() + graceMs
  while (left.some(isRunning) && Date.now() < deadline) await sleep(100)
  for (const child of left.filter(isRunning)) {
    try {
      process.kill(child.pid, 'SIGKILL')
    } catch {
      // Ended meanwhile.
    }
  }
  for (let i = 0; i < 100 && left.some(isRunning); i++) await sleep(50)
  fs.rmSync(recordFile(dataDir), { force: true })
  return left
}
