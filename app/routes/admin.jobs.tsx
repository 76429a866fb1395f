import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { formatDateTime } from '#app/components/member-status.tsx'
import { heldDraftsOf, lastJobRuns, notBilledOf, wasInterrupted } from '#app/models/jobs/jobs.server.ts'
import { jobSchedules, scheduleTimeZone } from '#app/models/jobs/schedules.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { pageTitle } from '#app/utils/meta.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  const schedules = jobSchedules(getEnv())
  const runs = await lastJobRuns(schedules.map((s) => s.name))
  return {
    timeZone: scheduleTimeZone(),
    jobs: schedules.map(({ name, cron }) => {
      const run = runs.get(name)
      return {
        name, cron, state: run?.state ?? null, completedOn: run?.completedOn ?? null, output: run ? JSON.stringify(run.output ?? null) : null,
        held: heldDraftsOf(run), notBilled: notBilledOf(run), interrupted: wasInterrupted(run),
      }
    }),
  }
}

/** The worker's schedules and how each job last ended: what `coin jobs` prints. */
export default function Jobs() {
  const { jobs, timeZone } = useLoaderData<typeof loader>()
  const { t, i18n } = useTranslation('emails')
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t('jobs.title')}</h1>
      <p className="text-sm text-gray-700">{t('jobs.help', { timeZone })}</p>
      <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
        <table className="min-w-full divide-y divide-gray-200 text-sm">
          <thead className="bg-gray-50 text-left">
            <tr>
              <th scope="col" className="px-3 py-2 font-semibold">{t('jobs.name')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('jobs.schedule')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('jobs.lastRun')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('jobs.outcome')}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {jobs.map((job) => (
              <tr key={job.name}>
                <td className="px-3 py-2">{t(`jobs.names.${job.name}`)} <code className="text-xs text-gray-500">{job.name}</code></td>
                <td className="px-3 py-2 font-mono">{job.cron}</td>
                <td className="px-3 py-2 whitespace-nowrap">{job.completedOn ? formatDateTime(job.completedOn, i18n.language) : t('jobs.never')}</td>
                <td className="px-3 py-2">
                  {job.state === null ? '—' : job.state === 'failed'
                    ? <span className="badge bg-red-100 text-red-800">{t('jobs.failed')}</span>
                    : <span className="badge bg-green-100 text-green-800">{t('jobs.completed')}</span>}
                  {job.output && job.output !== 'null' ? <code className="ml-2 text-xs break-all text-gray-600">{job.output.length > 160 ? `${job.output.slice(0, 159)}…` : job.output}</code> : null}
                  {job.held.length > 0 ? (
                    <div role="status" className="mt-2 rounded bg-amber-50 p-2 text-amber-900">
                      <p>{t('jobs.heldByDrafts', { count: job.held.length })}</p>
                      <ul className="list-disc pl-5">
                        {job.held.map((h) => <li key={h.draftId}><Link to={`/admin/invoices/${h.draftId}`}>{h.draft}</Link> — {h.username}</li>)}
                      </ul>
                    </div>
                  ) : null}
                  {job.notBilled.length > 0 ? (
                    <div role="alert" className="mt-2 rounded bg-red-50 p-2 text-red-900">
                      <p>{t('jobs.notBilled', { count: job.notBilled.length })}</p>
                      <ul className="list-disc pl-5">
                        {job.notBilled.map((n) => <li key={n.memberId}><Link to={`/admin/members/${n.memberId}`}>{n.username}</Link> — {t(`jobs.notBilledReasons.${n.reason}`)}</li>)}
                      </ul>
                    </div>
                  ) : null}
                  {job.interrupted ? <p role="status" className="mt-2 text-amber-900">{t('jobs.interrupted')}</p> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'emails:jobs.title')
