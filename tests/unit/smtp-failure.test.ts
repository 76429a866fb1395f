import { describe, expect, test } from 'vitest'
import { classifySmtpFailure, parsePauseError, pauseError } from '#app/models/email/smtp-failure.ts'

const smtpError = (message: string, fields: { code?: string; responseCode?: number; originalCode?: string }) => Object.assign(new Error(message), fields)

describe('whom a failed sending concerns', () => {
  test.each([
    ['535 wrong password', smtpError('Invalid login: 535 5.7.8 Authentication credentials invalid', { code: 'EAUTH', responseCode: 535 }), 'access'],
    ['534 stronger authentication required', smtpError('534 5.7.9 Application-specific password required', { code: 'EAUTH', responseCode: 534 }), 'access'],
    ['530 authentication required at MAIL FROM', smtpError('Mail command failed: 530 Error: authentication Required', { code: 'EENVELOPE', responseCode: 530 }), 'access'],
    ['538 encryption required', smtpError('538 Encryption required for requested authentication mechanism', { responseCode: 538 }), 'access'],
    ['credentials missing', smtpError('Missing credentials for "PLAIN"', { code: 'EAUTH' }), 'access'],
    ['STARTTLS failed', smtpError('Error initiating TLS', { code: 'ETLS' }), 'access'],
    ['self-signed certificate', smtpError('self-signed certificate', { code: 'ESOCKET', originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'access'],
    ['expired certificate', smtpError('certificate has expired', { code: 'ESOCKET', originalCode: 'CERT_HAS_EXPIRED' }), 'access'],
    ['TLS to a plaintext port', smtpError('C0B7:error:0A00010B:SSL routines:ssl3_get_record:wrong version number', { code: 'ESOCKET', originalCode: 'ERR_SSL_WRONG_VERSION_NUMBER' }), 'access'],
    ['550 no such mailbox', smtpError('Can\'t send mail - all recipients were rejected: 550 No such mailbox', { code: 'EENVELOPE', responseCode: 550 }), 'permanent'],
    ['554 message refused', smtpError('Message failed: 554 spam', { code: 'EMESSAGE', responseCode: 554 }), 'permanent'],
    ['451 try later', smtpError('Message failed: 451 Try again later', { code: 'EMESSAGE', responseCode: 451 }), 'temporary'],
    ['server down', smtpError('connect ECONNREFUSED 127.0.0.1:1', { code: 'ESOCKET', originalCode: 'ECONNREFUSED' }), 'temporary'],
    ['timeout', smtpError('Connection timeout', { code: 'ETIMEDOUT' }), 'temporary'],
    ['no PDF yet', new Error('invoice 12 has no PDF to attach'), 'temporary'],
  ])('%s: %s', (_name, error, kind) => {
    expect(classifySmtpFailure(error)).toBe(kind)
  })

  test('the pause marker keeps the tries and the answer', () => {
    expect(parsePauseError(pauseError(3, 'Invalid login: 535 nope\nsecond line'))).toEqual({ tries: 3, error: 'Invalid login: 535 nope\nsecond line' })
    expect(parsePauseError('451 try again later')).toBeNull()
    expect(parsePauseError(null)).toBeNull()
  })
})
