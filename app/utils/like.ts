/**
 * `text` as a literal inside a LIKE pattern: `%`, `_` and the escape character itself lose their
 * meaning. Prisma's `contains`, `startsWith` and `endsWith` build LIKE patterns without escaping
 * them on PostgreSQL, so a search for `%` would match every row. PostgreSQL's default escape
 * character is the backslash.
 */
export function escapeLike(text: string) {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`)
}
