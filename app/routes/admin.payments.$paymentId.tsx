import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { AuditHistory } from '#app/components/audit-history.tsx'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ConfirmDeleteForm, ErrorList, SubmitButton } from '#app/components/forms.tsx'
import { formatDate, formatDateTime } from '#app/components/member-status.tsx'
import { loadHistory } from '#app/models/audit/list.server.ts'
import { displayName } from '#app/models/member/username.ts'
import { allocateCredit, cancelAllocation, deletePayment, listPayableInvoices, requirePayment } from '#app/models/payment/payments.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { formatEuros } from '#app/utils/money.ts'
import { readFormData } from '#app/utils/form.server.ts'
import { IdSchema } from '#app/utils/request.schema.ts'

const ActionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('delete') }),
  z.object({ intent: z.literal('confirmDelete') }),
  z.object({
    intent: z.literal('cancelAllocation'),
    allocationId: z.coerce.number().int().positive().max(2_147_483_647),
    // "credit", or the id of the member's invoice the money goes to.
    moveTo: z.union([z.literal('credit'), z.coerce.number().int().positive().max(2_147_483_647)]).default('credit'),
  }),
  z.object({ intent: z.literal('allocateCredit'), invoiceId: IdSchema }),
])

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request)
  const { member, importKey, ...payment } = await requirePayment(params)
  const allocatedCents = payment.allocations.reduce((sum, a) => sum + a.amountCents, 0)
  const [payable, history] = await Promise.all([
    member ? listPayableInvoices(member.id) : [],
    loadHistory({ entity: 'payment', entityId: payment.id }),
  ])
  return {
    payment: { ...payment, imported: importKey !== null, unallocatedCents: payment.amountCents - allocatedCents },
    member: member ? { id: member.id, username: member.username, name: displayName(member) } : null,
    payable,
    history,
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request)
  const payment = await requirePayment(params)
  const submission = parseWithZod(await readFormData(request), { schema: ActionSchema })
  if (submission.status !== 'success') return data({ confirmDelete: false, result: submission.reply() }, { status: 400 })
  const value = submission.value
  // Without JavaScript, deleting takes two posts: the first only asks for confirmation.
  if (value.intent === 'delete') return data({ confirmDelete: true, result: submission.reply() })
  try {
    if (value.intent === 'confirmDelete') {
      await deletePayment({ id: payment.id, actorId: staff.id })
      return redirect(payment.member ? `/admin/members/${payment.member.id}?paymentDeleted=1` : '/admin/payments?deleted=1')
    }
    if (value.intent === 'allocateCredit') {
      await allocateCredit({ paymentId: payment.id, invoiceId: value.invoiceId, actorId: staff.id })
      return redirect(`/admin/payments/${payment.id}?allocationMoved=1`)
    }
    const moveToInvoiceId = value.moveTo === 'credit' ? null : value.moveTo
    await cancelAllocation({ id: value.allocationId, paymentId: payment.id, moveToInvoiceId, actorId: staff.id })
    return redirect(`/admin/payments/${payment.id}?${moveToInvoiceId ? 'allocationMoved' : 'allocationDeleted'}=1`)
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    if (error.status === 404) notFound()
    return data({ confirmDelete: false, result: submission.reply({ formErrors: [error.message] }) }, { status: error.status })
  }
}

export default function PaymentDetail() {
  const { payment, member, payable, history } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t, i18n } = useTranslation('payments')
  const lang = i18n.language
  const amount = formatEuros(payment.amountCents, lang)
  const formErrors = actionData?.result.error?.['']
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to={member ? `/admin/members/${member.id}` : '/admin/payments'}>← {member ? member.name : t('list.title')}</Link></p>
      <h1 className="text-2xl font-semibold">{t('detail.title', { amount, date: formatDate(payment.date, lang) })}</h1>
      {searchParams.get('allocationDeleted') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('detail.allocationDeleted')}</p> : null}
      {searchParams.get('updated') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('detail.updated')}</p> : null}
      {searchParams.get('allocationMoved') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('detail.allocationMoved')}</p> : null}
      {formErrors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={formErrors} /></div> : null}
      <section className="card" aria-labelledby="payment">
        <h2 id="payment" className="sr-only">{t('detail.payment')}</h2>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-gray-600">{t('payment.member')}</dt>
          <dd>{member ? <><Link to={`/admin/members/${member.id}`}>{member.name}</Link> <span className="font-mono text-gray-600">{member.username}</span></> : t('payment.noMember')}</dd>
          <dt className="text-gray-600">{t('payment.method')}</dt>
          <dd>{t(`fees:paymentMethods.${payment.method}`)}</dd>
          <dt className="text-gray-600">{t('payment.amount')}</dt>
          <dd>{amount}</dd>
          <dt className="text-gray-600">{t('payment.date')}</dt>
          <dd>{formatDate(payment.date, lang)}</dd>
          <dt className="text-gray-600">{t('payment.label')}</dt>
          <dd className="break-all">{payment.label || '—'}</dd>
          <dt className="text-gray-600">{t('payment.forcedInvoice')}</dt>
          <dd>{payment.forcedInvoice ? <Link to={`/admin/invoices/${payment.forcedInvoice.id}`} className="font-mono">{payment.forcedInvoice.number}</Link> : '—'}</dd>
          <dt className="text-gray-600">{t('detail.recorded')}</dt>
          <dd>{formatDateTime(payment.createdAt, lang)}{payment.imported ? ` — ${t('detail.imported')}` : ''}</dd>
        </dl>
        <p className="mt-3 text-sm"><Link to="edit">{t('detail.edit')}</Link></p>
      </section>
      <section className="card space-y-3" aria-labelledby="allocations">
        <h2 id="allocations" className="text-lg font-semibold">{t('detail.allocations')}</h2>
        {payment.allocations.length === 0 ? <p className="text-sm text-gray-600">{t('detail.noAllocations')}</p> : (
          <table className="min-w-full divide-y divide-gray-200 text-sm">
            <thead className="text-left">
              <tr>
                <th scope="col" className="py-1 pr-3 font-semibold">{t('detail.invoice')}</th>
                <th scope="col" className="py-1 pr-3 text-right font-semibold">{t('payment.amount')}</th>
                <th scope="col" className="py-1"><span className="sr-only">{t('detail.actions')}</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-gray-100">
              {payment.allocations.map((a) => (
                <tr key={a.id}>
                  <td className="py-1 pr-3"><Link to={`/admin/invoices/${a.invoice.id}`} className="font-mono">{a.invoice.number}</Link></td>
                  <td className="py-1 pr-3 text-right whitespace-nowrap">{formatEuros(a.amountCents, lang)}</td>
                  <td className="py-1 text-right">
                    <Form method="POST" className="flex flex-wrap items-center justify-end gap-2">
                      <input type="hidden" name="intent" value="cancelAllocation" />
                      <input type="hidden" name="allocationId" value={a.id} />
                      <label className="sr-only" htmlFor={`moveTo-${a.id}`}>{t('detail.moveTo')}</label>
                      <select id={`moveTo-${a.id}`} name="moveTo" defaultValue="credit" className="input w-auto">
                        <option value="credit">{t('detail.keepAsCredit')}</option>
                        {payable.filter((i) => i.id !== a.invoice.id).map((i) => (
                          <option key={i.id} value={i.id}>{t('detail.moveToInvoice', { number: i.number, remaining: formatEuros(i.remainingCents, lang) })}</option>
                        ))}
                      </select>
                      <SubmitButton className="btn-secondary" aria-label={t('detail.deleteAllocationOf', { number: a.invoice.number })}>{t('detail.deleteAllocation')}</SubmitButton>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p className="text-sm">{t('detail.unallocated', { amount: formatEuros(payment.unallocatedCents, lang) })}</p>
        {payment.unallocatedCents > 0 && payable.length > 0 ? (
          <Form method="POST" className="flex flex-wrap items-end gap-2">
            <input type="hidden" name="intent" value="allocateCredit" />
            <div>
              <label htmlFor="allocate-credit" className="block text-sm font-medium">{t('detail.allocateCreditTo')}</label>
              <select id="allocate-credit" name="invoiceId" className="input w-auto">
                {payable.map((i) => (
                  <option key={i.id} value={i.id}>{t('detail.moveToInvoice', { number: i.number, remaining: formatEuros(i.remainingCents, lang) })}</option>
                ))}
              </select>
            </div>
            <SubmitButton className="btn-secondary">{t('detail.allocateCredit')}</SubmitButton>
          </Form>
        ) : null}
        {payment.allocations.length > 0 ? <p className="text-sm text-gray-600">{t('detail.deleteAllocationHelp')}</p> : null}
      </section>
      <AuditHistory entries={history} />
      <section className="card space-y-3" aria-labelledby="removal">
        <h2 id="removal" className="text-lg font-semibold">{t('detail.removal')}</h2>
        <p className="text-sm">{t('detail.deleteHelp')}</p>
        <ConfirmDeleteForm
          confirming={actionData?.confirmDelete === true}
          question={t('detail.confirmQuestion', { amount })}
          labels={{ delete: t('detail.delete'), confirm: t('detail.confirmDelete'), cancel: t('detail.cancel') }}
        />
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'payments:detail.pageTitle')
