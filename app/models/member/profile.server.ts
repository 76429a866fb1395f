import type { z } from 'zod'
import { markLdapDirty } from '#app/models/ldap/sync-queue.server.ts'
import { markMemberListsDirty } from '#app/models/maillist/sync.server.ts'
import { prisma } from '#app/utils/db.server.ts'
import { hashPassword, verifyPassword } from '#app/utils/password.server.ts'
import type { ProfileSchema } from './member.schema.ts'

const profileSelect = {
  id: true, username: true, email: true, type: true, firstName: true, lastName: true, nickname: true,
  organizationName: true, homePhone: true, mobilePhone: true, address: true, postalCode: true, city: true,
  country: true, status: true, dateJoined: true, resignDate: true, language: true,
} as const

/** The logged-in member's own record; `memberId` always comes from the session. */
export function getProfile({ memberId }: { memberId: number }) {
  return prisma.member.findUniqueOrThrow({ where: { id: memberId }, select: profileSelect })
}

/** Saves the fields a member may edit on their own profile. */
export function updateProfile({ memberId, ...data }: { memberId: number } & z.infer<typeof ProfileSchema>) {
  return prisma.$transaction(async (tx) => {
    const member = await tx.member.update({
      where: { id: memberId },
      data: { ...data, language: data.language ?? null },
      select: { id: true },
    })
    await markLdapDirty(tx, 'member', [memberId])
    await markMemberListsDirty(tx, memberId)
    return member
  })
}

/** Changes the password after checking the current one; false when it does not match. */
export async function changePassword({ memberId, currentPassword, newPassword }: { memberId: number; currentPassword: string; newPassword: string }) {
  const current = await prisma.password.findUnique({ where: { memberId }, select: { hash: true } })
  if (!current || !(await verifyPassword(currentPassword, current.hash))) return false
  const hash = await hashPassword(newPassword)
  await prisma.$transaction(async (tx) => {
    await tx.password.update({ where: { memberId }, data: { hash } })
    await markLdapDirty(tx, 'member', [memberId])
  })
  return true
}

export function setLanguage({ memberId, language }: { memberId: number; language: 'fr' | 'en' }) {
  return prisma.member.update({ where: { id: memberId }, data: { language }, select: { id: true } })
}
