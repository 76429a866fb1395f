import { SingleBar } from 'cli-progress'
import { DumpError, parseDump } from '#app/models/import/coin-dump.ts'
import { importCoinDump, type CoinImportReport } from '#app/models/import/coin-import.server.ts'
import { CommandError, readInputFile } from './errors.ts'
import { cut, formatAmount, plural, table } from './text.ts'

const problemLines = (problems: CoinImportReport['errors']) => problems.map((p) => `  ${p.model} ${p.pk}: ${p.message}`)

/** The report of an import: counts per model, errors, warnings, balances, what to do next, and what happened. */
export function formatCoinImportReport(file: string, report: CoinImportReport, recordCount: number) {
  const era = report.era === 1 ? 'Illyse era (Django 1.x)' : 'ARN era (Django 2.x)'
  const out = [`${file}: ${plural(recordCount, 'record', 'records')} of a Coin of the ${era}`, '']
  out.push(table([
    ['Model', 'In dump', report.committed ? 'Imported' : 'To import', 'Already', 'Not', 'Note'],
    ...report.models.map((m) => [m.model, String(m.records), String(m.imported), String(m.alreadyImported), String(m.notImported), cut(m.note, 70)]),
  ], [1, 2, 3, 4]), '')
  if (report.errors.length) out.push(`Errors: ${plural(report.errors.length, 'record', 'records')} cannot be imported as they are:`, ...problemLines(report.errors), '')
  if (report.warnings.length) out.push('Warnings:', ...problemLines(report.warnings), '')
  const { members, differences, staleInDump } = report.balances
  if (members) {
    out.push(differences.length === 0
      ? `Balances: the ${plural(members, 'member', 'members')}' balances equal Coin's rule (payments not allocated − what validated bills still ask).`
      : `Balances: ${differences.length} of ${plural(members, 'member', 'members')} differ from Coin's rule:`)
    for (const d of differences) out.push(`  ${d.username}: ${formatAmount(d.hereCents)} here, ${formatAmount(d.coinCents)} in Coin${d.explained ? ` (${d.explained})` : ''}`)
    if (staleInDump) out.push(`  (${plural(staleInDump, 'member', 'members')} had a stored balance in the dump that Coin had not brought up to date; the rule is what counts.)`)
    out.push('')
  }
  if (report.hints.length) out.push('Next:', ...report.hints.map((h) => `  - ${h}`), '')
  const imported = report.models.reduce((sum, m) => sum + m.imported, 0)
  if (report.errors.length) out.push(`Nothing imported: fix the ${plural(report.errors.length, 'error', 'errors')} above (in the original Coin, or here), export again and re-run.`)
  else if (imported === 0) out.push('Nothing new to import: every record this Coin can take was imported before.')
  else if (report.committed) out.push(`Imported ${plural(imported, 'record', 'records')} in one transaction. Running the import again imports nothing twice.`)
  else out.push(`Dry run: nothing imported; add --commit to import these ${plural(imported, 'record', 'records')} in one transaction.`)
  return out.join('\n') + '\n'
}

/**
 * `coin import_coin DUMP.json [--commit]`: reads a Django dump of the original Coin and prints
 * what it imports (dry run) or imported (--commit), with a progress bar on a terminal. Exits 1
 * when records cannot be imported (and then imports nothing).
 */
export async function importCoin({ file, commit }: { file: string; commit: boolean }) {
  const text = new TextDecoder().decode(await readInputFile(file))
  let records
  try {
    records = parseDump(text)
  } catch (error) {
    if (error instanceof DumpError) throw new CommandError(`${file}: ${error.message}`)
    throw error
  }
  const bar = process.stderr.isTTY ? new SingleBar({ format: 'Importing {bar} {value}/{total} records | {eta_formatted} left', stream: process.stderr, hideCursor: true }) : null
  let started = false
  try {
    const report = await importCoinDump(records, {
      commit,
      onProgress: ({ done, total }) => {
        if (!bar) return
        if (!started) bar.start(total, 0)
        started = true
        bar.update(done)
      },
    })
    bar?.stop()
    process.stdout.write(formatCoinImportReport(file, report, records.length))
    if (report.errors.length) throw new CommandError(`${file}: ${plural(report.errors.length, 'record', 'records')} cannot be imported; nothing was imported`)
    return report
  } finally {
    bar?.stop()
  }
}
