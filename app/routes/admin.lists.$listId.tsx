import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ConfirmDeleteForm, ErrorList, Field, SubmitButton, TextareaField } from '#app/components/forms.tsx'
import { ServiceStatusBadge } from '#app/components/service.tsx'
import { deleteMailingList, getMailingList, removeSubscriber, updateMailingList } from '#app/models/maillist/lists.server.ts'
import { ListIdParams, MailingListSchema, subscriberName } from '#app/models/maillist/maillist.schema.ts'
import { requestListSync } from '#app/models/maillist/sync.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { readFormData } from '#app/utils/form.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { requireModule } from '#app/utils/modules.server.ts'
import { IdSchema } from '#app/utils/request.schema.ts'

const ActionSchema = z.discriminatedUnion('intent', [
  MailingListSchema.extend({ intent: z.literal('save') }),
  z.object({ intent: z.literal('remove'), memberId: IdSchema }),
  z.object({ intent: z.literal('sync') }),
  z.object({ intent: z.literal('delete') }),
  z.object({ intent: z.literal('confirmDelete') }),
])

async function requireList(params: LoaderFunctionArgs['params']) {
  const { listId } = ListIdParams.parse(params)
  const list = listId ? await getMailingList(listId) : null
  if (!list) notFound()
  return list
}

/** One list: its settings, where its push stands (with the command's last error), its subscribers. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request)
  requireModule('maillists')
  return { list: await requireList(params) }
}

/** Save the list, push it now, take a subscriber off, or delete it (confirmed). */
export async function action({ request, params }: ActionFunctionArgs) {
  await requireStaff(request)
  requireModule('maillists')
  const list = await requireList(params)
  const submission = parseWithZod(await readFormData(request), { schema: ActionSchema })
  if (submission.status !== 'success') return data({ result: submission.reply(), confirmDelete: false }, { status: 400 })
  const value = submission.value
  const here = `/admin/lists/${list.id}`
  if (value.intent === 'delete') return data({ result: null, confirmDelete: true })
  if (value.intent === 'confirmDelete') {
    await deleteMailingList(list.id)
    return redirect('/admin/lists?deleted=1')
  }
  if (value.intent === 'sync') {
    await requestListSync(list.id)
    return redirect(`${here}?sync=1`)
  }
  if (value.intent === 'remove') {
    if (!(await removeSubscriber({ listId: list.id, memberId: value.memberId }))) notFound()
    return redirect(`${here}?removed=1`)
  }
  try {
    const { intent: _, ...input } = value
    if (!(await updateMailingList(list.id, input))) notFound()
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    const field = error.values?.field
    return data({ result: submission.reply(field ? { fieldErrors: { [field]: [error.message] } } : { formErrors: [error.message] }), confirmDelete: false }, { status: error.status })
  }
  return redirect(`${here}?saved=1`)
}

const NOTICES = ['created', 'saved', 'sync', 'removed'] as const

export default function AdminList() {
  const { list } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('lists')
  const errors = actionData?.result?.error ?? {}
  const notice = NOTICES.find((n) => searchParams.get(n))
  const noticeKey = { created: 'admin.created', saved: 'admin.saved', sync: 'admin.syncQueued', removed: 'admin.removed' } as const
  return (
    <div className="space-y-6">
      <p className="text-sm"><Link to="/admin/lists">← {t('admin.back')}</Link></p>
      <h1 className="text-2xl font-semibold">{list.label} <span className="text-base font-normal text-gray-600">({list.address})</span></h1>
      {notice ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t(noticeKey[notice])}</p> : null}

      <section className="card space-y-3" aria-labelledby="list-sync">
        <h2 id="list-sync" className="text-lg font-semibold">{t('list.status')}</h2>
        <ServiceStatusBadge status={list.status} detailed />
        {list.status.state === 'off' ? <p className="text-sm">{t('admin.syncOff')}</p> : null}
        {list.status.message ? (
          <div>
            <h3 className="text-sm font-medium">{t('admin.lastError')}</h3>
            <pre className="overflow-x-auto whitespace-pre-wrap rounded bg-red-50 p-2 text-sm text-red-900">{list.status.message}</pre>
          </div>
        ) : null}
        {list.status.state === 'off' ? null : (
          <Form method="POST">
            <input type="hidden" name="intent" value="sync" />
            <SubmitButton className="btn-secondary btn">{t('admin.syncNow')}</SubmitButton>
          </Form>
        )}
      </section>

      <section className="card space-y-3" aria-labelledby="list-subscribers">
        <h2 id="list-subscribers" className="text-lg font-semibold">{t('list.subscribers')} ({list.subscribers.length})</h2>
        {list.subscribers.length === 0 ? <p className="text-sm text-gray-600">{t('admin.noSubscribers')}</p> : (
          <ul className="divide-y divide-gray-100 text-sm">
            {list.subscribers.map((m) => (
              <li key={m.id} className="flex flex-wrap items-center gap-3 py-1">
                <Link to={`/admin/members/${m.id}`}>{subscriberName(m)}</Link>
                <span className="text-gray-600">{m.email || t('admin.noEmail')}</span>
                <Form method="POST" className="ml-auto">
                  <input type="hidden" name="intent" value="remove" />
                  <input type="hidden" name="memberId" value={m.id} />
                  <SubmitButton className="btn-secondary btn" aria-label={t('admin.removeOne', { name: subscriberName(m) })}>{t('admin.remove')}</SubmitButton>
                </Form>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card space-y-3" aria-labelledby="list-edit">
        <h2 id="list-edit" className="text-lg font-semibold">{t('admin.edit')}</h2>
        <Form method="POST" className="grid gap-3 sm:grid-cols-2">
          <input type="hidden" name="intent" value="save" />
          <Field label={t('list.label')} name="label" defaultValue={list.label} required maxLength={130} errors={errors.label ?? undefined} />
          <Field label={t('list.address')} name="address" type="email" defaultValue={list.address} required maxLength={254} errors={errors.address ?? undefined} />
          <Field label={t('list.shortName')} name="shortName" defaultValue={list.shortName} required maxLength={50} errors={errors.shortName ?? undefined} help={t('list.shortNameHelp')} />
          <TextareaField label={t('list.description')} name="description" defaultValue={list.description} rows={3} errors={errors.description ?? undefined} className="sm:col-span-2" />
          <ErrorList errors={errors[''] ?? undefined} />
          <div className="sm:col-span-2"><SubmitButton>{t('common:actions.save')}</SubmitButton></div>
        </Form>
        <ConfirmDeleteForm
          confirming={actionData?.confirmDelete === true}
          question={t('admin.deleteQuestion')}
          labels={{ delete: t('admin.delete'), confirm: t('admin.delete'), cancel: t('admin.cancel') }}
        />
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'lists:admin.title')
