import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import fs from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Message, Plugin } from 'esbuild'
import { demoEmail, EMAIL_NAMES, type EmailName } from './render.server.ts'
import { listOverrides, renderTemplate, setOverrides, type EmailTemplate, type LoadedOverride } from './templates.server.ts'

/** A template override that cannot be used: the message names the file (or folder) and why. */
export class TemplateOverrideError extends Error {
  override name = 'TemplateOverrideError'
}

const EXTENSIONS = ['.tsx', '.jsx']
// Shared with the app at run time (one React instance); everything else is bundled in.
const EXTERNAL = ['react', 'react/*', 'react-dom', 'react-dom/*', '@react-email/*']

/**
 * Where the app's packages live. The compiled overrides are written under its
 * node_modules/.cache, so that their `react` and `@react-email/*` imports resolve to the app's own
 * copies; `#app/*` and `#emails/*` point into the project beside it.
 */
function projectPaths() {
  const reactPackage = createRequire(import.meta.url).resolve('react/package.json')
  const nodeModules = path.dirname(path.dirname(reactPackage))
  return { root: path.dirname(nodeModules), nodeModules, cacheDir: path.join(nodeModules, '.cache', 'coin-email-overrides') }
}

function isTemplateName(name: string): name is EmailName {
  return (EMAIL_NAMES as readonly string[]).includes(name)
}

/**
 * Compiles and loads the email template overrides of these folders (EXTRA_TEMPLATE_DIRS, in
 * order). A `.tsx` or `.jsx` file named like a built-in template (`call-for-membership-fees.tsx`)
 * replaces it for every later `renderEmail`; when two folders override the same template, the
 * first folder wins. Files whose name starts with `_` are helpers the overrides may import, and
 * are not loaded themselves. Each override is compiled with esbuild and rendered once with the
 * demo data in French and English, so a broken one fails here, at startup, not when mail is sent.
 *
 * Throws a TemplateOverrideError naming the folder or file (and the compiler's first error with
 * its line and column); nothing changes then. Calling it again replaces the previous set; an
 * empty list restores the built-in templates.
 */
export async function loadTemplateOverrides(dirs: string[]): Promise<void> {
  const files = await findOverrideFiles(dirs)
  const loaded: LoadedOverride[] = []
  for (const { name, file } of files) loaded.push(await loadOverride(name, file))
  setOverrides(loaded)
}

/** The overrides in use (for a log line at startup). */
export function loadedOverrides(): { name: EmailName; file: string }[] {
  return listOverrides()
}

async function findOverrideFiles(dirs: string[]) {
  const found = new Map<EmailName, string>()
  for (const dir of dirs.map((d) => d.trim()).filter(Boolean).map((d) => path.resolve(d))) {
    let entries
    try {
      entries = await fs.readdir(dir, { withFileTypes: true })
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT') throw new TemplateOverrideError(`email template folder ${dir} (EXTRA_TEMPLATE_DIRS) does not exist`)
      if (code === 'ENOTDIR') throw new TemplateOverrideError(`email template folder ${dir} (EXTRA_TEMPLATE_DIRS) is not a folder`)
      throw new TemplateOverrideError(`email template folder ${dir} (EXTRA_TEMPLATE_DIRS) cannot be read: ${code ?? String(error)}`)
    }
    const inThisDir = new Map<EmailName, string>()
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const extension = path.extname(entry.name)
      if (!entry.isFile() || !EXTENSIONS.includes(extension) || entry.name.startsWith('_') || entry.name.startsWith('.')) continue
      const file = path.join(dir, entry.name)
      const name = path.basename(entry.name, extension)
      if (!isTemplateName(name)) {
        throw new TemplateOverrideError(
          `email template override ${file}: "${name}" is not a template name; expected one of ${EMAIL_NAMES.map((n) => `${n}.tsx`).join(', ')} (name helper files _something.tsx)`,
        )
      }
      const twin = inThisDir.get(name)
      if (twin) throw new TemplateOverrideError(`email template override ${file}: ${twin} overrides the same template; keep one of them`)
      inThisDir.set(name, file)
      if (!found.has(name)) found.set(name, file)
    }
  }
  return [...found].map(([name, file]) => ({ name, file }))
}

async function loadOverride(name: EmailName, file: string): Promise<LoadedOverride> {
  const { root, nodeModules, cacheDir } = projectPaths()
  const code = await compile(file, { root, nodeModules })
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16)
  const output = path.join(cacheDir, `${name}-${hash}.mjs`)
  await writeOnce(output, code)
  await removeStale(cacheDir, name, output)

  let module: Record<string, unknown>
  try {
    module = await import(/* @vite-ignore */ pathToFileURL(output).href)
  } catch (error) {
    throw new TemplateOverrideError(`email template override ${file} fails when loaded: ${messageOf(error)}`)
  }
  if (typeof module.default !== 'function') {
    throw new TemplateOverrideError(`email template override ${file} has no default export: export default the React component that takes { props, context }`)
  }
  if (typeof module.subject !== 'function') {
    throw new TemplateOverrideError(`email template override ${file} has no "subject" export: export function subject(props, context) returning the subject line`)
  }
  // The exports are functions; rendering them with the demo data checks the rest.
  const template = { default: module.default, subject: module.subject } as EmailTemplate<typeof name>
  for (const language of ['fr', 'en'] as const) {
    const { props, context } = demoEmail(name, language)
    try {
      await renderTemplate(template, props, context, file)
    } catch (error) {
      throw new TemplateOverrideError(`email template override ${file} fails to render with the demo data (${language}): ${messageOf(error)}`)
    }
  }
  return { name, file, template } as LoadedOverride
}

/** Bundles one override into an ES module; a compile error names the file, line and column. */
async function compile(file: string, { root, nodeModules }: { root: string; nodeModules: string }) {
  const esbuild = await import('esbuild')
  try {
    const result = await esbuild.build({
      entryPoints: [file],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      jsx: 'automatic',
      external: EXTERNAL,
      nodePaths: [nodeModules],
      plugins: [projectImports(root)],
      sourcemap: 'inline',
      sourcesContent: false,
      write: false,
      logLevel: 'silent',
      absWorkingDir: root,
    })
    return result.outputFiles[0].text
  } catch (error) {
    throw new TemplateOverrideError(`cannot compile email template override ${file}: ${compilerMessage(error, root)}`)
  }
}

/** Resolves the project's `#app/*` and `#emails/*` imports, wherever the override lives. */
function projectImports(root: string): Plugin {
  return {
    name: 'coin-project-imports',
    setup(build) {
      build.onResolve({ filter: /^#(app|emails)\// }, (args) => {
        const [, folder, rest] = /^#(app|emails)\/(.*)$/.exec(args.path) ?? []
        const target = path.join(root, folder, rest)
        if (!existsSync(target)) return { errors: [{ text: `Could not resolve "${args.path}": there is no ${target}` }] }
        return { path: target }
      })
    },
  }
}

function compilerMessage(error: unknown, root: string) {
  const errors: Message[] = error && typeof error === 'object' && 'errors' in error && Array.isArray(error.errors) ? error.errors : []
  const [first] = errors
  if (!first) return messageOf(error)
  const where = first.location ? `${path.resolve(root, first.location.file)}:${first.location.line}:${first.location.column + 1}: ` : ''
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : ''
  return `${where}${first.text}${more}`
}

function messageOf(error: unknown) {
  return error instanceof Error ? error.message : String(error)
}

/** Writes the compiled module unless it is already there (same content, same name), atomically. */
async function writeOnce(output: string, code: string) {
  try {
    await fs.access(output)
    return
  } catch {
    // not written yet
  }
  try {
    await fs.mkdir(path.dirname(output), { recursive: true })
    const temporary = `${output}.${process.pid}.tmp`
    await fs.writeFile(temporary, code)
    await fs.rename(temporary, output)
  } catch (error) {
    throw new TemplateOverrideError(`cannot write the compiled email template to ${path.dirname(output)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
}

/** Removes earlier compilations of the same template (another version of the file). */
async function removeStale(cacheDir: string, name: string, keep: string) {
  const pattern = new RegExp(`^${name}-[0-9a-f]{16}\\.mjs$`)
  for (const entry of await fs.readdir(cacheDir).catch(() => [])) {
    const file = path.join(cacheDir, entry)
    if (pattern.test(entry) && file !== keep) await fs.rm(file, { force: true })
  }
}
