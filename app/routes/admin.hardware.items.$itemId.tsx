import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ConfirmDeleteForm, SubmitButton } from '#app/components/forms.tsx'
import { ItemForm } from '#app/components/hardware-item-form.tsx'
import { formatDateTime } from '#app/components/member-status.tsx'
import { ItemIdParams, ItemSchema } from '#app/models/hardware/hardware.schema.ts'
import { deleteItem, getItem, updateItem } from '#app/models/hardware/items.server.ts'
import { endLoan } from '#app/models/hardware/loans.server.ts'
import { listItemTypes, listStorages } from '#app/models/hardware/storages.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { toIsoDate } from '#app/utils/dates.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { readFormData } from '#app/utils/form.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { requireModule } from '#app/utils/modules.server.ts'
import { IdSchema } from '#app/utils/request.schema.ts'

const ActionSchema = z.discriminatedUnion('intent', [
  ItemSchema.extend({ intent: z.literal('save') }),
  z.object({ intent: z.literal('endLoan'), loanId: IdSchema }),
  z.object({ intent: z.enum(['delete', 'confirmDelete']) }),
])

async function requireItem(params: LoaderFunctionArgs['params']) {
  const { itemId } = ItemIdParams.parse(params)
  const item = itemId ? await getItem(itemId) : null
  if (!item) notFound()
  return item
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request)
  requireModule('hardware')
  const [item, types, storages] = await Promise.all([requireItem(params), listItemTypes(), listStorages()])
  const defaults = {
    designation: item.designation, typeId: String(item.typeId), storageId: item.storageId ? String(item.storageId) : '',
    macAddress: item.macAddress, serial: item.serial, buyDate: item.buyDate ? toIsoDate(item.buyDate) : '',
    owner: item.owner?.username ?? '', deployed: item.deployed, comment: item.comment,
  }
  return { item, types, storages, defaults }
}

export async function action({ request, params }: ActionFunctionArgs) {
  await requireStaff(request)
  requireModule('hardware')
  const item = await requireItem(params)
  const submission = parseWithZod(await readFormData(request), { schema: ActionSchema })
  if (submission.status !== 'success') return data({ result: submission.reply(), confirmDelete: false }, { status: 400 })
  const value = submission.value
  if (value.intent === 'endLoan') {
    // Only a loan of this item; a loan of another item is not found here.
    if (!item.loans.some((l) => l.id === value.loanId)) notFound()
    await endLoan({ loanId: value.loanId })
    return redirect(`/admin/hardware/items/${item.id}?ended=1`)
  }
  // Without JavaScript, deleting takes two posts: the first only asks for confirmation.
  if (value.intent !== 'save') {
    if (value.intent === 'delete') return data({ result: null, confirmDelete: true })
    await deleteItem(item.id)
    return redirect('/admin/hardware?deleted=1')
  }
  try {
    const { intent: _intent, ...input } = value
    await updateItem(item.id, input)
    return redirect(`/admin/hardware/items/${item.id}?saved=1`)
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    const field = error.values?.field
    return data({ result: submission.reply(field ? { fieldErrors: { [field]: [error.message] } } : { formErrors: [error.message] }), confirmDelete: false }, { status: error.status })
  }
}

export default function EditItem() {
  const { item, types, storages, defaults } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t, i18n } = useTranslation('hardware')
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to="/admin/hardware">← {t('admin.title')}</Link></p>
      <h1 className="text-2xl font-semibold">{item.designation}</h1>
      {searchParams.get('saved') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('item.saved')}</p> : null}
      {searchParams.get('ended') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('loans.ended')}</p> : null}
      <p className="text-sm">{item.deployed ? t('availability.deployed') : item.loan ? t('admin.lentTo', { name: item.loan.member.name }) : t('availability.available')}</p>
      <ItemForm isNew={false} lastResult={actionData?.result ?? undefined} defaultValue={defaults} types={types} storages={storages} />
      <section className="card space-y-2" aria-labelledby="item-loans">
        <h2 id="item-loans" className="text-lg font-semibold">{t('loans.title')}</h2>
        <p className="text-sm"><Link to={`/admin/hardware/loans?status=all&itemId=${item.id}`}>{t('loans.ofItem')}</Link></p>
        {item.loans.length === 0 ? <p className="text-sm text-gray-600">{t('loans.none')}</p> : (
          <ul className="space-y-1 text-sm">
            {item.loans.map((loan) => (
              <li key={loan.id} className="flex flex-wrap items-center gap-2">
                <Link to={`/admin/members/${loan.member.id}`}>{loan.member.name}</Link>
                <span>{loan.endedAt ? t('loan.period', { from: formatDateTime(loan.startedAt, i18n.language), to: formatDateTime(loan.endedAt, i18n.language) }) : t('member.since', { date: formatDateTime(loan.startedAt, i18n.language) })}</span>
                {loan.endedAt ? null : (
                  <Form method="POST">
                    <input type="hidden" name="intent" value="endLoan" />
                    <input type="hidden" name="loanId" value={loan.id} />
                    <SubmitButton className="btn-secondary btn">{t('loans.end')}</SubmitButton>
                  </Form>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card space-y-3" aria-labelledby="item-removal">
        <h2 id="item-removal" className="text-lg font-semibold">{t('item.delete')}</h2>
        <ConfirmDeleteForm
          confirming={actionData?.confirmDelete === true}
          question={t('item.deleteQuestion', { name: item.designation })}
          labels={{ delete: t('item.delete'), confirm: t('item.confirmDelete'), cancel: t('item.cancel') }}
        />
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, 'hardware:item.edit', { name: data?.item.designation ?? '' })
