import { ActionButton, Details, InlineLink, Layout, Paragraph } from '#emails/components/layout.tsx'
import type { EmailContext, EmailProps } from '#emails/render.server.ts'

type Props = EmailProps['welcome']

const fr = {
  subject: (isp: string) => `Bienvenue chez ${isp}\u00a0!`,
  lead: (isp: string) => `Bienvenue chez ${isp}, et merci de nous avoir rejoints\u00a0!`,
  space: 'Votre espace membre vous permet de suivre vos abonnements, vos factures et vos paiements, et de tenir vos coordonnées à jour.',
  username: 'Votre identifiant\u00a0:',
  choose: 'Pour vous connecter la première fois, choisissez votre mot de passe\u00a0:',
  button: 'Choisir mon mot de passe',
  expired: 'Ce lien ne sert qu’une fois. S’il a expiré, demandez-en un nouveau depuis la page de connexion, avec «\u00a0Mot de passe oublié\u00a0»\u00a0:',
  questions: 'Une question\u00a0? Répondez simplement à ce message, un ou une bénévole vous répondra.',
  reason: (isp: string) => `Vous recevez ce message parce que vous êtes membre de ${isp}.`,
}

const en: typeof fr = {
  subject: (isp) => `Welcome to ${isp}!`,
  lead: (isp) => `Welcome to ${isp}, and thank you for joining us!`,
  space: 'Your member area lets you follow your subscriptions, invoices and payments, and keep your contact details up to date.',
  username: 'Your username:',
  choose: 'To log in for the first time, choose your password:',
  button: 'Choose my password',
  expired: 'This link works only once. If it has expired, ask for a new one from the login page, with “Forgot your password”:',
  questions: 'Any question? Just reply to this message and one of our volunteers will answer.',
  reason: (isp) => `You are receiving this message because you are a member of ${isp}.`,
}

const strings = { fr, en }

export function subject(_props: Props, context: EmailContext) {
  return strings[context.language].subject(context.isp.name)
}

/** Sent by staff to a new member (or many at once): how to log in and set a password. */
export default function Welcome({ props, context }: { props: Props; context: EmailContext }) {
  const t = strings[context.language]
  const loginUrl = `${context.baseUrl}/login`
  return (
    <Layout context={context} preview={t.lead(context.isp.name)} reason={t.reason(context.isp.name)}>
      <Paragraph>{t.lead(context.isp.name)}</Paragraph>
      <Paragraph>{t.space}</Paragraph>
      <Details rows={[[t.username, props.username]]} />
      <Paragraph>{t.choose}</Paragraph>
      <ActionButton href={props.setPasswordUrl}>{t.button}</ActionButton>
      <Paragraph>
        {t.expired} <InlineLink href={loginUrl} />
      </Paragraph>
      <Paragraph>{t.questions}</Paragraph>
    </Layout>
  )
}
