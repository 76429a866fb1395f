import fs from 'node:fs/promises'
import { loadTemplateOverrides } from '#emails/overrides.server.ts'
import { demoEmail, EMAIL_NAMES, renderEmail, type EmailName } from '#emails/render.server.ts'
import { CommandError, UsageError } from './errors.ts'

const LANGUAGES = ['fr', 'en'] as const

/**
 * `coin emails preview NAME [--lang en] [--out FILE.html] [--text]`: renders one email template
 * with the demo data, through the overrides of `templateDirs` (EXTRA_TEMPLATE_DIRS) when given,
 * so an override can be checked before it is used. Returns the HTML (or with `text` the subject
 * line and the plain-text body) to print, or, with `out`, writes it there and returns a one-line confirmation.
 */
export async function previewEmail({ name, lang = 'fr', out, text = false, templateDirs }: {
  name: string
  lang?: string
  out?: string
  text?: boolean
  templateDirs?: string[]
}): Promise<string> {
  if (!isEmailName(name)) throw new UsageError(`unknown email template "${name}"; expected one of ${EMAIL_NAMES.join(', ')}`)
  const language = LANGUAGES.find((l) => l === lang)
  if (!language) throw new UsageError(`--lang: "${lang}" is not a language; expected fr or en`)
  if (templateDirs) await loadTemplateOverrides(templateDirs)
  const { props, context } = demoEmail(name, language)
  const email = await renderEmail(name, props, context)
  // The text preview reads like the message: its subject line, then the body.
  const body = text ? `Subject: ${email.subject}\n\n${email.text}` : email.html
  if (!out || out === '-') return body.endsWith('\n') ? body : `${body}\n`
  try {
    await fs.writeFile(out, body)
  } catch (error) {
    throw new CommandError(`cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  return `${out}: "${email.subject}" (${name}, ${language}, ${text ? 'plain text' : 'HTML'}, ${Buffer.byteLength(body)} bytes)\n`
}

function isEmailName(name: string): name is EmailName {
  return (EMAIL_NAMES as readonly string[]).includes(name)
}
