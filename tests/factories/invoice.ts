import { addDraftLine, createDraft, validateDraft, type LineInput } from '#app/models/invoice/invoices.server.ts'
import { storeMissingPdfs } from '#app/models/invoice/pdf.server.ts'
import { today as currentDay } from '#app/utils/dates.ts'

/** A line with defaults: one "VPN" at 8,00 € without VAT; overrides win. */
export const invoiceLine = (overrides: Partial<LineInput> = {}): LineInput => ({
  label: 'VPN', unitCents: 800, quantityHundredths: 100, vatBasisPoints: 0, ...overrides,
})

/** Inserts a draft with its lines through the model; returns its id. */
export async function insertDraftInvoice({ memberId, lines = [invoiceLine()], dueDate = null }: {
  memberId: number
  lines?: Partial<LineInput>[]
  dueDate?: Date | null
}) {
  const { id } = await createDraft({ memberId, dueDate })
  for (const line of lines) await addDraftLine(id, invoiceLine(line))
  return { id }
}

/**
 * Inserts a validated invoice dated `today` (due `paymentDelayDays` later unless `dueDate` is
 * given), numbered and reconciled like any other. `withPdf` also renders and stores its PDF.
 */
export async function insertValidatedInvoice({ memberId, lines, today = currentDay(), dueDate = null, paymentDelayDays = 30, withPdf = false }: {
  memberId: number
  lines?: Partial<LineInput>[]
  today?: Date
  dueDate?: Date | null
  paymentDelayDays?: number
  withPdf?: boolean
}) {
  const { id } = await insertDraftInvoice({ memberId, lines, dueDate })
  const number = await validateDraft({ id, today, paymentDelayDays })
  if (withPdf) await storeMissingPdfs([id])
  return { id, number }
}
