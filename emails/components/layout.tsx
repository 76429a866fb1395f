import { Body, Button, Container, Head, Hr, Html, Img, Link, Preview, Section, Text } from '@react-email/components'
import { Fragment, type CSSProperties, type ReactNode } from 'react'
import type { EmailContext } from '#emails/render.server.ts'

const strings = {
  fr: {
    hello: (name: string) => (name ? `Bonjour ${name},` : 'Bonjour,'),
    signature: (isp: string) => `L’équipe bénévole de ${isp}`,
    regards: 'À bientôt,',
    logoAlt: (isp: string) => `Logo de ${isp}`,
    contact: 'Nous écrire\u00a0:',
  },
  en: {
    hello: (name: string) => (name ? `Hello ${name},` : 'Hello,'),
    signature: (isp: string) => `The ${isp} volunteers`,
    regards: 'Best wishes,',
    logoAlt: (isp: string) => `${isp} logo`,
    contact: 'Write to us:',
  },
}

/**
 * The frame of every message: the ISP's logo and name, a greeting to the recipient, the body,
 * a signature, then a footer saying why the recipient gets this message and how to reach the ISP.
 */
export function Layout({ context, preview, reason, signature, children }: {
  context: EmailContext
  /** The line mail clients show next to the subject. */
  preview: string
  /** Why the recipient receives this message, e.g. "Vous recevez ce message parce que vous êtes membre de FAI Démo." */
  reason: ReactNode
  /** Replaces the default "À bientôt, L’équipe bénévole de …". */
  signature?: ReactNode
  children: ReactNode
}) {
  const { isp, recipient, language } = context
  const t = strings[language]
  return (
    <Html lang={language}>
      <Head />
      <Preview>{preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Section style={styles.header}>
            {isp.logoUrl ? <Img src={isp.logoUrl} alt={t.logoAlt(isp.name)} height="48" style={styles.logo} /> : null}
            <Text style={styles.ispName}>{isp.name}</Text>
          </Section>
          <Text style={styles.text}>{t.hello(recipient.name.trim())}</Text>
          {children}
          {signature ?? (
            <Text style={styles.text}>
              {t.regards}
              <br />
              {t.signature(isp.name)}
            </Text>
          )}
          <Hr style={styles.hr} />
          <Text style={styles.footer}>{reason}</Text>
          <Text style={styles.footer}>
            {isp.name}
            {isp.email ? (
              <>
                {' · '}
                {t.contact} <Link href={`mailto:${isp.email}`} style={styles.footerLink}>{isp.email}</Link>
              </>
            ) : null}
            {isp.website ? (
              <>
                {' · '}
                <Link href={isp.website} style={styles.footerLink}>{isp.website.replace(/^https?:\/\//, '').replace(/\/$/, '')}</Link>
              </>
            ) : null}
          </Text>
        </Container>
      </Body>
    </Html>
  )
}

/** A paragraph of body text. */
export function Paragraph({ children, style }: { children: ReactNode; style?: CSSProperties }) {
  return <Text style={{ ...styles.text, ...style }}>{children}</Text>
}

/** The message's main action, as a button (the plain-text body shows the label and the link). */
export function ActionButton({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Section style={styles.buttonRow}>
      <Button href={href} style={styles.button}>{children}</Button>
    </Section>
  )
}

/** A link inside body text. */
export function InlineLink({ href, children }: { href: string; children?: ReactNode }) {
  return <Link href={href} style={styles.link}>{children ?? href}</Link>
}

/** Label and value lines (bank details, invoice figures), kept together in a shaded box. */
export function Details({ rows }: { rows: [label: string, value: ReactNode][] }) {
  return (
    <Section style={styles.details}>
      <Text style={styles.detailRow}>
        {rows.map(([label, value], index) => (
          <Fragment key={label}>
            {index > 0 ? <br /> : null}
            {label} <strong>{value}</strong>
          </Fragment>
        ))}
      </Text>
    </Section>
  )
}

export const styles = {
  body: { backgroundColor: '#f4f4f5', fontFamily: 'Helvetica, Arial, sans-serif', margin: 0, padding: '24px 0' },
  container: { backgroundColor: '#ffffff', borderRadius: '8px', margin: '0 auto', maxWidth: '560px', padding: '24px 32px' },
  header: { marginBottom: '8px' },
  logo: { display: 'block', marginBottom: '8px' },
  ispName: { color: '#18181b', fontSize: '20px', fontWeight: 700, lineHeight: '28px', margin: '0 0 16px' },
  text: { color: '#27272a', fontSize: '16px', lineHeight: '24px', margin: '0 0 16px' },
  link: { color: '#1d4ed8', textDecoration: 'underline' },
  buttonRow: { margin: '8px 0 24px' },
  button: { backgroundColor: '#1d4ed8', borderRadius: '6px', color: '#ffffff', display: 'inline-block', fontSize: '16px', fontWeight: 600, padding: '12px 20px', textDecoration: 'none' },
  details: { backgroundColor: '#f4f4f5', borderRadius: '6px', margin: '0 0 16px', padding: '12px 16px' },
  detailRow: { color: '#27272a', fontSize: '15px', lineHeight: '22px', margin: 0 },
  hr: { borderColor: '#e4e4e7', margin: '24px 0 16px' },
  footer: { color: '#71717a', fontSize: '13px', lineHeight: '20px', margin: '0 0 8px' },
  footerLink: { color: '#71717a', textDecoration: 'underline' },
} satisfies Record<string, CSSProperties>
