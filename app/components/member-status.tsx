const STATUS_STYLE = {
  MEMBER: 'bg-green-100 text-green-800',
  PENDING: 'bg-amber-100 text-amber-900',
  NOT_MEMBER: 'bg-gray-200 text-gray-700',
} as const

/** A member's status as a coloured badge; `label` is the translated status (t is not called per row). */
export function StatusBadge({ status, label }: { status: keyof typeof STATUS_STYLE; label: string }) {
  return <span className={`badge ${STATUS_STYLE[status]}`}>{label}</span>
}

// Building an Intl.DateTimeFormat costs far more than using one: one per language and style.
const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(language: string, withTime: boolean) {
  const key = `${language}|${withTime}`
  let f = formatters.get(key)
  if (!f) {
    f = withTime
      ? new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Paris' })
      : new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' })
    formatters.set(key, f)
  }
  return f
}

/** A calendar date (stored at UTC midnight) in the reader's language, e.g. 3 mars 2025. */
export function formatDate(value: string | Date | null | undefined, language: string) {
  return value ? formatter(language, false).format(new Date(value)) : ''
}

/** A moment in Paris time in the reader's language, e.g. 3 mars 2025, 14:05. */
export function formatDateTime(value: string | Date | null | undefined, language: string) {
  return value ? formatter(language, true).format(new Date(value)) : ''
}
