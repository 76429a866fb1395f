import { useTranslation } from 'react-i18next'

const STATUS_STYLE = {
  MEMBER: 'bg-green-100 text-green-800',
  PENDING: 'bg-amber-100 text-amber-900',
  NOT_MEMBER: 'bg-gray-200 text-gray-700',
} as const

export function StatusBadge({ status }: { status: keyof typeof STATUS_STYLE }) {
  const { t } = useTranslation()
  return <span className={`badge ${STATUS_STYLE[status]}`}>{t(`member.statuses.${status}`)}</span>
}

/** A calendar date (stored at UTC midnight) in the reader's language, e.g. 3 mars 2025. */
export function formatDate(value: string | Date | null | undefined, language: string) {
  if (!value) return ''
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(value))
}

export function formatDateTime(value: string | Date | null | undefined, language: string) {
  if (!value) return ''
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(new Date(value))
}
