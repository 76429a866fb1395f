import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { expect, test } from 'vitest'
import { parseIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { coin, commandStderr, stderrProblems } from './run-coin.ts'

const d = (iso: string) => parseIsoDate(iso)!
const MEMBERS = 600

test('charge_subscriptions killed midway and run again bills each subscription once, with gapless numbers and every PDF', { timeout: 240_000 }, async () => {
  const offer = await prisma.offer.create({ data: { name: 'VPN', reference: 'KILL-VPN', periodFeeCents: 800 }, select: { id: true } })
  await prisma.member.createMany({ data: Array.from({ length: MEMBERS }, (_, i) => ({ username: `kill${i}`, email: `kill${i}@example.org`, firstName: 'Zoé', lastName: `Dupré ${i}` })) })
  const members = await prisma.member.findMany({ where: { username: { startsWith: 'kill' } }, select: { id: true } })
  await prisma.subscription.createMany({ data: members.map((m) => ({ memberId: m.id, offerId: offer.id, subscriptionDate: d('2037-01-01') })) })

  // First run: killed (SIGKILL, no chance to clean up) once its first batch is committed.
  const child = spawn(process.execPath, ['bin/coin.js', 'charge_subscriptions', '--date', '2037-05-01', '--antidate'], { env: { ...process.env, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr += chunk))
  let code: number | null | undefined
  const exited = new Promise((resolve) => child.on('exit', (c) => resolve((code = c))))
  const billed = () => prisma.invoice.count({ where: { number: { startsWith: '2037-05-' } } })
  while ((await billed()) === 0 && code === undefined) await sleep(20)
  child.kill('SIGKILL')
  await exited
  expect(commandStderr(stderr)).toBe('')
  const afterKill = await billed()
  expect(afterKill).toBeGreaterThan(0)
  expect(afterKill).toBeLessThan(MEMBERS)

  const rerun = await coin(['charge_subscriptions', '--date', '2037-05-01', '--antidate'])
  // At the default log level: a slow query may be logged on a busy machine, nothing worse.
  expect({ code: rerun.code, problems: stderrProblems(rerun.stderr) }).toEqual({ code: 0, problems: [] })
  expect(rerun.stdout).toContain('Billing month 2037-05')
  expect(rerun.stdout).toContain(`Invoices created: ${MEMBERS - afterKill} `)
  expect(rerun.stdout).toMatch(new RegExp(`${afterKill} already billed for this period`))

  const invoices = await prisma.invoice.findMany({ where: { number: { startsWith: '2037-05-' } }, select: { number: true, memberId: true, pdfSha256: true, totalCents: true }, orderBy: { number: 'asc' } })
  expect(invoices.map((i) => i.number)).toEqual(Array.from({ length: MEMBERS }, (_, i) => `2037-05-${String(i + 1).padStart(6, '0')}`))
  expect(new Set(invoices.map((i) => i.memberId)).size).toBe(MEMBERS)
  expect(invoices.every((i) => i.pdfSha256 !== null && i.totalCents === 800)).toBe(true)
  expect(await prisma.invoiceLine.count({ where: { subscription: { offerId: offer.id } } })).toBe(MEMBERS)

  // A third run creates nothing.
  const again = await coin(['charge_subscriptions', '--date', '2037-05-20', '--antidate'])
  expect(again.stdout).toContain('Invoices created: 0 ')

  // invoice_pdf writes the stored bytes.
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'coin-pdf-')), 'facture.pdf')
  const written = await coin(['invoice_pdf', invoices[0].number!, '--out', out])
  expect(written.code).toBe(0)
  expect(createHash('sha256').update(fs.readFileSync(out)).digest('hex')).toBe(invoices[0].pdfSha256)
  expect(written.stderr).toContain(invoices[0].pdfSha256!)
})

test('charge_subscriptions --dry-run records nothing; bad arguments are refused with a reason', { timeout: 60_000 }, async () => {
  const before = await prisma.invoice.count()
  const dry = await coin(['charge_subscriptions', '--dry-run', '--date', '2038-01-01'])
  expect(dry.code).toBe(0)
  expect(dry.stdout).toContain('dry run: nothing recorded')
  expect(await prisma.invoice.count()).toBe(before)
  const bad = await coin(['charge_subscriptions', '--date', '2038-02-30'])
  expect(bad).toMatchObject({ code: 2, stderr: 'coin: --date: "2038-02-30" is not a date (YYYY-MM-DD)\n' })
  const missing = await coin(['invoice_pdf', '2038-01-999999', '--out', '/tmp/x.pdf'])
  expect({ code: missing.code, stderr: commandStderr(missing.stderr) }).toEqual({ code: 1, stderr: 'coin: no validated invoice numbered "2038-01-999999"\n' })
})

test('import_payments: a dry run by default, --commit records once, a bad option is a usage error', { timeout: 60_000 }, async () => {
  const member = await prisma.member.create({ data: { username: 'virement', email: 'virement@example.org', firstName: 'Anaïs', lastName: 'Virement' }, select: { id: true } })
  const { id } = await prisma.invoice.create({ data: { memberId: member.id, lines: { create: [{ label: 'VPN', unitCents: 800 }] } }, select: { id: true } })
  const { validateDraft } = await import('#app/models/invoice/invoices.server.ts')
  const number = await validateDraft({ id, today: d('2039-02-01'), paymentDelayDays: 30 })
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'coin-bank-')), 'releve.csv')
  fs.writeFileSync(file, `Date;Montant;Libellé\n03/02/2039;8,00;VIR SEPA ANAIS VIREMENT FACTURE ${number}\n04/02/2039;-45,00;PRLV EDF\n`)

  const dry = await coin(['import_payments', file])
  expect(dry.code).toBe(0)
  expect(dry.stdout).toContain('Dry run')
  expect(await prisma.payment.count({ where: { memberId: member.id } })).toBe(0)
  const committed = await coin(['import_payments', file, '--commit'])
  expect(committed.code).toBe(0)
  expect(committed.stdout).toContain('Recorded:')
  expect(await prisma.invoice.findUniqueOrThrow({ where: { id }, select: { status: true } })).toEqual({ status: 'CLOSED' })
  await coin(['import_payments', file, '--commit'])
  expect(await prisma.payment.count({ where: { memberId: member.id } })).toBe(1)

  const bad = await coin(['import_payments', file, '--encoding', 'ebcdic'])
  expect(bad.code).toBe(2)
  expect(bad.stderr).toMatch(/^coin: .*ebcdic/)
})
