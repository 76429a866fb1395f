import { hash, verify } from '@node-rs/argon2'

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
// `algorithm: 2` is Algorithm.Argon2id (a const enum, which isolated modules cannot import).
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 }

export function hashPassword(password: string) {
  return hash(password, OPTIONS)
}

export async function verifyPassword(password: string, passwordHash: string) {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}

let dummyHash: Promise<string> | undefined

/** Spends the time of one verification, so an unknown login answers as slowly as a wrong password. */
export async function verifyAgainstNothing(password: string) {
  dummyHash ??= hashPassword('coin-timing-equaliser')
  await verifyPassword(password, await dummyHash)
  return false
}
