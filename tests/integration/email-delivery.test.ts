import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { fileTransport, smtpTransport } from '#app/integrations/smtp/transport.server.ts'
import { resendEmail } from '#app/models/email/outbox-admin.server.ts'
import { deliverDueEmails, resumeDelivery } from '#app/models/email/outbox.server.ts'
import { getInvoicePdf } from '#app/models/invoice/pdf.server.ts'
import { parseIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertValidatedInvoice } from '#tests/factories/invoice.ts'
import { insertMember, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, unwrap } from '#tests/routes/request.ts'
import { action as emailsAction, loader as emailsLoader } from '#app/routes/admin.emails._index.tsx'
import { loader as overviewLoader } from '#app/routes/admin._index.tsx'

type SmtpOptions = {
  /** The only credentials accepted; without them, AUTH is optional. */
  login?: { user: string; pass: string }
  /** A certificate: the server speaks TLS from the first byte (smtps). */
  tls?: { key: string; cert: string }
}

/**
 * A real SMTP server on 127.0.0.1 that keeps what it accepts. `refuse` answers 451 to the next n
 * messages; a recipient starting with "nobody" gets 550; `holdNext()` keeps the next message
 * unanswered until the test releases it (a slow server).
 */
function startSmtp({ login, tls }: SmtpOptions = {}) {
  const received: Buffer[] = []
  const state = { refuse: 0, logins: 0 }
  let hold: { arrived: () => void; released: Promise<void> } | null = null
  const server = new SMTPServer({
    authOptional: !login,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    disabledCommands: ['STARTTLS'],
    logger: false,
    ...(tls ? { secure: true, key: tls.key, cert: tls.cert } : {}),
    onAuth(auth, _session, callback) {
      state.logins += 1
      if (login && auth.username === login.user && auth.password === login.pass) return callback(null, { user: auth.username })
      callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }))
    },
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('nobody')) return callback(Object.assign(new Error('No such mailbox here'), { responseCode: 550 }))
      callback()
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', async () => {
        if (state.refuse > 0) {
          state.refuse -= 1
          const error = Object.assign(new Error('Try again later'), { responseCode: 451 })
          return callback(error)
        }
        const held = hold
        hold = null
        if (held) {
          held.arrived()
          await held.released
        }
        received.push(Buffer.concat(chunks))
        callback(null)
      })
    },
  })
  // A client that gives up mid-conversation (a refused certificate) is no server error.
  server.on('error', () => {})
  const holdNext = () => {
    let release = () => {}
    let arrived = () => {}
    const arrival = new Promise<void>((resolve) => (arrived = resolve))
    hold = { arrived, released: new Promise<void>((resolve) => (release = resolve)) }
    return { arrival, release }
  }
  return new Promise<{ url: string; port: number; received: Buffer[]; state: typeof state; holdNext: typeof holdNext; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.server.address() as AddressInfo
      resolve({ url: `smtp://127.0.0.1:${port}`, port, received, state, holdNext, close: () => new Promise((done) => server.close(() => done())) })
    })
  })
}

let smtp: Awaited<ReturnType<typeof startSmtp>>
beforeAll(async () => {
  smtp = await startSmtp()
})
afterAll(() => smtp.close())

/** Marks whatever earlier tests left queued as sent, so a test sees only its own messages. */
const clearOutbox = () => prisma.emailMessage.updateMany({ where: { status: 'QUEUED' }, data: { status: 'SENT', lastError: null } })

async function queued(overrides: { attachInvoiceIds?: number[]; toAddress?: string } = {}) {
  const member = await insertMember()
  return prisma.emailMessage.create({
    data: {
      memberId: member.id, template: 'new-invoice', toAddress: overrides.toAddress ?? `"Élodie Dupré" <${member.email}>`, fromAddress: '"FAI Démo" <tresorerie@fai-demo.example>',
      subject: 'Votre facture de novembre', html: '<p>Bonjour Élodie, voici votre facture.</p>', text: 'Bonjour Élodie, voici votre facture.',
      messageId: `<test-${member.id}@fai-demo.example>`, attachInvoiceIds: overrides.attachInvoiceIds ?? [],
    },
    select: { id: true, messageId: true },
  })
}

const row = (id: number) => prisma.emailMessage.findUniqueOrThrow({ where: { id }, select: { status: true, attempts: true, lastError: true, sentAt: true, smtpResponse: true } })

describe('sending the outbox through SMTP', () => {
  test('a real SMTP conversation: headers, both bodies, and the stored PDF attached byte for byte', async () => {
    const member = await insertMember()
    const invoice = await insertValidatedInvoice({ memberId: member.id, today: parseIsoDate('2040-01-31')!, withPdf: true })
    const pdf = (await getInvoicePdf(invoice.id))!
    // Validating queued the invoice's own email; this test sends a message of its own.
    await prisma.emailMessage.deleteMany({ where: { status: 'QUEUED' } })
    const message = await queued({ attachInvoiceIds: [invoice.id] })
    const before = smtp.received.length
    const transport = smtpTransport(smtp.url)
    expect(await deliverDueEmails({ transport })).toMatchObject({ sent: 1, retried: 0, failed: 0 })
    transport.close()
    expect(smtp.received.length).toBe(before + 1)
    const mail = await simpleParser(smtp.received.at(-1)!)
    expect(mail.subject).toBe('Votre facture de novembre')
    expect(mail.messageId).toBe(message.messageId)
    expect(mail.from?.text).toBe('"FAI Démo" <tresorerie@fai-demo.example>')
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0].name : '').toBe('Élodie Dupré')
    expect(mail.text?.trim()).toBe('Bonjour Élodie, voici votre facture.')
    expect(mail.html).toContain('<p>Bonjour Élodie, voici votre facture.</p>')
    expect(mail.attachments).toHaveLength(1)
    expect(mail.attachments[0]).toMatchObject({ filename: pdf.filename, contentType: 'application/pdf' })
    expect(Buffer.compare(mail.attachments[0].content, Buffer.from(pdf.pdf))).toBe(0)
    expect(await row(message.id)).toMatchObject({ status: 'SENT', attempts: 1, lastError: null })
  })

  test('an SMTP server that refuses, then accepts: retried later, sent once', async () => {
    const message = await queued()
    const transport = smtpTransport(smtp.url)
    const before = smtp.received.length
    smtp.state.refuse = 1
    const start = Date.now()
    expect(await deliverDueEmails({ transport, now: () => new Date(start) })).toMatchObject({ sent: 0, retried: 1 })
    expect(await row(message.id)).toMatchObject({ status: 'QUEUED', attempts: 1, lastError: expect.stringContaining('Try again later') })
    // Not before its retry time…
    expect(await deliverDueEmails({ transport, now: () => new Date(start + 30_000) })).toMatchObject({ sent: 0, retried: 0 })
    // …then once.
    expect(await deliverDueEmails({ transport, now: () => new Date(start + 61_000) })).toMatchObject({ sent: 1 })
    expect(await deliverDueEmails({ transport, now: () => new Date(start + 3_600_000) })).toMatchObject({ sent: 0 })
    transport.close()
    expect(smtp.received.length).toBe(before + 1)
    expect(await row(message.id)).toMatchObject({ status: 'SENT', attempts: 2 })
  })

  test('SMTP down: nothing is lost; after the last attempt the message is failed with its error, and can be resent', async () => {
    const message = await queued()
    const down = smtpTransport('smtp://127.0.0.1:1') // nothing listens there
    let clock = Date.now()
    for (let attempt = 1; attempt <= 3; attempt++) {
      await deliverDueEmails({ transport: down, now: () => new Date(clock), maxAttempts: 3 })
      clock += 3_600_000
    }
    down.close()
    expect(await row(message.id)).toMatchObject({ status: 'FAILED', attempts: 3, lastError: expect.stringMatching(/ECONNREFUSED|connect/) })
    expect(await resendEmail(message.id)).toBe(true)
    const transport = smtpTransport(smtp.url)
    expect(await deliverDueEmails({ transport })).toMatchObject({ sent: 1 })
    transport.close()
    expect(await row(message.id)).toMatchObject({ status: 'SENT', attempts: 1, lastError: null })
  })

  test('two workers at once send each message once', async () => {
    const messages = await Promise.all(Array.from({ length: 12 }, () => queued()))
    const before = smtp.received.length
    const [a, b] = [smtpTransport(smtp.url), smtpTransport(smtp.url)]
    const results = await Promise.all([deliverDueEmails({ transport: a }), deliverDueEmails({ transport: b })])
    a.close()
    b.close()
    expect(results[0].sent + results[1].sent).toBe(12)
    expect(smtp.received.length).toBe(before + 12)
    const ids = new Set(await Promise.all(smtp.received.slice(before).map(async (raw) => (await simpleParser(raw)).messageId)))
    expect([...ids].sort()).toEqual(messages.map((m) => m.messageId).sort())
  })

  test('without SMTP_URL, messages are written as .eml files', async () => {
    await clearOutbox()
    const message = await queued()
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coin-outbox-'))
    expect(await deliverDueEmails({ transport: fileTransport(dir) })).toMatchObject({ sent: 1 })
    const [file] = fs.readdirSync(dir)
    const mail = await simpleParser(fs.readFileSync(path.join(dir, file)))
    expect(mail.messageId).toBe(message.messageId)
    expect((await row(message.id)).smtpResponse).toContain(dir)
  })

  test('the monthly invoices are queued unrendered by charge_subscriptions, then rendered in the member\'s language and sent with the PDF', async () => {
    await clearOutbox()
    const member = await insertMember({ firstName: 'Zoé', lastName: 'Lefèvre' })
    await prisma.member.update({ where: { id: member.id }, data: { language: 'en' } })
    const offer = await prisma.offer.create({ data: { name: 'VPN', reference: 'MAIL-VPN', periodFeeCents: 800 }, select: { id: true } })
    await prisma.subscription.create({ data: { memberId: member.id, offerId: offer.id, subscriptionDate: parseIsoDate('2042-01-01')! } })
    const { chargeSubscriptions } = await import('#app/models/invoice/charge.server.ts')
    await chargeSubscriptions({ date: parseIsoDate('2042-02-01')!, today: parseIsoDate('2042-02-01')!, paymentDelayDays: 30 })
    const invoice = await prisma.invoice.findFirstOrThrow({ where: { memberId: member.id }, select: { id: true, number: true } })
    const queuedRow = await prisma.emailMessage.findFirstOrThrow({ where: { memberId: member.id, template: 'new-invoice' }, select: { id: true, html: true, attachInvoiceIds: true } })
    expect(queuedRow).toMatchObject({ html: '', attachInvoiceIds: [invoice.id] })
    const before = smtp.received.length
    const transport = smtpTransport(smtp.url)
    expect(await deliverDueEmails({ transport })).toMatchObject({ sent: 1 })
    transport.close()
    const mail = await simpleParser(smtp.received[before])
    expect(mail.subject).toContain(invoice.number!)
    expect(mail.text).toContain('Zoé Lefèvre')
    expect(mail.text).toContain('€8.00')
    expect(mail.attachments.map((a) => a.filename)).toEqual([`Facture_${invoice.number}.pdf`])
    expect((await prisma.emailMessage.findUniqueOrThrow({ where: { id: queuedRow.id }, select: { subject: true } })).subject).toContain(invoice.number!)
  })
})

test('a password link is removed from the outbox once sent, and such a message cannot be resent', async () => {
  await clearOutbox()
  const member = await insertMember()
  const message = await prisma.emailMessage.create({
    data: { memberId: member.id, template: 'password-reset', toAddress: member.email, fromAddress: 'coin@example.org', subject: 'Mot de passe', html: '<a href="https://coin.example/reset-password/SECRET">lien</a>', text: 'https://coin.example/reset-password/SECRET', messageId: `<reset-${member.id}@example.org>` },
    select: { id: true },
  })
  const before = smtp.received.length
  const transport = smtpTransport(smtp.url)
  expect(await deliverDueEmails({ transport })).toMatchObject({ sent: 1 })
  transport.close()
  expect((await simpleParser(smtp.received[before])).text).toContain('reset-password/SECRET')
  const stored = await prisma.emailMessage.findUniqueOrThrow({ where: { id: message.id }, select: { html: true, text: true } })
  expect(JSON.stringify(stored)).not.toContain('SECRET')
  expect(await resendEmail(message.id)).toBe(false)
})

describe('an SMTP server that refuses Coin itself pauses delivery; nothing is failed for it', () => {
  const LOGIN = { user: 'coin', pass: 'right-password' }
  let guarded: Awaited<ReturnType<typeof startSmtp>>
  let cookie: string
  beforeAll(async () => {
    guarded = await startSmtp({ login: LOGIN })
    ;({ cookie } = await loginAsStaff())
  })
  afterAll(() => guarded.close())

  const urlWith = (user: string, pass: string) => `smtp://${user}:${pass}@127.0.0.1:${guarded.port}`
  /** What staff see: the pause on the Courriels page and on the overview (null: no banner). */
  async function banners() {
    const outbox = await emailsLoader({ request: makeRequest('/admin/emails', { cookie }), params: {}, context: {} })
    const overview = unwrap(await overviewLoader({ request: makeRequest('/admin', { cookie }), params: {}, context: {} })).data
    return { outbox: outbox.pause, overview: overview.emailPause }
  }
  const statuses = async (ids: number[]) => prisma.emailMessage.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' }, select: { status: true, attempts: true } })

  test('a wrong password (535): the round stops at once, every message waits with its attempts, the banner shows the answer until it works', async () => {
    await clearOutbox()
    const messages = await Promise.all(Array.from({ length: 5 }, () => queued()))
    const ids = messages.map((m) => m.id)
    let clock = Date.now()
    const now = () => new Date(clock)
    // One attempt each would fail them all, were the refusal counted against the messages.
    const wrong = smtpTransport(urlWith(LOGIN.user, 'wrong-password'))
    const first = await deliverDueEmails({ transport: wrong, now, maxAttempts: 1 })
    expect(first).toMatchObject({ sent: 0, retried: 0, failed: 0, paused: { tries: 1, error: expect.stringContaining('535') } })
    expect(guarded.state.logins).toBe(1)
    expect(await statuses(ids)).toEqual(ids.map(() => ({ status: 'QUEUED', attempts: 0 })))
    const shown = await banners()
    expect(shown.outbox).toMatchObject({ error: expect.stringContaining('Authentication credentials invalid'), tries: 1, waiting: 5 })
    expect(shown.overview).toEqual(shown.outbox)
    // The page's table says why the message waits, and it offers no resend for a queued one.
    const page = await emailsLoader({ request: makeRequest('/admin/emails?status=QUEUED', { cookie }), params: {}, context: {} })
    expect(page.emails.filter((e) => ids.includes(e.id)).map((e) => e.resendable)).toEqual(ids.map(() => false))
    expect(page.emails.find((e) => e.accessError)?.accessError).toContain('535')

    // Paused: no worker knocks again before the retry time.
    clock += 30_000
    expect(await deliverDueEmails({ transport: wrong, now, maxAttempts: 1 })).toMatchObject({ sent: 0, failed: 0, paused: { tries: 1 } })
    expect(guarded.state.logins).toBe(1)
    // Then one knock, refused again: the next wait is twice as long.
    clock += 31_000
    const second = await deliverDueEmails({ transport: wrong, now, maxAttempts: 1 })
    expect(second).toMatchObject({ sent: 0, failed: 0, paused: { tries: 2 } })
    expect(second.paused!.nextAttemptAt.getTime()).toBe(clock + 120_000)
    expect(guarded.state.logins).toBe(2)
    wrong.close()
    expect(await statuses(ids)).toEqual(ids.map(() => ({ status: 'QUEUED', attempts: 0 })))

    // The password is fixed: at the retry time every message goes, and the banners go away.
    clock += 120_000
    const right = smtpTransport(urlWith(LOGIN.user, LOGIN.pass))
    const before = guarded.received.length
    expect(await deliverDueEmails({ transport: right, now, maxAttempts: 1 })).toMatchObject({ sent: 5, failed: 0, paused: null })
    right.close()
    expect(guarded.received.length).toBe(before + 5)
    expect(await statuses(ids)).toEqual(ids.map(() => ({ status: 'SENT', attempts: 1 })))
    expect(await banners()).toEqual({ outbox: null, overview: null })
  })

  test('no credentials where the server requires them (530): paused the same way', async () => {
    await clearOutbox()
    const message = await queued()
    const anonymous = smtpTransport(`smtp://127.0.0.1:${guarded.port}`)
    const result = await deliverDueEmails({ transport: anonymous, maxAttempts: 1 })
    anonymous.close()
    expect(result).toMatchObject({ failed: 0, paused: { error: expect.stringContaining('530') } })
    expect(await row(message.id)).toMatchObject({ status: 'QUEUED', attempts: 0 })
    expect((await banners()).outbox).toMatchObject({ error: expect.stringContaining('530') })
    // Staff ask to try again now: the pause ends, the next round knocks at once.
    const retried = await emailsAction({ request: makeRequest('/admin/emails', { cookie, form: { intent: 'retryNow' } }), params: {}, context: {} })
    expect((retried as Response).headers.get('location')).toBe('/admin/emails?retrying=1')
    const right = smtpTransport(urlWith(LOGIN.user, LOGIN.pass))
    expect(await deliverDueEmails({ transport: right })).toMatchObject({ sent: 1, paused: null })
    right.close()
    expect(await banners()).toEqual({ outbox: null, overview: null })
  })

  test('another 5xx answer (550 no such mailbox) still fails its message, and the others go', async () => {
    await clearOutbox()
    const lost = await queued({ toAddress: 'nobody-here@example.org' })
    const fine = await queued()
    const right = smtpTransport(urlWith(LOGIN.user, LOGIN.pass))
    expect(await deliverDueEmails({ transport: right })).toMatchObject({ sent: 1, failed: 1, paused: null })
    right.close()
    expect(await row(lost.id)).toMatchObject({ status: 'FAILED', attempts: 1, lastError: expect.stringContaining('550') })
    expect(await row(fine.id)).toMatchObject({ status: 'SENT' })
    expect((await banners()).outbox).toBeNull()
  })

  test('TLS refused (smtps:// to a server that does not speak TLS): paused, not failed', async () => {
    await clearOutbox()
    const message = await queued()
    const tls = smtpTransport(`smtps://127.0.0.1:${guarded.port}`)
    const result = await deliverDueEmails({ transport: tls, maxAttempts: 1 })
    tls.close()
    expect(result).toMatchObject({ failed: 0, paused: { tries: 1 } })
    expect(await row(message.id)).toMatchObject({ status: 'QUEUED', attempts: 0 })
    await resumeDelivery()
    const right = smtpTransport(urlWith(LOGIN.user, LOGIN.pass))
    expect(await deliverDueEmails({ transport: right })).toMatchObject({ sent: 1 })
    right.close()
  })

  const openssl = spawnSync('openssl', ['version']).status === 0
  if (!openssl) console.warn('openssl is not installed: the self-signed certificate test is skipped')
  test.skipIf(!openssl)('a certificate that does not verify (self-signed): paused, not failed', async () => {
    await clearOutbox()
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coin-smtp-tls-'))
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { encoding: 'utf8' })
    expect(made.status).toBe(0)
    const secure = await startSmtp({ tls: { key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8') } })
    try {
      const message = await queued()
      const transport = smtpTransport(`smtps://127.0.0.1:${secure.port}`)
      const result = await deliverDueEmails({ transport, maxAttempts: 1 })
      transport.close()
      expect(result).toMatchObject({ failed: 0, paused: { error: expect.stringMatching(/certificate/i) } })
      expect(await row(message.id)).toMatchObject({ status: 'QUEUED', attempts: 0 })
      expect(secure.received).toHaveLength(0)
      await resumeDelivery()
    } finally {
      await secure.close()
    }
  })
})

describe('a message in flight', () => {
  /** Waits until `check` holds (it is about the database: no fixed delay). */
  async function until(check: () => Promise<boolean>) {
    while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20))
  }

  test('a slow server: the message in hand keeps its lease, renewed, so a second worker sends the others and never it', async () => {
    await clearOutbox()
    const messages = [await queued(), await queued(), await queued()]
    const before = smtp.received.length
    let clock = Date.now()
    const now = () => new Date(clock)
    const lease = { seconds: 60, renewEveryMs: 25 }
    const held = smtp.holdNext()
    const [a, b] = [smtpTransport(smtp.url), smtpTransport(smtp.url)]
    const first = deliverDueEmails({ transport: a, now, lease })
    await held.arrival
    // Ten minutes go by while the server sits on the first message: far past the lease taken.
    clock += 600_000
    await until(async () => (await prisma.emailMessage.findUniqueOrThrow({ where: { id: messages[0].id }, select: { lockedUntil: true } })).lockedUntil! > now())
    const second = await deliverDueEmails({ transport: b, now, lease })
    expect(second).toMatchObject({ sent: 2, failed: 0 })
    held.release()
    expect(await first).toMatchObject({ sent: 1, failed: 0 })
    a.close()
    b.close()
    const sentIds = await Promise.all(smtp.received.slice(before).map(async (raw) => (await simpleParser(raw)).messageId))
    expect(sentIds.sort()).toEqual(messages.map((m) => m.messageId).sort())
    for (const message of messages) expect(await row(message.id)).toMatchObject({ status: 'SENT', attempts: 1 })
  })

  test('aborted (the worker stops): the message in hand is finished, the rest wait', async () => {
    await clearOutbox()
    const messages = [await queued(), await queued(), await queued()]
    const before = smtp.received.length
    const held = smtp.holdNext()
    const stop = new AbortController()
    const transport = smtpTransport(smtp.url)
    const run = deliverDueEmails({ transport, signal: stop.signal })
    await held.arrival
    stop.abort()
    held.release()
    expect(await run).toMatchObject({ sent: 1 })
    transport.close()
    expect(smtp.received.length).toBe(before + 1)
    expect(await row(messages[0].id)).toMatchObject({ status: 'SENT' })
    for (const message of messages.slice(1)) expect(await row(message.id)).toMatchObject({ status: 'QUEUED', attempts: 0 })
  })
})
