import { Prisma } from '#app/generated/prisma/client.ts'
import { prisma } from '#app/utils/db.server.ts'

/** Due and remaining amounts of every invoice, as SQL joined on `i`: credit notes lower the due amount. */
export const AMOUNTS_JOIN = Prisma.sql`
  LEFT JOIN (SELECT "creditedInvoiceId" AS id, sum("totalCents") AS credited FROM "Invoice" WHERE validated AND kind = 'CREDIT_NOTE' GROUP BY 1) c ON c.id = i.id
  LEFT JOIN (SELECT "invoiceId" AS id, sum("amountCents") AS paid FROM "PaymentAllocation" GROUP BY 1) a ON a.id = i.id`
/** What is left to pay on invoice `i` (with AMOUNTS_JOIN): 0 for drafts and credit notes. */
export const REMAINING = Prisma.sql`CASE WHEN i.kind = 'INVOICE' AND i.validated THEN GREATEST(i."totalCents" + COALESCE(c.credited, 0) - COALESCE(a.paid, 0), 0) ELSE 0 END`

/** What is left to pay on a validated invoice now, in cents (0 when paid, credited or not an invoice); null when there is no such invoice. */
export async function getRemainingCents(id: number) {
  const [row] = await prisma.$queryRaw<{ remainingCents: number }[]>`
    SELECT (${REMAINING})::int AS "remainingCents" FROM "Invoice" i ${AMOUNTS_JOIN} WHERE i.id = ${id}`
  return row?.remainingCents ?? null
}
