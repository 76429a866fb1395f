import type { Logger } from 'pino'
import { createPdfPool } from '#app/integrations/pdf/pdf-pool.server.ts'
import { chargeSubscriptions } from '#app/models/invoice/charge.server.ts'
import { today } from '#app/utils/dates.ts'
import { getEnv } from '#app/utils/env.server.ts'

/**
 * The daily billing run (CHARGE_SUBSCRIPTIONS_CRON, 23:59 by default): bills the current month.
 * Run every day, it bills each subscription once per period, including those that started
 * during the month. The run is safe to repeat and to run beside a manual one.
 */
export async function run({ now = new Date(), log }: { now?: Date; log: Logger }) {
  const env = getEnv()
  const pool = createPdfPool({ threads: env.PDF_THREADS })
  try {
    const date = today(now)
    const summary = await chargeSubscriptions({ date, today: date, paymentDelayDays: env.PAYMENT_DELAY, render: pool.render })
    log.info({ job: 'charge-subscriptions', ...summary }, 'subscriptions charged')
    return summary
  } finally {
    await pool.close()
  }
}
