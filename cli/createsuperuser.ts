import { createInterface } from 'node:readline/promises'
import { markLdapDirty } from '#app/models/ldap/sync-queue.server.ts'
import { Writable } from 'node:stream'
import { z } from 'zod'
import { findTakenFields, generateUsername } from '#app/models/member/manage.server.ts'
import { EmailSchema, UsernameSchema } from '#app/models/member/member.schema.ts'
import { prisma } from '#app/utils/db.server.ts'
import { hashPassword } from '#app/utils/password.server.ts'
import { CommandError, UsageError } from './errors.ts'

export type SuperuserOptions = { username?: string; email?: string; password?: string; firstName?: string; lastName?: string }

const MESSAGES: Record<string, string> = {
  required: 'is required',
  tooLong: 'is too long',
  usernameInvalid: 'may only hold lower-case letters, digits, ".", "_" and "-"',
  emailInvalid: 'is not a valid email address',
}

const SuperuserSchema = z.object({
  username: UsernameSchema,
  email: EmailSchema,
  password: z.string().min(10, { message: 'must be at least 10 characters' }).max(200, { message: 'is too long' }),
})

async function ask(question: string, { hidden = false } = {}) {
  let muted = false
  const output = new Writable({
    write(chunk, _encoding, callback) {
      if (!muted) process.stdout.write(chunk)
      callback()
    },
  })
  const rl = createInterface({ input: process.stdin, output, terminal: true })
  const answer = rl.question(question)
  muted = hidden
  const value = await answer
  rl.close()
  if (hidden) process.stdout.write('\n')
  return value.trim()
}

/** Fills in missing options by asking on a terminal; without one, a missing option is a usage error. */
async function complete(options: SuperuserOptions) {
  const missing = (['username', 'email', 'password'] as const).filter((k) => !options[k])
  if (missing.length === 0) return options
  if (!process.stdin.isTTY) {
    throw new UsageError(`missing --${missing.join(', --')} (stdin is not a terminal, so Coin cannot ask)`)
  }
  const filled = { ...options }
  filled.email ||= await ask('Email: ')
  if (!filled.username) {
    const suggestion = await generateUsername({ type: 'NATURAL_PERSON', nickname: filled.email.split('@')[0] })
    filled.username = (await ask(`Username [${suggestion}]: `)) || suggestion
  }
  if (!filled.password) {
    const first = await ask('Password (10 characters or more): ', { hidden: true })
    const again = await ask('Password again: ', { hidden: true })
    if (first !== again) throw new UsageError('the two passwords differ')
    filled.password = first
  }
  return filled
}

/** `coin createsuperuser`: an active member with the staff and superuser roles. */
export async function createSuperuser(options: SuperuserOptions) {
  const filled = await complete(options)
  const parsed = SuperuserSchema.safeParse(filled)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new UsageError(`--${String(issue.path[0])} ${MESSAGES[issue.message] ?? issue.message}`)
  }
  const { username, email, password } = parsed.data
  const taken = await findTakenFields({ email, username })
  if (taken.username) throw new CommandError(`the username "${username}" is already taken`)
  if (taken.email) throw new CommandError(`the email ${email} already belongs to a member`)
  const hash = await hashPassword(password)
  return prisma.$transaction(async (tx) => {
    const member = await tx.member.create({
      data: {
        username,
        email,
        firstName: options.firstName ?? '',
        lastName: options.lastName ?? '',
        roles: ['MEMBER', 'STAFF', 'SUPERUSER'],
        password: { create: { hash } },
      },
      select: { id: true, username: true },
    })
    // Staff are kept in LDAP too, as Coin does with its superuser.
    await markLdapDirty(tx, 'member', [member.id])
    return member
  })
}
