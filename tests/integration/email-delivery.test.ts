import fs from 'node:fs'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { fileTransport, smtpTransport } from '#app/integrations/smtp/transport.server.ts'
import { deliverDueEmails, resendEmail } from '#app/models/email/outbox.server.ts'
import { getInvoicePdf } from '#app/models/invoice/pdf.server.ts'
import { parseIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertValidatedInvoice } from '#tests/factories/invoice.ts'
import { insertMember } from '#tests/factories/member.ts'

/** A real SMTP server on 127.0.0.1 that keeps what it accepts; `refuse` answers 451 to the next n messages. */
function startSmtp() {
  const received: Buffer[] = []
  const state = { refuse: 0 }
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        if (state.refuse > 0) {
          state.refuse -= 1
          const error = Object.assign(new Error('Try again later'), { responseCode: 451 })
          return callback(error)
        }
        received.push(Buffer.concat(chunks))
        callback(null)
      })
    },
  })
  return new Promise<{ url: string; received: Buffer[]; state: typeof state; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.server.address() as AddressInfo
      resolve({ url: `smtp://127.0.0.1:${port}`, received, state, close: () => new Promise((done) => server.close(() => done())) })
    })
  })
}

let smtp: Awaited<ReturnType<typeof startSmtp>>
beforeAll(async () => {
  smtp = await startSmtp()
})
afterAll(() => smtp.close())

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
    const results = await Promise.all([deliverDueEmails({ transport: a, limit: 3 }), deliverDueEmails({ transport: b, limit: 3 })])
    a.close()
    b.close()
    expect(results[0].sent + results[1].sent).toBe(12)
    expect(smtp.received.length).toBe(before + 12)
    const ids = new Set(await Promise.all(smtp.received.slice(before).map(async (raw) => (await simpleParser(raw)).messageId)))
    expect([...ids].sort()).toEqual(messages.map((m) => m.messageId).sort())
  })

  test('without SMTP_URL, messages are written as .eml files', async () => {
    await prisma.emailMessage.updateMany({ where: { status: 'QUEUED' }, data: { status: 'SENT' } })
    const message = await queued()
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coin-outbox-'))
    expect(await deliverDueEmails({ transport: fileTransport(dir) })).toMatchObject({ sent: 1 })
    const [file] = fs.readdirSync(dir)
    const mail = await simpleParser(fs.readFileSync(path.join(dir, file)))
    expect(mail.messageId).toBe(message.messageId)
    expect((await row(message.id)).smtpResponse).toContain(dir)
  })

  test('the monthly invoices are queued unrendered by charge_subscriptions, then rendered in the member\'s language and sent with the PDF', async () => {
    await prisma.emailMessage.updateMany({ where: { status: 'QUEUED' }, data: { status: 'SENT' } })
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
  await prisma.emailMessage.updateMany({ where: { status: 'QUEUED' }, data: { status: 'SENT' } })
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
