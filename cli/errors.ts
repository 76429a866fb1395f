import fs from 'node:fs/promises'

/** A mistake in how a command was called: printed on one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** A command that could not do its work: printed on one line, exit code 1. */
export class CommandError extends Error {
  override name = 'CommandError'
}

const READ_ERRORS: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'it is a folder' }

/** The bytes of a file a command was given; a CommandError saying why in words when it cannot be read. */
export async function readInputFile(file: string) {
  try {
    return new Uint8Array(await fs.readFile(file))
  } catch (error) {
    const code = error && typeof error === 'object' && 'code' in error ? String(error.code) : ''
    throw new CommandError(`cannot read ${file}: ${READ_ERRORS[code] ?? (error instanceof Error ? error.message : String(error))}`)
  }
}
