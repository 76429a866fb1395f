import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { SubmitButton } from '#app/components/forms.tsx'
import { formatDateTime } from '#app/components/member-status.tsx'
import { Pager } from '#app/components/pager.tsx'
import { LoanListQuerySchema } from '#app/models/hardware/hardware.schema.ts'
import { endLoan, listLoans } from '#app/models/hardware/loans.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { readFormData } from '#app/utils/form.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { requireModule } from '#app/utils/modules.server.ts'
import { IdSchema } from '#app/utils/request.schema.ts'

const EndLoanSchema = z.object({ intent: z.literal('end'), loanId: IdSchema })
const STATUSES = ['running', 'finished', 'all'] as const

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  requireModule('hardware')
  const query = LoanListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  return { query, ...await listLoans(query) }
}

/** Staff end a running loan (its end is now); an already ended one is said so. */
export async function action({ request }: ActionFunctionArgs) {
  await requireStaff(request)
  requireModule('hardware')
  const submission = parseWithZod(await readFormData(request), { schema: EndLoanSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  const ended = await endLoan({ loanId: submission.value.loanId })
  const back = new URL(request.url).searchParams
  back.set('done', ended ? 'ended' : 'notRunning')
  return redirect(`/admin/hardware/loans?${back}`)
}

export default function HardwareLoans() {
  const { query, total, pageCount, loans } = useLoaderData<typeof loader>()
  const [searchParams] = useSearchParams()
  const { t, i18n } = useTranslation('hardware')
  const done = searchParams.get('done')
  const hrefOf = (page: number) => {
    const params = new URLSearchParams(searchParams)
    params.delete('done')
    params.set('page', String(page))
    return `/admin/hardware/loans?${params}`
  }
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to="/admin/hardware">← {t('admin.title')}</Link></p>
      <h1 className="text-2xl font-semibold">{t('loans.title')}</h1>
      {done === 'ended' ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('loans.ended')}</p> : null}
      {done === 'notRunning' ? <p role="status" className="rounded bg-amber-50 p-2 text-sm">{t('loans.notRunning')}</p> : null}
      <Form method="GET" className="card flex flex-wrap items-end gap-3" role="search">
        <label className="flex flex-col text-sm">
          {t('loans.filter')}
          <select name="status" defaultValue={query.status} className="input">
            {STATUSES.map((s) => <option key={s} value={s}>{t(`loans.status.${s}`)}</option>)}
          </select>
        </label>
        <label className="flex flex-col text-sm">
          {t('loan.member')}
          <input type="text" name="member" defaultValue={query.member} className="input" placeholder={t('member.usernamePlaceholder')} autoComplete="off" />
        </label>
        {query.itemId ? <input type="hidden" name="itemId" value={query.itemId} /> : null}
        <button type="submit" className="btn-secondary btn">{t('admin.filter')}</button>
      </Form>
      <p className="text-sm">{t('loans.count', { count: total })}</p>
      <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
        <table className="min-w-full divide-y divide-gray-200 text-sm">
          <thead className="bg-gray-50 text-left">
            <tr>
              <th scope="col" className="px-3 py-2 font-semibold">{t('loan.item')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('item.type')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('loan.member')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('loan.startedAt')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('loan.endedAt')}</th>
              <th scope="col" className="px-3 py-2"><span className="sr-only">{t('loans.end')}</span></th>
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {loans.map((loan) => (
              <tr key={loan.id}>
                <td className="px-3 py-2"><Link to={`/admin/hardware/items/${loan.item.id}`}>{loan.item.designation}</Link></td>
                <td className="px-3 py-2">{loan.item.type.name}</td>
                <td className="px-3 py-2"><Link to={`/admin/members/${loan.member.id}`}>{loan.member.name}</Link></td>
                <td className="px-3 py-2">{formatDateTime(loan.startedAt, i18n.language)}</td>
                <td className="px-3 py-2">{loan.endedAt ? formatDateTime(loan.endedAt, i18n.language) : t('loans.status.running')}</td>
                <td className="px-3 py-2">
                  {loan.running ? (
                    <Form method="POST">
                      <input type="hidden" name="intent" value="end" />
                      <input type="hidden" name="loanId" value={loan.id} />
                      <SubmitButton className="btn-secondary btn" aria-label={t('loans.endOne', { name: loan.item.designation })}>{t('loans.end')}</SubmitButton>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {loans.length === 0 ? <p className="p-3 text-sm text-gray-600">{t('loans.none')}</p> : null}
      </div>
      <Pager page={query.page} pageCount={pageCount} hrefOf={hrefOf} label={t('admin.pagination')} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'hardware:loans.title')
