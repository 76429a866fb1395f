import { render, toPlainText } from '@react-email/render'
import { createElement, type ReactElement } from 'react'
import * as callForMembershipFees from './call-for-membership-fees.tsx'
import * as newInvoice from './new-invoice.tsx'
import * as passwordReset from './password-reset.tsx'
import type { EmailContext, EmailName, EmailProps, RenderedEmail } from './render.server.ts'
import * as reminderReport from './reminder-report.tsx'
import * as subscriptionRequestApproved from './subscription-request-approved.tsx'
import * as subscriptionRequestReceived from './subscription-request-received.tsx'
import * as subscriptionRequestRejected from './subscription-request-rejected.tsx'
import * as unpaidInvoiceReminder from './unpaid-invoice-reminder.tsx'
import * as welcome from './welcome.tsx'

/** What a template module exports: the component (default) and its subject line. */
export type EmailTemplate<N extends EmailName> = {
  default: (args: { props: EmailProps[N]; context: EmailContext }) => ReactElement
  subject: (props: EmailProps[N], context: EmailContext) => string
}

type TemplateTable = { [N in EmailName]: EmailTemplate<N> }

const BUILT_IN: TemplateTable = {
  'welcome': welcome,
  'password-reset': passwordReset,
  'call-for-membership-fees': callForMembershipFees,
  'new-invoice': newInvoice,
  'unpaid-invoice-reminder': unpaidInvoiceReminder,
  'subscription-request-received': subscriptionRequestReceived,
  'subscription-request-approved': subscriptionRequestApproved,
  'subscription-request-rejected': subscriptionRequestRejected,
  'reminder-report': reminderReport,
}

type OverrideOf<N extends EmailName> = { name: N; file: string; template: EmailTemplate<N> }
type OverrideTable = { [N in EmailName]?: OverrideOf<N> }
/** An override file compiled and loaded: which template it replaces, from which file. */
export type LoadedOverride = NonNullable<OverrideTable[EmailName]>

// The overrides live on globalThis: the CLI loads them at startup through its own copy of this
// module, and the web server's bundle (build/server) has another copy that must see them too.
const OVERRIDES = Symbol.for('coin.emailTemplateOverrides')
const store = globalThis as typeof globalThis & { [OVERRIDES]?: OverrideTable }

/** The template to render: the loaded override of this name, else the built-in one. */
export function templateFor<N extends EmailName>(name: N): { template: EmailTemplate<N>; file: string | null } {
  const override = store[OVERRIDES]?.[name]
  return override ? { template: override.template, file: override.file } : { template: BUILT_IN[name], file: null }
}

/** Replaces the whole set of overrides (an empty list restores the built-in templates). */
export function setOverrides(overrides: LoadedOverride[]) {
  const table: OverrideTable = {}
  for (const override of overrides) Object.assign(table, { [override.name]: override })
  store[OVERRIDES] = table
}

/** The overrides in use. */
export function listOverrides(): { name: EmailName; file: string }[] {
  return Object.values(store[OVERRIDES] ?? {}).map(({ name, file }) => ({ name, file }))
}

// Links in the plain-text body read "Label <https://…>", the usual convention of text mail.
const LINK_BRACKETS: [string, string] = ['<', '>']
const TEXT_OPTIONS = { selectors: [{ selector: 'a', options: { linkBrackets: LINK_BRACKETS, hideLinkHrefIfSameAsText: true } }] }

/**
 * Renders a template module: its subject, its HTML body and the plain-text body derived from
 * that HTML. `file` names the template in errors.
 */
export async function renderTemplate<N extends EmailName>(template: EmailTemplate<N>, props: EmailProps[N], context: EmailContext, file: string): Promise<RenderedEmail> {
  const html = await render(createElement(template.default, { props, context }))
  const subject: unknown = template.subject(props, context)
  if (typeof subject !== 'string' || !subject.trim()) {
    throw new Error(`${file}: subject() returned ${JSON.stringify(subject) ?? String(subject)}, expected the subject line`)
  }
  return { subject: subject.replace(/\s*[\r\n]+\s*/g, ' ').trim(), html, text: toPlainText(html, TEXT_OPTIONS).trim() + '\n' }
}
