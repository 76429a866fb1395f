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

