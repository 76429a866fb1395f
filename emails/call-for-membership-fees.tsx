import { formatEuros } from '#app/utils/money.ts'
import { formatDate } from '#emails/components/format.ts'
import { ActionButton, InlineLink, Layout, Paragraph } from '#emails/components/layout.tsx'
import type { EmailContext, EmailProps } from '#emails/render.server.ts'

type Props = EmailProps['call-for-membership-fees']
type When = Props['when']

const fr = {
  subject: {
    before: (isp: string, date: string) => `Appel à cotisation\u00a0: votre adhésion à ${isp} se termine le ${date}`,
    at: (isp: string) => `Appel à cotisation\u00a0: votre adhésion à ${isp} se termine aujourd’hui`,
    after: (isp: string, date: string) => `Appel à cotisation\u00a0: votre adhésion à ${isp} a pris fin le ${date}`,
    none: (isp: string) => `Appel à cotisation\u00a0: votre adhésion à ${isp}`,
  },
  lead: {
    before: (isp: string, date: string) => `Votre cotisation à ${isp} arrive à échéance le ${date}.`,
    at: (isp: string, date: string) => `Votre cotisation à ${isp} arrive à échéance aujourd’hui, le ${date}.`,
    after: (isp: string, date: string) => `Votre cotisation à ${isp} est arrivée à échéance le ${date}.`,
    none: (isp: string) => `Nous n’avons pas trouvé de cotisation en cours à votre nom chez ${isp}.`,
  },
  ask: {
    before: 'Pour rester membre et continuer à faire vivre l’association, pensez à la renouveler d’ici là.',
    at: 'Pour rester membre et continuer à faire vivre l’association, pensez à la renouveler dès que possible.',
    after: 'Si vous souhaitez rester membre, il n’est pas trop tard\u00a0: il suffit de la renouveler. Si vous préférez quitter l’association, répondez simplement à ce message pour nous le dire. Merci pour votre soutien jusqu’ici\u00a0!',
  },
  amount: (amount: string) => `Le montant de la cotisation est de ${amount}.`,
  howTo: 'Vous trouverez toutes les explications pour la régler ici\u00a0:',
  howToButton: 'Renouveler ma cotisation',
  writeTo: 'Pour la régler, répondez à ce message ou écrivez-nous à',
  reply: 'Pour la régler, répondez simplement à ce message et nous vous expliquerons comment faire.',
  thanks: 'Les cotisations sont ce qui fait vivre l’association\u00a0: merci de votre soutien\u00a0!',
  reason: {
    due: (isp: string) => `Vous recevez ce message parce que votre cotisation à ${isp} arrive à échéance\u00a0;`,
    expired: (isp: string) => `Vous recevez ce message parce que votre cotisation à ${isp} est arrivée à échéance\u00a0;`,
  },
  optOut: 'vous pouvez demander à ne plus recevoir ces rappels en écrivant à',
  optOutReply: 'vous pouvez demander à ne plus recevoir ces rappels en répondant à ce message.',
}

const en: typeof fr = {
  subject: {
    before: (isp, date) => `Membership fee: your ${isp} membership ends on ${date}`,
    at: (isp) => `Membership fee: your ${isp} membership ends today`,
    after: (isp, date) => `Membership fee: your ${isp} membership ended on ${date}`,
    none: (isp) => `Membership fee: your ${isp} membership`,
  },
  lead: {
    before: (isp, date) => `Your membership fee for ${isp} runs out on ${date}.`,
    at: (isp, date) => `Your membership fee for ${isp} runs out today, ${date}.`,
    after: (isp, date) => `Your membership fee for ${isp} ran out on ${date}.`,
    none: (isp) => `We could not find a current membership fee in your name at ${isp}.`,
  },
  ask: {
    before: 'To stay a member and keep the association going, please remember to renew it before then.',
    at: 'To stay a member and keep the association going, please remember to renew it as soon as you can.',
    after: 'If you would like to stay a member, it is not too late: simply renew it. If you would rather leave the association, just reply to this message to let us know. Thank you for your support so far!',
  },
  amount: (amount) => `The membership fee is ${amount}.`,
  howTo: 'Everything you need to know to pay it is here:',
  howToButton: 'Renew my membership',
  writeTo: 'To pay it, reply to this message or write to us at',
  reply: 'To pay it, simply reply to this message and we will tell you how.',
  thanks: 'Membership fees are what keeps the association running: thank you for your support!',
  reason: {
    due: (isp) => `You are receiving this message because your ${isp} membership fee is due;`,
    expired: (isp) => `You are receiving this message because your ${isp} membership fee has run out;`,
  },
  optOut: 'you can ask to stop receiving these reminders by writing to',
  optOutReply: 'you can ask to stop receiving these reminders by replying to this message.',
}

const strings = { fr, en }

/** The case of the message: before, on or after the end date, or no fee on record at all. */
function caseOf(props: Props): When | 'none' {
  return props.feeEndDate ? props.when : 'none'
}

export function subject(props: Props, context: EmailContext) {
  const t = strings[context.language]
  const date = props.feeEndDate ? formatDate(props.feeEndDate, context.language) : ''
  const key = caseOf(props)
  return key === 'none' ? t.subject.none(context.isp.name) : t.subject[key](context.isp.name, date)
}

/**
 * The call for membership fees, sent before, on and after the day the member's latest fee ends
 * (Coin's three cases), by the daily job or by hand from the admin.
 */
export default function CallForMembershipFees({ props, context }: { props: Props; context: EmailContext }) {
  const { language, isp } = context
  const t = strings[language]
  const key = caseOf(props)
  const date = props.feeEndDate ? formatDate(props.feeEndDate, language) : ''
  const lead = key === 'none' ? t.lead.none(isp.name) : t.lead[key](isp.name, date)
  const expired = key === 'after' || key === 'none'
  return (
    <Layout
      context={context}
      preview={lead}
      reason={
        <>
          {expired ? t.reason.expired(isp.name) : t.reason.due(isp.name)}{' '}
          {isp.email ? <>{t.optOut} <InlineLink href={`mailto:${isp.email}`}>{isp.email}</InlineLink>.</> : t.optOutReply}
        </>
      }
    >
      <Paragraph>{lead}</Paragraph>
      <Paragraph>{t.ask[key === 'none' ? 'after' : key]}</Paragraph>
      {props.amountCents !== null ? <Paragraph>{t.amount(formatEuros(props.amountCents, language))}</Paragraph> : null}
      {props.infoUrl ? (
        <>
          <Paragraph>{t.howTo}</Paragraph>
          <ActionButton href={props.infoUrl}>{t.howToButton}</ActionButton>
        </>
      ) : isp.email ? (
        <Paragraph>
          {t.writeTo} <InlineLink href={`mailto:${isp.email}`}>{isp.email}</InlineLink>.
        </Paragraph>
      ) : (
        <Paragraph>{t.reply}</Paragraph>
      )}
      <Paragraph>{t.thanks}</Paragraph>
    </Layout>
  )
}
