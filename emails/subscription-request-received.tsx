import { ActionButton, Layout, Paragraph } from '#emails/components/layout.tsx'
import type { EmailContext, EmailProps } from '#emails/render.server.ts'

type Props = EmailProps['subscription-request-received']

const fr = {
  subject: (isp: string, offer: string) => `${isp}\u00a0: votre demande d’abonnement «\u00a0${offer}\u00a0» est bien reçue`,
  lead: (offer: string) => `Nous avons bien reçu votre demande d’abonnement à l’offre «\u00a0${offer}\u00a0». Merci\u00a0!`,
  next: 'Un ou une bénévole va l’étudier et vous écrira dès qu’elle sera acceptée, ou s’il manque quelque chose. Comme nous sommes toutes et tous bénévoles, cela peut prendre quelques jours.',
  follow: 'Vous pouvez suivre votre demande dans votre espace membre\u00a0:',
  button: 'Suivre ma demande',
  reason: (isp: string) => `Vous recevez ce message parce que vous avez demandé un abonnement chez ${isp}.`,
}

const en: typeof fr = {
  subject: (isp, offer) => `${isp}: we have received your request for “${offer}”`,
  lead: (offer) => `We have received your request to subscribe to the “${offer}” offer. Thank you!`,
  next: 'A volunteer will look at it and write to you as soon as it is approved, or if anything is missing. As we are all volunteers, this may take a few days.',
  follow: 'You can follow your request in your member area:',
  button: 'Follow my request',
  reason: (isp) => `You are receiving this message because you asked for a subscription at ${isp}.`,
}

const strings = { fr, en }

export function subject(props: Props, context: EmailContext) {
  return strings[context.language].subject(context.isp.name, props.offerName)
}

/** Acknowledges a member's subscription request, before staff look at it. */
export default function SubscriptionRequestReceived({ props, context }: { props: Props; context: EmailContext }) {
  const t = strings[context.language]
  return (
    <Layout context={context} preview={t.lead(props.offerName)} reason={t.reason(context.isp.name)}>
      <Paragraph>{t.lead(props.offerName)}</Paragraph>
      <Paragraph>{t.next}</Paragraph>
      <Paragraph>{t.follow}</Paragraph>
      <ActionButton href={props.requestsUrl}>{t.button}</ActionButton>
    </Layout>
  )
}
