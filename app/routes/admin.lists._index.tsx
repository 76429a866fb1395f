import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorList, Field, SubmitButton, TextareaField } from '#app/components/forms.tsx'
import { ServiceStatusBadge } from '#app/components/service.tsx'
import { createMailingList, listMailingLists } from '#app/models/maillist/lists.server.ts'
import { MailingListSchema } from '#app/models/maillist/maillist.schema.ts'
import { maillistSyncOn } from '#app/models/maillist/sync.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { readFormData } from '#app/utils/form.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { requireModule } from '#app/utils/modules.server.ts'

/** The mailing lists: subscriber counts, where each push stands, and a form to add one. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  requireModule('maillists')
  return { lists: await listMailingLists(), syncOn: maillistSyncOn() }
}

/** Adds a list; a taken short name or address is an error on its field. */
export async function action({ request }: ActionFunctionArgs) {
  await requireStaff(request)
  requireModule('maillists')
  const submission = parseWithZod(await readFormData(request), { schema: MailingListSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  try {
    const { id } = await createMailingList(submission.value)
    return redirect(`/admin/lists/${id}?created=1`)
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    const field = error.values?.field
    return data({ result: submission.reply(field ? { fieldErrors: { [field]: [error.message] } } : { formErrors: [error.message] }) }, { status: error.status })
  }
}

export default function AdminLists() {
  const { lists, syncOn } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('lists')
  const errors = actionData?.result.error ?? {}
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('admin.title')}</h1>
      {searchParams.get('deleted') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('admin.deleted')}</p> : null}
      {syncOn ? null : <p className="rounded bg-gray-100 p-2 text-sm">{t('admin.syncOff')}</p>}
      <section className="card">
        {lists.length === 0 ? <p className="text-sm text-gray-600">{t('admin.none')}</p> : (
          <table className="min-w-full divide-y divide-gray-200 text-sm">
            <thead className="text-left">
              <tr>
                <th scope="col" className="px-2 py-1">{t('list.label')}</th>
                <th scope="col" className="px-2 py-1">{t('list.shortName')}</th>
                <th scope="col" className="px-2 py-1">{t('list.address')}</th>
                <th scope="col" className="px-2 py-1">{t('list.subscribers')}</th>
                <th scope="col" className="px-2 py-1">{t('list.status')}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-gray-100">
              {lists.map((list) => (
                <tr key={list.id}>
                  <td className="px-2 py-1"><Link to={`/admin/lists/${list.id}`}>{list.label}</Link></td>
                  <td className="px-2 py-1 font-mono">{list.shortName}</td>
                  <td className="px-2 py-1">{list.address}</td>
                  <td className="px-2 py-1">{list.subscriberCount}</td>
                  <td className="px-2 py-1"><ServiceStatusBadge status={list.status} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card space-y-3" aria-labelledby="new-list">
        <h2 id="new-list" className="text-lg font-semibold">{t('admin.new')}</h2>
        <Form method="POST" className="grid gap-3 sm:grid-cols-2">
          <Field label={t('list.label')} name="label" required maxLength={130} errors={errors.label ?? undefined} />
          <Field label={t('list.address')} name="address" type="email" required maxLength={254} errors={errors.address ?? undefined} />
          <Field label={t('list.shortName')} name="shortName" required maxLength={50} errors={errors.shortName ?? undefined} help={t('list.shortNameHelp')} />
          <TextareaField label={t('list.description')} name="description" rows={3} errors={errors.description ?? undefined} className="sm:col-span-2" />
          <ErrorList errors={errors[''] ?? undefined} />
          <div className="sm:col-span-2"><SubmitButton>{t('admin.add')}</SubmitButton></div>
        </Form>
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'lists:admin.title')
