import { SingleBar } from 'cli-progress'
import { createPdfPool } from '#app/integrations/pdf/pdf-pool.server.ts'
import { chargeSubscriptions, type ChargeSummary } from '#app/models/invoice/charge.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { formatEuros } from '#app/utils/money.ts'
import { today } from '#app/utils/dates.ts'

const SKIP_LABELS: Record<keyof ChargeSummary['skipped'], string> = {
  alreadyBilled: 'already billed for this period',
  nonBillable: 'offer not billable',
  notInPeriod: 'nothing left to bill in the period (or a single day)',
  heldByDraft: 'held by a staff draft (validate or delete it)',
  zeroTotal: 'invoice total would be 0',
}

export const NOT_BILLED_LABELS: Record<ChargeSummary['notBilled'][number]['reason'], string> = {
  lineTooLarge: 'a line is over the cap of 1,000,000 € per line (check the offer\'s price)',
  totalTooLarge: 'the invoice total is beyond what one invoice holds',
  failed: 'the invoice could not be written',
}

/** The summary printed after a run, one fact a line. */
export function formatChargeSummary(summary: ChargeSummary, seconds: number) {
  const verb = summary.dryRun ? 'would be created' : 'created'
  const lines = [
    `Billing month ${summary.month}${summary.dryRun ? ' (dry run: nothing recorded)' : ''}`,
    `Members with subscriptions: ${summary.members}`,
    `Invoices ${verb}: ${summary.invoices} (${summary.lines} lines), total ${formatEuros(summary.totalCents, 'fr')}`,
  ]
  if (summary.firstNumber) lines.push(`Numbers: ${summary.firstNumber} to ${summary.lastNumber}`)
  const skipped = Object.entries(summary.skipped).filter(([, n]) => n > 0)
  lines.push(skipped.length ? 'Subscriptions skipped:' : 'Subscriptions skipped: none')
  for (const [reason, n] of skipped) lines.push(`  ${n} ${SKIP_LABELS[reason as keyof ChargeSummary['skipped']]}`)
  for (const held of summary.heldByDrafts) lines.push(`    ${held.username}: ${held.draft} (/admin/invoices/${held.draftId})`)
  if (summary.notBilled.length > 0) lines.push(`Members not billed: ${summary.notBilled.length} (everyone else is billed)`)
  for (const n of summary.notBilled) lines.push(`    ${n.username}: ${NOT_BILLED_LABELS[n.reason]}${n.message ? ` (${n.message.split('\n').at(-1)!.trim()})` : ''} (/admin/members/${n.memberId})`)
  if (summary.interrupted) lines.push('Interrupted (the worker was stopped): run it again to bill the members left')
  if (!summary.dryRun) lines.push(`PDFs stored: ${summary.pdfs} (${(summary.pdfMs / 1000).toFixed(1)} s of rendering)`)
  lines.push(`Done in ${seconds.toFixed(1)} s`)
  return lines.map((l) => `${l}\n`).join('')
}

/**
 * `coin charge_subscriptions`: bills the month of `date`, PDFs rendered by worker threads, a
 * progress bar when stderr is a terminal. Returns the summary text.
 */
export async function runChargeSubscriptions({ date, dryRun = false, antidate = false }: { date: Date; dryRun?: boolean; antidate?: boolean }) {
  const env = getEnv()
  const began = performance.now()
  const bar = process.stderr.isTTY ? new SingleBar({ format: 'Billing {bar} {value}/{total} members | {eta_formatted} left', stream: process.stderr, hideCursor: true }) : null
  const pool = dryRun ? null : createPdfPool({ threads: env.PDF_THREADS })
  let started = false
  try {
    const summary = await chargeSubscriptions({
      date, today: today(), antidate, dryRun, paymentDelayDays: env.PAYMENT_DELAY, render: pool?.render,
      onProgress: ({ done, total }) => {
        if (!bar) return
        if (!started) bar.start(total, 0)
        started = true
        bar.update(done)
      },
    })
    return { summary, text: formatChargeSummary(summary, (performance.now() - began) / 1000) }
  } finally {
    bar?.stop()
    await pool?.close()
  }
}
