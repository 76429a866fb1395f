import { createHash, pbkdf2, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'
import { hash, verify } from '@node-rs/argon2'

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
// `algorithm: 2` is Algorithm.Argon2id (a const enum, which isolated modules cannot import).
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 }

export function hashPassword(password: string) {
  return hash(password, OPTIONS)
}

const pbkdf2Async = promisify(pbkdf2)

/** Equal strings, compared in a time that does not depend on where they differ. */
function sameText(a: string, b: string) {
  const [left, right] = [Buffer.from(a), Buffer.from(b)]
  return left.length === right.length && timingSafeEqual(left, right)
}

/**
 * Django's hashes, as members imported from the original Coin have them:
 * `pbkdf2_sha256$<iterations>$<salt>$<base64>` (Django 1.4 onwards) and `sha1$<salt>$<hex>`
 * (older installs). Null when the hash is not one of them.
 */
async function verifyDjango(password: string, passwordHash: string): Promise<boolean | null> {
  const parts = passwordHash.split('$')
  if (parts[0] === 'pbkdf2_sha256' && parts.length === 4) {
    const iterations = Number(parts[1])
    if (!Number.isInteger(iterations) || iterations < 1 || iterations > 10_000_000) return false
    const derived = await pbkdf2Async(password, parts[2]!, iterations, 32, 'sha256')
    return sameText(derived.toString('base64'), parts[3]!)
  }
  if (parts[0] === 'sha1' && parts.length === 3) {
    return sameText(createHash('sha1').update(parts[1]! + password).digest('hex'), parts[2]!)
  }
  return null
}

export async function verifyPassword(password: string, passwordHash: string) {
  const django = await verifyDjango(password, passwordHash)
  if (django !== null) return django
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}

/** A hash verifyPassword can check: Coin's argon2id, or one of the Django hashes above. */
export const isReadableHash = (passwordHash: string) =>
  passwordHash.startsWith('$argon2id$') || /^pbkdf2_sha256\$\d+\$[^$]*\$[^$]+$/.test(passwordHash) || /^sha1\$[^$]*\$[0-9a-f]{40}$/.test(passwordHash)

/** A hash that is not Coin's own argon2id (one imported from Django): replaced at the next login. */
export const needsRehash = (passwordHash: string) => !passwordHash.startsWith('$argon2id$')

let dummyHash: Promise<string> | undefined

/** Spends the time of one verification, so an unknown login answers as slowly as a wrong password. */
export async function verifyAgainstNothing(password: string) {
  dummyHash ??= hashPassword('coin-timing-equaliser')
  await verifyPassword(password, await dummyHash)
  return false
}
