import type { Logger } from 'pino'
import { createPdfPool } from '#app/integrations/pdf/pdf-pool.server.ts'
import { chargeSubscriptions } from '#app/models/invoice/charge.server.ts'
import { parseIsoDate, today } from '#app/utils/dates.ts'
import { getEnv } from '#app/utils/env.server.ts'

/** What a queued run may carry: the billing day of an interrupted run it finishes. */
export type ChargeJobData = { date?: string }

/**
 * The daily billing run (CHARGE_SUBSCRIPTIONS_CRON, 23:59 by default): bills the current month.
 * Run every day, it bills each subscription once per period, including those that started
 * during the month. The run is safe to repeat and to run beside a manual one. Stopped by `signal`
 * (the worker stopping), it ends at its next batch boundary with `interrupted` in its summary, and
 * the worker queues a run of the same day (`data.date`) that bills the rest.
 */
export async function run({ now = new Date(), log, signal, data }: { now?: Date; log: Logger; signal?: AbortSignal; data?: ChargeJobData | null }) {
  const env = getEnv()
  const pool = createPdfPool({ threads: env.PDF_THREADS })
  try {
    const date = (data?.date && parseIsoDate(data.date)) || today(now)
    const summary = await chargeSubscriptions({ date, today: date, paymentDelayDays: env.PAYMENT_DELAY, render: pool.render, signal })
    log.info(summary, summary.interrupted ? 'billing run interrupted by the worker stopping' : 'subscriptions charged')
    if (summary.notBilled.length > 0) log.warn({ notBilled: summary.notBilled }, 'members not billed')
    return summary
  } finally {
    await pool.close()
  }
}

/** The job that finishes an interrupted run: same billing day. */
export function resumeData(summary: unknown, data: ChargeJobData | null | undefined, now: Date): ChargeJobData | null {
  if ((summary as { interrupted?: unknown } | null)?.interrupted !== true) return null
  return { date: data?.date ?? today(now).toISOString().slice(0, 10) }
}
