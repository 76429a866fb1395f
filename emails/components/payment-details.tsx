import { Details, Paragraph } from '#emails/components/layout.tsx'

const strings = {
  fr: {
    iban: 'IBAN\u00a0:',
    bic: 'BIC\u00a0:',
    reference: 'Référence à indiquer\u00a0:',
    referenceWhy: 'Cette référence nous permet de reconnaître votre paiement\u00a0: pensez à la recopier telle quelle dans le libellé du virement.',
    onInvoice: 'Les moyens de la régler sont indiqués sur la facture.',
  },
  en: {
    iban: 'IBAN:',
    bic: 'BIC:',
    reference: 'Reference to quote:',
    referenceWhy: 'This reference lets us recognise your payment: please copy it as it is into the transfer’s label.',
    onInvoice: 'The ways to pay it are shown on the invoice.',
  },
}

/** How to pay an invoice by transfer: the ISP's bank details and the reference to quote. */
export function PaymentDetails({ iban, bic, reference, language }: { iban: string; bic: string; reference: string; language: 'fr' | 'en' }) {
  const t = strings[language]
  if (!iban) return <Paragraph>{t.onInvoice}</Paragraph>
  return (
    <>
      <Details
        rows={[
          [t.iban, iban],
          ...(bic ? [[t.bic, bic] satisfies [string, string]] : []),
          ...(reference ? [[t.reference, reference] satisfies [string, string]] : []),
        ]}
      />
      {reference ? <Paragraph>{t.referenceWhy}</Paragraph> : null}
    </>
  )
}
