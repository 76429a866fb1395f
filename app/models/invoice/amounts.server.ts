import { Prisma } from '#app/generated/prisma/client.ts'
import { prisma } from '#app/utils/db.server.ts'

/** What credit notes took off each invoice, as `c.credited` joined on `i`. */
const CREDITS_JOIN = Prisma.sql`
  LEFT JOIN (SELECT "creditedInvoiceId" AS id, sum("totalCents") AS credited FROM "Invoice" WHERE validated AND kind = 'CREDIT_NOTE' GROUP BY 1) c ON c.id = i.id`
/** Due and remaining amounts of every invoice, as SQL joined on `i`: credit notes lower the due amount. */
export const AMOUNTS_JOIN = Prisma.sql`${CREDITS_JOIN}
  LEFT JOIN (SELECT "invoiceId" AS id, sum("amountCents") AS paid FROM "PaymentAllocation" GROUP BY 1) a ON a.id = i.id`
/**
 * The same amounts for a few invoices among many (the open ones): what was paid is summed per
 * invoice through its index, instead of over every allocation.
 */
export const AMOUNTS_JOIN_FEW = Prisma.sql`${CREDITS_JOIN}
  LEFT JOIN LATERAL (SELECT sum("amountCents") AS paid FROM "PaymentAllocation" WHERE "invoiceId" = i.id) a ON true`
/** What is left to pay on invoice `i` (with AMOUNTS_JOIN): 0 for drafts and credit notes. */
export const REMAINING = Prisma.sql`CASE WHEN i.kind = 'INVOICE' AND i.validated THEN GREATEST(i."totalCents" + COALESCE(c.credited, 0) - COALESCE(a.paid, 0), 0) ELSE 0 END`

/**
 * What is left to pay on a validated invoice now, and how much of it the member's credit paid
 * (money received before the invoice was validated), in cents; null when there is no such invoice.
 */
export async function getPaymentState(id: number) {
  const [row] = await prisma.$queryRaw<{ remainingCents: number; paidByCreditCents: number }[]>`
    SELECT (${REMAINING})::int AS "remainingCents",
           COALESCE((SELECT sum(pa."amountCents") FROM "PaymentAllocation" pa JOIN "Payment" p ON p.id = pa."paymentId"
                     WHERE pa."invoiceId" = i.id AND p."createdAt" <= i."validatedAt"), 0)::int AS "paidByCreditCents"
    FROM "Invoice" i ${AMOUNTS_JOIN} WHERE i.id = ${id}`
  return row ?? null
}
