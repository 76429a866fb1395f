import { describe, expect, test } from 'vitest'
import { planMemberInvoice, type ChargeableSubscription } from '#app/models/invoice/charge.ts'
import { parseIsoDate } from '#app/utils/dates.ts'

const d = (iso: string) => parseIsoDate(iso)!

function subscription(overrides: Partial<Omit<ChargeableSubscription, 'offer'>> & { offer?: Partial<ChargeableSubscription['offer']> } = {}): ChargeableSubscription {
  const { offer, ...rest } = overrides
  return {
    id: 1, subscriptionDate: d('2014-01-01'), resignDate: null, hasLines: true, billedPeriods: [],
    ...rest,
    offer: { name: 'VPN', billingPeriodMonths: 1, periodFeeCents: 800, initialFeeCents: 0, nonBillable: false, ...offer },
  }
}

describe('what charge_subscriptions bills', () => {
  test("Coin's example: quarterly offer subscribed on 15 January, billed for January: 76/90 = 0.84, plus the set-up fee once", () => {
    const s = subscription({ subscriptionDate: d('2014-01-15'), hasLines: false, offer: { name: 'ADSL', billingPeriodMonths: 3, periodFeeCents: 9000, initialFeeCents: 5000 } })
    const plan = planMemberInvoice([s], d('2014-01-31'), 0)
    expect(plan.lines).toEqual([
      { label: 'ADSL - Frais de mise en service', unitCents: 5000, quantityHundredths: 100, vatBasisPoints: 0, subscriptionId: 1, periodFrom: null, periodTo: null, isSetupFee: true },
      { label: 'ADSL', unitCents: 9000, quantityHundredths: 84, vatBasisPoints: 0, subscriptionId: 1, periodFrom: d('2014-01-15'), periodTo: d('2014-03-31'), isSetupFee: false },
    ])
    expect(plan.totalCents).toBe(5000 + 7560)
    // February and March fall in the period billed in January.
    const billed = { ...s, hasLines: true, billedPeriods: [{ from: d('2014-01-15'), to: d('2014-03-31'), draftId: null }] }
    expect(planMemberInvoice([billed], d('2014-02-10'), 0)).toMatchObject({ lines: [], skipped: [{ subscriptionId: 1, reason: 'alreadyBilled' }] })
    expect(planMemberInvoice([billed], d('2014-04-01'), 0).lines[0]).toMatchObject({ periodFrom: d('2014-04-01'), periodTo: d('2014-06-30'), quantityHundredths: 100 })
  })

  test('a resignation during the month is billed up to the resign date; non-billable offers are skipped', () => {
    const plan = planMemberInvoice(
      [subscription({ id: 1, resignDate: d('2025-02-14') }), subscription({ id: 2, offer: { name: 'Hébergement', nonBillable: true } })],
      d('2025-02-01'),
      2000,
    )
    expect(plan.lines).toHaveLength(1)
    expect(plan.lines[0]).toMatchObject({ periodFrom: d('2025-02-01'), periodTo: d('2025-02-14'), quantityHundredths: 50, vatBasisPoints: 2000 })
    expect(plan.totalCents).toBe(480) // 8,00 € × 0,50 × 1,20
    expect(plan.skipped).toEqual([{ subscriptionId: 2, reason: 'nonBillable' }])
  })

  test('the set-up fee is billed only with the first period of a subscription', () => {
    const fresh = subscription({ hasLines: false, offer: { initialFeeCents: 2500 } })
    expect(planMemberInvoice([fresh], d('2025-03-01'), 0).lines.map((l) => l.isSetupFee)).toEqual([true, false])
    expect(planMemberInvoice([{ ...fresh, hasLines: true }], d('2025-03-01'), 0).lines.map((l) => l.isSetupFee)).toEqual([false])
  })

  test('a single day is not billed: subscribed on the 31st, or resigned on the 1st; the set-up fee still is, on its own line', () => {
    const lastDay = subscription({ subscriptionDate: d('2025-01-31'), hasLines: false })
    expect(planMemberInvoice([lastDay], d('2025-01-31'), 0)).toMatchObject({ lines: [], skipped: [{ subscriptionId: 1, reason: 'notInPeriod' }] })
    const withFee = subscription({ subscriptionDate: d('2025-01-31'), hasLines: false, offer: { initialFeeCents: 3000 } })
    const plan = planMemberInvoice([withFee], d('2025-01-31'), 0)
    expect(plan.lines).toEqual([expect.objectContaining({ isSetupFee: true, unitCents: 3000, periodFrom: null })])
    expect(plan.totalCents).toBe(3000)
    // The next month bills from the 1st, without the set-up fee again.
    expect(planMemberInvoice([{ ...withFee, hasLines: true }], d('2025-02-01'), 0).lines).toEqual([expect.objectContaining({ isSetupFee: false, periodFrom: d('2025-02-01'), quantityHundredths: 100 })])
    // Started and resigned on the 1st: a single day, the set-up fee alone.
    const oneDayWithFee = subscription({ subscriptionDate: d('2025-03-01'), resignDate: d('2025-03-01'), hasLines: false, offer: { initialFeeCents: 3000 } })
    expect(planMemberInvoice([oneDayWithFee], d('2025-03-01'), 0).lines).toEqual([expect.objectContaining({ isSetupFee: true, unitCents: 3000 })])
    const resignedFirst = subscription({ resignDate: d('2025-03-01') })
    expect(planMemberInvoice([resignedFirst], d('2025-03-15'), 0)).toMatchObject({ lines: [], skipped: [{ reason: 'notInPeriod' }] })
    // Two days are billed.
    expect(planMemberInvoice([subscription({ resignDate: d('2025-03-02') })], d('2025-03-15'), 0).lines[0]).toMatchObject({ quantityHundredths: 6 })
  })

  test('a period a staff draft holds is skipped and the draft named; a validated one is "already billed"', () => {
    const held = subscription({ billedPeriods: [{ from: d('2025-03-01'), to: d('2025-03-31'), draftId: 12 }] })
    expect(planMemberInvoice([held], d('2025-03-10'), 0)).toMatchObject({ lines: [], skipped: [{ subscriptionId: 1, reason: 'heldByDraft', draftId: 12 }] })
    const billed = subscription({ billedPeriods: [{ from: d('2025-03-01'), to: d('2025-03-31'), draftId: null }] })
    expect(planMemberInvoice([billed], d('2025-03-10'), 0).skipped).toEqual([{ subscriptionId: 1, reason: 'alreadyBilled' }])
  })
})
