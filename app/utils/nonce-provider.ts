import { createContext, useContext } from 'react'

/**
 * The nonce of this response's Content-Security-Policy, which Remix's inline scripts carry.
 * entry.server provides it per request; in the browser it is empty (browsers hide nonces from
 * the page once parsed, and scripts added after hydration do not need one).
 */
const NonceContext = createContext('')

export const NonceProvider = NonceContext.Provider
export const useNonce = () => useContext(NonceContext)
