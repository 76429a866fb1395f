import type { Logger } from 'pino'
import { prisma } from '#app/utils/db.server.ts'

/** Login attempts older than this are no longer needed by the throttle. */
const KEEP_ATTEMPTS_MS = 24 * 3600 * 1000

/** Deletes expired sessions and old login attempts. Idempotent. */
export async function run({ now = new Date(), log }: { now?: Date; log: Logger }) {
  const sessions = await prisma.session.deleteMany({ where: { expiresAt: { lte: now } } })
  const attempts = await prisma.loginAttempt.deleteMany({ where: { at: { lt: new Date(now.getTime() - KEEP_ATTEMPTS_MS) } } })
  log.info({ sessions: sessions.count, loginAttempts: attempts.count }, 'purged')
  return { sessions: sessions.count, loginAttempts: attempts.count }
}
