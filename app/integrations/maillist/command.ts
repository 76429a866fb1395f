/**
 * MAILLIST_SYNC_COMMAND as an argument vector: the command line is split once, the way a POSIX
 * shell splits words (blanks separate; '…' keeps everything literal; "…" and \ escape), and each
 * argument has its {short_name} and {email} placeholders replaced on its own. No shell ever runs
 * it, so a list name holding spaces, quotes or `;` stays one argument and runs nothing.
 */

export const MAILLIST_PLACEHOLDERS = ['short_name', 'email'] as const
type Placeholder = (typeof MAILLIST_PLACEHOLDERS)[number]

/** Splits a command line into words; throws an Error naming the problem (an unclosed quote). */
export function splitCommandLine(line: string): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (c === "'") {
      const end = line.indexOf("'", i + 1)
      if (end < 0) throw new Error('unclosed single quote')
      word += line.slice(i + 1, end)
      inWord = true
      i = end
    } else if (c === '"') {
      inWord = true
      let j = i + 1
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1]!)) j++
        word += line[j]
      }
      if (j >= line.length) throw new Error('unclosed double quote')
      i = j
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new Error('a backslash ends the line')
      word += line[++i]
      inWord = true
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else {
      word += c
      inWord = true
    }
  }
  if (inWord) words.push(word)
  return words
}

/** The {names} in a command line that are not placeholders Coin fills. */
export function unknownMaillistPlaceholders(line: string) {
  return [...line.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!).filter((name) => !(MAILLIST_PLACEHOLDERS as readonly string[]).includes(name))
}

/** The argv of one list's push: each word with its placeholders replaced (values never split). */
export function maillistCommandArgv(line: string, values: Record<Placeholder, string>) {
  return splitCommandLine(line).map((word) => word.replace(/\{(short_name|email)\}/g, (_, name: Placeholder) => values[name]))
}
