import type { SubscriptionState } from '#app/models/subscription/rules.ts'

const STATE_STYLE: Record<SubscriptionState, string> = {
  future: 'bg-sky-100 text-sky-800',
  active: 'bg-green-100 text-green-800',
  resigned: 'bg-gray-200 text-gray-700',
}

/** A subscription's state as a coloured badge; `label` is the translated state. */
export function SubscriptionStateBadge({ state, label }: { state: SubscriptionState; label: string }) {
  return <span className={`badge ${STATE_STYLE[state]}`}>{label}</span>
}
