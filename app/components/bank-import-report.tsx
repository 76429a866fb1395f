import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formatDate } from '#app/components/member-status.tsx'
import type { BankImportSummary, PreviewLine, PreviewSection } from '#app/models/payment/bank-import.server.ts'
import { formatEuros } from '#app/utils/money.ts'

/** The address of a page of a section of the preview. */
export type PageHref = (key: PreviewSection['key'], page: number) => string

export type BankImportReport = {
  intent: 'preview' | 'commit'
  fileName: string
  encoding: string
  delimiter: string
  summary: BankImportSummary
  sections: PreviewSection[]
  recorded: number | null
}

/**
 * What a bank statement gives: the summary, the count of each outcome (to record, and each reason
 * a line is not), then each outcome's lines a page at a time. In a preview the pages are plain
 * links (`pageHref` gives the address of a section's page): no JavaScript needed.
 */
export function BankImportReportView({ report, pageHref }: { report: BankImportReport; pageHref: PageHref | null }) {
  const { t, i18n } = useTranslation('bankImport')
  const lang = i18n.language
  const { summary } = report
  const parts = [
    report.recorded === null ? t('report.toRecordCount', { count: summary.toRecord, amount: formatEuros(summary.toRecordCents, lang) }) : t('report.recordedCount', { count: report.recorded }),
    summary.notMatched ? t('report.notMatched', { count: summary.notMatched }) : '',
    summary.alreadyImported ? t('report.alreadyImported', { count: summary.alreadyImported }) : '',
    summary.ignored ? t('report.ignored', { count: summary.ignored }) : '',
    summary.invalid ? t('report.invalid', { count: summary.invalid }) : '',
  ].filter(Boolean)
  const text = report.recorded === null
    ? `${t('report.summary', { lines: t('report.lines', { count: summary.lines }), parts: parts.join(', ') })} ${t('report.dryRun')}`
    : t('report.recordedSummary', { recorded: t('report.recordedCount', { count: report.recorded }), skipped: t('report.skippedCount', { count: summary.lines - report.recorded }) })
  const title = (key: PreviewSection['key']) => (key === 'toRecord' ? t(report.recorded === null ? 'report.toRecord' : 'report.recorded') : t(`sections.${key}`))
  return (
    <section aria-labelledby="bank-import-report" className="space-y-4">
      <h2 id="bank-import-report" className="text-xl font-semibold">{t(report.recorded === null ? 'report.previewTitle' : 'report.title')}</h2>
      <p className="text-sm text-gray-600">{t('report.file', { name: report.fileName, encoding: report.encoding, delimiter: report.delimiter === '\t' ? t('report.tab') : report.delimiter })}</p>
      <p role="status" className={`rounded p-2 text-sm ${report.recorded === null ? 'bg-blue-50 text-blue-900' : 'bg-green-50 text-green-800'}`}>{summary.lines ? text : t('report.nothing')}</p>
      {report.sections.length ? (
        <table className="text-sm">
          <caption className="text-left font-semibold">{t('report.byOutcome')}</caption>
          <tbody>
            {report.sections.map((s) => (
              <tr key={s.key}>
                <th scope="row" className="pr-4 text-left font-normal"><a href={`#section-${s.key}`}>{title(s.key)}</a></th>
                <td className="text-right tabular-nums">{s.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {report.sections.map((section) => <SectionTable key={section.key} section={section} title={title(section.key)} pageHref={pageHref} />)}
    </section>
  )
}

function SectionTable({ section, title, pageHref }: { section: PreviewSection; title: string; pageHref: PageHref | null }) {
  const { t, i18n } = useTranslation('bankImport')
  const lang = i18n.language
  const cell = 'px-3 py-2'
  const toRecord = section.key === 'toRecord'
  const reason = (l: PreviewLine) => {
    if (l.problem) return t(`problems.${l.problem.code}`, { column: t(`columns.${l.problem.column}`), value: l.problem.value })
    const references = l.references.map((r) => (r.username ? `${r.reference} (${r.username})` : r.reference)).join(', ')
    return t(`reasons.${l.reason}`, { references })
  }
  const columns = toRecord ? ['line', 'date', 'amount', 'member', 'matchedBy'] : ['line', 'date', 'amount', 'label', 'reason']
  return (
    <div id={`section-${section.key}`} className="space-y-2">
      <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
        <table className="min-w-full divide-y divide-gray-200 text-sm">
          <caption className="px-3 py-2 text-left font-semibold">{t('report.sectionCaption', { title, count: section.count })}</caption>
          <thead className="bg-gray-50 text-left"><tr>{columns.map((k) => <th key={k} scope="col" className={`${cell} font-semibold`}>{t(`report.${k}`)}</th>)}</tr></thead>
          <tbody className="divide-y divide-gray-100">
            {section.lines.map((l) => (
              <tr key={l.lineNumber}>
                <td className={`${cell} text-right`}>{l.lineNumber}</td>
                <td className={`${cell} whitespace-nowrap`}>{l.date ? formatDate(l.date, lang) : ''}</td>
                <td className={`${cell} text-right whitespace-nowrap`}>{l.amountCents === null ? '' : formatEuros(l.amountCents, lang)}</td>
                {toRecord ? (
                  <>
                    <td className={cell}>{l.member ? <Link to={`/admin/members/${l.member.id}`}>{l.member.name} <span className="font-mono text-gray-600">{l.member.username}</span></Link> : null}</td>
                    <td className={cell}>{l.matchedBy ? t(l.matchedBy.kind === 'invoice' ? 'report.byInvoice' : 'report.bySubscription', { reference: l.matchedBy.reference }) : null}</td>
                  </>
                ) : (
                  <>
                    <td className={`${cell} break-all`}>{l.label}</td>
                    <td className={cell}>{reason(l)}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pageHref && section.pageCount > 1 ? (
        <nav aria-label={t('report.pagesOf', { title })} className="flex items-center gap-3 text-sm">
          {section.page > 1 ? <Link to={pageHref(section.key, section.page - 1)} preventScrollReset className="btn-secondary">← {t('report.previous')}</Link> : null}
          <span>{t('report.page', { page: section.page, pageCount: section.pageCount })}</span>
          {section.page < section.pageCount ? <Link to={pageHref(section.key, section.page + 1)} preventScrollReset className="btn-secondary">{t('report.next')} →</Link> : null}
        </nav>
      ) : null}
    </div>
  )
}
