import { prisma } from '#app/utils/db.server.ts'

const CACHE_MS = 10_000
let cached: { name: string; at: number } | undefined

/** The ISP's name for page headers (cached briefly: it is read on every page). */
export async function getIspName() {
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.name
  const row = await prisma.ispSettings.findUnique({ where: { id: 1 }, select: { name: true } })
  cached = { name: row?.name ?? 'Coin', at: Date.now() }
  return cached.name
}

/** Creates or renames the ISP settings row. */
export async function setIspName(name: string) {
  await prisma.ispSettings.upsert({ where: { id: 1 }, create: { id: 1, name }, update: { name } })
  cached = undefined
}
