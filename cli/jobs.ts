import { heldDraftsOf, lastJobRuns, notBilledOf, wasInterrupted } from '#app/models/jobs/jobs.server.ts'
import { jobSchedules, scheduleTimeZone } from '#app/models/jobs/schedules.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { NOT_BILLED_LABELS } from './charge-subscriptions.ts'

/** What a run left: its error for a failure, else its summary on one line, shortened. */
function outcome(run: { state: string; output: unknown } | undefined) {
  if (!run) return 'never run'
  const output = run.output as { message?: string } | null
  if (run.state === 'failed') return `FAILED: ${output?.message ?? JSON.stringify(output)}`
  const summary = output === null || output === undefined ? '' : JSON.stringify(output)
  return `ok${summary ? ` ${summary.length > 100 ? `${summary.slice(0, 99)}…` : summary}` : ''}`
}

/** `coin jobs`: each scheduled job, its schedule, and when and how it last ran. */
export async function listJobs() {
  const jobs = jobSchedules(getEnv())
  const runs = await lastJobRuns(jobs.map((j) => j.name))
  const rows = [['Job', 'Schedule', 'Last run', 'Outcome'], ...jobs.map(({ name, cron }) => {
    const run = runs.get(name)
    return [name, cron, run?.completedOn ? run.completedOn.toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '—', outcome(run)]
  })]
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)))
  const lines = rows.map((r) => [r[0].padEnd(widths[0]), r[1].padEnd(widths[1]), r[2].padEnd(widths[2]), r[3]].join('  ').trimEnd())
  for (const { name } of jobs) {
    const held = heldDraftsOf(runs.get(name))
    if (held.length > 0) lines.push('', `${name} left ${held.length} member(s) unbilled: a staff draft holds their period (validate or delete it):`)
    for (const h of held) lines.push(`  ${h.username}: ${h.draft} (/admin/invoices/${h.draftId})`)
    const notBilled = notBilledOf(runs.get(name))
    if (notBilled.length > 0) lines.push('', `${name} could not bill ${notBilled.length} member(s); everyone else was billed:`)
    for (const n of notBilled) lines.push(`  ${n.username}: ${NOT_BILLED_LABELS[n.reason]} (/admin/members/${n.memberId})`)
    if (wasInterrupted(runs.get(name))) lines.push('', `${name} was interrupted when the worker stopped; a new run bills what is left.`)
  }
  return `${lines.join('\n')}\nSchedules are in ${scheduleTimeZone()}; outbox delivery runs every few seconds in each worker.\n`
}
