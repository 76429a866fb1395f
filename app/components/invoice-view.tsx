import { Link } from '@remix-run/react'
import { Fragment, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { formatDate } from '#app/components/member-status.tsx'
import type { getInvoice } from '#app/models/invoice/invoices.server.ts'
import { chargesVat, vatBreakdown } from '#app/models/invoice/rules.ts'
import { formatEuros } from '#app/utils/money.ts'

/** One invoice as getInvoice returns it (the PDF's hash stays on the server). */
export type InvoiceData = Omit<NonNullable<Awaited<ReturnType<typeof getInvoice>>>, 'pdfSha256'>

/** 84 → "0,84" (French) or "0.84" (English). */
export function formatQuantity(hundredths: number, language: string) {
  return new Intl.NumberFormat(language === 'en' ? 'en-GB' : 'fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(hundredths / 100)
}

/** 550 → "5,5 %" (French) or "5.5%" (English). */
export function formatVat(basisPoints: number, language: string) {
  return new Intl.NumberFormat(language === 'en' ? 'en-GB' : 'fr-FR', { style: 'percent', maximumFractionDigits: 2 }).format(basisPoints / 10_000)
}

/** Where an invoice's own pages are: /invoices for members, /admin/invoices for staff. */
type Paths = { basePath: string; paymentHref?: (id: number) => string }

function Row({ label, children }: { label: ReactNode; children: ReactNode }) {
  return (
    <>
      <dt className="text-gray-600">{label}</dt>
      <dd>{children}</dd>
    </>
  )
}

/** The ISP, the invoice's number and dates, and who it is billed to. */
export function InvoiceHeader({ invoice, basePath }: { invoice: InvoiceData } & Paths) {
  const { t, i18n } = useTranslation('billing')
  const lang = i18n.language
  const { seller: isp, buyer: member } = invoice
  return (
    <section className="card grid gap-4 sm:grid-cols-2" aria-label={t('view.header')}>
      <div className="text-sm">
        <p className="text-base font-semibold">{isp.name}</p>
        {isp.address ? <p className="whitespace-pre-line">{isp.address}</p> : null}
        {isp.postalCode || isp.city ? <p>{`${isp.postalCode} ${isp.city}`.trim()}</p> : null}
        {isp.siret ? <p>{t('view.siret', { siret: isp.siret })}</p> : null}
        {isp.rna ? <p>{t('view.rna', { rna: isp.rna })}</p> : null}
        {isp.email ? <p>{isp.email}</p> : null}
        {isp.website ? <p>{isp.website}</p> : null}
      </div>
      <div className="space-y-3 text-sm">
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
          <Row label={t('invoice.number')}><span className="font-mono">{invoice.label}</span></Row>
          <Row label={t('invoice.date')}>{invoice.validated ? formatDate(invoice.date, lang) : t('view.notValidated')}</Row>
          {invoice.kind === 'INVOICE' ? (
            <Row label={t('invoice.dueDate')}>{invoice.dueDate ? formatDate(invoice.dueDate, lang) : t('view.dueAfterDelay')}</Row>
          ) : null}
          {invoice.creditedInvoice ? (
            <Row label={t('view.credits')}>
              <Link to={`${basePath}/${invoice.creditedInvoice.id}`} className="font-mono">{invoice.creditedInvoice.number}</Link>
              {` ${t('view.ofDate', { date: formatDate(invoice.creditedInvoice.date, lang) })}`}
            </Row>
          ) : null}
        </dl>
        {member ? (
          <div>
            <p className="text-gray-600">{t('view.billedTo')}</p>
            <p className="font-medium">{member.name}</p>
            {member.address ? <p className="whitespace-pre-line">{member.address}</p> : null}
            {member.postalCode || member.city ? <p>{`${member.postalCode} ${member.city}`.trim()}</p> : null}
            {member.country ? <p>{member.country}</p> : null}
          </div>
        ) : null}
      </div>
    </section>
  )
}

/** "du 1 mars 2025 au 31 mars 2025" under a line's label. */
export function PeriodText({ from, to }: { from: Date | string | null; to: Date | string | null }) {
  const { t, i18n } = useTranslation('billing')
  if (!from || !to) return null
  return <span className="block text-xs text-gray-600">{t('line.period', { from: formatDate(from, i18n.language), to: formatDate(to, i18n.language) })}</span>
}

/** The total; with VAT charged, the total excluding VAT and the VAT of each rate on its base first. */
export function InvoiceTotals({ invoice }: { invoice: Pick<InvoiceData, 'lines' | 'totalCents'> }) {
  const { t, i18n } = useTranslation('billing')
  const lang = i18n.language
  const breakdown = vatBreakdown(invoice.lines)
  const withVat = chargesVat(invoice.lines)
  return (
    <dl className="ml-auto grid w-fit grid-cols-[max-content_max-content] gap-x-6 gap-y-1 text-sm">
      {withVat ? (
        <>
          <dt className="text-gray-600">{t('view.totalExclVat')}</dt>
          <dd className="text-right">{formatEuros(breakdown.reduce((sum, r) => sum + r.baseCents, 0), lang)}</dd>
          {breakdown.map((r) => (
            <Fragment key={r.vatBasisPoints}>
              <dt className="text-gray-600">{t('view.vatAt', { rate: formatVat(r.vatBasisPoints, lang), base: formatEuros(r.baseCents, lang) })}</dt>
              <dd className="text-right">{formatEuros(r.vatCents, lang)}</dd>
            </Fragment>
          ))}
        </>
      ) : null}
      <dt className="font-semibold">{withVat ? t('view.totalInclVat') : t('view.total')}</dt>
      <dd className="text-right font-semibold">{formatEuros(invoice.totalCents, lang)}</dd>
    </dl>
  )
}

/** The lines, read-only, with the totals below. */
export function InvoiceLinesTable({ invoice }: { invoice: InvoiceData }) {
  const { t, i18n } = useTranslation('billing')
  const lang = i18n.language
  return (
    <section className="card space-y-3" aria-labelledby="invoice-lines">
      <h2 id="invoice-lines" className="text-lg font-semibold">{t('view.lines')}</h2>
      <div className="overflow-x-auto">
        <table className="min-w-full divide-y divide-gray-200 text-sm">
          <thead className="text-left">
            <tr>
              <th scope="col" className="px-2 py-1 font-semibold">{t('line.label')}</th>
              <th scope="col" className="px-2 py-1 text-right font-semibold">{t('line.quantity')}</th>
              <th scope="col" className="px-2 py-1 text-right font-semibold">{t('line.unitPrice')}</th>
              <th scope="col" className="px-2 py-1 text-right font-semibold">{t('line.vat')}</th>
              <th scope="col" className="px-2 py-1 text-right font-semibold">{t('line.total')}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {invoice.lines.map((line) => (
              <tr key={line.id}>
                <td className="px-2 py-1">{line.label}<PeriodText from={line.periodFrom} to={line.periodTo} /></td>
                <td className="px-2 py-1 text-right">{formatQuantity(line.quantityHundredths, lang)}</td>
                <td className="px-2 py-1 text-right whitespace-nowrap">{formatEuros(line.unitCents, lang)}</td>
                <td className="px-2 py-1 text-right">{formatVat(line.vatBasisPoints, lang)}</td>
                <td className="px-2 py-1 text-right whitespace-nowrap">{formatEuros(line.totalCents, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <InvoiceTotals invoice={invoice} />
      <InvoiceMentions invoice={invoice} />
    </section>
  )
}

/** Credit notes and payments of an invoice, then what is left to pay. */
export function InvoiceSettlement({ invoice, basePath, paymentHref }: { invoice: InvoiceData } & Paths) {
  const { t, i18n } = useTranslation('billing')
  const lang = i18n.language
  if (invoice.kind !== 'INVOICE' || !invoice.validated) return null
  return (
    <section className="card space-y-3" aria-labelledby="invoice-settlement">
      <h2 id="invoice-settlement" className="text-lg font-semibold">{t('view.settlement')}</h2>
      <h3 className="text-sm font-semibold">{t('view.creditNotes')}</h3>
      {invoice.creditNotes.length === 0 ? <p className="text-sm text-gray-600">{t('view.noCreditNotes')}</p> : (
        <ul className="space-y-1 text-sm">
          {invoice.creditNotes.map((c) => (
            <li key={c.id}>
              <Link to={`${basePath}/${c.id}`} className="font-mono">{c.number}</Link>, {formatDate(c.date, lang)} : {formatEuros(c.totalCents, lang)}
            </li>
          ))}
        </ul>
      )}
      <h3 className="text-sm font-semibold">{t('view.payments')}</h3>
      {invoice.allocations.length === 0 ? <p className="text-sm text-gray-600">{t('view.noPayments')}</p> : (
        <ul className="space-y-1 text-sm">
          {invoice.allocations.map((a) => {
            const text = t('view.payment', { date: formatDate(a.payment.date, lang), method: t(`methods.${a.payment.method}`) })
            return (
              <li key={a.id}>
                {paymentHref ? <Link to={paymentHref(a.payment.id)}>{text}</Link> : text}
                {a.payment.label ? <span className="text-gray-600"> ({a.payment.label})</span> : null} : {formatEuros(a.amountCents, lang)}
              </li>
            )
          })}
        </ul>
      )}
      <dl className="ml-auto grid w-fit grid-cols-[max-content_max-content] gap-x-6 gap-y-1 text-sm">
        <dt className="text-gray-600">{t('view.due')}</dt>
        <dd className="text-right">{formatEuros(invoice.dueCents, lang)}</dd>
        <dt className="text-gray-600">{t('view.paid')}</dt>
        <dd className="text-right">{formatEuros(invoice.paidCents, lang)}</dd>
        <dt className="font-semibold">{t('invoice.remaining')}</dt>
        <dd className="text-right font-semibold">{formatEuros(invoice.remainingCents, lang)}</dd>
      </dl>
    </section>
  )
}

/** How to pay what is left: transfer details with the invoice number as reference, or a cheque. */
export function PaymentInstructions({ invoice }: { invoice: InvoiceData }) {
  const { t } = useTranslation('billing')
  const isp = invoice.seller
  if (invoice.kind !== 'INVOICE' || !invoice.number || invoice.remainingCents <= 0) return null
  return (
    <section className="card space-y-2 text-sm" aria-labelledby="payment-instructions">
      <h2 id="payment-instructions" className="text-lg font-semibold">{t('view.howToPay')}</h2>
      {isp.iban ? (
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
          <Row label={t('view.iban')}><span className="font-mono">{isp.iban}</span></Row>
          {isp.bic ? <Row label={t('view.bic')}><span className="font-mono">{isp.bic}</span></Row> : null}
          {isp.bankName ? <Row label={t('view.bank')}>{isp.bankName}</Row> : null}
          <Row label={t('view.reference')}><span className="font-mono">{invoice.number}</span></Row>
        </dl>
      ) : <p>{t('view.referenceOnly', { number: invoice.number })}</p>}
      {isp.chequeOrder ? <p>{t('view.cheque', { order: isp.chequeOrder })}</p> : null}
    </section>
  )
}

/**
 * The mentions the PDF prints: the VAT exemption when no line carries VAT, else the ISP's VAT
 * number; for an invoice, the late-payment penalties and, for an organisation, the 40 € recovery
 * indemnity.
 */
function InvoiceMentions({ invoice }: { invoice: InvoiceData }) {
  const { t } = useTranslation('billing')
  const isp = invoice.seller
  const withVat = chargesVat(invoice.lines)
  const mentions = [
    !withVat && isp.vatMention,
    withVat && isp.vatNumber && t('view.vatNumber', { number: isp.vatNumber }),
    invoice.kind === 'INVOICE' && (isp.latePaymentMention || t('view.latePayment')),
    invoice.kind === 'INVOICE' && invoice.buyer?.type === 'LEGAL_ENTITY' && t('view.recoveryIndemnity'),
  ].filter((m): m is string => typeof m === 'string' && m !== '')
  return mentions.map((text) => <p key={text} className="text-xs text-gray-600">{text}</p>)
}

/** A validated invoice or credit note as both the member and staff read it. */
export function InvoiceView({ invoice, basePath, paymentHref }: { invoice: InvoiceData } & Paths) {
  return (
    <div className="space-y-4">
      <InvoiceHeader invoice={invoice} basePath={basePath} />
      <InvoiceLinesTable invoice={invoice} />
      <InvoiceSettlement invoice={invoice} basePath={basePath} paymentHref={paymentHref} />
      <PaymentInstructions invoice={invoice} />
    </div>
  )
}
