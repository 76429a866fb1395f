import fs from 'node:fs/promises'
import path from 'node:path'
import nodemailer from 'nodemailer'
import type Mail from 'nodemailer/lib/mailer'

/**
 * Where Coin's emails go: the SMTP server of `SMTP_URL`, or, without one, `.eml` files in the
 * data dir (a fresh install shows what it would send). The only code that talks to SMTP.
 */

export type OutgoingMessage = {
  from: string
  to: string
  subject: string
  html: string
  text: string
  messageId: string
  attachments: { filename: string; content: Buffer; contentType: string }[]
}

export type Delivery = { response: string; file?: string }

export type Transport = { send(message: OutgoingMessage): Promise<Delivery>; close(): void }

function toMail(message: OutgoingMessage): Mail.Options {
  return { ...message, headers: { 'Auto-Submitted': 'auto-generated' } }
}

/** An SMTP transport (pooled connection, timeouts short enough to retry later rather than hang). */
export function smtpTransport(url: string): Transport {
  const parsed = new URL(url)
  const secure = parsed.protocol === 'smtps:'
  const transporter = nodemailer.createTransport({
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    ...(parsed.username ? { auth: { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  })
  return {
    async send(message) {
      const info = await transporter.sendMail(toMail(message))
      return { response: info.response }
    },
    close: () => transporter.close(),
  }
}

/** Writes each message as `<dir>/<date>-<message id>.eml`: what would have been sent. */
export function fileTransport(dir: string): Transport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  return {
    async send(message) {
      const info = await transporter.sendMail(toMail(message))
      await fs.mkdir(dir, { recursive: true })
      const name = `${new Date().toISOString().slice(0, 10)}-${message.messageId.replace(/[<>]/g, '').replace(/[^\w.@-]/g, '_')}.eml`
      const file = path.join(dir, name)
      await fs.writeFile(file, info.message as Buffer)
      return { response: `written to ${file}`, file }
    },
    close: () => transporter.close(),
  }
}
