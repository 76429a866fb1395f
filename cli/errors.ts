/** A mistake in how a command was called: printed on one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** A command that could not do its work: printed on one line, exit code 1. */
export class CommandError extends Error {
  override name = 'CommandError'
}
