import { z } from 'zod'

/**
 * The shared schemas of what requests carry: ids, month filters, searches. Each refuses what
 * PostgreSQL cannot take (ids beyond its integer, year 0, NUL characters) before a query runs.
 */

/** A real month, YYYY-MM, of a year between 1900 and 9999 (PostgreSQL has no year 0). */
export const MONTH_PATTERN = /^(19|[2-9]\d)\d{2}-(0[1-9]|1[0-2])$/

/** A month filter from a query string: a MONTH_PATTERN month, else no filter. */
export const MonthFilterSchema = z.string().regex(MONTH_PATTERN).optional().catch(undefined)

/** A search typed in a filter: trimmed, at most 200 characters, NUL characters (which PostgreSQL refuses) dropped. */
export const SearchTextSchema = z.string().trim().max(200).transform((text) => text.replaceAll('\u0000', '')).catch('')

/** The largest id PostgreSQL's integer holds: a larger one names no row. */
export const MAX_ID = 2_147_483_647

/** A row id from a form or a URL: a whole number from 1 to MAX_ID, with the message forms show. */
export const IdSchema = z.coerce.number({ error: 'required' }).int({ message: 'required' }).positive({ message: 'required' }).max(MAX_ID, { message: 'notFound' })
