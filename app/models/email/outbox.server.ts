import { randomUUID } from 'node:crypto'
import path from 'node:path'
import type { Logger } from 'pino'
import type { EmailContext, EmailName, EmailProps, RenderedEmail } from '#emails/render.server.ts'
import { Prisma } from '#app/generated/prisma/client.ts'
import { fileTransport, smtpTransport, type Transport } from '#app/integrations/smtp/transport.server.ts'
import { getPaymentState } from '#app/models/invoice/amounts.server.ts'
import { getInvoicePdf } from '#app/models/invoice/pdf.server.ts'
import { getIspIdentity, type IspIdentity } from '#app/models/isp/settings.server.ts'
import { displayName } from '#app/models/member/username.ts'
import { prisma } from '#app/utils/db.server.ts'
import { getEnv, hidePassword } from '#app/utils/env.server.ts'
import { classifySmtpFailure, parsePauseError, pauseError, PAUSE_ERROR_PREFIX } from './smtp-failure.ts'

/**
 * The outbox: an email is a row, rendered when it is queued (inside the caller's transaction, so
 * it exists exactly when what it announces does), and sent later by the worker. A request never
 * waits on SMTP. Failed attempts are retried with backoff; after `EMAIL_MAX_ATTEMPTS` the row is
 * marked failed, with its last error, for staff to resend. A refusal of Coin's own access to the
 * SMTP server pauses the whole outbox instead (see `deliverDueEmails`). The admin page's queries
 * are in outbox-admin.server.ts.
 */

type Db = Prisma.TransactionClient | typeof prisma

export type Recipient = {
  id: number
  email: string
  language: 'fr' | 'en' | null
  type: string
  firstName: string
  lastName: string
  nickname: string
  organizationName: string
  username: string
}

export const recipientSelect = {
  id: true, email: true, language: true, type: true, firstName: true, lastName: true, nickname: true, organizationName: true, username: true,
} satisfies Prisma.MemberSelect

/** "Name" <address>, with the quotes a display name needs. */
const mailbox = (name: string, address: string) => `"${name.replace(/["\\\r\n]/g, '')}" <${address}>`

/**
 * Renders a template for a member and queues it. `administrative` mail (welcome, fees,
 * reminders) comes from the ISP's administrative email when it is set, as in Coin; the rest from
 * `DEFAULT_FROM_EMAIL`. `attachInvoiceIds`: invoices whose stored PDF goes with the message.
 */
export function queueEmail<N extends EmailName>(
  { member, ...message }: { template: N; props: EmailProps[N]; member: Recipient; administrative?: boolean; attachInvoiceIds?: number[] },
  db: Db = prisma,
) {
  return queueEmailToAddress({ ...message, to: { name: displayName(member), email: member.email, language: member.language }, memberId: member.id }, db)
}

/** Renders and queues a message for an address that may be no member's (the reminders report). */
export async function queueEmailToAddress<N extends EmailName>(
  { template, props, to, memberId = null, administrative = false, attachInvoiceIds = [] }: {
    template: N; props: EmailProps[N]; to: { name: string; email: string; language: 'fr' | 'en' | null }; memberId?: number | null; administrative?: boolean; attachInvoiceIds?: number[]
  },
  db: Db = prisma,
) {
  const isp = await getIspIdentity(db)
  const rendered = await (await renderer()).renderEmail(template, props, emailContext(isp, to))
  return db.emailMessage.create({
    data: { ...envelope({ template, to, memberId, administrative, attachInvoiceIds }, isp), ...renderedFields(rendered) },
    select: { id: true },
  })
}

/**
 * The templates (React, React Email and their formatter) load on the first rendering: a process
 * that only queues for later, like the billing run, does without them.
 */
const renderer = () => import('#emails/render.server.ts')

type Addressee = { name: string; email: string; language: 'fr' | 'en' | null }

/** What a template is rendered with: the language, the ISP, the recipient and Coin's address. */
function emailContext(isp: IspIdentity, to: Addressee): EmailContext {
  const env = getEnv()
  return {
    language: to.language ?? 'fr',
    isp: { name: isp.name, email: isp.email, website: isp.website, logoUrl: isp.logo ? `${env.PUBLIC_URL}/logo` : null },
    recipient: { name: to.name, email: to.email },
    baseUrl: env.PUBLIC_URL,
  }
}

/** The row's addressing: recipient, sender (the ISP's administrative email for administrative mail) and a fixed Message-ID. */
function envelope({ template, to, memberId, administrative, attachInvoiceIds }: { template: EmailName; to: Addressee; memberId: number | null; administrative: boolean; attachInvoiceIds: number[] }, isp: IspIdentity) {
  const fromAddress = administrative && isp.email ? isp.email : getEnv().DEFAULT_FROM_EMAIL
  return {
    memberId,
    template,
    toAddress: to.name ? mailbox(to.name, to.email) : to.email,
    fromAddress: mailbox(isp.name, fromAddress),
    attachInvoiceIds,
    messageId: `<${randomUUID()}@${fromAddress.split('@')[1] ?? 'coin.invalid'}>`,
  }
}

const renderedFields = (rendered: RenderedEmail) => ({ subject: rendered.subject.slice(0, 300), html: rendered.html, text: rendered.text })

type LaterMessage<N extends EmailName = EmailName> = { template: N; props: EmailProps[N]; member: Recipient; administrative?: boolean; attachInvoiceIds?: number[] }
type RenderLater = { props: unknown; to: Addressee }

/**
 * Queues many messages without rendering them (the monthly invoices: rendering 10,000 emails
 * would double the billing run); each is rendered by the worker just before it is sent, with
 * the ISP's identity of that moment. One INSERT for all, in the caller's transaction.
 */
export async function queueEmailsForLater(messages: LaterMessage[], db: Db = prisma) {
  if (messages.length === 0) return 0
  const isp = await getIspIdentity(db)
  const { count } = await db.emailMessage.createMany({
    data: messages.map(({ template, props, member, administrative = false, attachInvoiceIds = [] }) => {
      const to = { name: displayName(member), email: member.email, language: member.language }
      const later: RenderLater = { props, to }
      return { ...envelope({ template, to, memberId: member.id, administrative, attachInvoiceIds }, isp), renderLater: later as Prisma.InputJsonValue }
    }),
  })
  return count
}

/** JSON keeps dates as ISO strings: the props of a message rendered later get them back. */
const reviveDates = (value: unknown) =>
  JSON.parse(JSON.stringify(value), (_key, v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(v) ? new Date(v) : v))

/**
 * Props a message rendered when sent takes from the database at that moment: an invoice email
 * says what is left to pay then (the member's credit, or a payment since, may have paid it).
 */
async function currentProps(template: string, props: unknown) {
  if (template !== 'new-invoice') return props
  const invoice = props as EmailProps['new-invoice']
  return { ...invoice, ...(await getPaymentState(invoice.invoiceId)) }
}

/** Renders a message queued for later and stores what it says, before its first sending. */
async function renderQueued(message: { id: number; template: string; renderLater: unknown }) {
  const { props, to } = message.renderLater as RenderLater
  const fresh = await currentProps(message.template, reviveDates(props))
  const rendered = await (await renderer()).renderEmail(message.template as EmailName, fresh as never, emailContext(await getIspIdentity(), to))
  await prisma.emailMessage.update({ where: { id: message.id }, data: { ...renderedFields(rendered), renderLater: Prisma.DbNull } })
  return rendered
}

/** The transport of this installation: SMTP_URL, or .eml files under the data dir. */
export function createTransport(): Transport & { description: string } {
  const env = getEnv()
  if (env.SMTP_URL) return { ...smtpTransport(env.SMTP_URL), description: hidePassword(env.SMTP_URL) }
  const dir = path.join(env.COIN_DATA_DIR, 'outbox')
  return { ...fileTransport(dir), description: `files in ${dir} (no SMTP_URL)` }
}

/** Seconds before the next attempt: 1, 2, 4 … minutes, at most an hour. */
export const retryDelaySeconds = (attempts: number) => Math.min(60 * 2 ** Math.max(attempts - 1, 0), 3600)

/** How long a message waits for the PDFs it attaches to be stored by the run that validated them. */
export const PDF_WAIT_SECONDS = 600

/**
 * A message is claimed alone, with a lease: no other worker takes it before the lease ends. The
 * worker sending it renews the lease every third of its length for as long as the sending lasts,
 * so a slow server never lets a second worker send a message that is still in flight.
 */
export const DEFAULT_LEASE = { seconds: 300, renewEveryMs: 100_000 }

type Claimed = { id: number; template: string; toAddress: string; fromAddress: string; subject: string; html: string; text: string; renderLater: unknown; messageId: string; attachInvoiceIds: number[]; attempts: number; lockedUntil: Date }

/** Where a paused delivery stands: the server's answer, the refusals in a row, when it tries again. */
export type DeliveryPause = { error: string; tries: number; nextAttemptAt: Date }

/**
 * The current pause of the outbox, shared by every worker and the admin pages: the latest pause
 * marker among queued messages (see `pauseError`), whether its retry time has come or not. A
 * successful sending removes the markers, so there is none while the server accepts Coin.
 */
export async function readDeliveryPause(): Promise<DeliveryPause | null> {
  const row = await prisma.emailMessage.findFirst({
    where: { status: 'QUEUED', lastError: { startsWith: PAUSE_ERROR_PREFIX } },
    orderBy: [{ nextAttemptAt: 'desc' }, { id: 'desc' }],
    select: { lastError: true, nextAttemptAt: true },
  })
  const marker = parsePauseError(row?.lastError ?? null)
  return row && marker ? { ...marker, nextAttemptAt: row.nextAttemptAt } : null
}

/** Ends a pause now (the worker starts, staff ask to retry): the next round tries the server again. */
export async function resumeDelivery(now = new Date()) {
  await prisma.emailMessage.updateMany({
    where: { status: 'QUEUED', lastError: { startsWith: PAUSE_ERROR_PREFIX }, nextAttemptAt: { gt: now } },
    data: { nextAttemptAt: now },
  })
}

/** Claims the next due message, alone, leased until `now + seconds`; counts the attempt. */
async function claimNext(at: Date, leaseSeconds: number) {
  const [claimed] = await prisma.$queryRaw<Claimed[]>`
    UPDATE "EmailMessage" SET "lockedUntil" = ${new Date(at.getTime() + leaseSeconds * 1000)}, attempts = attempts + 1
    WHERE id = (
      SELECT id FROM "EmailMessage" e
      WHERE status = 'QUEUED' AND "nextAttemptAt" <= ${at} AND ("lockedUntil" IS NULL OR "lockedUntil" < ${at})
        -- A message waits for the PDFs it attaches while whoever validated the invoices stores
        -- them; past PDF_WAIT_SECONDS (that run died) the sender renders them itself.
        AND (e."createdAt" < ${new Date(at.getTime() - PDF_WAIT_SECONDS * 1000)}
             OR NOT EXISTS (SELECT 1 FROM "Invoice" i WHERE i.id = ANY(e."attachInvoiceIds") AND i."pdfSha256" IS NULL))
      ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id, template, "toAddress", "fromAddress", subject, html, text, "renderLater", "messageId", "attachInvoiceIds", attempts, "lockedUntil"`
  return claimed ?? null
}

/**
 * Runs `work` while renewing the lease of message `id` every `renewEveryMs`: each renewal moves
 * `lockedUntil` to `now + seconds`, only while the row still carries this worker's lease.
 */
async function holdingLease<T>({ id, lockedUntil, now, lease, log }: { id: number; lockedUntil: Date; now: () => Date; lease: typeof DEFAULT_LEASE; log?: Logger }, work: () => Promise<T>) {
  let held = lockedUntil
  let renewal: Promise<void> = Promise.resolve()
  const renew = async () => {
    const next = new Date(now().getTime() + lease.seconds * 1000)
    const { count } = await prisma.emailMessage.updateMany({ where: { id, lockedUntil: held }, data: { lockedUntil: next } })
    if (count === 1) held = next
  }
  const timer = setInterval(() => {
    renewal = renewal.then(renew).catch((error: unknown) => log?.warn({ email: id, error: error instanceof Error ? error.message : String(error) }, 'email lease not renewed'))
  }, lease.renewEveryMs)
  try {
    return await work()
  } finally {
    clearInterval(timer)
    await renewal
  }
}

/** Sends one claimed message: its PDFs attached, rendered now when it was queued for later. */
async function sendClaimed(transport: Transport, message: Claimed) {
  const attachments = await Promise.all(message.attachInvoiceIds.map(async (id) => {
    const pdf = await getInvoicePdf(id)
    if (!pdf) throw new Error(`invoice ${id} has no PDF to attach`)
    return { filename: pdf.filename, content: Buffer.from(pdf.pdf), contentType: 'application/pdf' }
  }))
  const { subject, html, text } = message.renderLater ? await renderQueued(message) : message
  return transport.send({ from: message.fromAddress, to: message.toAddress, subject, html, text, messageId: message.messageId, attachments })
}

export type DeliveryResult = { sent: number; retried: number; failed: number; paused: DeliveryPause | null }

/**
 * Sends the messages that are due, one at a time, until none is left or `signal` is aborted (the
 * message in hand is finished first). Each is claimed alone with SKIP LOCKED and a lease renewed
 * while it is sent, so several workers share the work and never send the same row at once. If a
 * worker dies after the server accepted a message but before it recorded it, the row is sent
 * again once the lease expires, with the same Message-ID, which receiving servers use to drop the
 * copy.
 *
 * A refusal of Coin's own access (authentication, TLS; see `classifySmtpFailure`) pauses the
 * whole outbox: the round stops, the message keeps its attempts and waits with the pause marker
 * in `lastError`, and every worker leaves the outbox alone until the marker's retry time (1, 2,
 * 4 … minutes, at most an hour). Nothing is marked failed for it. Other 5xx answers fail their
 * message; anything else is retried with backoff until `maxAttempts`.
 */
export async function deliverDueEmails({ transport, now = () => new Date(), maxAttempts = getEnv().EMAIL_MAX_ATTEMPTS, lease = DEFAULT_LEASE, signal, log }: {
  transport: Transport; now?: () => Date; maxAttempts?: number; lease?: typeof DEFAULT_LEASE; signal?: AbortSignal; log?: Logger
}): Promise<DeliveryResult> {
  const result: DeliveryResult = { sent: 0, retried: 0, failed: 0, paused: null }
  let pause = await readDeliveryPause()
  if (pause && pause.nextAttemptAt > now()) return { ...result, paused: pause }
  while (!signal?.aborted) {
    const message = await claimNext(now(), lease.seconds)
    if (!message) break
    try {
      const delivery = await holdingLease({ id: message.id, lockedUntil: message.lockedUntil, now, lease, log }, () => sendClaimed(transport, message))
      await prisma.emailMessage.update({
        where: { id: message.id },
        data: {
          status: 'SENT', sentAt: now(), smtpResponse: delivery.response.slice(0, 500), lockedUntil: null, lastError: null,
          ...(WITH_SECRET_LINK.has(message.template) ? { html: SCRUBBED, text: SCRUBBED } : {}),
        },
      })
      log?.info({ email: message.id, to: message.toAddress, ...(delivery.file ? { file: delivery.file } : {}) }, delivery.file ? 'email written to a file (no SMTP_URL)' : 'email sent')
      result.sent += 1
      if (pause) {
        // The server takes Coin again: the messages that met the refusal wait no longer for it.
        await prisma.emailMessage.updateMany({
          where: { status: 'QUEUED', lastError: { startsWith: PAUSE_ERROR_PREFIX }, nextAttemptAt: { lte: now() } },
          data: { lastError: null },
        })
        log?.info({ after: pause.tries }, 'email delivery resumed: the SMTP server accepts Coin again')
        pause = null
      }
    } catch (error) {
      const text = (error instanceof Error ? error.message : String(error)).slice(0, 1000)
      const kind = classifySmtpFailure(error)
      if (kind === 'access') {
        const tries = (pause?.tries ?? 0) + 1
        const nextAttemptAt = new Date(now().getTime() + retryDelaySeconds(tries) * 1000)
        await prisma.emailMessage.update({
          where: { id: message.id },
          data: { attempts: { decrement: 1 }, lastError: pauseError(tries, text), lockedUntil: null, nextAttemptAt },
        })
        log?.error({ email: message.id, tries, nextAttemptAt, error: text }, 'email delivery paused: the SMTP server refuses Coin (authentication or TLS)')
        return { ...result, paused: { error: text, tries, nextAttemptAt } }
      }
      const giveUp = kind === 'permanent' || message.attempts >= maxAttempts
      await prisma.emailMessage.update({
        where: { id: message.id },
        data: { status: giveUp ? 'FAILED' : 'QUEUED', lastError: text, lockedUntil: null, nextAttemptAt: new Date(now().getTime() + retryDelaySeconds(message.attempts) * 1000) },
      })
      log?.warn({ email: message.id, to: message.toAddress, attempts: message.attempts, error: text }, giveUp ? 'email failed, given up' : 'email not sent, will retry')
      if (giveUp) result.failed += 1
      else result.retried += 1
    }
  }
  return result
}

/**
 * Messages carrying a single-use password link: once sent, their body is removed from the outbox,
 * so the database never holds a working link (only its hash, in PasswordResetToken). They cannot
 * be resent: the member asks for a new link.
 */
export const WITH_SECRET_LINK: ReadonlySet<string> = new Set(['password-reset', 'welcome'])
const SCRUBBED = '(removed once sent: it held a single-use password link)'
