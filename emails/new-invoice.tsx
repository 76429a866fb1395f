import { formatEuros } from '#app/utils/money.ts'
import { formatDate } from '#emails/components/format.ts'
import { ActionButton, Details, Layout, Paragraph } from '#emails/components/layout.tsx'
import type { EmailContext, EmailProps } from '#emails/render.server.ts'

type Props = EmailProps['new-invoice']

const fr = {
  subject: (isp: string, number: string) => `${isp}\u00a0: votre facture ${number}`,
  lead: (number: string, date: string, total: string) => `Votre facture n°\u00a0${number} du ${date} est disponible\u00a0: elle s’élève à ${total}.`,
  attached: 'Vous la trouverez en pièce jointe (PDF) et dans votre espace membre.',
  button: 'Voir la facture',
  payBefore: (date: string) => `Merci de la régler avant le ${date}, par virement de préférence\u00a0:`,
  pay: 'Merci de la régler, par virement de préférence\u00a0:',
  payOnline: 'Les moyens de la régler sont indiqués sur la facture.',
  iban: 'IBAN\u00a0:',
  bic: 'BIC\u00a0:',
  reference: 'Référence à indiquer\u00a0:',
  referenceWhy: 'Cette référence nous permet de reconnaître votre paiement\u00a0: pensez à la recopier telle quelle dans le libellé du virement.',
  thanks: 'Merci de votre confiance\u00a0!',
  reason: (isp: string) => `Vous recevez ce message parce que vous êtes membre de ${isp} et qu’une facture vient d’être émise à votre nom.`,
}

const en: typeof fr = {
  subject: (isp, number) => `${isp}: your invoice ${number}`,
  lead: (number, date, total) => `Your invoice no. ${number} of ${date} is ready: it comes to ${total}.`,
  attached: 'You will find it attached (PDF) and in your member area.',
  button: 'View the invoice',
  payBefore: (date) => `Please pay it by ${date}, preferably by bank transfer:`,
  pay: 'Please pay it, preferably by bank transfer:',
  payOnline: 'The ways to pay it are shown on the invoice.',
  iban: 'IBAN:',
  bic: 'BIC:',
  reference: 'Reference to quote:',
  referenceWhy: 'This reference lets us recognise your payment: please copy it as it is into the transfer’s label.',
  thanks: 'Thank you for your trust!',
  reason: (isp) => `You are receiving this message because you are a member of ${isp} and an invoice was just issued in your name.`,
}

const strings = { fr, en }

export function subject(props: Props, context: EmailContext) {
  return strings[context.language].subject(context.isp.name, props.number)
}

/** A newly validated invoice, with its PDF attached and how to pay it. */
export default function NewInvoice({ props, context }: { props: Props; context: EmailContext }) {
  const { language } = context
  const t = strings[language]
  const lead = t.lead(props.number, formatDate(props.date, language), formatEuros(props.totalCents, language))
  return (
    <Layout context={context} preview={lead} reason={t.reason(context.isp.name)}>
      <Paragraph>{lead}</Paragraph>
      <Paragraph>{t.attached}</Paragraph>
      <ActionButton href={props.invoiceUrl}>{t.button}</ActionButton>
      {props.iban ? (
        <>
          <Paragraph>{props.dueDate ? t.payBefore(formatDate(props.dueDate, language)) : t.pay}</Paragraph>
          <Details
            rows={[
              [t.iban, props.iban],
              ...(props.bic ? [[t.bic, props.bic] satisfies [string, string]] : []),
              ...(props.paymentReference ? [[t.reference, props.paymentReference] satisfies [string, string]] : []),
            ]}
          />
          {props.paymentReference ? <Paragraph>{t.referenceWhy}</Paragraph> : null}
        </>
      ) : (
        <Paragraph>{t.payOnline}</Paragraph>
      )}
      <Paragraph>{t.thanks}</Paragraph>
    </Layout>
  )
}
