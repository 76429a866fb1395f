import { useTranslation } from 'react-i18next'
import type { FeeStatus } from '#app/models/fee/rules.ts'

const FEE_STATUS_STYLE = {
  upToDate: 'bg-green-100 text-green-800',
  expiringSoon: 'bg-amber-100 text-amber-900',
  expired: 'bg-red-100 text-red-800',
  none: 'bg-gray-200 text-gray-700',
} as const satisfies Record<FeeStatus, string>

/** The translated label of each fee status, computed once for a whole list. */
export function useFeeStatusLabels(): Record<FeeStatus, string> {
  const { t } = useTranslation('fees')
  return { upToDate: t('status.upToDate'), expiringSoon: t('status.expiringSoon'), expired: t('status.expired'), none: t('status.none') }
}

/** A member's fee status as a coloured badge; `label` comes from useFeeStatusLabels. */
export function FeeStatusBadge({ status, label }: { status: FeeStatus; label: string }) {
  return <span className={`badge ${FEE_STATUS_STYLE[status]}`}>{label}</span>
}
