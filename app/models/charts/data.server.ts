import { Prisma } from '#app/generated/prisma/client.ts'
import { AMOUNTS_JOIN_FEW, REMAINING } from '#app/models/invoice/amounts.server.ts'
import { prisma } from '#app/utils/db.server.ts'
import { groupBy } from '#app/utils/collections.ts'
import type { MonthRange } from './range.ts'

/**
 * The numbers of the overview's charts: one SQL query each, aggregated by PostgreSQL. Every chart
 * is a table: a label per row (a month, an age bracket, a pool) and one number per series.
 */

export type ChartTable = { series: string[]; rows: { label: string; values: number[] }[] }

const monthsSql = (range: MonthRange) => Prisma.sql`
  SELECT m::date AS m, (m + interval '1 month - 1 day')::date AS e
  FROM generate_series(${`${range.from}-01`}::date, ${`${range.to}-01`}::date, interval '1 month') AS m`

/** Members at the end of each month (joined, not yet left; pending requests left out), who joined and who left in it. */
export async function membersPerMonth(range: MonthRange): Promise<ChartTable> {
  const rows = await prisma.$queryRaw<{ month: string; active: number; joins: number; resignations: number }[]>`
    WITH months AS (${monthsSql(range)}),
    joined AS (SELECT date_trunc('month', "dateJoined"::timestamp)::date AS m, count(*) AS n FROM "Member" WHERE status <> 'PENDING' GROUP BY 1),
    left_ AS (SELECT date_trunc('month', "resignDate"::timestamp)::date AS m, count(*) AS n FROM "Member" WHERE status <> 'PENDING' AND "resignDate" IS NOT NULL GROUP BY 1)
    SELECT to_char(months.m, 'YYYY-MM') AS month,
      ((SELECT COALESCE(sum(n), 0) FROM joined WHERE joined.m <= months.m) - (SELECT COALESCE(sum(n), 0) FROM left_ WHERE left_.m <= months.m))::int AS active,
      COALESCE((SELECT n FROM joined WHERE joined.m = months.m), 0)::int AS joins,
      COALESCE((SELECT n FROM left_ WHERE left_.m = months.m), 0)::int AS resignations
    FROM months ORDER BY months.m`
  return { series: ['active', 'joins', 'resignations'], rows: rows.map((r) => ({ label: r.month, values: [r.active, r.joins, r.resignations] })) }
}

/** Validated invoices (net of credit notes) and payments received, in cents, per month. */
export async function billingPerMonth(range: MonthRange): Promise<ChartTable> {
  const rows = await prisma.$queryRaw<{ month: string; invoiced: number; paid: number }[]>`
    WITH months AS (${monthsSql(range)}),
    invoiced AS (SELECT date_trunc('month', date::timestamp)::date AS m, sum("totalCents") AS t FROM "Invoice"
                 WHERE validated AND date BETWEEN ${`${range.from}-01`}::date AND (${`${range.to}-01`}::date + interval '1 month - 1 day') GROUP BY 1),
    paid AS (SELECT date_trunc('month', date::timestamp)::date AS m, sum("amountCents") AS t FROM "Payment"
             WHERE date BETWEEN ${`${range.from}-01`}::date AND (${`${range.to}-01`}::date + interval '1 month - 1 day') GROUP BY 1)
    SELECT to_char(months.m, 'YYYY-MM') AS month, COALESCE(invoiced.t, 0)::float8 AS invoiced, COALESCE(paid.t, 0)::float8 AS paid
    FROM months LEFT JOIN invoiced ON invoiced.m = months.m LEFT JOIN paid ON paid.m = months.m ORDER BY months.m`
  return { series: ['invoiced', 'paid'], rows: rows.map((r) => ({ label: r.month, values: [r.invoiced, r.paid] })) }
}

export const AGE_BRACKETS = ['0-30', '31-60', '61-90', '90+'] as const

/** What overdue invoices still ask, in cents, and how many they are, by days past their due date on `today`. */
export async function overdueByAge(today: Date): Promise<ChartTable> {
  const rows = await prisma.$queryRaw<{ bracket: number; cents: number; invoices: number }[]>`
    SELECT b.bracket, COALESCE(sum(x.remaining), 0)::float8 AS cents, count(x.remaining)::int AS invoices
    FROM generate_series(0, 3) AS b(bracket)
    LEFT JOIN (
      SELECT CASE WHEN ${today}::date - i."dueDate" <= 30 THEN 0 WHEN ${today}::date - i."dueDate" <= 60 THEN 1
                  WHEN ${today}::date - i."dueDate" <= 90 THEN 2 ELSE 3 END AS bracket, ${REMAINING} AS remaining
      FROM "Invoice" i ${AMOUNTS_JOIN_FEW}
      -- A settled invoice is closed (reconciliation keeps the status): only the others can owe.
      WHERE i.kind = 'INVOICE' AND i.validated AND i.status <> 'CLOSED' AND i."dueDate" < ${today}::date
    ) x ON x.bracket = b.bracket AND x.remaining > 0
    GROUP BY b.bracket ORDER BY b.bracket`
  return { series: ['amount', 'invoices'], rows: rows.map((r) => ({ label: AGE_BRACKETS[r.bracket]!, values: [r.cents, r.invoices] })) }
}

/**
 * Subscriptions running at the end of each month (both ends included), per offer that had any:
 * +1 on the subscription date and −1 the day after the resignation, summed up to each month, so
 * the query reads each subscription once whatever the range.
 */
export async function subscriptionsPerOffer(range: MonthRange): Promise<ChartTable> {
  const rows = await prisma.$queryRaw<{ month: string; offer: string; n: number }[]>`
    WITH months AS (${monthsSql(range)}),
    -- Materialised: a few rows per offer and month, read by each cell below.
    events AS MATERIALIZED (
      SELECT "offerId", m, sum(delta) AS delta FROM (
        SELECT "offerId", date_trunc('month', "subscriptionDate"::timestamp)::date AS m, 1 AS delta FROM "Subscription"
        UNION ALL
        SELECT "offerId", date_trunc('month', ("resignDate" + 1)::timestamp)::date, -1 FROM "Subscription" WHERE "resignDate" IS NOT NULL) e
      GROUP BY 1, 2),
    counts AS MATERIALIZED (
      SELECT months.m, o.id AS "offerId", (SELECT COALESCE(sum(delta), 0) FROM events e WHERE e."offerId" = o.id AND e.m <= months.m)::int AS n
      FROM months CROSS JOIN "Offer" o)
    SELECT to_char(counts.m, 'YYYY-MM') AS month, o.name || ' (' || o.reference || ')' AS offer, counts.n
    FROM counts JOIN "Offer" o ON o.id = counts."offerId"
    WHERE counts."offerId" IN (SELECT "offerId" FROM counts WHERE n > 0)
    ORDER BY counts.m, o.name, o.id`
  const byMonth = groupBy(rows, (r) => r.month)
  const series = [...new Set(rows.map((r) => r.offer))]
  return { series, rows: [...byMonth].map(([month, list]) => ({ label: month, values: list.map((r) => r.n) })) }
}

export type PoolUsage = { name: string; network: string; unit: number; used: number; capacity: number }

/** Each pool's subnets in units of its default size: allocated and what the pool holds. */
export async function poolUsage(): Promise<{ table: ChartTable; pools: PoolUsage[] }> {
  const pools = await prisma.$queryRaw<PoolUsage[]>`
    SELECT p.name, p.network::text AS network, p."defaultPrefixLength" AS unit,
      (COALESCE(sum(power(2::numeric, (CASE family(p.network) WHEN 4 THEN 32 ELSE 128 END) - masklen(n.network))), 0)
        / power(2::numeric, (CASE family(p.network) WHEN 4 THEN 32 ELSE 128 END) - p."defaultPrefixLength"))::float8 AS used,
      power(2::numeric, p."defaultPrefixLength" - masklen(p.network))::float8 AS capacity
    FROM "IpPool" p LEFT JOIN "IpSubnet" n ON n."poolId" = p.id
    GROUP BY p.id ORDER BY p.name`
  return { pools, table: { series: ['used', 'capacity'], rows: pools.map((p) => ({ label: `${p.name} (${p.network})`, values: [p.used, p.capacity] })) } }
}
