import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorList, SubmitButton } from '#app/components/forms.tsx'
import { ItemTypeSchema, StorageSchema } from '#app/models/hardware/hardware.schema.ts'
import {
  createItemType, createStorage, deleteItemType, deleteStorage, listItemTypes, listStorages, updateItemType, updateStorage,
} from '#app/models/hardware/storages.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { readFormData } from '#app/utils/form.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { requireModule } from '#app/utils/modules.server.ts'
import { IdSchema } from '#app/utils/request.schema.ts'

const ActionSchema = z.discriminatedUnion('intent', [
  StorageSchema.extend({ intent: z.literal('createStorage') }),
  StorageSchema.extend({ intent: z.literal('updateStorage'), id: IdSchema }),
  z.object({ intent: z.literal('deleteStorage'), id: IdSchema }),
  ItemTypeSchema.extend({ intent: z.literal('createType') }),
  ItemTypeSchema.extend({ intent: z.literal('updateType'), id: IdSchema }),
  z.object({ intent: z.literal('deleteType'), id: IdSchema }),
])

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  requireModule('hardware')
  const [storages, types] = await Promise.all([listStorages(), listItemTypes()])
  return { storages, types }
}

/** Storages and item types: add, rename (and a storage's notes), delete. */
export async function action({ request }: ActionFunctionArgs) {
  await requireStaff(request)
  requireModule('hardware')
  const form = await readFormData(request)
  const submission = parseWithZod(form, { schema: ActionSchema })
  const target = `${String(form.get('intent'))}-${String(form.get('id') ?? 'new')}`
  if (submission.status !== 'success') return data({ result: submission.reply(), target }, { status: 400 })
  const value = submission.value
  try {
    if (value.intent === 'createStorage') await createStorage({ name: value.name, notes: value.notes })
    else if (value.intent === 'updateStorage') await updateStorage(value.id, { name: value.name, notes: value.notes })
    else if (value.intent === 'deleteStorage') await deleteStorage(value.id)
    else if (value.intent === 'createType') await createItemType({ name: value.name })
    else if (value.intent === 'updateType') await updateItemType(value.id, { name: value.name })
    else await deleteItemType(value.id)
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    const field = error.values?.field
    return data({ result: submission.reply(field ? { fieldErrors: { [field]: [error.message] } } : { formErrors: [error.message] }), target }, { status: error.status })
  }
  return redirect('/admin/hardware/storages?saved=1')
}

export default function HardwareStorages() {
  const { storages, types } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('hardware')
  const errorsFor = (target: string) => (actionData?.target === target ? Object.values(actionData.result.error ?? {}).flatMap((e) => e ?? []) : [])
  return (
    <div className="space-y-6">
      <p className="text-sm"><Link to="/admin/hardware">← {t('admin.title')}</Link></p>
      <h1 className="text-2xl font-semibold">{t('storages.title')}</h1>
      {searchParams.get('saved') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('storages.saved')}</p> : null}

      <section className="card space-y-3" aria-labelledby="storages">
        <h2 id="storages" className="text-lg font-semibold">{t('storage.title')}</h2>
        <ul className="space-y-4">
          {storages.map((s) => (
            <li key={s.id} className="space-y-2 border-b border-gray-100 pb-3">
              <p className="text-sm">{t('storages.itemCount', { count: s.itemCount })}</p>
              <Form method="POST" className="flex flex-wrap items-end gap-2">
                <input type="hidden" name="intent" value="updateStorage" />
                <input type="hidden" name="id" value={s.id} />
                <label className="flex flex-col text-sm">{t('storage.name')}<input name="name" defaultValue={s.name} required maxLength={100} className="input" /></label>
                <label className="flex flex-col text-sm">{t('storage.notes')}<textarea name="notes" defaultValue={s.notes} rows={2} className="input" /></label>
                <SubmitButton className="btn-secondary btn">{t('common:actions.save')}</SubmitButton>
              </Form>
              <Form method="POST">
                <input type="hidden" name="intent" value="deleteStorage" />
                <input type="hidden" name="id" value={s.id} />
                <SubmitButton className="btn-danger" aria-label={t('storages.deleteOne', { name: s.name })}>{t('storages.delete')}</SubmitButton>
              </Form>
              <ErrorList errors={[...errorsFor(`updateStorage-${s.id}`), ...errorsFor(`deleteStorage-${s.id}`)]} />
            </li>
          ))}
        </ul>
        <Form method="POST" className="flex flex-wrap items-end gap-2">
          <input type="hidden" name="intent" value="createStorage" />
          <label className="flex flex-col text-sm">{t('storage.name')}<input name="name" required maxLength={100} className="input" /></label>
          <label className="flex flex-col text-sm">{t('storage.notes')}<textarea name="notes" rows={2} className="input" /></label>
          <SubmitButton>{t('storages.add')}</SubmitButton>
        </Form>
        <ErrorList errors={errorsFor('createStorage-new')} />
      </section>

      <section className="card space-y-3" aria-labelledby="item-types">
        <h2 id="item-types" className="text-lg font-semibold">{t('types.title')}</h2>
        <ul className="space-y-3">
          {types.map((ty) => (
            <li key={ty.id} className="flex flex-wrap items-end gap-2">
              <Form method="POST" className="flex flex-wrap items-end gap-2">
                <input type="hidden" name="intent" value="updateType" />
                <input type="hidden" name="id" value={ty.id} />
                <label className="flex flex-col text-sm">{t('types.name')}<input name="name" defaultValue={ty.name} required maxLength={100} className="input" /></label>
                <SubmitButton className="btn-secondary btn">{t('common:actions.save')}</SubmitButton>
              </Form>
              <span className="text-sm">{t('storages.itemCount', { count: ty.itemCount })}</span>
              {ty.itemCount === 0 ? (
                <Form method="POST">
                  <input type="hidden" name="intent" value="deleteType" />
                  <input type="hidden" name="id" value={ty.id} />
                  <SubmitButton className="btn-danger" aria-label={t('types.deleteOne', { name: ty.name })}>{t('types.delete')}</SubmitButton>
                </Form>
              ) : null}
              <ErrorList errors={[...errorsFor(`updateType-${ty.id}`), ...errorsFor(`deleteType-${ty.id}`)]} />
            </li>
          ))}
        </ul>
        <Form method="POST" className="flex flex-wrap items-end gap-2">
          <input type="hidden" name="intent" value="createType" />
          <label className="flex flex-col text-sm">{t('types.name')}<input name="name" required maxLength={100} className="input" /></label>
          <SubmitButton>{t('types.add')}</SubmitButton>
        </Form>
        <ErrorList errors={errorsFor('createType-new')} />
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'hardware:storages.title')
