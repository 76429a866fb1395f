// Latency figures and the autocannon runner shared by the benchmarks.
import { Worker } from 'node:worker_threads'
import type { LoadJob, LoadResult } from './load-worker.ts'

export type Figures = { requests: number; requestsPerSecond: number; p50: number; p95: number; p99: number; max: number; mean: number }
export type Scenario = Figures & {
  name: string
  description: string
  connections: number
  seconds: number
  non2xx: number
  errors: number
  timeouts: number
  statusCodes: Record<string, number>
  /** autocannon's own percentiles for the same run (integer ms histogram), as a cross-check. */
  autocannonLatency: { p50: number; p97_5: number; p99: number }
  /** Queries the app logged as slow (over 200 ms) during the measured run. */
  slowQueryWarnings: number
  perRequest: (Figures & { label: string; path: string; matches?: number })[]
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}
export const round = (n: number) => Math.round(n * 100) / 100

export function figures(latencies: number[], seconds: number): Figures {
  const sorted = [...latencies].sort((a, b) => a - b)
  return {
    requests: sorted.length,
    requestsPerSecond: round(sorted.length / seconds),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? NaN),
    mean: round(sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1)),
  }
}

/** Runs autocannon in a worker thread: its own event loop, not the server's. */
export function runLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // Workers do not inherit tsx's loader: register it in the worker, then load the TypeScript file.
    const file = new URL('./load-worker.ts', import.meta.url).href
    const tsx = import.meta.resolve('tsx/esm/api')
    const worker = new Worker(
      `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(file)}) })`,
      { eval: true, workerData: job },
    )
    const timer = setTimeout(() => {
      void worker.terminate()
      reject(new Error(`the load run did not end within ${job.durationSeconds + 60} s`))
    }, (job.durationSeconds + 60) * 1000)
    worker.once('message', (result: LoadResult) => {
      clearTimeout(timer)
      void worker.terminate()
      resolve(result)
    })
    worker.once('error', (error) => {
      clearTimeout(timer)
      void worker.terminate()
      reject(error)
    })
    worker.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the load worker exited (code ${code}) without a result`))
    })
  })
}
