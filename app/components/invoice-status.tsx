import { useTranslation } from 'react-i18next'

const STATUS_STYLE = {
  OPEN: 'bg-amber-100 text-amber-900',
  CLOSED: 'bg-green-100 text-green-800',
  TROUBLE: 'bg-red-100 text-red-800',
  DRAFT: 'bg-gray-200 text-gray-700',
  CREDIT_NOTE: 'bg-sky-100 text-sky-800',
} as const

export type InvoiceBadgeStatus = keyof typeof STATUS_STYLE

/** What an invoice row shows as its status: a draft or a credit note first, else its payment status. */
export function invoiceBadgeStatus(invoice: { validated: boolean; kind: string; status: 'OPEN' | 'CLOSED' | 'TROUBLE' }): InvoiceBadgeStatus {
  if (!invoice.validated) return 'DRAFT'
  if (invoice.kind === 'CREDIT_NOTE') return 'CREDIT_NOTE'
  return invoice.status
}

/** The translated label of each status, computed once for a whole list. */
export function useInvoiceStatusLabels(): Record<InvoiceBadgeStatus, string> {
  const { t } = useTranslation('billing')
  return {
    OPEN: t('status.OPEN'),
    CLOSED: t('status.CLOSED'),
    TROUBLE: t('status.TROUBLE'),
    DRAFT: t('status.DRAFT'),
    CREDIT_NOTE: t('status.CREDIT_NOTE'),
  }
}

/** An invoice's status as a coloured badge with its text; `label` comes from useInvoiceStatusLabels. */
export function InvoiceStatusBadge({ status, label }: { status: InvoiceBadgeStatus; label: string }) {
  return <span className={`badge ${STATUS_STYLE[status]}`}>{label}</span>
}

/** The overdue marker: a word, not only a colour. */
export function OverdueMarker({ label }: { label: string }) {
  return (
    <span className="badge border border-red-300 bg-red-50 text-red-800">
      <span aria-hidden="true">⚠ </span>
      {label}
    </span>
  )
}
