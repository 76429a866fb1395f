import { ActionButton, Layout, Paragraph } from '#emails/components/layout.tsx'
import type { EmailContext, EmailProps } from '#emails/render.server.ts'

type Props = EmailProps['subscription-request-rejected']

const fr = {
  subject: (isp: string, offer: string) => `${isp}\u00a0: votre demande d’abonnement «\u00a0${offer}\u00a0»`,
  lead: (offer: string) => `Nous avons étudié votre demande d’abonnement à l’offre «\u00a0${offer}\u00a0» et ne pouvons malheureusement pas y donner suite pour le moment.`,
  reason: 'La raison\u00a0:',
  talk: 'Nous en sommes désolés. N’hésitez pas à répondre à ce message pour en parler\u00a0: nous trouverons peut-être une autre solution ensemble.',
  see: 'Vos abonnements et vos demandes sont dans votre espace membre\u00a0:',
  button: 'Voir mes abonnements',
  footer: (isp: string) => `Vous recevez ce message parce que vous avez demandé un abonnement chez ${isp}.`,
}

const en: typeof fr = {
  subject: (isp, offer) => `${isp}: your request for “${offer}”`,
  lead: (offer) => `We have looked at your request to subscribe to the “${offer}” offer and unfortunately cannot go ahead with it for now.`,
  reason: 'The reason:',
  talk: 'We are sorry about this. Feel free to reply to this message to talk it over: we may find another solution together.',
  see: 'Your subscriptions and requests are in your member area:',
  button: 'View my subscriptions',
  footer: (isp) => `You are receiving this message because you asked for a subscription at ${isp}.`,
}

const strings = { fr, en }

export function subject(props: Props, context: EmailContext) {
  return strings[context.language].subject(context.isp.name, props.offerName)
}

/** Staff declined a subscription request, with the reason they gave. */
export default function SubscriptionRequestRejected({ props, context }: { props: Props; context: EmailContext }) {
  const t = strings[context.language]
  return (
    <Layout context={context} preview={t.lead(props.offerName)} reason={t.footer(context.isp.name)}>
      <Paragraph>{t.lead(props.offerName)}</Paragraph>
      {props.reason.trim() ? (
        <Paragraph>
          {t.reason} {props.reason.trim()}
        </Paragraph>
      ) : null}
      <Paragraph>{t.talk}</Paragraph>
      <Paragraph>{t.see}</Paragraph>
      <ActionButton href={props.subscriptionsUrl}>{t.button}</ActionButton>
    </Layout>
  )
}
