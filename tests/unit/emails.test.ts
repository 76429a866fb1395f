import { describe, expect, test } from 'vitest'
import { formatDate } from '#emails/components/format.ts'
import { demoEmail, EMAIL_NAMES, renderEmail, type EmailContext, type EmailName, type EmailProps } from '#emails/render.server.ts'

const LANGUAGES = ['fr', 'en'] as const
const REASON = { fr: 'Vous recevez ce', en: 'You are receiving this' }
const day = (iso: string) => new Date(`${iso}T00:00:00Z`)

/** The link each template must carry in both bodies (the report carries none of its own). */
const MAIN_LINK: { [N in EmailName]: (props: EmailProps[N]) => string | null } = {
  'welcome': (p) => p.setPasswordUrl,
  'password-reset': (p) => p.resetUrl,
  'call-for-membership-fees': (p) => p.infoUrl,
  'new-invoice': (p) => p.invoiceUrl,
  'unpaid-invoice-reminder': (p) => p.invoiceUrl,
  'subscription-request-received': (p) => p.requestsUrl,
  'subscription-request-approved': (p) => p.subscriptionsUrl,
  'subscription-request-rejected': (p) => p.subscriptionsUrl,
  'reminder-report': () => null,
}

async function renderDemo<N extends EmailName>(name: N, language: 'fr' | 'en', change: { props?: Partial<EmailProps[N]>; context?: Partial<EmailContext> } = {}) {
  const demo = demoEmail(name, language)
  const props = { ...demo.props, ...change.props }
  const context = { ...demo.context, ...change.context }
  return { props, context, ...(await renderEmail(name, props, context)) }
}

describe('every template, in French and English', () => {
  for (const name of EMAIL_NAMES) {
    test(name, async () => {
      const subjects: string[] = []
      for (const language of LANGUAGES) {
        const { html, text, subject, context, props } = await renderDemo(name, language)
        subjects.push(subject)
        expect(subject.trim()).not.toBe('')
        expect(subject).not.toMatch(/\n/)
        expect(html).toMatch(/^<!DOCTYPE html/)
        expect(html).toContain(`lang="${language}"`)
        expect(text).not.toMatch(/<(p|a|div|table|td|img)\b/)
        for (const body of [html, text]) {
          expect(body).toContain(context.isp.name)
          expect(body).toContain(context.recipient.name)
          expect(body).toContain(REASON[language])
          expect(body).toContain(context.isp.email)
        }
        const link = (MAIN_LINK[name] as (p: typeof props) => string | null)(props)
        if (link) {
          expect(html).toContain(`href="${link}"`)
          expect(text).toContain(link)
        }
      }
      // Localized: the French and English subjects differ.
      expect(subjects[0]).not.toBe(subjects[1])
    })
  }
})

describe('the call for membership fees', () => {
  test('one template, three wordings: before, on and after the end date, each with the date', async () => {
    const texts = new Map<string, string>()
    for (const when of ['before', 'at', 'after'] as const) {
      const fr = await renderDemo('call-for-membership-fees', 'fr', { props: { when, feeEndDate: day('2025-01-15') } })
      const en = await renderDemo('call-for-membership-fees', 'en', { props: { when, feeEndDate: day('2025-01-15') } })
      for (const body of [fr.html, fr.text]) expect(body).toContain('15 janvier 2025')
      for (const body of [en.html, en.text]) expect(body).toContain('15 January 2025')
      texts.set(when, fr.text)
      texts.set(`${when}-subject`, fr.subject)
      texts.set(`${when}-en`, en.text)
    }
    expect(new Set([texts.get('before'), texts.get('at'), texts.get('after')]).size).toBe(3)
    expect(new Set([texts.get('before-en'), texts.get('at-en'), texts.get('after-en')]).size).toBe(3)
    expect(new Set([texts.get('before-subject'), texts.get('at-subject'), texts.get('after-subject')]).size).toBe(3)
    expect(texts.get('before')).toContain('arrive à échéance le 15 janvier 2025')
    expect(texts.get('at')).toContain('aujourd’hui')
    expect(texts.get('after')).toContain('est arrivée à échéance le 15 janvier 2025')
    expect(texts.get('before-subject')).toMatch(/^Appel à cotisation/)
  })

  test('shows the amount in French style, the info link, and how to stop these reminders', async () => {
    const { text, html } = await renderDemo('call-for-membership-fees', 'fr', { props: { amountCents: 1250 } })
    expect(text).toMatch(/12,50\s€/)
    expect(html).toMatch(/12,50\s€/)
    expect(text).toContain('https://fai-demo.example/adherer')
    expect(text).toMatch(/ne plus recevoir ces rappels en écrivant à contact@fai-demo\.example/)
  })

  test('without an end date, amount or info link it still reads well and says whom to write to', async () => {
    const { text, subject } = await renderDemo('call-for-membership-fees', 'fr', { props: { when: 'after', feeEndDate: null, amountCents: null, infoUrl: null } })
    expect(subject).toBe('Appel à cotisation\u00a0: votre adhésion à FAI Démo')
    expect(text).toContain('Nous n’avons pas trouvé de cotisation en cours')
    expect(text).toContain('écrivez-nous à contact@fai-demo.example')
    expect(text).not.toContain('montant')
    expect(text).not.toContain('undefined')
    expect(text).not.toContain('null')
  })
})

describe('details', () => {
  test('amounts: French "12,50 €", English "€12.50"', async () => {
    const fr = await renderDemo('new-invoice', 'fr', { props: { totalCents: 1250 } })
    const en = await renderDemo('new-invoice', 'en', { props: { totalCents: 1250 } })
    for (const body of [fr.html, fr.text]) expect(body).toMatch(/s’élève à 12,50\s€/)
    for (const body of [en.html, en.text]) expect(body).toContain('€12.50')
    expect(fr.text).toContain('REF-VPN-42')
    expect(fr.text).toContain('avant le 14 février 2025')
  })

  test('dates: "15 janvier 2025", "1er février 2025", "15 January 2025", whatever the time zone', () => {
    expect(formatDate(day('2025-01-15'), 'fr')).toBe('15 janvier 2025')
    expect(formatDate(day('2025-02-01'), 'fr')).toBe('1er février 2025')
    expect(formatDate(day('2025-01-15'), 'en')).toBe('15 January 2025')
    expect(formatDate(day('2025-12-31'), 'fr')).toBe('31 décembre 2025')
  })

  test('a member name with markup is escaped in the HTML', async () => {
    const name = '<script>alert("x")</script> Camille'
    const { html, text } = await renderDemo('welcome', 'fr', { context: { recipient: { name, email: 'c@example.org' } } })
    expect(html).not.toContain('<script>')
    expect(html).toContain('&lt;script&gt;')
    expect(text).toContain('Bonjour <script>alert("x")</script> Camille,')
  })

  test('the logo is shown, with alt text, only when the ISP has one', async () => {
    const withLogo = await renderDemo('welcome', 'fr', { context: { isp: { ...demoEmail('welcome', 'fr').context.isp, logoUrl: 'https://coin.fai-demo.example/logo' } } })
    expect(withLogo.html).toMatch(/<img[^>]+alt="Logo de FAI Démo"[^>]+src="https:\/\/coin\.fai-demo\.example\/logo"|<img[^>]+src="https:\/\/coin\.fai-demo\.example\/logo"[^>]+alt="Logo de FAI Démo"/)
    expect(withLogo.text).not.toContain('/logo')
    const without = await renderDemo('welcome', 'fr')
    expect(without.html).not.toContain('<img')
  })

  test('plurals and optional parts', async () => {
    expect((await renderDemo('password-reset', 'fr', { props: { expiresInHours: 1 } })).text).toContain('valable 1 heure et')
    expect((await renderDemo('password-reset', 'en', { props: { expiresInHours: 24 } })).text).toContain('valid for 24 hours')
    const report = await renderDemo('reminder-report', 'fr', { props: { recipients: [], skipped: [], dryRun: true } })
    expect(report.subject).toBe('Coin\u00a0: call_for_membership_fees du 15 janvier 2025, aucun destinataire (simulation)')
    expect(report.text).toContain('aucun courriel n’a été envoyé')
    const noBank = await renderDemo('new-invoice', 'fr', { props: { iban: '', bic: '', paymentReference: '', dueDate: null } })
    expect(noBank.text).not.toContain('IBAN')
    const manual = await renderDemo('unpaid-invoice-reminder', 'en', { props: { automatic: false } })
    expect(manual.text).toContain('You are receiving this reminder because')
  })
})
