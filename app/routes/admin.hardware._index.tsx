import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { SelectableTable } from '#app/components/selectable-table.tsx'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorList, SubmitButton } from '#app/components/forms.tsx'
import { Pager } from '#app/components/pager.tsx'
import { AVAILABILITIES, ItemListQuerySchema } from '#app/models/hardware/hardware.schema.ts'
import { giveBackItems, listItems } from '#app/models/hardware/items.server.ts'
import { listItemTypes, listStorages } from '#app/models/hardware/storages.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { readFormData } from '#app/utils/form.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { requireModule } from '#app/utils/modules.server.ts'
import { IdSchema } from '#app/utils/request.schema.ts'

const GiveBackSchema = z.object({
  ids: z.array(IdSchema, { error: 'hardware:errors.noneSelected' }).min(1, { message: 'hardware:errors.noneSelected' }).max(1000),
  storageId: z.preprocess((v) => (v === '' || v === undefined ? null : v), IdSchema.nullable()),
})

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  requireModule('hardware')
  const query = ItemListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  const [list, types, storages] = await Promise.all([listItems(query), listItemTypes(), listStorages()])
  return { query, ...list, types, storages }
}

/** Coin's "Rendre le matériel" on the ticked items: their running loans end, they go to the storage. */
export async function action({ request }: ActionFunctionArgs) {
  await requireStaff(request)
  requireModule('hardware')
  const submission = parseWithZod(await readFormData(request), { schema: GiveBackSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  const back = new URL(request.url).searchParams
  try {
    back.set('done', String(await giveBackItems(submission.value)))
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    return data({ result: submission.reply({ formErrors: [error.message] }) }, { status: error.status })
  }
  return redirect(`/admin/hardware?${back}`)
}

export default function HardwareItems() {
  const { query, total, pageCount, items, types, storages } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('hardware')
  const done = searchParams.get('done')
  const params = (page?: number) => {
    const next = new URLSearchParams(searchParams)
    next.delete('done')
    if (page) next.set('page', String(page))
    else next.delete('page')
    return next
  }
  const errors = Object.values(actionData?.result.error ?? {}).flatMap((e) => e ?? [])
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{t('admin.title')}</h1>
        <Link to="/admin/hardware/items/new" className="btn">{t('admin.newItem')}</Link>
        <Link to="/admin/hardware/loans">{t('loans.title')}</Link>
        <Link to="/admin/hardware/storages">{t('storages.title')}</Link>
        <a href={`/admin/hardware.csv?${params()}`} download>{t('admin.csv')}</a>
      </div>
      {done !== null ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('admin.givenBack', { count: Number(done) || 0 })}</p> : null}
      {searchParams.get('deleted') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('item.deleted')}</p> : null}
      <Form method="GET" className="card flex flex-wrap items-end gap-3" role="search">
        <label className="flex flex-col text-sm">
          {t('admin.search')}
          <input type="search" name="q" defaultValue={query.q} className="input" placeholder={t('admin.searchPlaceholder')} />
        </label>
        <label className="flex flex-col text-sm">
          {t('admin.availability')}
          <select name="availability" defaultValue={query.availability ?? ''} className="input">
            <option value="">{t('admin.all')}</option>
            {AVAILABILITIES.map((a) => <option key={a} value={a}>{t(`availability.${a}`)}</option>)}
          </select>
        </label>
        <label className="flex flex-col text-sm">
          {t('item.type')}
          <select name="typeId" defaultValue={query.typeId ?? ''} className="input">
            <option value="">{t('admin.all')}</option>
            {types.map((ty) => <option key={ty.id} value={ty.id}>{ty.name}</option>)}
          </select>
        </label>
        <label className="flex flex-col text-sm">
          {t('item.storage')}
          <select name="storageId" defaultValue={query.storageId ?? ''} className="input">
            <option value="">{t('admin.all')}</option>
            {storages.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </label>
        <label className="flex flex-col text-sm">
          {t('item.owner')}
          <input type="text" name="owner" defaultValue={query.owner ?? ''} className="input" placeholder={t('admin.ownerPlaceholder')} />
        </label>
        <button type="submit" className="btn-secondary btn">{t('admin.filter')}</button>
      </Form>
      <p className="text-sm">{t('admin.count', { count: total })}</p>
      {errors.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={errors} /></div> : null}
      <Form method="POST" className="space-y-3">
        <SelectableTable
          selectLabel={t('admin.select')} empty={t('admin.none')} isEmpty={items.length === 0}
          headers={[t('item.designation'), t('item.type'), t('item.macAddress'), t('item.serial'), t('item.storage'), t('item.owner'), t('admin.state')]}
        >
          {items.map((item) => (
            <tr key={item.id}>
              <td className="px-3 py-2"><input type="checkbox" name="ids" value={item.id} aria-label={t('admin.selectOne', { name: item.designation })} /></td>
              <td className="px-3 py-2"><Link to={`/admin/hardware/items/${item.id}`}>{item.designation}</Link></td>
              <td className="px-3 py-2">{item.type.name}</td>
              <td className="px-3 py-2 font-mono">{item.macAddress}</td>
              <td className="px-3 py-2 font-mono">{item.serial}</td>
              <td className="px-3 py-2">{item.storage?.name ?? '—'}</td>
              <td className="px-3 py-2">{item.owner ? <Link to={`/admin/members/${item.owner.id}`}>{item.owner.name}</Link> : t('item.association')}</td>
              <td className="px-3 py-2">
                {item.deployed ? t('availability.deployed') : item.loan ? t('admin.lentTo', { name: item.loan.member.name }) : t('availability.available')}
              </td>
            </tr>
          ))}
        </SelectableTable>
        <fieldset className="flex flex-wrap items-end gap-2">
          <legend className="mb-1 text-sm font-medium">{t('admin.giveBack')}</legend>
          <label className="flex flex-col text-sm">
            {t('admin.giveBackTo')}
            <select name="storageId" defaultValue="" className="input">
              <option value="">{t('admin.storageUnchanged')}</option>
              {storages.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
            </select>
          </label>
          <SubmitButton className="btn-secondary btn">{t('admin.giveBack')}</SubmitButton>
        </fieldset>
      </Form>
      <Pager page={query.page} pageCount={pageCount} hrefOf={(page) => `/admin/hardware?${params(page)}`} label={t('admin.pagination')} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'hardware:admin.title')
