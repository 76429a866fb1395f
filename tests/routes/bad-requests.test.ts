import type { ActionFunction, LoaderFunction } from '@remix-run/node'
import { beforeAll, expect, test } from 'vitest'
import { loginAs, loginAsStaff } from '#tests/factories/member.ts'
import { settle, unwrap } from './request.ts'

// Every route, every loader and action, as staff and as a member, with the values that used to
// make Coin answer 500: ids beyond PostgreSQL's integer, NUL bytes, impossible months, and bodies
// that are not forms. Each must be answered (a page, a redirect or a 4xx with a message), never
// thrown as an unexpected error.

type RouteModule = { loader?: LoaderFunction; action?: ActionFunction }
const modules = import.meta.glob<RouteModule>('/app/routes/*.{ts,tsx}', { eager: true })

const HUGE = '99999999999'
const NUL = 'a\u0000b'
/** Every route parameter name used in app/routes, each given a hostile value. */
const PARAM_NAMES = ['memberId', 'invoiceId', 'paymentId', 'offerId', 'subscriptionId', 'feeId', 'token', '*']
const QUERIES = [
  `q=${encodeURIComponent(NUL)}`,
  'month=0000-01',
  'month=2025-13',
  `page=${HUGE}`,
  `memberId=${HUGE}`,
  `invoiceId=${HUGE}`,
  `status=${encodeURIComponent(NUL)}`,
  `from=0000-01-01&to=9999-99-99`,
  `redirectTo=${encodeURIComponent(NUL)}`,
  `statement=${encodeURIComponent(NUL)}&show=${encodeURIComponent(NUL)}`,
  `statement=${'f'.repeat(64)}&encoding=${encodeURIComponent(NUL)}&delimiter=${HUGE}&columns=${encodeURIComponent(NUL)}&show=toRecord:${HUGE}`,
]
/** Field names the forms use; each hostile body fills all of them. */
const FIELDS = [
  'intent', 'id', 'ids', 'memberId', 'member', 'invoiceId', 'offerId', 'subscriptionId', 'paymentId', 'allocationId', 'lineId', 'feeId', 'moveTo',
  'amount', 'unitPrice', 'quantity', 'vat', 'date', 'startDate', 'endDate', 'subscriptionDate', 'resignDate', 'dueDate', 'label', 'reason', 'comment',
  'q', 'status', 'email', 'username', 'firstName', 'lastName', 'password', 'method', 'reference', 'name', 'language', 'redirectTo', 'message',
  'statement', 'encoding', 'delimiter', 'columns',
]

type Body = { name: string; headers: Record<string, string>; body: string }
const BODIES: Body[] = [
  { name: 'JSON', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ intent: 'validate', id: 1 }) },
  { name: 'text/plain', headers: { 'Content-Type': 'text/plain' }, body: 'intent=validate' },
  { name: 'broken multipart', headers: { 'Content-Type': 'multipart/form-data; boundary=XyZ' }, body: '--XyZ\r\nContent-Disposition: form-data; name="intent"\r\n\r\nvalid' },
  { name: 'no content type', headers: {}, body: 'intent=validate' },
  ...['validate', 'delete', 'confirmDelete', 'edit', 'status', 'addLine', 'cancelAllocation', 'creditNote', 'approve', 'resend'].flatMap((intent) => [
    { name: `huge ids (${intent})`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams([...FIELDS.map((f) => [f, HUGE]), ['intent', intent]]).toString() },
    { name: `NUL bytes (${intent})`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams([...FIELDS.map((f) => [f, NUL]), ['intent', intent]]).toString() },
  ]),
]

let cookies: { who: string; cookie: string }[]
beforeAll(async () => {
  cookies = [{ who: 'staff', cookie: (await loginAsStaff()).cookie }, { who: 'member', cookie: (await loginAs()).cookie }]
})

/** The status a loader's or action's outcome gives the browser. */
function statusOf(outcome: unknown) {
  if (outcome instanceof Response) return outcome.status
  return unwrap(outcome).status
}

async function expectAnswered(label: string, run: () => Promise<unknown>) {
  let outcome: unknown
  try {
    outcome = await settle(run)
  } catch (error) {
    throw new Error(`${label} threw ${error instanceof Error ? `${error.name}: ${error.message.split('\n').slice(-2).join(' ')}` : String(error)}`)
  }
  expect(statusOf(outcome), label).toBeLessThan(500)
}

const routes = Object.entries(modules).filter(([, mod]) => mod.loader || mod.action)

test('there are routes to walk', () => {
  expect(routes.length).toBeGreaterThan(30)
})

test.each(routes.map(([file]) => file))('%s answers hostile ids, NUL bytes, impossible months and non-form bodies with no 500', async (file) => {
  const mod = modules[file]
  for (const { who, cookie } of cookies) {
    for (const value of [HUGE, NUL, '0', '-1']) {
      const params = Object.fromEntries(PARAM_NAMES.map((name) => [name, value]))
      if (mod.loader) {
        for (const query of QUERIES) {
          const request = new Request(`http://localhost/x?${query}`, { headers: { Cookie: cookie } })
          await expectAnswered(`${who} GET ${file} params=${JSON.stringify(value)} ?${query}`, () => Promise.resolve(mod.loader!({ request, params, context: {} })))
        }
      }
      if (mod.action) {
        for (const { name, headers, body } of BODIES) {
          const request = new Request('http://localhost/x', { method: 'POST', headers: { ...headers, Cookie: cookie }, body })
          await expectAnswered(`${who} POST ${file} params=${JSON.stringify(value)} ${name}`, () => Promise.resolve(mod.action!({ request, params, context: {} })))
        }
      }
    }
  }
})
