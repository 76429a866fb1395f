import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuditHistory } from '#app/components/audit-history.tsx'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorList } from '#app/components/forms.tsx'
import { AUDIT_ENTITIES } from '#app/models/audit/audit.schema.ts'
import { listAuditActors, listAuditEntries, parseAuditQuery } from '#app/models/audit/list.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { pageTitle } from '#app/utils/meta.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  const { values, errors, filter, page } = await parseAuditQuery(new URL(request.url).searchParams)
  const [actors, list] = await Promise.all([
    listAuditActors(),
    filter ? listAuditEntries({ ...filter, page }) : null,
  ])
  const result = {
    values,
    errors,
    actors,
    entries: list?.entries ?? [],
    total: list?.total ?? 0,
    page,
    pageCount: list ? Math.max(1, Math.ceil(list.total / list.pageSize)) : 1,
  }
  return data(result, { status: filter ? 200 : 400 })
}

/** A filter control with its label and field errors, linked for screen readers. */
function FilterField({ name, label, errors, children }: { name: string; label: string; errors?: string[]; children: (props: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => React.ReactNode }) {
  const errorId = errors?.length ? `${name}-error` : undefined
  return (
    <div>
      <label htmlFor={name}>{label}</label>
      {children({ id: name, 'aria-invalid': errorId ? true : undefined, 'aria-describedby': errorId })}
      <ErrorList id={errorId} errors={errors} />
    </div>
  )
}

export default function AuditJournal() {
  const { values, errors, actors, entries, total, page, pageCount } = useLoaderData<typeof loader>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('audit')
  const withPage = (n: number) => {
    const next = new URLSearchParams(searchParams)
    next.set('page', String(n))
    return `?${next.toString()}`
  }
  const csvParams = new URLSearchParams(searchParams)
  csvParams.delete('page')
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t('journal.title')}</h1>
      <p className="text-sm text-gray-600">{t('journal.intro')}</p>
      <Form method="GET" className="card flex flex-wrap items-start gap-3">
        <FilterField name="actor" label={t('journal.actor')} errors={errors.actor}>
          {(props) => (
            <select {...props} name="actor" defaultValue={values.actor} className="input">
              <option value="">{t('journal.allActors')}</option>
              {actors.map((a) => <option key={a.id} value={a.id}>{a.name} ({a.username})</option>)}
            </select>
          )}
        </FilterField>
        <FilterField name="member" label={t('journal.member')} errors={errors.member}>
          {(props) => <input {...props} name="member" type="text" defaultValue={values.member} placeholder={t('journal.memberPlaceholder')} className="input" />}
        </FilterField>
        <FilterField name="entity" label={t('journal.entity')} errors={errors.entity}>
          {(props) => (
            <select {...props} name="entity" defaultValue={values.entity} className="input">
              <option value="">{t('journal.allEntities')}</option>
              {AUDIT_ENTITIES.map((e) => <option key={e} value={e}>{t(`entities.${e}`)}</option>)}
            </select>
          )}
        </FilterField>
        <FilterField name="from" label={t('journal.from')} errors={errors.from}>
          {(props) => <input {...props} name="from" type="date" defaultValue={values.from} className="input" />}
        </FilterField>
        <FilterField name="to" label={t('journal.to')} errors={errors.to}>
          {(props) => <input {...props} name="to" type="date" defaultValue={values.to} className="input" />}
        </FilterField>
        <div className="flex items-center gap-3 self-end">
          <button type="submit" className="btn">{t('journal.submit')}</button>
          <Link to="/admin/audit">{t('journal.reset')}</Link>
        </div>
        <a className="btn-secondary ml-auto self-end" href={`/admin/audit.csv?${csvParams.toString()}`} download>{t('journal.csv')}</a>
      </Form>
      <AuditHistory entries={entries} title={t('journal.count', { count: total })} showSubject />
      {pageCount > 1 ? (
        <nav className="flex items-center gap-4 text-sm" aria-label={t('journal.pageOf', { page, pages: pageCount })}>
          {page > 1 ? <Link to={withPage(page - 1)} rel="prev">{t('journal.previous')}</Link> : null}
          <span>{t('journal.pageOf', { page, pages: pageCount })}</span>
          {page < pageCount ? <Link to={withPage(page + 1)} rel="next">{t('journal.next')}</Link> : null}
        </nav>
      ) : null}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'audit:journal.title')
