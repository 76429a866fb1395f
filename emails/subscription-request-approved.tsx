import { formatDate } from '#emails/components/format.ts'
import { ActionButton, Layout, Paragraph } from '#emails/components/layout.tsx'
import type { EmailContext, EmailProps } from '#emails/render.server.ts'

type Props = EmailProps['subscription-request-approved']

const fr = {
  subject: (isp: string, offer: string) => `${isp}\u00a0: votre abonnement «\u00a0${offer}\u00a0» est accepté`,
  lead: (offer: string) => `Bonne nouvelle\u00a0: votre demande d’abonnement à l’offre «\u00a0${offer}\u00a0» est acceptée\u00a0!`,
  starts: (date: string) => `Votre abonnement commence le ${date}.`,
  see: 'Vous le retrouverez dans votre espace membre, avec sa référence et ses factures\u00a0:',
  button: 'Voir mes abonnements',
  questions: 'Pour toute question, répondez simplement à ce message.',
  reason: (isp: string) => `Vous recevez ce message parce que vous avez demandé un abonnement chez ${isp}.`,
}

const en: typeof fr = {
  subject: (isp, offer) => `${isp}: your “${offer}” subscription is approved`,
  lead: (offer) => `Good news: your request to subscribe to the “${offer}” offer is approved!`,
  starts: (date) => `Your subscription starts on ${date}.`,
  see: 'You will find it in your member area, with its reference and its invoices:',
  button: 'View my subscriptions',
  questions: 'If you have any question, simply reply to this message.',
  reason: (isp) => `You are receiving this message because you asked for a subscription at ${isp}.`,
}

const strings = { fr, en }

export function subject(props: Props, context: EmailContext) {
  return strings[context.language].subject(context.isp.name, props.offerName)
}

/** Staff approved a subscription request: the subscription exists from the given date. */
export default function SubscriptionRequestApproved({ props, context }: { props: Props; context: EmailContext }) {
  const t = strings[context.language]
  return (
    <Layout context={context} preview={t.lead(props.offerName)} reason={t.reason(context.isp.name)}>
      <Paragraph>{t.lead(props.offerName)}</Paragraph>
      <Paragraph>{t.starts(formatDate(props.subscriptionDate, context.language))}</Paragraph>
      <Paragraph>{t.see}</Paragraph>
      <ActionButton href={props.subscriptionsUrl}>{t.button}</ActionButton>
      <Paragraph>{t.questions}</Paragraph>
    </Layout>
  )
}
