import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type { InvoicePdfData } from './invoice-pdf.server.ts'

/**
 * Renders a document in the calling thread. The renderer (pdf-lib, fontkit and the fonts, about
 * 80 MB) is loaded on first use, so a process whose documents all render in pool threads never
 * loads it.
 */
export async function renderInThisThread(data: InvoicePdfData) {
  const { renderInvoicePdf } = await import('./invoice-pdf.server.ts')
  return renderInvoicePdf(data)
}

export type PdfPool = {
  /** Renders one document; the promise settles with that document's bytes or error. */
  render(data: InvoicePdfData): Promise<Uint8Array>
  /** Stops the workers; jobs not finished yet are rejected. */
  close(): Promise<void>
}

type Job = { id: number; data: InvoicePdfData; resolve: (pdf: Uint8Array) => void; reject: (error: unknown) => void }
type Thread = { worker: Worker; jobs: Map<number, Job> }
type Reply = { id: number; pdf?: Uint8Array; error?: unknown }

/**
 * The worker script, found through the package's `#app/*` imports rather than relative to this
 * module, whose code a bundler may move: the worker always runs from the source tree, with tsx.
 */
const WORKER_FILE = createRequire(import.meta.url).resolve('#app/integrations/pdf/pdf-worker.mjs')

/**
 * A thread renders one small document at a time: a small young generation and old space make
 * it collect garbage often instead of growing (the monthly run must stay under 500 MB).
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 }

/**
 * Jobs sent ahead to a thread, which renders them one after the other: a thread that finishes a
 * document starts the next at once, instead of waiting for the calling thread (busy with the
 * database during the monthly run) to hand it one.
 */
const JOBS_PER_THREAD = 4

/**
 * Spreads PDF rendering over `threads` worker threads (jobs in a FIFO queue, a few sent ahead
 * to each thread); PDF work is CPU-bound, so the monthly run uses every core. With 0 or 1 thread,
 * documents render in the calling thread and no worker starts. Threads start with the first
 * document.
 */
export function createPdfPool({ threads }: { threads: number }): PdfPool {
  if (threads <= 1) return { render: renderInThisThread, close: async () => {} }
  const queue: Job[] = []
  let pool: Thread[] = []
  let nextId = 1
  let closed = false

  const dispatch = () => {
    while (queue.length > 0) {
      const thread = pool.reduce<Thread | undefined>((least, t) => (t.jobs.size < JOBS_PER_THREAD && (!least || t.jobs.size < least.jobs.size) ? t : least), undefined)
      if (!thread) break
      const job = queue.shift()!
      thread.jobs.set(job.id, job)
      thread.worker.ref()
      thread.worker.postMessage({ id: job.id, data: job.data })
    }
  }

  /** A worker that died (not a failed render: those come back as replies) leaves the pool. */
  const drop = (thread: Thread, error: unknown) => {
    pool = pool.filter((t) => t !== thread)
    for (const job of thread.jobs.values()) job.reject(error)
    thread.jobs.clear()
    if (pool.length === 0) for (const job of queue.splice(0)) job.reject(error)
    else dispatch()
  }

  const start = () => {
    // No execArgv: a parent run with `tsx` would pass its loader twice (the worker registers it).
    const thread: Thread = { worker: new Worker(WORKER_FILE, { execArgv: [], resourceLimits: WORKER_LIMITS }), jobs: new Map() }
    thread.worker.on('message', ({ id, pdf, error }: Reply) => {
      const job = thread.jobs.get(id)
      if (!job) return
      thread.jobs.delete(id)
      if (pdf) job.resolve(pdf)
      else job.reject(error)
      if (queue.length === 0 && thread.jobs.size === 0) thread.worker.unref()
      dispatch()
    })
    thread.worker.on('error', (error) => drop(thread, error))
    thread.worker.on('exit', (code) => {
      if (!closed && pool.includes(thread)) drop(thread, new Error(`PDF worker exited with code ${code}`))
    })
    // An idle pool never keeps the process alive. After the listeners: adding a 'message'
    // listener refs the worker's port again.
    thread.worker.unref()
    return thread
  }

  // Threads start with the first document: a run with nothing to render costs none.
  let started = false
  return {
    render(data) {
      if (closed) return Promise.reject(new Error('the PDF pool is closed'))
      if (!started) {
        started = true
        pool = Array.from({ length: threads }, start)
      }
      return new Promise<Uint8Array>((resolve, reject) => {
        queue.push({ id: nextId++, data, resolve, reject })
        dispatch()
      })
    },
    async close() {
      closed = true
      const error = new Error('the PDF pool was closed before the document was rendered')
      for (const job of [...queue.splice(0), ...pool.flatMap((t) => [...t.jobs.values()])]) job.reject(error)
      const workers = pool.map((t) => t.worker)
      pool = []
      await Promise.all(workers.map((worker) => worker.terminate()))
    },
  }
}
