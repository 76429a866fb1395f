import { formatEuros } from '#app/utils/money.ts'
import { formatDate } from '#emails/components/format.ts'
import { ActionButton, Layout, Paragraph } from '#emails/components/layout.tsx'
import { PaymentDetails } from '#emails/components/payment-details.tsx'
import type { EmailContext, EmailProps } from '#emails/render.server.ts'

type Props = EmailProps['unpaid-invoice-reminder']

const fr = {
  subject: (isp: string, number: string) => `${isp}\u00a0: rappel pour la facture ${number}`,
  lead: (number: string, date: string, due: string, remaining: string) =>
    `Sauf erreur de notre part, votre facture n°\u00a0${number} du ${date}, à régler avant le ${due}, n’est pas encore entièrement payée\u00a0: il reste ${remaining} à régler.`,
  oversight: 'Un oubli arrive à tout le monde\u00a0! Vous pouvez la consulter et voir comment la régler dans votre espace membre\u00a0:',
  button: 'Voir la facture',
  alreadyPaid: 'Si vous l’avez réglée entre-temps, merci, et ne tenez pas compte de ce message.',
  difficulty: 'Si vous avez du mal à la régler en ce moment, répondez à ce message\u00a0: nous trouverons une solution ensemble.',
  reason: {
    automatic: (isp: string) => `Vous recevez ce rappel automatique parce qu’une facture à votre nom chez ${isp} reste à régler.`,
    manual: (isp: string) => `Vous recevez ce rappel parce qu’une facture à votre nom chez ${isp} reste à régler.`,
  },
}

const en: typeof fr = {
  subject: (isp, number) => `${isp}: reminder for invoice ${number}`,
  lead: (number, date, due, remaining) =>
    `Unless we are mistaken, your invoice no. ${number} of ${date}, due by ${due}, is not fully paid yet: ${remaining} remains to be paid.`,
  oversight: 'It happens to everyone! You can view it and see how to pay it in your member area:',
  button: 'View the invoice',
  alreadyPaid: 'If you have paid it in the meantime, thank you, and please disregard this message.',
  difficulty: 'If paying it is difficult for you at the moment, reply to this message: we will find a solution together.',
  reason: {
    automatic: (isp) => `You are receiving this automatic reminder because an invoice in your name at ${isp} is still unpaid.`,
    manual: (isp) => `You are receiving this reminder because an invoice in your name at ${isp} is still unpaid.`,
  },
}

const strings = { fr, en }

export function subject(props: Props, context: EmailContext) {
  return strings[context.language].subject(context.isp.name, props.number)
}

/** A friendly reminder about a validated invoice still open weeks after its due date. */
export default function UnpaidInvoiceReminder({ props, context }: { props: Props; context: EmailContext }) {
  const { language, isp } = context
  const t = strings[language]
  const lead = t.lead(props.number, formatDate(props.date, language), formatDate(props.dueDate, language), formatEuros(props.remainingCents, language))
  return (
    <Layout context={context} preview={lead} reason={props.automatic ? t.reason.automatic(isp.name) : t.reason.manual(isp.name)}>
      <Paragraph>{lead}</Paragraph>
      <Paragraph>{t.oversight}</Paragraph>
      <ActionButton href={props.invoiceUrl}>{t.button}</ActionButton>
      <PaymentDetails iban={props.iban} bic={props.bic} reference={props.paymentReference} language={language} />
      <Paragraph>{t.alreadyPaid}</Paragraph>
      <Paragraph>{t.difficulty}</Paragraph>
    </Layout>
  )
}
