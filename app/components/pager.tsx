import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'

/**
 * Previous / "Page n sur m" / next links under a paginated list; nothing when there is one page.
 * `hrefOf` builds the link to a page, keeping the list's other filters.
 */
export function Pager({ page, pageCount, hrefOf, label }: { page: number; pageCount: number; hrefOf: (page: number) => string; label: string }) {
  const { t } = useTranslation()
  if (pageCount <= 1) return null
  return (
    <nav aria-label={label} className="flex items-center gap-3 text-sm">
      {page > 1 ? <Link to={hrefOf(page - 1)} rel="prev">← {t('members.previous')}</Link> : null}
      <span>{t('members.page', { page, pageCount })}</span>
      {page < pageCount ? <Link to={hrefOf(page + 1)} rel="next">{t('members.next')} →</Link> : null}
    </nav>
  )
}
