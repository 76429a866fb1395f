import type { Prisma } from '#app/generated/prisma/client.ts'

/**
 * The subnets of service configurations, as CIDR text (PostgreSQL's text() keeps the /32 or /128
 * that an inet prints without), IPv4 first, then by address.
 */
export async function listConfigurationSubnets(db: Prisma.TransactionClient, configurationIds: number[]) {
  if (configurationIds.length === 0) return []
  return db.$queryRaw<{ id: number; configurationId: number; poolId: number; poolName: string; cidr: string; family: number }[]>`
    SELECT s.id, s."configurationId", s."poolId", p.name AS "poolName", text(s.network) AS cidr, family(s.network) AS family
    FROM "IpSubnet" s JOIN "IpPool" p ON p.id = s."poolId"
    WHERE s."configurationId" = ANY(${configurationIds}::int[])
    ORDER BY family(s.network), s.network`
}
