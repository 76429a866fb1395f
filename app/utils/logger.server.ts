import pino from 'pino'

/**
 * The one logger. Structured fields only; never log passwords, session tokens or
 * connection strings (the redact list is a safety net, not a licence).
 */
export const logger = pino({
  level: process.env.LOG_LEVEL || (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: undefined,
  redact: {
    paths: ['password', '*.password', 'token', '*.token', 'cookie', '*.cookie', 'databaseUrl', '*.databaseUrl'],
    censor: '[redacted]',
  },
})
