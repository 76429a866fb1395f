import { demoContext, demoProps } from './demo.ts'
import { renderTemplate, templateFor } from './templates.server.ts'

/** The built-in templates; each is `emails/<name>.tsx`, and an override file takes the same name. */
export const EMAIL_NAMES = [
  'welcome',
  'password-reset',
  'call-for-membership-fees',
  'new-invoice',
  'unpaid-invoice-reminder',
  'subscription-request-received',
  'subscription-request-approved',
  'subscription-request-rejected',
  'reminder-report',
] as const

export type EmailName = (typeof EMAIL_NAMES)[number]

/** What every template knows besides its own props: language, sender ISP, recipient, Coin's address. */
export type EmailContext = {
  language: 'fr' | 'en'
  isp: { name: string; email: string; website: string; logoUrl: string | null }
  recipient: { name: string; email: string }
  /** Absolute URL of Coin, no trailing slash, for links (e.g. https://coin.example.org). */
  baseUrl: string
}

/** Each template's own data. Dates are calendar dates at UTC midnight; amounts are cents. */
export type EmailProps = {
  'welcome': { username: string; setPasswordUrl: string }
  'password-reset': { resetUrl: string; expiresInHours: number }
  'call-for-membership-fees': { when: 'before' | 'at' | 'after'; feeEndDate: Date | null; amountCents: number | null; infoUrl: string | null }
  /**
   * `remainingCents`: what is left to pay when the message is rendered; `paidByCreditCents`: how much
   * of the rest the member's credit (money received before the invoice) paid.
   */
  'new-invoice': { invoiceId: number; number: string; date: Date; dueDate: Date | null; totalCents: number; remainingCents: number; paidByCreditCents: number; invoiceUrl: string; paymentReference: string; iban: string; bic: string }
  'unpaid-invoice-reminder': { number: string; date: Date; dueDate: Date; remainingCents: number; invoiceUrl: string; automatic: boolean; paymentReference: string; iban: string; bic: string }
  'subscription-request-received': { offerName: string; requestsUrl: string }
  'subscription-request-approved': { offerName: string; subscriptionDate: Date; subscriptionsUrl: string }
  'subscription-request-rejected': { offerName: string; reason: string; subscriptionsUrl: string }
  'reminder-report': { job: string; date: Date; dryRun: boolean; recipients: { name: string; email: string; detail: string }[]; skipped: { name: string; reason: string }[] }
}

export type RenderedEmail = { subject: string; html: string; text: string }

/**
 * Renders one message: its subject, HTML body and plain-text body (derived from the same HTML),
 * with the override of this template when one is loaded (see overrides.server.ts).
 */
export async function renderEmail<N extends EmailName>(name: N, props: EmailProps[N], context: EmailContext): Promise<RenderedEmail> {
  const { template, file } = templateFor(name)
  return renderTemplate(template, props, context, file ?? `emails/${name}.tsx`)
}

/** Demo props for each template (used by the preview command and tests). */
export function demoEmail<N extends EmailName>(name: N, language: 'fr' | 'en'): { props: EmailProps[N]; context: EmailContext } {
  return { props: demoProps(language)[name], context: demoContext(language, name) }
}
