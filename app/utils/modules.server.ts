import { getEnv } from './env.server.ts'
import { notFound } from './http.server.ts'

/** The optional modules COIN_MODULES can switch on (vpn, dsl, hardware, maillists). */
export type ModuleName = 'vpn' | 'dsl' | 'hardware' | 'maillists'

/** True when COIN_MODULES switches the module on. */
export function moduleEnabled(name: ModuleName) {
  return getEnv().COIN_MODULES.includes(name)
}

/** A 404 unless the module is switched on: its pages do not exist otherwise. */
export function requireModule(name: ModuleName) {
  if (!moduleEnabled(name)) notFound()
}
