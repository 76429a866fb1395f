import { Section } from '@react-email/components'
import { formatDate } from '#emails/components/format.ts'
import { Layout, Paragraph, styles } from '#emails/components/layout.tsx'
import type { EmailContext, EmailProps } from '#emails/render.server.ts'

type Props = EmailProps['reminder-report']

const fr = {
  subject: (job: string, date: string, sent: number, dryRun: boolean) =>
    `Coin\u00a0: ${job} du ${date}, ${sent === 0 ? 'aucun destinataire' : sent === 1 ? '1 destinataire' : `${sent} destinataires`}${dryRun ? ' (simulation)' : ''}`,
  lead: (job: string, date: string) => `Voici le compte rendu de «\u00a0${job}\u00a0» pour le ${date}.`,
  dryRun: 'C’était une simulation (--dry-run)\u00a0: aucun courriel n’a été envoyé.',
  recipients: (count: number) => (count === 1 ? '1 destinataire\u00a0:' : `${count} destinataires\u00a0:`),
  none: 'Personne n’était concerné ce jour-là.',
  skipped: (count: number) => (count === 1 ? '1 membre laissé de côté\u00a0:' : `${count} membres laissés de côté\u00a0:`),
  signature: 'Coin, le système d’information de votre FAI',
  reason: (isp: string) => `Vous recevez ce compte rendu parce que cette adresse est indiquée dans REMINDER_REPORT_EMAIL dans la configuration de Coin pour ${isp}.`,
}

const en: typeof fr = {
  subject: (job, date, sent, dryRun) =>
    `Coin: ${job} of ${date}, ${sent === 0 ? 'no recipients' : sent === 1 ? '1 recipient' : `${sent} recipients`}${dryRun ? ' (dry run)' : ''}`,
  lead: (job, date) => `Here is the report of “${job}” for ${date}.`,
  dryRun: 'This was a dry run (--dry-run): no email was sent.',
  recipients: (count) => (count === 1 ? '1 recipient:' : `${count} recipients:`),
  none: 'Nobody was concerned that day.',
  skipped: (count) => (count === 1 ? '1 member left out:' : `${count} members left out:`),
  signature: 'Coin, your ISP’s information system',
  reason: (isp) => `You are receiving this report because this address is set as REMINDER_REPORT_EMAIL in the Coin configuration of ${isp}.`,
}

const strings = { fr, en }

export function subject(props: Props, context: EmailContext) {
  return strings[context.language].subject(props.job, formatDate(props.date, context.language), props.recipients.length, props.dryRun)
}

const listStyle = { ...styles.text, margin: '0 0 16px', paddingLeft: '20px' }

/** The summary of a reminders run (fee calls, unpaid invoices) for the ISP's volunteers. */
export default function ReminderReport({ props, context }: { props: Props; context: EmailContext }) {
  const t = strings[context.language]
  const lead = t.lead(props.job, formatDate(props.date, context.language))
  return (
    <Layout context={context} preview={lead} reason={t.reason(context.isp.name)} signature={<Paragraph>{t.signature}</Paragraph>}>
      <Paragraph>{lead}</Paragraph>
      {props.dryRun ? <Paragraph><strong>{t.dryRun}</strong></Paragraph> : null}
      <Section>
        {props.recipients.length ? (
          <>
            <Paragraph style={{ margin: '0 0 4px' }}>{t.recipients(props.recipients.length)}</Paragraph>
            <ul style={listStyle}>
              {props.recipients.map((r) => (
                <li key={r.email}>
                  {r.name} &lt;{r.email}&gt;{r.detail ? ` — ${r.detail}` : ''}
                </li>
              ))}
            </ul>
          </>
        ) : (
          <Paragraph>{t.none}</Paragraph>
        )}
        {props.skipped.length ? (
          <>
            <Paragraph style={{ margin: '0 0 4px' }}>{t.skipped(props.skipped.length)}</Paragraph>
            <ul style={listStyle}>
              {props.skipped.map((s, index) => (
                <li key={index}>
                  {s.name} — {s.reason}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </Section>
    </Layout>
  )
}
