import { formatEuros } from '#app/utils/money.ts'
import { formatDate } from '#emails/components/format.ts'
import { ActionButton, Layout, Paragraph } from '#emails/components/layout.tsx'
import { PaymentDetails } from '#emails/components/payment-details.tsx'
import type { EmailContext, EmailProps } from '#emails/render.server.ts'

type Props = EmailProps['new-invoice']

const fr = {
  subject: (isp: string, number: string) => `${isp}\u00a0: votre facture ${number}`,
  lead: (number: string, date: string, total: string) => `Votre facture n°\u00a0${number} du ${date} est disponible\u00a0: elle s’élève à ${total}.`,
  attached: 'Vous la trouverez en pièce jointe (PDF) et dans votre espace membre.',
  button: 'Voir la facture',
  paidByCredit: 'Elle est déjà réglée par votre crédit\u00a0: vous n’avez rien à payer.',
  partlyPaid: (paid: string, remaining: string) => `Votre crédit en a déjà réglé ${paid}\u00a0: il reste ${remaining} à payer.`,
  paid: 'Elle est déjà réglée, merci\u00a0: vous n’avez rien à payer.',
  partlyPaidSince: (paid: string, remaining: string) => `${paid} en ont déjà été réglés\u00a0: il reste ${remaining} à payer.`,
  payBefore: (amount: string, date: string) => `Merci de régler ${amount} avant le ${date}, par virement de préférence\u00a0:`,
  pay: (amount: string) => `Merci de régler ${amount}, par virement de préférence\u00a0:`,
  thanks: 'Merci de votre confiance\u00a0!',
  reason: (isp: string) => `Vous recevez ce message parce que vous êtes membre de ${isp} et qu’une facture vient d’être émise à votre nom.`,
}

const en: typeof fr = {
  subject: (isp, number) => `${isp}: your invoice ${number}`,
  lead: (number, date, total) => `Your invoice no. ${number} of ${date} is ready: it comes to ${total}.`,
  attached: 'You will find it attached (PDF) and in your member area.',
  button: 'View the invoice',
  paidByCredit: 'It is already paid by your credit: you have nothing to pay.',
  partlyPaid: (paid, remaining) => `Your credit has already paid ${paid} of it: ${remaining} remains to be paid.`,
  paid: 'It is already paid, thank you: you have nothing to pay.',
  partlyPaidSince: (paid, remaining) => `${paid} of it is already paid: ${remaining} remains to be paid.`,
  payBefore: (amount, date) => `Please pay ${amount} by ${date}, preferably by bank transfer:`,
  pay: (amount) => `Please pay ${amount}, preferably by bank transfer:`,
  thanks: 'Thank you for your trust!',
  reason: (isp) => `You are receiving this message because you are a member of ${isp} and an invoice was just issued in your name.`,
}

const strings = { fr, en }

export function subject(props: Props, context: EmailContext) {
  return strings[context.language].subject(context.isp.name, props.number)
}

/**
 * A newly validated invoice, with its PDF attached, and what is left to pay when the message is
 * rendered: nothing (the member's credit, or a payment since, paid it), a part, or all of it, with
 * how to pay.
 */
export default function NewInvoice({ props, context }: { props: Props; context: EmailContext }) {
  const { language } = context
  const t = strings[language]
  const euros = (cents: number) => formatEuros(cents, language)
  const lead = t.lead(props.number, formatDate(props.date, language), euros(props.totalCents))
  const remaining = Math.max(props.remainingCents, 0)
  const paid = props.totalCents - remaining
  // "By your credit" only when the money was there before the invoice; a payment received since is thanked plainly.
  const byCredit = paid > 0 && props.paidByCreditCents >= paid
  return (
    <Layout context={context} preview={lead} reason={t.reason(context.isp.name)}>
      <Paragraph>{lead}</Paragraph>
      <Paragraph>{t.attached}</Paragraph>
      <ActionButton href={props.invoiceUrl}>{t.button}</ActionButton>
      {remaining === 0 ? <Paragraph>{byCredit ? t.paidByCredit : t.paid}</Paragraph> : (
        <>
          {paid > 0 ? <Paragraph>{(byCredit ? t.partlyPaid : t.partlyPaidSince)(euros(paid), euros(remaining))}</Paragraph> : null}
          <Paragraph>{props.dueDate ? t.payBefore(euros(remaining), formatDate(props.dueDate, language)) : t.pay(euros(remaining))}</Paragraph>
          <PaymentDetails iban={props.iban} bic={props.bic} reference={props.paymentReference} language={language} />
        </>
      )}
      <Paragraph>{t.thanks}</Paragraph>
    </Layout>
  )
}
