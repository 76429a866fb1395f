// Runs one autocannon scenario in a worker thread, so the load generator has its own event loop
// and does not queue behind the server it measures (both live in the benchmark's process).
// Posts back every response's latency, grouped by request label, and the error counts.
import { parentPort, workerData } from 'node:worker_threads'
import autocannon from 'autocannon'

export type LoadRequest = { label: string; path: string }
export type LoadJob = {
  url: string
  connections: number
  durationSeconds: number
  headers: Record<string, string>
  requests: LoadRequest[]
  timeoutSeconds: number
}
export type LoadResult = {
  /** Latencies (ms) of every completed response, in arrival order, per request label. */
  latencies: Record<string, number[]>
  statusCodes: Record<string, number>
  /** Non-2xx responses (autocannon's count). */
  non2xx: number
  /** Connection errors and timeouts. */
  errors: number
  timeouts: number
  /** Requests completed, and the measured wall time in seconds. */
  total: number
  seconds: number
  /** Mean of autocannon's per-second request counts. */
  requestsPerSecond: number
  bytesPerSecond: number
  /** autocannon's own latency percentiles (its histogram, 2xx only), to cross-check ours. */
  autocannonLatency: { p50: number; p97_5: number; p99: number }
  /** First body of a non-2xx response, to explain a failure. */
  firstFailure?: { label: string; status: number; body: string }
}

const job = workerData as LoadJob
const latencies: Record<string, number[]> = Object.fromEntries(job.requests.map((r) => [r.label, []]))
const statusCodes: Record<string, number> = {}
let firstFailure: LoadResult['firstFailure']

// autocannon calls a request's onResponse right before it emits 'response' for the same
// response, synchronously (httpClient: recordBody, then emit), so the label noted here is the one
// of the response timed next; no other response can come in between.
let pendingLabel: string | undefined

const instance = autocannon(
  {
    url: job.url,
    connections: job.connections,
    duration: job.durationSeconds,
    timeout: job.timeoutSeconds,
    headers: job.headers,
    requests: job.requests.map((r) => ({
      method: 'GET' as const,
      path: r.path,
      onResponse: (status: number, body: string) => {
        pendingLabel = r.label
        if ((status < 200 || status >= 300) && !firstFailure) firstFailure = { label: r.label, status, body: String(body).slice(0, 500) }
      },
    })),
  },
  (error, raw) => {
    if (error) throw error
    // Outside the main thread autocannon leaves its histograms encoded; aggregate them here.
    const result = autocannon.aggregateResult([raw], { url: job.url, connections: job.connections, duration: job.durationSeconds })
    const seconds = (result.finish.getTime() - result.start.getTime()) / 1000
    const total = Object.values(latencies).reduce((n, list) => n + list.length, 0)
    const message: LoadResult = {
      latencies,
      statusCodes,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      total,
      seconds,
      requestsPerSecond: result.requests.average,
      bytesPerSecond: result.throughput.average,
      autocannonLatency: { p50: result.latency.p50!, p97_5: result.latency.p97_5!, p99: result.latency.p99! },
      firstFailure,
    }
    parentPort!.postMessage(message)
  },
)

instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
  const label = pendingLabel ?? job.requests[0]!.label
  pendingLabel = undefined
  latencies[label]!.push(responseTime)
  statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1
})
