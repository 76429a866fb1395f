import { prisma } from '#app/utils/db.server.ts'

export type JobRun = { name: string; state: string; startedOn: Date | null; completedOn: Date | null; output: unknown }

/**
 * The last finished run of each named job, from pg-boss's tables (jobs still in the queue and
 * archived ones). Empty when the worker never started (no pg-boss schema yet).
 */
export async function lastJobRuns(names: string[]): Promise<Map<string, JobRun>> {
  const [exists] = await prisma.$queryRaw<{ found: boolean }[]>`SELECT to_regclass('pgboss.job') IS NOT NULL AND to_regclass('pgboss.archive') IS NOT NULL AS found`
  if (!exists.found) return new Map()
  const rows = await prisma.$queryRaw<JobRun[]>`
    SELECT DISTINCT ON (name) name, state::text AS state, started_on AS "startedOn", completed_on AS "completedOn", output
    FROM (SELECT name, state, started_on, completed_on, output FROM pgboss.job WHERE name = ANY(${names})
          UNION ALL
          SELECT name, state, started_on, completed_on, output FROM pgboss.archive WHERE name = ANY(${names})) runs
    WHERE state IN ('completed', 'failed')
    ORDER BY name, completed_on DESC NULLS LAST`
  return new Map(rows.map((r) => [r.name, r]))
}

type FinishedRun = Pick<JobRun, 'state' | 'output'> | undefined

/** The summary a completed run returned (a billing run's: counts, held drafts, members not billed), or null. */
function summaryOf(run: FinishedRun) {
  return run?.state === 'completed' && run.output !== null && typeof run.output === 'object' ? (run.output as Record<string, unknown>) : null
}

const listIn = <T>(run: FinishedRun, key: string): T[] => {
  const list = summaryOf(run)?.[key]
  return Array.isArray(list) ? (list as T[]) : []
}

export type HeldDraft = { memberId: number; username: string; draftId: number; draft: string }

/**
 * The drafts a billing run left unbilled because they hold a subscription period (the run's
 * summary lists them): named on the jobs page and by `coin jobs`, so the month is not left
 * unbilled unnoticed.
 */
export const heldDraftsOf = (run: FinishedRun) => listIn<HeldDraft>(run, 'heldByDrafts')

export type NotBilledMember = { memberId: number; username: string; reason: 'lineTooLarge' | 'totalTooLarge' | 'failed'; message?: string }

/**
 * The members a billing run could not bill (its summary lists them: a line over the cap, a total
 * too large, a failed write), named on the jobs page and by `coin jobs` like the held drafts.
 */
export const notBilledOf = (run: FinishedRun) => listIn<NotBilledMember>(run, 'notBilled')

/** True when the run stopped early because its worker was stopped (a new run is queued to finish it). */
export const wasInterrupted = (run: FinishedRun) => summaryOf(run)?.interrupted === true
