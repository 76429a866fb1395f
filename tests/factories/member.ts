import { faker } from '@faker-js/faker'
import type { Role } from '#app/generated/prisma/client.ts'
import { prisma } from '#app/utils/db.server.ts'
import { hashPassword } from '#app/utils/password.server.ts'
import { createSession } from '#app/utils/session.server.ts'

let sequence = 0

/** Inserts a member with unique fake values; overrides win. */
export async function insertMember(overrides: Partial<{
  username: string; email: string; firstName: string; lastName: string; organizationName: string
  type: 'NATURAL_PERSON' | 'LEGAL_ENTITY'; status: 'PENDING' | 'MEMBER' | 'NOT_MEMBER'; roles: Role[]
  password: string; mobilePhone: string; isActive: boolean
}> = {}) {
  sequence += 1
  const { password, ...data } = overrides
  const firstName = data.firstName ?? faker.person.firstName()
  const lastName = data.lastName ?? faker.person.lastName()
  return prisma.member.create({
    data: {
      username: `user${sequence}${faker.string.alphanumeric({ length: 6, casing: 'lower' })}`,
      email: `m${sequence}.${faker.string.alphanumeric({ length: 8, casing: 'lower' })}@example.org`,
      firstName,
      lastName,
      ...data,
      ...(password ? { password: { create: { hash: await hashPassword(password) } } } : {}),
    },
    select: { id: true, username: true, email: true, firstName: true, lastName: true, roles: true },
  })
}

/** A logged-in member: the row plus the Cookie header of a fresh session. */
export async function loginAs(overrides: Parameters<typeof insertMember>[0] = {}) {
  const member = await insertMember(overrides)
  const setCookie = await createSession({ memberId: member.id, request: new Request('http://localhost/login') })
  return { member, cookie: setCookie.split(';')[0] }
}

export const loginAsStaff = (overrides: Parameters<typeof insertMember>[0] = {}) => loginAs({ roles: ['MEMBER', 'STAFF'], ...overrides })
