import { beforeAll, describe, expect, test } from 'vitest'
import { action, loader } from '#app/routes/admin.emails._index.tsx'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, unwrap } from './request.ts'

let cookie: string
beforeAll(async () => {
  ;({ cookie } = await loginAsStaff())
})

let serial = 0
async function insertEmail(template: string, status: 'QUEUED' | 'SENT' | 'FAILED') {
  const member = await insertMember()
  serial += 1
  return prisma.emailMessage.create({
    data: {
      memberId: member.id, template, toAddress: member.email, fromAddress: 'coin@example.org', subject: `${template} ${serial}`, html: '<p>x</p>', text: 'x',
      messageId: `<outbox-page-${serial}-${member.id}@example.org>`, status,
      ...(status === 'FAILED' ? { attempts: 12, lastError: '451 try again later' } : {}),
      ...(status === 'SENT' ? { attempts: 1, sentAt: new Date() } : {}),
    },
    select: { id: true },
  })
}

const list = (query: string) => loader({ request: makeRequest(`/admin/emails${query}`, { cookie }), params: {}, context: {} })
const post = (query: string, form: Record<string, string>) => action({ request: makeRequest(`/admin/emails${query}`, { cookie, form }), params: {}, context: {} })
const statusOf = async (id: number) => (await prisma.emailMessage.findUniqueOrThrow({ where: { id }, select: { status: true } })).status

describe('the Courriels page', () => {
  test('the resend button shows only where resending is allowed', async () => {
    const sentReset = await insertEmail('password-reset', 'SENT')
    const sentWelcome = await insertEmail('welcome', 'SENT')
    const failedReset = await insertEmail('password-reset', 'FAILED')
    const sentInvoice = await insertEmail('new-invoice', 'SENT')
    const queued = await insertEmail('new-invoice', 'QUEUED')
    const { emails } = await list('')
    const resendable = (id: number) => emails.find((e) => e.id === id)?.resendable
    expect([sentReset, sentWelcome, failedReset, sentInvoice, queued].map((m) => resendable(m.id))).toEqual([false, false, true, true, false])
    // The action agrees with the button.
    expect(unwrap(await post('', { intent: 'resend', id: String(sentWelcome.id) })).status).toBe(409)
    expect(await statusOf(sentWelcome.id)).toBe('SENT')
  })

  test('every failed message of the filter is queued again at once, and the page says how many', async () => {
    const invoices = [await insertEmail('unpaid-invoice-reminder', 'FAILED'), await insertEmail('unpaid-invoice-reminder', 'FAILED')]
    const otherTemplate = await insertEmail('call-for-membership-fees', 'FAILED')
    const sentInvoice = await insertEmail('unpaid-invoice-reminder', 'SENT')
    const filtered = await list('?template=unpaid-invoice-reminder&status=FAILED')
    expect(filtered.query).toMatchObject({ template: 'unpaid-invoice-reminder', status: 'FAILED' })
    expect(filtered.counts.FAILED).toBe(2)
    expect(filtered.templates).toEqual(expect.arrayContaining(['unpaid-invoice-reminder', 'call-for-membership-fees']))

    const done = await post('?template=unpaid-invoice-reminder&status=FAILED&resent=3', { intent: 'resendFailed', template: 'unpaid-invoice-reminder' })
    expect((done as Response).status).toBe(302)
    expect((done as Response).headers.get('location')).toBe('/admin/emails?template=unpaid-invoice-reminder&status=FAILED&resentCount=2')
    for (const message of invoices) {
      expect(await prisma.emailMessage.findUniqueOrThrow({ where: { id: message.id }, select: { status: true, attempts: true, lastError: true } })).toEqual({ status: 'QUEUED', attempts: 0, lastError: null })
    }
    expect(await statusOf(otherTemplate.id)).toBe('FAILED')
    expect(await statusOf(sentInvoice.id)).toBe('SENT')
    // Posted again (a refresh would not repost: the answer was a redirect), nothing is left to resend.
    const again = await post('', { intent: 'resendFailed', template: 'unpaid-invoice-reminder' })
    expect((again as Response).headers.get('location')).toBe('/admin/emails?resentCount=0')
  })

  test('a bad template filter is ignored; a bad intent is a 400', async () => {
    expect((await list('?template=%27;DROP')).query.template).toBeUndefined()
    expect(unwrap(await post('', { intent: 'resendEverything' })).status).toBe(400)
  })
})
