import cluster from 'node:cluster'
import { once } from 'node:events'
import fs from 'node:fs'
import type { Server } from 'node:http'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { createRequestHandler } from '@remix-run/express'
import type { ServerBuild } from '@remix-run/node'
import compression from 'compression'
import express from 'express'
import { getEnv } from '#app/utils/env.server.ts'
import { isCrossOriginWrite } from '#app/utils/http.server.ts'
import { logger } from '#app/utils/logger.server.ts'
import { BUILD_DIR } from './build.ts'
import { openDatabase } from './database.ts'
import { onStopSignals } from './signals.ts'

/** The HTTP app: static files, the cross-origin write check, then Remix. */
export async function createApp() {
  const env = getEnv()
  const serverBuild = path.join(BUILD_DIR, 'server', 'index.js')
  if (!fs.existsSync(serverBuild)) throw new Error('No build found: run `coin start` or `npx remix vite:build` first')
  const build = (await import(pathToFileURL(serverBuild).href)) as ServerBuild
  const app = express()
  app.disable('x-powered-by')
  if (env.TRUST_PROXY) app.set('trust proxy', 'loopback, uniquelocal')
  app.use(compression())
  app.use('/assets', express.static(path.join(BUILD_DIR, 'client', 'assets'), { immutable: true, maxAge: '1y' }))
  app.use(express.static(path.join(BUILD_DIR, 'client'), { maxAge: '1h' }))
  app.use((req, res, next) => {
    // The address the app sees is always the one this server computed, never a client's header.
    req.headers['x-coin-client-ip'] = req.ip ?? ''
    const host = env.TRUST_PROXY ? (req.headers['x-forwarded-host'] as string | undefined) ?? req.headers.host : req.headers.host
    if (isCrossOriginWrite({ method: req.method, origin: req.headers.origin, referer: req.headers.referer, host, secFetchSite: req.headers['sec-fetch-site'] as string | undefined })) {
      logger.warn({ method: req.method, path: req.path, origin: req.headers.origin }, 'cross-origin write refused')
      res.status(403).type('text/plain').send('Cross-origin request refused / Requête d\'une autre origine refusée')
      return
    }
    next()
  })
  app.all('*', createRequestHandler({ build, mode: 'production' }))
  return app
}

/** Starts the web server and resolves once it listens. */
export async function startWeb({ port = getEnv().PORT, host = getEnv().HOST }: { port?: number; host?: string } = {}) {
  const app = await createApp()
  return new Promise<Server>((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server))
    server.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} is already in use: set PORT to another port`) : error),
    )
  })
}

/**
 * Asks the server for the login page once, as a visitor would: the first request loads Prisma's
 * query compiler, opens a database connection and compiles the rendering code, about half a second
 * that would otherwise fall on the first visitor while the worker loads on the same cores. A
 * failure here is only a slower first page.
 */
async function warmUp(server: Server) {
  const address = server.address()
  if (!address || typeof address === 'string') return
  const host = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address
  const url = new URL(`http://${host.includes(':') ? `[${host}]` : host}:${address.port}/login`)
  try {
    await (await fetch(url, { signal: AbortSignal.timeout(10_000) })).arrayBuffer()
  } catch (error) {
    logger.debug({ err: error }, 'warm-up request failed')
  }
}

/**
 * `coin web`: serves the app until SIGTERM or SIGINT. With WEB_CONCURRENCY above 1, a primary
 * process runs that many server processes sharing the port (node:cluster), replaces one that
 * crashes, and tells its parent (`coin start`) once all of them listen.
 */
export async function serveWeb() {
  const database = await openDatabase()
  const env = getEnv()
  if (env.WEB_CONCURRENCY > 1 && cluster.isPrimary) {
    let stopping = false
    const workers = Array.from({ length: env.WEB_CONCURRENCY }, () => cluster.fork())
    await Promise.all(workers.map((worker) => once(worker, 'listening')))
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) return
      logger.error({ pid: worker.process.pid, code, signal }, 'web process died, starting another')
      cluster.fork()
    })
    logger.info({ port: env.PORT, host: env.HOST, processes: env.WEB_CONCURRENCY }, 'web server listening')
    process.send?.({ type: 'listening' })
    const shutdown = async () => {
      stopping = true
      const running = Object.values(cluster.workers ?? {}).filter((w): w is NonNullable<typeof w> => w !== undefined && !w.isDead())
      const exited = running.map((w) => Promise.race([once(w, 'exit'), new Promise((resolve) => setTimeout(resolve, 15_000))]))
      for (const w of running) w.process.kill('SIGTERM')
      await Promise.all(exited)
      await database.close()
      process.exit(0)
    }
    onStopSignals(shutdown)
    return
  }
  const server = await startWeb()
  if (cluster.isPrimary) {
    logger.info({ port: env.PORT, host: env.HOST }, 'web server listening')
    // Under `coin start`, the worker starts once this says it listens: the first page goes first.
    if (process.send) await warmUp(server)
    process.send?.({ type: 'listening' })
  }
  const shutdown = () => {
    server.close(() => void database.close().then(() => process.exit(0)))
    server.closeIdleConnections()
  }
  onStopSignals(shutdown)
}
