import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ItemForm } from '#app/components/hardware-item-form.tsx'
import { ItemSchema } from '#app/models/hardware/hardware.schema.ts'
import { createItem } from '#app/models/hardware/items.server.ts'
import { listItemTypes, listStorages } from '#app/models/hardware/storages.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { readFormData } from '#app/utils/form.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { requireModule } from '#app/utils/modules.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  requireModule('hardware')
  const [types, storages] = await Promise.all([listItemTypes(), listStorages()])
  return { types, storages }
}

export async function action({ request }: ActionFunctionArgs) {
  await requireStaff(request)
  requireModule('hardware')
  const submission = parseWithZod(await readFormData(request), { schema: ItemSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  try {
    const { id } = await createItem(submission.value)
    return redirect(`/admin/hardware/items/${id}?saved=1`)
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    const field = error.values?.field
    return data({ result: submission.reply(field ? { fieldErrors: { [field]: [error.message] } } : { formErrors: [error.message] }) }, { status: error.status })
  }
}

export default function NewItem() {
  const { types, storages } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation('hardware')
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to="/admin/hardware">← {t('admin.title')}</Link></p>
      <h1 className="text-2xl font-semibold">{t('item.new')}</h1>
      {types.length === 0 ? <p className="rounded bg-amber-50 p-2 text-sm"><Link to="/admin/hardware/storages">{t('item.noTypes')}</Link></p> : null}
      <ItemForm isNew lastResult={actionData?.result} types={types} storages={storages} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'hardware:item.new')
