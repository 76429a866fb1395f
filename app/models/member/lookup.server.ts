import { prisma } from '#app/utils/db.server.ts'

/** A member named by staff in a form or filter: by number, else by exact username. */
export function findMemberByIdOrUsername(text: string) {
  const value = text.trim()
  if (!value) return Promise.resolve(null)
  const where = /^\d{1,9}$/.test(value) ? { id: Number(value) } : { username: value.toLowerCase() }
  return prisma.member.findUnique({
    where,
    select: { id: true, username: true, type: true, organizationName: true, nickname: true, firstName: true, lastName: true },
  })
}
