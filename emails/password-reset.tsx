import { ActionButton, Layout, Paragraph } from '#emails/components/layout.tsx'
import type { EmailContext, EmailProps } from '#emails/render.server.ts'

type Props = EmailProps['password-reset']

const fr = {
  subject: (isp: string) => `${isp}\u00a0: choisir un nouveau mot de passe`,
  lead: (isp: string) => `Quelqu’un, sans doute vous, a demandé à changer le mot de passe de votre compte chez ${isp}.`,
  choose: 'Pour choisir un nouveau mot de passe, suivez ce lien\u00a0:',
  button: 'Choisir un nouveau mot de passe',
  validity: (hours: number) => `Ce lien est valable ${hours} ${hours > 1 ? 'heures' : 'heure'} et ne sert qu’une fois.`,
  ignore: 'Si vous n’êtes pas à l’origine de cette demande, ignorez simplement ce message\u00a0: votre mot de passe actuel reste valable.',
  reason: (isp: string) => `Vous recevez ce message parce qu’un nouveau mot de passe a été demandé pour votre compte chez ${isp}.`,
}

const en: typeof fr = {
  subject: (isp) => `${isp}: choose a new password`,
  lead: (isp) => `Someone, probably you, asked to change the password of your ${isp} account.`,
  choose: 'To choose a new password, follow this link:',
  button: 'Choose a new password',
  validity: (hours) => `This link is valid for ${hours} ${hours === 1 ? 'hour' : 'hours'} and works only once.`,
  ignore: 'If you did not ask for this, simply ignore this message: your current password still works.',
  reason: (isp) => `You are receiving this message because a new password was requested for your ${isp} account.`,
}

const strings = { fr, en }

export function subject(_props: Props, context: EmailContext) {
  return strings[context.language].subject(context.isp.name)
}

/** The link to choose a new password, asked for from the login page (single use, expires). */
export default function PasswordReset({ props, context }: { props: Props; context: EmailContext }) {
  const t = strings[context.language]
  return (
    <Layout context={context} preview={t.choose} reason={t.reason(context.isp.name)}>
      <Paragraph>{t.lead(context.isp.name)}</Paragraph>
      <Paragraph>{t.choose}</Paragraph>
      <ActionButton href={props.resetUrl}>{t.button}</ActionButton>
      <Paragraph>{t.validity(props.expiresInHours)}</Paragraph>
      <Paragraph>{t.ignore}</Paragraph>
    </Layout>
  )
}
