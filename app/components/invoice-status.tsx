import { useTranslation } from 'react-i18next'

const STATUS_STYLE = {
  OPEN: 'bg-amber-100 text-amber-900',
  CLOSED: 'bg-green-100 text-green-800',
  TROUBLE: 'bg-red-100 text-red-800',
  DRAFT: 'bg-gray-200 text-gray-700',
  CREDIT_NOTE: 'bg-sky-100 text-sky-800',
} as const

type InvoiceBadgeStatus = keyof typeof STATUS_STYLE

/** What an invoice row shows as its status: a draft or a credit note first, else its payment status. */
function invoiceBadgeStatus(invoice: { validated: boolean; kind: string; status: 'OPEN' | 'CLOSED' | 'TROUBLE' }): InvoiceBadgeStatus {
  if (!invoice.validated) return 'DRAFT'
  if (invoice.kind === 'CREDIT_NOTE') return 'CREDIT_NOTE'
  return invoice.status
}

type StatusOf = Parameters<typeof invoiceBadgeStatus>[0] & { overdue: boolean }

/**
 * An invoice's status as a coloured badge with its text (draft, credit note, to pay, paid,
 * disputed), followed by the overdue marker when it is late: the same on every page.
 */
export function InvoiceStatus({ invoice }: { invoice: StatusOf }) {
  const { t } = useTranslation('billing')
  const status = invoiceBadgeStatus(invoice)
  return (
    <span className="inline-flex flex-wrap gap-1">
      <span className={`badge ${STATUS_STYLE[status]}`}>{t(`status.${status}`)}</span>
      {invoice.overdue ? (
        // The overdue marker: a word, not only a colour.
        <span className="badge border border-red-300 bg-red-50 text-red-800">
          <span aria-hidden="true">⚠ </span>
          {t('invoice.overdue')}
        </span>
      ) : null}
    </span>
  )
}
