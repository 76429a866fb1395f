import { describe, expect, test } from 'vitest'
import { allocateFifo, billedPeriod, formatInvoiceNumber, vatBreakdown, invoiceTotalCents, lineTotalCents, lineVatCents, periodsOverlap } from '#app/models/invoice/rules.ts'
import { parseIsoDate } from '#app/utils/dates.ts'

const d = (iso: string) => parseIsoDate(iso)!

describe('invoice numbers', () => {
  test('six digits after the month, with the series prefix', () => {
    expect(formatInvoiceNumber(d('2025-03-10'), null)).toBe('2025-03-000001')
    expect(formatInvoiceNumber(d('2025-03-10'), 41)).toBe('2025-03-000042')
    expect(formatInvoiceNumber(d('2025-03-10'), 41, 'AV-')).toBe('AV-2025-03-000042')
    expect(() => formatInvoiceNumber(d('2025-03-10'), 999_999)).toThrow(RangeError)
  })
})

describe('totals in integer cents', () => {
  test('unit × quantity × (1 + VAT), rounded half up once per line', () => {
    expect(lineTotalCents({ unitCents: 800, quantityHundredths: 100 })).toBe(800)
    expect(lineTotalCents({ unitCents: 2900, quantityHundredths: 84 })).toBe(2436)
    // 999 × 0.50 = 499.5 → 500 (half up)
    expect(lineTotalCents({ unitCents: 999, quantityHundredths: 50 })).toBe(500)
    // 8,33 € × 1 × 1.20 = 9.996 → 10,00 €
    expect(lineTotalCents({ unitCents: 833, quantityHundredths: 100, vatBasisPoints: 2000 })).toBe(1000)
    expect(lineVatCents({ unitCents: 833, quantityHundredths: 100, vatBasisPoints: 2000 })).toBe(167)
    // A credit note line
    expect(lineTotalCents({ unitCents: -999, quantityHundredths: 50 })).toBe(-500)
  })
  test('an invoice total is the sum of its line totals, never drifting by a cent', () => {
    const lines = Array.from({ length: 3 }, () => ({ unitCents: 333, quantityHundredths: 100, vatBasisPoints: 550 }))
    expect(invoiceTotalCents(lines)).toBe(3 * lineTotalCents(lines[0]))
    expect(invoiceTotalCents(lines)).toBe(1053)
  })
})

describe('billed period and prorata (§2.6.5)', () => {
  test('Coin\'s example: 3-month period, subscribed on 15 January, billed in January → 76/90', () => {
    expect(billedPeriod({ subscriptionDate: d('2014-01-15'), resignDate: null }, d('2014-01-20'), 3))
      .toEqual({ from: d('2014-01-15'), to: d('2014-03-31'), quantityHundredths: 84 })
  })
  test('a full month, a resignation mid-month, nothing left to bill', () => {
    expect(billedPeriod({ subscriptionDate: d('2020-01-01'), resignDate: null }, d('2025-02-10'), 1))
      .toEqual({ from: d('2025-02-01'), to: d('2025-02-28'), quantityHundredths: 100 })
    expect(billedPeriod({ subscriptionDate: d('2020-01-01'), resignDate: d('2025-04-15') }, d('2025-04-01'), 1))
      .toEqual({ from: d('2025-04-01'), to: d('2025-04-15'), quantityHundredths: 50 })
    expect(billedPeriod({ subscriptionDate: d('2020-01-01'), resignDate: d('2025-03-31') }, d('2025-04-01'), 1)).toBeNull()
    expect(billedPeriod({ subscriptionDate: d('2025-05-01'), resignDate: null }, d('2025-04-01'), 1)).toBeNull()
  })
  test('overlapping periods (both ends included) are never billed twice', () => {
    const jan = { from: d('2025-01-01'), to: d('2025-01-31') }
    expect(periodsOverlap(jan, { from: d('2025-01-31'), to: d('2025-02-28') })).toBe(true)
    expect(periodsOverlap(jan, { from: d('2025-02-01'), to: d('2025-02-28') })).toBe(false)
  })
})

describe('FIFO reconciliation (§2.6.4)', () => {
  const inv = (id: number, date: string, remainingCents: number) => ({ id, date: d(date), remainingCents })
  test('the oldest payment pays the oldest invoices; what is left is credit', () => {
    const allocations = allocateFifo(
      [{ id: 1, date: d('2025-02-01'), unallocatedCents: 1500 }],
      [inv(11, '2025-01-31', 800), inv(10, '2025-01-01', 800)],
    )
    expect(allocations).toEqual([
      { paymentId: 1, invoiceId: 10, amountCents: 800 },
      { paymentId: 1, invoiceId: 11, amountCents: 700 },
    ])
  })
  test('a forced invoice is paid first; once it is paid, the rest pays the oldest open invoice', () => {
    const allocations = allocateFifo(
      [{ id: 1, date: d('2025-02-01'), unallocatedCents: 1000, forcedInvoiceId: 11 }],
      [inv(10, '2025-01-01', 800), inv(11, '2025-01-31', 800)],
    )
    expect(allocations).toEqual([{ paymentId: 1, invoiceId: 11, amountCents: 800 }, { paymentId: 1, invoiceId: 10, amountCents: 200 }])
  })
})

describe('VAT per rate', () => {
  test('base and VAT of each rate, lowest first, adding up to the invoice total', () => {
    const lines = [
      { unitCents: 10000, quantityHundredths: 100, vatBasisPoints: 2000 },
      { unitCents: 833, quantityHundredths: 100, vatBasisPoints: 2000 },
      { unitCents: 1000, quantityHundredths: 100, vatBasisPoints: 550 },
      { unitCents: 1500, quantityHundredths: 100 },
    ]
    const breakdown = vatBreakdown(lines)
    expect(breakdown).toEqual([
      { vatBasisPoints: 0, baseCents: 1500, vatCents: 0 },
      { vatBasisPoints: 550, baseCents: 1000, vatCents: 55 },
      { vatBasisPoints: 2000, baseCents: 10833, vatCents: 2167 },
    ])
    expect(breakdown.reduce((sum, r) => sum + r.baseCents + r.vatCents, 0)).toBe(invoiceTotalCents(lines))
  })
})

describe('a disputed invoice and a refused pair', () => {
  test('a disputed invoice takes only a payment forced onto it; a payment never pays an invoice it was taken off', () => {
    const day = d('2025-01-01')
    const invoices = [{ id: 1, date: day, remainingCents: 800, disputed: true }, { id: 2, date: day, remainingCents: 800 }]
    expect(allocateFifo([{ id: 10, date: day, unallocatedCents: 800 }], invoices)).toEqual([{ paymentId: 10, invoiceId: 2, amountCents: 800 }])
    expect(allocateFifo([{ id: 10, date: day, unallocatedCents: 800, forcedInvoiceId: 1 }], invoices)).toEqual([{ paymentId: 10, invoiceId: 1, amountCents: 800 }])
    expect(allocateFifo([{ id: 10, date: day, unallocatedCents: 800, refusedInvoiceIds: [2] }], invoices)).toEqual([])
  })
})
