import { FeedParseError, parseFeed, type FeedEntry } from './parse.ts'
import type { FeedConfig } from './config.ts'

/** A feed that takes longer than this (connecting and reading) is given up. */
export const FEED_TIMEOUT_MS = 5000
/** A feed larger than this is cut off and reported: it is never read whole into memory. */
export const FEED_MAX_BYTES = 1024 * 1024

export class FeedFetchError extends Error {
  override name = 'FeedFetchError'
}

/** The body's text, read chunk by chunk and cut off past `maxBytes`. */
async function readCapped(response: Response, maxBytes: number) {
  const declared = Number(response.headers.get('content-length'))
  if (declared > maxBytes) {
    await response.body?.cancel()
    throw new FeedFetchError(`larger than ${maxBytes} bytes (${declared} announced); not read`)
  }
  if (!response.body) return new Uint8Array()
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      throw new FeedFetchError(`larger than ${maxBytes} bytes; cut off`)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}

/** The document's encoding: the Content-Type charset, else the XML declaration's, else UTF-8. */
function decode(bytes: Uint8Array, contentType: string | null) {
  const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1')
  const label = /charset=["']?([\w-]+)/i.exec(contentType ?? '')?.[1] ?? /^<\?xml[^>]*encoding=["']([\w-]+)/.exec(head)?.[1] ?? 'utf-8'
  try {
    return new TextDecoder(label).decode(bytes)
  } catch {
    return new TextDecoder('utf-8').decode(bytes)
  }
}

/**
 * Fetches and parses one feed with a short timeout and a size cap. Throws FeedFetchError or
 * FeedParseError with a short reason; `signal` (the worker stopping) aborts it too.
 */
export async function fetchFeed(
  feed: FeedConfig,
  { signal, timeoutMs = FEED_TIMEOUT_MS, maxBytes = FEED_MAX_BYTES }: { signal?: AbortSignal; timeoutMs?: number; maxBytes?: number } = {},
): Promise<FeedEntry[]> {
  const timeout = AbortSignal.timeout(timeoutMs)
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout
  try {
    const response = await fetch(feed.url, {
      signal: combined,
      headers: { Accept: 'application/rss+xml, application/atom+xml, application/xml, text/xml;q=0.9, */*;q=0.5', 'User-Agent': 'Coin feed reader' },
    })
    if (!response.ok) {
      await response.body?.cancel()
      throw new FeedFetchError(`HTTP ${response.status}`)
    }
    const bytes = await readCapped(response, maxBytes)
    return parseFeed(decode(bytes, response.headers.get('content-type')), { baseUrl: response.url || feed.url, max: feed.max })
  } catch (error) {
    if (error instanceof FeedFetchError || error instanceof FeedParseError) throw error
    if (timeout.aborted) throw new FeedFetchError(`no answer within ${timeoutMs} ms`)
    if (signal?.aborted) throw new FeedFetchError('stopped')
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : ''
    throw new FeedFetchError(`${error instanceof Error ? error.message : String(error)}${cause}`)
  }
}
