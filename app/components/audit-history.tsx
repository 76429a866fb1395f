import { Link } from '@remix-run/react'
import type { TFunction } from 'i18next'
import { useTranslation } from 'react-i18next'
import { formatEuros } from '#app/utils/money.ts'
import { formatDate, formatDateTime } from './member-status.tsx'

/** One audit entry as `listAuditEntries` and `loadHistory` return it. */
export type AuditHistoryEntry = {
  id: string
  at: Date | string
  actorId: number | null
  actorName: string | null
  action: string
  entity: string
  entityId: number
  memberId: number | null
  memberName: string | null
  before: unknown
  after: unknown
}

/** Fields whose values are codes (statuses, methods) translated from audit:values. */
const CODED_FIELDS = new Set(['status', 'method', 'paymentMethod', 'kind'])

/** The order fields are listed in (the database keeps JSON keys in its own order); others follow. */
const FIELD_ORDER = [
  'amountCents', 'totalCents', 'number', 'kind', 'status', 'date', 'startDate', 'endDate', 'subscriptionDate', 'resignDate',
  'method', 'paymentMethod', 'reference', 'label', 'commitmentMonths', 'comment', 'comments',
]
const rank = (field: string) => (FIELD_ORDER.includes(field) ? FIELD_ORDER.indexOf(field) : FIELD_ORDER.length)

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** A logged value as people read it: euros for *Cents fields, dates, translated codes, "—" for nothing. */
export function formatAuditValue(field: string, value: unknown, t: TFunction, language: string): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'number' && field.endsWith('Cents')) return formatEuros(value, language)
  if (typeof value === 'boolean') return value ? t('common:yes') : t('common:no')
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value, language)
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return formatDateTime(value, language)
    if (CODED_FIELDS.has(field) && /^[A-Z_]+$/.test(value)) return t(`audit:values.${value}`, { defaultValue: value })
    return value
  }
  if (Array.isArray(value)) return value.map((v) => formatAuditValue(field, v, t, language)).join(', ')
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

/**
 * What an entry changed, one line a field: "Montant : 20,00 € → 25,00 €" for an update, the
 * value alone when the entry only has the state after (a creation) or before (a deletion).
 * Fields follow FIELD_ORDER.
 */
export function describeAuditChanges(entry: Pick<AuditHistoryEntry, 'before' | 'after'>, t: TFunction, language: string) {
  const before = isRecord(entry.before) ? entry.before : null
  const after = isRecord(entry.after) ? entry.after : null
  const only = before && after ? null : (after ?? before)
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])]
    // A creation or a deletion lists the values the row had, leaving out the empty ones.
    .filter((field) => !only || (only[field] !== null && only[field] !== ''))
    .sort((a, b) => rank(a) - rank(b))
  return fields.map((field) => {
    const label = t(`audit:fields.${field}`, { defaultValue: field })
    const value = (v: unknown) => formatAuditValue(field, v, t, language)
    const text = only ? value(only[field]) : `${value(before?.[field])} → ${value(after?.[field])}`
    return t('audit:history.change', { field: label, text })
  })
}

/** The staff page of the row an entry is about, when it has one. */
function subjectPath(entity: string, entityId: number, action: string) {
  if (action.endsWith('.delete')) return null
  const paths: Record<string, string> = { payment: 'payments', invoice: 'invoices', fee: 'fees', subscription: 'subscriptions', member: 'members' }
  return paths[entity] ? `/admin/${paths[entity]}/${entityId}` : null
}

/**
 * A row's or a member's history from the audit log: when, who ("Coin" for its own runs), what
 * was done and what changed. `showSubject` adds the member and the row concerned (the journal).
 */
export function AuditHistory({ entries, title, showSubject = false, more }: {
  entries: AuditHistoryEntry[]
  title?: string
  showSubject?: boolean
  more?: { to: string; label: string }
}) {
  const { t, i18n } = useTranslation('audit')
  const lang = i18n.language
  return (
    <section className="card space-y-3" aria-labelledby="audit-history">
      <h2 id="audit-history" className="text-lg font-semibold">{title ?? t('history.title')}</h2>
      {entries.length === 0 ? <p className="text-sm text-gray-600">{t('history.none')}</p> : (
        <div className="overflow-x-auto">
          <table className="min-w-full divide-y divide-gray-200 text-sm">
            <thead className="text-left">
              <tr>
                <th scope="col" className="py-1 pr-3 font-semibold">{t('history.at')}</th>
                <th scope="col" className="py-1 pr-3 font-semibold">{t('history.actor')}</th>
                <th scope="col" className="py-1 pr-3 font-semibold">{t('history.action')}</th>
                {showSubject ? <th scope="col" className="py-1 pr-3 font-semibold">{t('history.subject')}</th> : null}
                <th scope="col" className="py-1 font-semibold">{t('history.changes')}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-gray-100 align-top">
              {entries.map((e) => {
                const path = subjectPath(e.entity, e.entityId, e.action)
                const subject = t('history.entityRef', { entity: t(`entities.${e.entity}`, { defaultValue: e.entity }), id: e.entityId })
                return (
                  <tr key={e.id}>
                    <td className="py-1 pr-3 whitespace-nowrap">{formatDateTime(e.at, lang)}</td>
                    <td className="py-1 pr-3">{e.actorId === null ? 'Coin' : e.actorName ?? t('history.unknownActor', { id: e.actorId })}</td>
                    <td className="py-1 pr-3">{t(`actions.${e.action}`, { defaultValue: e.action })}</td>
                    {showSubject ? (
                      <td className="py-1 pr-3">
                        {e.memberId !== null ? <div><Link to={`/admin/members/${e.memberId}`}>{e.memberName ?? `#${e.memberId}`}</Link></div> : null}
                        <div className="text-gray-600">{path ? <Link to={path}>{subject}</Link> : subject}</div>
                      </td>
                    ) : null}
                    <td className="py-1">
                      <ul className="space-y-0.5">
                        {describeAuditChanges(e, t, lang).map((line, index) => <li key={index} className="break-words">{line}</li>)}
                      </ul>
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
      {more ? <p className="text-sm"><Link to={more.to}>{more.label}</Link></p> : null}
    </section>
  )
}
