// The part of autocannon 8's API the benchmarks use (the package ships no types).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  type Histogram = { average: number; mean: number; stddev: number; min: number; max: number; total: number } & Record<string, number>

  export type Request = {
    method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD'
    path?: string
    headers?: Record<string, string>
    body?: string
    onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string | string[]>) => void
  }

  export type Options = {
    url: string
    connections?: number
    duration?: number
    amount?: number
    timeout?: number
    pipelining?: number
    headers?: Record<string, string>
    requests?: Request[]
  }

  export type Result = {
    start: Date
    finish: Date
    duration: number
    errors: number
    timeouts: number
    non2xx: number
    mismatches: number
    requests: Histogram
    latency: Histogram
    throughput: Histogram
    statusCodeStats: Record<string, { count: number }>
  }

  export type Instance = EventEmitter & { stop: () => void }

  /** In a worker thread the callback gets the raw result (histograms encoded, not aggregated). */
  export type RawResult = Pick<Result, 'start' | 'finish' | 'errors' | 'timeouts' | 'non2xx' | 'mismatches' | 'statusCodeStats'>

  function autocannon(options: Options, callback: (error: Error | null, result: RawResult) => void): Instance
  namespace autocannon {
    /** Turns raw results (from worker threads) into the usual result. */
    function aggregateResult(results: RawResult[], options: Options): Result
  }
  export default autocannon
}
