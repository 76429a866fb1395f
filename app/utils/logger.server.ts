import pino, { type DestinationStream } from 'pino'

/**
 * The one logger. Log lines go to stderr, never stdout: stdout is a command's output (JSON,
 * addresses for a mailing list, a PDF) and must stay clean whatever is logged meanwhile.
 *
 * On a terminal each line is readable text, `14:03:22 INFO  web server listening port=3000`;
 * otherwise (systemd, a pipe, a file) or with LOG_FORMAT=json, one JSON object a line.
 * Structured fields only; never log passwords, session tokens or connection strings (the redact
 * list is a safety net, not a licence).
 */

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }
const COLORS: Record<number, string> = { 40: '\u001b[33m', 50: '\u001b[31m', 60: '\u001b[31m' }
const RESET = '\u001b[0m'

const pad = (n: number) => String(n).padStart(2, '0')

/** A field's value as it reads on one line: bare when it is a simple word, JSON otherwise. */
function fieldValue(value: unknown) {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)
  if (value && typeof value === 'object' && 'message' in value && typeof value.message === 'string') return JSON.stringify(value.message)
  return JSON.stringify(value) ?? String(value)
}

/**
 * One JSON log line (as pino writes it) as one line of text: local time, level, message, then the
 * fields as `key=value`. Newlines inside values stay escaped, so a line is always one line.
 */
export function formatLogLine(json: string, { color = false }: { color?: boolean } = {}) {
  let entry: Record<string, unknown>
  try {
    entry = JSON.parse(json) as Record<string, unknown>
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`
  }
  const { level, time, msg, ...fields } = entry
  const at = new Date(typeof time === 'number' ? time : Date.now())
  const clock = `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`
  const levelNumber = typeof level === 'number' ? level : 30
  const label = (LEVELS[levelNumber] ?? String(level)).padEnd(5)
  const shown = color && COLORS[levelNumber] ? `${COLORS[levelNumber]}${label}${RESET}` : label
  const rest = Object.entries(fields).map(([key, value]) => `${key}=${fieldValue(value)}`)
  return `${[clock, shown, typeof msg === 'string' ? msg : '', ...rest].filter(Boolean).join(' ')}\n`
}

/** Text on a terminal unless LOG_FORMAT says otherwise; JSON everywhere else. */
function destination(): DestinationStream {
  const format = process.env.LOG_FORMAT
  const text = format === 'text' || (format !== 'json' && process.stderr.isTTY === true)
  if (!text) return pino.destination({ dest: 2, sync: true })
  const color = process.stderr.isTTY === true && !process.env.NO_COLOR
  return { write: (line: string) => void process.stderr.write(formatLogLine(line, { color })) }
}

export const logger = pino(
  {
    level: process.env.LOG_LEVEL || 'info',
    base: undefined,
    redact: {
      paths: ['password', '*.password', 'passwordHash', '*.passwordHash', 'pppPassword', '*.pppPassword', 'bindPassword', '*.bindPassword', 'token', '*.token', 'cookie', '*.cookie', 'databaseUrl', '*.databaseUrl'],
      censor: '[redacted]',
    },
  },
  destination(),
)
