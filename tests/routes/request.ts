/** Builds the Request a browser would send, for calling loaders and actions directly. */
export function makeRequest(path: string, { cookie, form, method, headers = {} }: {
  cookie?: string
  form?: Record<string, string | string[]>
  method?: string
  headers?: Record<string, string>
} = {}) {
  const init: RequestInit = { method: method ?? (form ? 'POST' : 'GET'), headers: { ...headers, ...(cookie ? { Cookie: cookie } : {}) } }
  if (form) {
    const body = new URLSearchParams()
    for (const [key, value] of Object.entries(form)) for (const v of [value].flat()) body.append(key, v)
    init.body = body
  }
  return new Request(new URL(path, 'http://localhost'), init)
}

/** Runs a loader or action and returns what it threw or returned, as a Response when it is one. */
export async function settle<T>(run: () => Promise<T>): Promise<T | Response> {
  try {
    return await run()
  } catch (thrown) {
    if (thrown instanceof Response) return thrown
    throw thrown
  }
}

/** The data and status of a single-fetch `data()` result, or of a plain object. */
export function unwrap(result: unknown): { status: number; data: any } { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (result && typeof result === 'object' && 'type' in result && (result as { type: string }).type === 'DataWithResponseInit') {
    const r = result as unknown as { data: unknown; init: ResponseInit | null }
    return { status: r.init?.status ?? 200, data: r.data }
  }
  return { status: 200, data: result }
}
