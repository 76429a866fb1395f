import type { EmailContext, EmailName, EmailProps } from './render.server.ts'

const BASE_URL = 'https://coin.fai-demo.example'

/** The demo ISP and member every preview uses (the ISP of `coin seed --demo`). */
export function demoContext(language: 'fr' | 'en', name: EmailName): EmailContext {
  return {
      language,
      isp: { name: 'FAI Démo', email: 'contact@fai-demo.example', website: 'https://fai-demo.example', logoUrl: null },
      // The run reports go to the ISP's volunteers, every other message to a member.
      recipient: name === 'reminder-report'
        ? { name: 'Sacha Leroy', email: 'tresorerie@fai-demo.example' }
        : { name: 'Camille Martin', email: 'camille.martin@example.org' },
      baseUrl: BASE_URL,
    }
  }

  const day = (iso: string) => new Date(`${iso}T00:00:00Z`)

  /** Demo props of every template; the free texts (a refusal reason, report lines) are in `language`. */
  export function demoProps(language: 'fr' | 'en'): { [N in EmailName]: EmailProps[N] } {
    const fr = language === 'fr'
    return {
    'welcome': { username: 'camille.martin', setPasswordUrl: `${BASE_URL}/password/reset/3f9a1c2e7b` },
    'password-reset': { resetUrl: `${BASE_URL}/password/reset/8d41b07e55`, expiresInHours: 2 },
    'call-for-membership-fees': { when: 'before', feeEndDate: day('2025-02-15'), amountCents: 2000, infoUrl: 'https://fai-demo.example/adherer' },
    'new-invoice': {
      invoiceId: 42,
      number: '2025-01-000042',
      date: day('2025-01-15'),
      dueDate: day('2025-02-14'),
      totalCents: 1250,
      remainingCents: 1250,
      paidByCreditCents: 0,
      invoiceUrl: `${BASE_URL}/invoices/42`,
      paymentReference: 'REF-VPN-42',
      iban: 'FR76 3000 6000 0112 3456 7890 189',
      bic: 'AGRIFRPP',
    },
    'unpaid-invoice-reminder': {
      number: '2024-11-000017',
      date: day('2024-11-30'),
      dueDate: day('2024-12-30'),
      remainingCents: 1250,
      invoiceUrl: `${BASE_URL}/invoices/17`,
      automatic: true,
      paymentReference: '2024-11-000017',
      iban: 'FR76 3000 6000 0112 3456 7890 189',
      bic: 'AGRIFRPP',
    },
    'subscription-request-received': { offerName: 'VPN', requestsUrl: `${BASE_URL}/subscriptions` },
    'subscription-request-approved': { offerName: 'VPN', subscriptionDate: day('2025-02-01'), subscriptionsUrl: `${BASE_URL}/subscriptions` },
    'subscription-request-rejected': {
      offerName: 'ADSL',
      reason: fr ? 'Votre ligne n’est pas éligible à l’ADSL chez notre opérateur de collecte.' : 'Your line cannot get ADSL from our wholesale operator.',
      subscriptionsUrl: `${BASE_URL}/subscriptions`,
    },
    'reminder-report': {
      job: 'call_for_membership_fees',
      date: day('2025-01-15'),
      dryRun: false,
      recipients: [
        { name: 'Camille Martin', email: 'camille.martin@example.org', detail: fr ? 'cotisation jusqu’au 15/02/2025' : 'fee until 2025-02-15' },
        { name: 'Dominique Petit', email: 'dominique.petit@example.org', detail: fr ? 'cotisation échue le 15/12/2024' : 'fee ended on 2024-12-15' },
      ],
      skipped: [{ name: 'Alex Bernard', reason: fr ? 'relance déjà envoyée le 02/01/2025' : 'reminder already sent on 2025-01-02' }],
    },
  }
}
