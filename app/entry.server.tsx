import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import { type EntryContext, type HandleDataRequestFunction, type HandleErrorFunction } from '@remix-run/node'
import { RemixServer } from '@remix-run/react'
import { renderToPipeableStream } from 'react-dom/server'
import { init } from './utils/env.server.ts'
import { contentSecurityPolicy, PRIVATE_NO_STORE } from './utils/http.server.ts'
import { logger } from './utils/logger.server.ts'
import { databaseRecentlyUnreachable, maintenanceResponse, noteDatabaseError } from './utils/maintenance.server.ts'
import { NonceProvider } from './utils/nonce-provider.ts'
import { hasSessionCookie } from './utils/session.server.ts'

init()

const ABORT_DELAY = 5_000

/**
 * The whole page, rendered to one buffer before the first byte is sent: Coin's pages load their
 * data in loaders (no deferred parts), so streaming would only cut the page into 2 KB chunks that
 * each cross a transform, a web stream and a socket write. One buffer costs less CPU, and a render
 * error still changes the status, since nothing was sent yet.
 *
 * React 18.3's streaming renderer can flush the unwritten tail of its 2 KB buffer (NUL bytes)
 * when a multi-byte character (é, –, €) falls on the boundary (react#31134, fixed in React 19):
 * trailing NULs of each chunk are dropped, which HTML never contains.
 */
function collectPage(onDone: (page: Uint8Array<ArrayBuffer>) => void, onFail: (error: Error) => void) {
  const chunks: Buffer[] = []
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      let end = chunk.length
      while (end > 0 && chunk[end - 1] === 0) end -= 1
      chunks.push(end === chunk.length ? chunk : chunk.subarray(0, end))
      callback()
    },
    final(callback) {
      const page = Buffer.concat(chunks)
      onDone(new Uint8Array(page.buffer as ArrayBuffer, page.byteOffset, page.length))
      callback()
    },
  }).on('error', onFail)
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  // A loader that failed because the database is out of reach: a maintenance page, not an error page.
  if (responseStatusCode >= 500 && databaseRecentlyUnreachable()) return maintenanceResponse(request)
  // A fresh nonce per page: only the scripts Remix renders into this response may run.
  const nonce = randomBytes(16).toString('base64')
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceProvider>,
      {
        onAllReady() {
          pipe(collectPage((page) => {
            responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
            responseHeaders.set('X-Frame-Options', 'DENY')
            responseHeaders.set('X-Content-Type-Options', 'nosniff')
            responseHeaders.set('Referrer-Policy', 'same-origin')
            responseHeaders.set('Content-Security-Policy', contentSecurityPolicy(nonce))
            if (hasSessionCookie(request)) responseHeaders.set('Cache-Control', PRIVATE_NO_STORE)
            resolve(new Response(page, { headers: responseHeaders, status: responseStatusCode }))
          }, reject))
        },
        onShellReady() {
          shellRendered = true
        },
        onShellError: reject,
        onError(error: unknown) {
          responseStatusCode = 500
          if (shellRendered) logger.error({ err: error }, 'render error')
        },
      },
    )
    setTimeout(abort, ABORT_DELAY + 1000)
  })
}

/** Data requests (client navigations, form posts) of a logged-in member carry member data too. */
export const handleDataRequest: HandleDataRequestFunction = async (response, { request }) => {
  if (response.status >= 500 && databaseRecentlyUnreachable()) return maintenanceResponse(request)
  if (hasSessionCookie(request)) response.headers.set('Cache-Control', PRIVATE_NO_STORE)
  return response
}

export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return
  if (error instanceof Response) return
  if (noteDatabaseError(error)) {
    logger.warn({ method: request.method, path: new URL(request.url).pathname, error: error instanceof Error ? error.message : String(error) }, 'database out of reach: answering 503')
    return
  }
  logger.error({ err: error, method: request.method, path: new URL(request.url).pathname }, 'unhandled error')
}
