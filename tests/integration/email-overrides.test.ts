import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { updateIspIdentity } from '#app/models/isp/settings.server.ts'
import { loader as logoLoader } from '#app/routes/logo.tsx'
import { previewEmail } from '#cli/emails-preview.ts'
import { UsageError } from '#cli/errors.ts'
import { loadedOverrides, loadTemplateOverrides } from '#emails/overrides.server.ts'
import { demoEmail, renderEmail } from '#emails/render.server.ts'

// A complete override of the call for fees, as an ISP would write it (it is also the example of
// docs/emails.md): it keeps the shared layout and rewrites the wording.
const FEES_OVERRIDE = `import { ActionButton, Layout, Paragraph } from '#emails/components/layout.tsx'
import { formatDate } from '#emails/components/format.ts'
import { signature } from './_signature.tsx'

export function subject(props, context) {
  return \`Adhésion à \${context.isp.name} : on compte sur vous !\`
}

export default function CallForMembershipFees({ props, context }) {
  const end = props.feeEndDate ? formatDate(props.feeEndDate, context.language) : null
  return (
    <Layout context={context} preview="Votre adhésion" reason="Vous recevez ce message parce que vous êtes membre." signature={signature}>
      <Paragraph>Texte de notre association : fin le {end ?? 'inconnue'} ({props.when}).</Paragraph>
      {props.infoUrl ? <ActionButton href={props.infoUrl}>Adhérer en ligne</ActionButton> : null}
    </Layout>
  )
}
`
const SIGNATURE = `import { Paragraph } from '#emails/components/layout.tsx'
export const signature = <Paragraph>Le bureau</Paragraph>
`

let root: string
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'coin-email-overrides-'))
})
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true })
})
afterEach(async () => {
  await loadTemplateOverrides([])
})

/** A fresh folder holding these files. */
async function folder(files: Record<string, string>) {
  const dir = await fs.mkdtemp(path.join(root, 'dir-'))
  for (const [name, content] of Object.entries(files)) await fs.writeFile(path.join(dir, name), content)
  return dir
}

async function renderFees(language: 'fr' | 'en' = 'fr') {
  const { props, context } = demoEmail('call-for-membership-fees', language)
  return renderEmail('call-for-membership-fees', props, context)
}

describe('EXTRA_TEMPLATE_DIRS overrides', () => {
  test('an override importing the shared layout replaces the subject and the body, and only that template', async () => {
    const builtIn = await renderFees()
    const welcomeBefore = await renderEmail('welcome', demoEmail('welcome', 'fr').props, demoEmail('welcome', 'fr').context)
    const dir = await folder({ 'call-for-membership-fees.tsx': FEES_OVERRIDE, '_signature.tsx': SIGNATURE, 'README.md': 'notes' })

    await loadTemplateOverrides([dir])

    expect(loadedOverrides()).toEqual([{ name: 'call-for-membership-fees', file: path.join(dir, 'call-for-membership-fees.tsx') }])
    const email = await renderFees()
    expect(email.subject).toBe('Adhésion à FAI Démo : on compte sur vous !')
    expect(email.text).toContain('Texte de notre association : fin le 15 février 2025 (before).')
    expect(email.text).toContain('Adhérer en ligne <https://fai-demo.example/adherer>')
    expect(email.text).toContain('Le bureau')
    expect(email.text).toContain('Bonjour Camille Martin,')
    expect(email.html).toContain('FAI Démo')
    expect(email.html).not.toContain('arrive à échéance')
    const welcomeAfter = await renderEmail('welcome', demoEmail('welcome', 'fr').props, demoEmail('welcome', 'fr').context)
    expect(welcomeAfter).toEqual(welcomeBefore)

    await loadTemplateOverrides([])
    expect(loadedOverrides()).toEqual([])
    expect(await renderFees()).toEqual(builtIn)
  })

  test('the first folder wins when two override the same template', async () => {
    const first = await folder({ 'call-for-membership-fees.tsx': FEES_OVERRIDE, '_signature.tsx': SIGNATURE })
    const second = await folder({ 'call-for-membership-fees.jsx': FEES_OVERRIDE.replace('on compte sur vous', 'second'), '_signature.tsx': SIGNATURE })
    await loadTemplateOverrides([first, second])
    expect((await renderFees()).subject).toBe('Adhésion à FAI Démo : on compte sur vous !')
    expect(loadedOverrides()).toEqual([{ name: 'call-for-membership-fees', file: path.join(first, 'call-for-membership-fees.tsx') }])
  })

  test('a syntax error stops loading with the file, line and column, and keeps the templates in use', async () => {
    const good = await folder({ 'call-for-membership-fees.tsx': FEES_OVERRIDE, '_signature.tsx': SIGNATURE })
    await loadTemplateOverrides([good])
    const broken = FEES_OVERRIDE.replace('<Paragraph>Texte', '<Paragraph Texte')
    const dir = await folder({ 'call-for-membership-fees.tsx': broken, '_signature.tsx': SIGNATURE })
    const file = path.join(dir, 'call-for-membership-fees.tsx')

    const error = await loadTemplateOverrides([dir]).then(() => null, (e: unknown) => e)

    expect(error).toBeInstanceOf(Error)
    const message = (error as Error).message
    expect(message).toContain(`cannot compile email template override ${file}: ${file}:13:`)
    expect(message).toMatch(/:13:\d+: \S/)
    expect(loadedOverrides()).toEqual([{ name: 'call-for-membership-fees', file: path.join(good, 'call-for-membership-fees.tsx') }])
  })

  test('an unknown file name is refused, naming the file and the valid names', async () => {
    const dir = await folder({ 'appel-cotisation.tsx': FEES_OVERRIDE })
    await expect(loadTemplateOverrides([dir])).rejects.toThrow(
      new RegExp(`${path.join(dir, 'appel-cotisation.tsx')}: "appel-cotisation" is not a template name; expected one of welcome\\.tsx, .*call-for-membership-fees\\.tsx`),
    )
  })

  test('other mistakes: missing folder, missing exports, unresolvable import, failing render', async () => {
    await expect(loadTemplateOverrides([path.join(root, 'nowhere')])).rejects.toThrow(`email template folder ${path.join(root, 'nowhere')} (EXTRA_TEMPLATE_DIRS) does not exist`)

    const noSubject = await folder({ 'welcome.tsx': 'export default function Welcome() { return <p>Hi</p> }\n' })
    await expect(loadTemplateOverrides([noSubject])).rejects.toThrow(`email template override ${path.join(noSubject, 'welcome.tsx')} has no "subject" export`)

    const noDefault = await folder({ 'welcome.jsx': 'export function subject() { return "Hi" }\n' })
    await expect(loadTemplateOverrides([noDefault])).rejects.toThrow(`email template override ${path.join(noDefault, 'welcome.jsx')} has no default export`)

    const badImport = await folder({ 'welcome.tsx': "import { Layout } from '#emails/components/lay-out.tsx'\nexport function subject() { return 'Hi' }\nexport default function W() { return <Layout /> }\n" })
    await expect(loadTemplateOverrides([badImport])).rejects.toThrow(/welcome\.tsx:1:\d+: Could not resolve "#emails\/components\/lay-out\.tsx"/)

    const throws = await folder({ 'welcome.tsx': "export function subject() { return 'Hi' }\nexport default function W({ props }) { return <p>{props.nothing.here}</p> }\n" })
    await expect(loadTemplateOverrides([throws])).rejects.toThrow(`email template override ${path.join(throws, 'welcome.tsx')} fails to render with the demo data (fr):`)

    expect(loadedOverrides()).toEqual([])
  })
})

describe('coin emails preview', () => {
  test('prints the HTML, the text with its subject, or writes a file; it goes through the overrides', async () => {
    const html = await previewEmail({ name: 'call-for-membership-fees' })
    expect(html).toMatch(/^<!DOCTYPE html/)
    expect(html).toContain('arrive à échéance le 15 février 2025')
    const text = await previewEmail({ name: 'new-invoice', lang: 'en', text: true })
    expect(text).toMatch(/^Subject: FAI Démo: your invoice 2025-01-000042\n\nFAI Démo\n/)

    const out = path.join(root, 'preview.html')
    const line = await previewEmail({ name: 'welcome', out })
    expect(line).toMatch(new RegExp(`^${out}: "Bienvenue chez FAI Démo\u00a0!" \\(welcome, fr, HTML, \\d+ bytes\\)\\n$`))
    expect(await fs.readFile(out, 'utf8')).toContain('camille.martin')

    const dir = await folder({ 'call-for-membership-fees.tsx': FEES_OVERRIDE, '_signature.tsx': SIGNATURE })
    expect(await previewEmail({ name: 'call-for-membership-fees', text: true, templateDirs: [dir] })).toContain('Subject: Adhésion à FAI Démo : on compte sur vous !')
  })

  test('an unknown template or language is bad usage, listing what is valid', async () => {
    const unknown = await previewEmail({ name: 'bienvenue' }).then(() => null, (e: unknown) => e)
    expect(unknown).toBeInstanceOf(UsageError)
    expect((unknown as Error).message).toBe('unknown email template "bienvenue"; expected one of welcome, password-reset, call-for-membership-fees, new-invoice, unpaid-invoice-reminder, subscription-request-received, subscription-request-approved, subscription-request-rejected, reminder-report')
    await expect(previewEmail({ name: 'welcome', lang: 'de' })).rejects.toThrow(new UsageError('--lang: "de" is not a language; expected fr or en'))
  })
})

describe('/logo', () => {
  test('serves the ISP logo publicly with an hour of caching, 404 without one', async () => {
    await updateIspIdentity({ logo: null, logoMimeType: null })
    const missing = await logoLoader().then(() => null, (thrown: unknown) => thrown)
    expect(missing).toBeInstanceOf(Response)
    expect((missing as Response).status).toBe(404)

    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])
    await updateIspIdentity({ logo: png, logoMimeType: 'image/png' })
    const response = await logoLoader()
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('image/png')
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=3600')
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(png)
  })
})
