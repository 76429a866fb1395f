import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect, test } from 'vitest'
import { coin } from './run-coin.ts'

const SLOW = { timeout: 120_000 }

test('coin emails preview renders a template with demo data; an unknown one is a usage error listing them', SLOW, async () => {
  const text = await coin(['emails', 'preview', 'call-for-membership-fees', '--lang', 'en', '--text'])
  expect(text.code).toBe(0)
  expect(text.stdout).toMatch(/^Subject: .+/)
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'coin-preview-')), 'welcome.html')
  const written = await coin(['emails', 'preview', 'welcome', '--out', out])
  expect(written.code).toBe(0)
  expect(fs.readFileSync(out, 'utf8')).toContain('<html')
  const unknown = await coin(['emails', 'preview', 'newsletter'])
  expect(unknown.code).toBe(2)
  expect(unknown.stderr).toContain('call-for-membership-fees')
})

test('coin jobs lists the schedules; the reminder commands run dry; a broken template override stops the command with its file', SLOW, async () => {
  const jobs = await coin(['jobs'])
  expect(jobs.code).toBe(0)
  expect(jobs.stdout).toMatch(/charge-subscriptions +59 23 \* \* \* +— +never run/)
  expect(jobs.stdout).toMatch(/call-for-membership-fees +42 3 \* \* \*/)
  const fees = await coin(['call_for_membership_fees', '--dry-run', '--date', '2041-03-01'])
  expect(fees.code).toBe(0)
  expect(fees.stdout).toContain('Dry run: nothing sent.')
  const unpaid = await coin(['remind_unpaid_invoices', '--dry-run'])
  expect(unpaid.code).toBe(0)

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coin-templates-'))
  fs.writeFileSync(path.join(dir, 'call-for-membership-fees.tsx'), 'export default function Broken() { return <p>oops</ }\n')
  const broken = await coin(['jobs'], { EXTRA_TEMPLATE_DIRS: dir })
  expect(broken.code).toBe(1)
  expect(broken.stderr).toContain(path.join(dir, 'call-for-membership-fees.tsx'))
})
