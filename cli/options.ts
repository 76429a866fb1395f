// Parsing of option values shared by several commands.
import { parseIsoDate, today } from '#app/utils/dates.ts'
import { UsageError } from './errors.ts'

/** Parses a `--date` value (YYYY-MM-DD, a real calendar day); without one, today in the ISP's time zone. */
export function parseDateOption(text: string | undefined, name = '--date') {
  if (text === undefined) return today()
  const date = parseIsoDate(text)
  if (!date) throw new UsageError(`${name}: "${text}" is not a date (YYYY-MM-DD)`)
  return date
}
