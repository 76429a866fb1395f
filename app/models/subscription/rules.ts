import { addDays, addMonths } from '#app/utils/dates.ts'

export type SubscriptionState = 'future' | 'active' | 'resigned'

/**
 * A subscription's state at a date: future before its subscription date, resigned after its
 * resign date, active in between (both days included, as in Coin).
 */
export function subscriptionState(s: { subscriptionDate: Date; resignDate: Date | null }, date: Date): SubscriptionState {
  if (s.subscriptionDate > date) return 'future'
  if (s.resignDate && s.resignDate < date) return 'resigned'
  return 'active'
}

/** Last day of the commitment (12 months from 15 January 2025 end on 14 January 2026), or null. */
export function commitmentEnd(s: { subscriptionDate: Date; commitmentMonths: number }) {
  return s.commitmentMonths > 0 ? addDays(addMonths(s.subscriptionDate, s.commitmentMonths), -1) : null
}

/** True when resigning at `resignDate` ends the subscription before its commitment does. */
export function resignsBeforeCommitmentEnd(s: { subscriptionDate: Date; commitmentMonths: number }, resignDate: Date) {
  const end = commitmentEnd(s)
  return end !== null && resignDate < end
}

/** The placeholders SUBSCRIPTION_REFERENCE may use; Coin's own names are accepted too. */
const PLACEHOLDERS = {
  'offer.reference': (v: ReferenceValues) => v.offer.reference,
  'offer.id': (v: ReferenceValues) => String(v.offer.id),
  'subscription.id': (v: ReferenceValues) => String(v.subscription.id),
  'member.id': (v: ReferenceValues) => String(v.member.id),
  'member.username': (v: ReferenceValues) => v.member.username,
  'subscription.offer.reference': (v: ReferenceValues) => v.offer.reference,
  'subscription.pk': (v: ReferenceValues) => String(v.subscription.id),
} as const

type ReferenceValues = {
  offer: { id: number; reference: string }
  /** `reference`: the override staff set on the subscription ('' or absent: none). */
  subscription: { id: number; reference?: string }
  member: { id: number; username: string }
}

export const DEFAULT_SUBSCRIPTION_REFERENCE = 'REF-{offer.reference}-{subscription.id}'

/** The placeholders of a pattern that Coin does not know (empty when the pattern is valid). */
export function unknownPlaceholders(pattern: string) {
  return [...pattern.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]).filter((name) => !(name in PLACEHOLDERS))
}

/** The reference SUBSCRIPTION_REFERENCE computes for a subscription, e.g. REF-VPN-42 (any override aside). */
export function computedSubscriptionReference(pattern: string, values: ReferenceValues) {
  return pattern.replace(/\{([^{}]*)\}/g, (whole, name: string) =>
    name in PLACEHOLDERS ? PLACEHOLDERS[name as keyof typeof PLACEHOLDERS](values) : whole,
  )
}

/**
 * The reference members quote on bank transfers for a subscription: the override staff set on
 * it, else the one SUBSCRIPTION_REFERENCE computes (REF-VPN-42).
 */
export function subscriptionReference(pattern: string, values: ReferenceValues) {
  return values.subscription.reference || computedSubscriptionReference(pattern, values)
}
