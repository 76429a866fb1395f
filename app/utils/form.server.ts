import { MaxPartSizeExceededError } from '@remix-run/node'

/**
 * The body guard every action reads its form through: what a browser form sends (URL-encoded or
 * multipart), readable, and free of NUL characters (PostgreSQL cannot store them). Anything else
 * is answered 4xx with what is wrong, never a 500.
 */

export type BadRequestCode = 'notAForm' | 'malformedForm' | 'nulCharacter' | 'formTooLarge'

const STATUS: Record<BadRequestCode, number> = { notAForm: 415, malformedForm: 400, nulCharacter: 400, formTooLarge: 413 }

/** A thrown 4xx response the error boundary explains: its code, and the field when one is at fault. */
export function badRequest(code: BadRequestCode, field?: string): never {
  throw new Response(JSON.stringify({ code, ...(field === undefined ? {} : { field }) }), {
    status: STATUS[code],
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  })
}

const FORM_TYPES = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i

/** Refuses a field whose name or text holds a NUL character, naming it. */
export function refuseNulCharacters(form: FormData) {
  for (const [name, value] of form) {
    if (name.includes('\u0000') || (typeof value === 'string' && value.includes('\u0000'))) badRequest('nulCharacter', name.replaceAll('\u0000', ''))
  }
  return form
}

/**
 * The form of a request. `parseMultipart` reads multipart bodies with upload handlers (file
 * uploads); its own errors that are not about the body (a file too large) pass through.
 */
export async function readFormData(request: Request, { parseMultipart }: { parseMultipart?: (request: Request) => Promise<FormData> } = {}) {
  const type = request.headers.get('Content-Type') ?? ''
  if (!FORM_TYPES.test(type)) badRequest('notAForm')
  let form: FormData
  try {
    form = parseMultipart && /multipart\/form-data/i.test(type) ? await parseMultipart(request) : await request.formData()
  } catch (error) {
    if (error instanceof Response || error instanceof MaxPartSizeExceededError) throw error
    badRequest('malformedForm')
  }
  return refuseNulCharacters(form)
}
