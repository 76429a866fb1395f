import { z } from 'zod'
import { parseIsoDate } from './dates.ts'

/** A YYYY-MM-DD calendar date from a form, as a UTC-midnight Date. */
export const IsoDateSchema = z
  .string({ error: 'required' })
  .trim()
  .min(1, { message: 'required' })
  .transform((text, ctx) => {
    const date = parseIsoDate(text)
    if (!date) {
      ctx.addIssue({ code: 'custom', message: 'dateInvalid' })
      return z.NEVER
    }
    return date
  })

export const OptionalIsoDateSchema = z
  .string()
  .trim()
  .optional()
  .transform((text, ctx) => {
    if (!text) return null
    const date = parseIsoDate(text)
    if (!date) {
      ctx.addIssue({ code: 'custom', message: 'dateInvalid' })
      return z.NEVER
    }
    return date
  })

/**
 * A YYYY-MM month filter from a query string: a real month of a year between 1900 and 9999
 * (PostgreSQL has no year 0), else no filter.
 */
export const MonthFilterSchema = z.string().regex(/^(19|[2-9]\d)\d{2}-(0[1-9]|1[0-2])$/).optional().catch(undefined)

/** A search typed in a filter: trimmed, at most 200 characters, NUL characters (which PostgreSQL refuses) dropped. */
export const SearchTextSchema = z.string().trim().max(200).transform((text) => text.replaceAll('\u0000', '')).catch('')
