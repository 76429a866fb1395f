import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorList, SubmitButton } from '#app/components/forms.tsx'
import { formatDateTime } from '#app/components/member-status.tsx'
import { MemberLoanActionSchema } from '#app/models/hardware/hardware.schema.ts'
import { borrowItem, getMemberHardware, returnLoan, transferLoan } from '#app/models/hardware/loans.server.ts'
import { requireMember } from '#app/utils/auth.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { readFormData } from '#app/utils/form.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { requireModule } from '#app/utils/modules.server.ts'

/** "Mon matériel": items to borrow, the member's loans, return and transfer. */
export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(request)
  requireModule('hardware')
  return getMemberHardware(member.id)
}

/** Borrow, return or transfer; a loan that is not the session member's running loan is a 404. */
export async function action({ request }: ActionFunctionArgs) {
  const member = await requireMember(request)
  requireModule('hardware')
  const submission = parseWithZod(await readFormData(request), { schema: MemberLoanActionSchema })
  if (submission.status !== 'success') return data({ result: submission.reply(), target: null }, { status: 400 })
  const value = submission.value
  const target = value.intent === 'borrow' ? `item-${value.itemId}` : `loan-${value.loanId}`
  try {
    if (value.intent === 'borrow') {
      await borrowItem({ itemId: value.itemId, memberId: member.id, notes: value.notes })
    } else if (value.intent === 'return') {
      if (!(await returnLoan({ loanId: value.loanId, memberId: member.id, storageId: value.storageId }))) notFound()
    } else if (!(await transferLoan({ loanId: value.loanId, memberId: member.id, username: value.username }))) {
      notFound()
    }
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    if (error.status === 404) notFound()
    const field = error.values?.field
    return data({ result: submission.reply(field ? { fieldErrors: { [field]: [error.message] } } : { formErrors: [error.message] }), target }, { status: error.status })
  }
  return redirect(`/hardware?done=${value.intent}`)
}

export default function MyHardware() {
  const { available, running, past, storages } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t, i18n } = useTranslation('hardware')
  const done = ['borrow', 'return', 'transfer'].find((d) => d === searchParams.get('done'))
  const errorsFor = (target: string) => {
    if (actionData?.target !== target) return []
    const error = actionData.result.error ?? {}
    return Object.values(error).flatMap((e) => e ?? [])
  }
  const generalErrors = actionData && actionData.target === null ? Object.values(actionData.result.error ?? {}).flatMap((e) => e ?? []) : []
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('member.title')}</h1>
      {done ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t(`member.done.${done}`)}</p> : null}
      {generalErrors.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={generalErrors} /></div> : null}

      <section className="card space-y-3" aria-labelledby="my-loans">
        <h2 id="my-loans" className="text-lg font-semibold">{t('member.running')}</h2>
        {running.length === 0 ? <p className="text-sm text-gray-600">{t('member.noRunning')}</p> : null}
        <ul className="space-y-4">
          {running.map((loan) => (
            <li key={loan.id} className="space-y-2 border-b border-gray-100 pb-3">
              <p>
                <span className="font-medium">{loan.item.designation}</span> ({loan.item.type.name}) — {t('member.since', { date: formatDateTime(loan.startedAt, i18n.language) })}
              </p>
              {errorsFor(`loan-${loan.id}`).length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={errorsFor(`loan-${loan.id}`)} /></div> : null}
              <div className="flex flex-wrap gap-6">
                <Form method="POST" className="flex flex-wrap items-end gap-2">
                  <input type="hidden" name="intent" value="return" />
                  <input type="hidden" name="loanId" value={loan.id} />
                  <label className="flex flex-col text-sm">
                    {t('member.returnTo')}
                    <select name="storageId" className="input" defaultValue="">
                      <option value="">{t('storage.unknown')}</option>
                      {storages.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
                    </select>
                  </label>
                  <SubmitButton className="btn-secondary btn">{t('member.return')}</SubmitButton>
                </Form>
                <Form method="POST" className="flex flex-wrap items-end gap-2">
                  <input type="hidden" name="intent" value="transfer" />
                  <input type="hidden" name="loanId" value={loan.id} />
                  <label className="flex flex-col text-sm">
                    {t('member.transferTo')}
                    <input type="text" name="username" required className="input" autoComplete="off" placeholder={t('member.usernamePlaceholder')} />
                  </label>
                  <SubmitButton className="btn-secondary btn">{t('member.transfer')}</SubmitButton>
                </Form>
              </div>
            </li>
          ))}
        </ul>
      </section>

      <section className="card space-y-3" aria-labelledby="available-items">
        <h2 id="available-items" className="text-lg font-semibold">{t('member.available')}</h2>
        {available.length === 0 ? <p className="text-sm text-gray-600">{t('member.noneAvailable')}</p> : (
          <table className="min-w-full divide-y divide-gray-200 text-sm">
            <thead className="text-left">
              <tr>
                <th scope="col" className="px-2 py-1">{t('item.designation')}</th>
                <th scope="col" className="px-2 py-1">{t('item.type')}</th>
                <th scope="col" className="px-2 py-1">{t('item.storage')}</th>
                <th scope="col" className="px-2 py-1"><span className="sr-only">{t('member.borrow')}</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-gray-100">
              {available.map((item) => (
                <tr key={item.id}>
                  <td className="px-2 py-1">{item.designation}</td>
                  <td className="px-2 py-1">{item.type.name}</td>
                  <td className="px-2 py-1">{item.storage?.name ?? t('storage.unknown')}</td>
                  <td className="px-2 py-1">
                    <Form method="POST">
                      <input type="hidden" name="intent" value="borrow" />
                      <input type="hidden" name="itemId" value={item.id} />
                      <SubmitButton className="btn-secondary btn" aria-label={t('member.borrowOne', { name: item.designation })}>{t('member.borrow')}</SubmitButton>
                    </Form>
                    <ErrorList errors={errorsFor(`item-${item.id}`)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {storages.some((s) => s.notes) ? (
        <section className="card space-y-2" aria-labelledby="storage-notes">
          <h2 id="storage-notes" className="text-lg font-semibold">{t('storage.title')}</h2>
          <dl className="space-y-2 text-sm">
            {storages.filter((s) => s.notes).map((s) => (
              <div key={s.id}><dt className="font-medium">{s.name}</dt><dd className="whitespace-pre-line">{s.notes}</dd></div>
            ))}
          </dl>
        </section>
      ) : null}

      <section className="card space-y-2" aria-labelledby="past-loans">
        <h2 id="past-loans" className="text-lg font-semibold">{t('member.past')}</h2>
        {past.length === 0 ? <p className="text-sm text-gray-600">{t('member.noPast')}</p> : (
          <ul className="space-y-1 text-sm">
            {past.map((loan) => (
              <li key={loan.id}>
                {loan.item.designation} ({loan.item.type.name}) — {t('loan.period', { from: formatDateTime(loan.startedAt, i18n.language), to: formatDateTime(loan.endedAt, i18n.language) })}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'hardware:member.title')
