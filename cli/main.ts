import fs from 'node:fs'
import path from 'node:path'
import { Command, CommanderError } from 'commander'
import dotenv from 'dotenv'
import { EnvError, getEnv, init } from '#app/utils/env.server.ts'
import { CommandError, UsageError } from './errors.ts'
import { parseDateOption } from './options.ts'

/** Loads .env (when present) without overriding the real environment. */
function loadDotenv() {
  const file = path.resolve('.env')
  if (fs.existsSync(file)) dotenv.config({ path: file, quiet: true })
}

/**
 * Runs `work` with the database open (migrated first when `migrate` is set), and closes
 * everything after.
 */
async function withDatabase<T>(work: (databaseUrl: string) => Promise<T>, { migrate = false } = {}) {
  const { migrateDatabase, openDatabase } = await import('./database.ts')
  const { disconnectDb } = await import('#app/utils/db.server.ts')
  const database = await openDatabase()
  try {
    if (migrate) await migrateDatabase(database.url)
    return await work(database.url)
  } finally {
    await disconnectDb()
    await database.close()
  }
}

export function buildProgram() {
  const program = new Command()
  program
    .name('coin')
    .description('Coin, the information system of associative internet service providers')
    .showHelpAfterError('(run coin --help for the list of commands)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    // The command list is one line per command: its main name and summary. Arguments, aliases,
    // options and the full description are in each command's own --help.
    .configureHelp({ subcommandTerm: (command) => command.name() })
    .addHelpText('after', '\nRun coin <command> --help for what a command does, its arguments and options.\n')

  program
    .command('start')
    .summary('run database, web and worker on this machine')
    .description('start everything for one machine: database (embedded unless DATABASE_URL), migrations, demo data on first start, web and worker')
    .action(async () => {
      const { start } = await import('./start.ts')
      await start()
    })

  program
    .command('web')
    .summary('run the web server alone')
    .description('run the web server alone (production: WEB_CONCURRENCY processes, behind a reverse proxy)')
    .action(async () => {
      const { serveWeb } = await import('./web.ts')
      await serveWeb()
    })

  program
    .command('worker')
    .summary('run the job worker alone')
    .description('run the job worker alone (schedules and retries; several may run at once)')
    .action(async () => {
      const { openDatabase } = await import('./database.ts')
      const { startWorker } = await import('#jobs/worker.ts')
      const database = await openDatabase()
      const stop = await startWorker({ databaseUrl: database.url })
      process.send?.({ type: 'ready' })
      const { onStopSignals } = await import('./signals.ts')
      onStopSignals(() => stop().then(() => database.close()).then(() => process.exit(0)))
    })

  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const { migrateDatabase } = await import('./database.ts')
      await withDatabase(async (databaseUrl) => {
        const applied = await migrateDatabase(databaseUrl)
        process.stdout.write(applied ? `Applied ${applied} migration(s).\n` : 'The database is up to date.\n')
      })
    })

  program
    .command('seed')
    .summary('create the base data; --demo adds the demo ISP')
    .description('create the rows every installation needs; with --demo, the demo ISP and its members')
    .option('--demo', 'also load the demo data (FAI Démo, an admin account, twenty members)')
    .action(async (options: { demo?: boolean }) => {
      const { seedBase, seedDemo, DEMO_ADMIN } = await import('#prisma/seed.ts')
      await withDatabase(async () => {
        await seedBase()
        if (!options.demo) return void process.stdout.write('Base data is in place.\n')
        const loaded = await seedDemo()
        process.stdout.write(loaded ? `Demo data loaded. Admin login: ${DEMO_ADMIN.username} / ${DEMO_ADMIN.password}\n` : 'Demo data was already loaded.\n')
      }, { migrate: true })
    })

  program
    .command('createsuperuser')
    .summary('create an administrator account')
    .description('create an administrator account (asks for what is missing on a terminal)')
    .option('--username <username>', 'login name (lower-case letters, digits, . _ -)')
    .option('--email <email>', 'email address')
    .option('--password <password>', 'password, 10 characters or more (asked for when omitted)')
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name')
    .action(async (options: { username?: string; email?: string; password?: string; firstName?: string; lastName?: string }) => {
      const { createSuperuser } = await import('./createsuperuser.ts')
      await withDatabase(async () => {
        const member = await createSuperuser(options)
        process.stdout.write(`Superuser "${member.username}" created.\n`)
      }, { migrate: true })
    })

  program
    .command('members_email')
    .alias('members-email')
    .summary("print current members' addresses, one a line")
    .description(
      'Print the email addresses of the members whose status is "member", one a line, sorted, each once: '
      + 'ready to import into a mailing list manager such as Sympa (its bulk add takes one address a line). '
      + 'The filters combine; subscriptions and fees are looked at on --date.',
    )
    .option('--subscribers', 'only members with an active subscription')
    .option('--offer <reference-or-id>', 'only subscribers of this offer (its reference, else its id); repeat for several offers', (value: string, previous: string[] = []) => [...previous, value])
    .option('--fee-up-to-date', 'only members whose membership fee covers the date')
    .option('--fee-expired', 'only members whose membership fee does not cover the date (expired or never paid)')
    .option('--date <YYYY-MM-DD>', 'the date for the filters (default: today, Europe/Paris)')
    .addHelpText('after', '\nExamples:\n  coin members_email > members.txt\n  coin members_email --offer VPN --offer ADSL --fee-up-to-date\n')
    .action(async (options: { subscribers?: boolean; offer?: string[]; feeUpToDate?: boolean; feeExpired?: boolean; date?: string }) => {
      const { listMembersEmail, parseMembersEmailOptions } = await import('./members-email.ts')
      const query = parseMembersEmailOptions(options)
      await withDatabase(async () => {
        const emails = await listMembersEmail(query)
        process.stdout.write(emails.map((email) => `${email}\n`).join(''))
      })
    })

  program
    .command('offer_subscriptions_count')
    .alias('offer-subscriptions-count')
    .summary('count active subscriptions per offer')
    .description('print the active subscriptions per offer at a date, as a table with a total (or JSON)')
    .argument('[date]', 'the same as --date, as Coin takes it')
    .option('--date <YYYY-MM-DD>', 'count the subscriptions active on that day (default: today, Europe/Paris)')
    .option('--json', 'print [{"reference","name","count"}] instead of the table')
    .action(async (dateArgument: string | undefined, options: { date?: string; json?: boolean }) => {
      const { offerSubscriptionsCount, parseCountDate } = await import('./offer-subscriptions-count.ts')
      const date = parseCountDate({ option: options.date, argument: dateArgument })
      await withDatabase(async () => {
        process.stdout.write(await offerSubscriptionsCount({ date, json: options.json }))
      })
    })

  program
    .command('ldap_sync')
    .alias('ldap-sync')
    .summary('compare LDAP with the database and repair it')
    .description(
      'Compare the entries Coin keeps in LDAP (VPN accounts, and members when LDAP_MEMBERS_BASE_DN is set) with the database, '
      + 'which is the source of truth: write missing and different entries, remove entries nothing in the database has, '
      + 'then write what waits in the sync queue. With --check, only list the drift (exit 1 when there is some).',
    )
    .option('--check', 'list the drift, change nothing')
    .action(async (options: { check?: boolean }) => {
      const { ldapSync } = await import('./ldap-sync.ts')
      await withDatabase(() => ldapSync({ check: options.check ?? false }))
    })

  program
    .command('reverse_dns_zone')
    .alias('reverse-dns-zone')
    .summary("print an IP pool's reverse DNS zone (BIND)")
    .description(
      "Print the reverse DNS of an IP pool as a BIND zone fragment: the PTR records of its subnets' entries and the NS "
      + 'records of the subnets delegated to name servers (RFC 2317 CNAMEs for IPv4 subnets longer than /24 off an octet '
      + 'boundary). Names are absolute: $INCLUDE the fragment in the zone file that serves the pool.',
    )
    .argument('<pool>', 'the pool: its name, else its id')
    .addHelpText('after', '\nExamples:\n  coin reverse_dns_zone "VPN IPv4" > /etc/bind/coin-vpn-v4.zone\n  coin reverse_dns_zone 2\n')
    .action(async (pool: string) => {
      const { reverseDnsZoneCommand } = await import('./reverse-dns-zone.ts')
      await withDatabase(async () => {
        process.stdout.write(await reverseDnsZoneCommand(pool))
      })
    })

  program
    .command('charge_subscriptions')
    .alias('charge-subscriptions')
    .summary("bill the month's subscriptions")
    .description(
      'Bill the subscriptions for the month of --date: one validated invoice per member, with its PDF. '
      + 'Each billing period is billed once: running it again for the same month creates nothing, '
      + 'and a run that was stopped midway can simply be run again.',
    )
    .option('--date <YYYY-MM-DD>', 'a day of the month to bill (default: today, Europe/Paris)')
    .option('--dry-run', 'show what would be billed, record nothing')
    .option('--antidate', 'date the invoices on the first day of the billed month instead of today')
    .addHelpText('after', '\nExamples:\n  coin charge_subscriptions --dry-run\n  coin charge_subscriptions --date 2025-01-01 --antidate\n')
    .action(async (options: { date?: string; dryRun?: boolean; antidate?: boolean }) => {
      const { runChargeSubscriptions } = await import('./charge-subscriptions.ts')
      const date = parseDateOption(options.date)
      await withDatabase(async () => {
        const { text } = await runChargeSubscriptions({ date, dryRun: options.dryRun, antidate: options.antidate })
        process.stdout.write(text)
      })
    })

  program
    .command('invoice_pdf')
    .alias('invoice-pdf')
    .summary("write an invoice's stored PDF")
    .description("write a validated invoice's stored PDF, byte for byte, to a file or to stdout")
    .argument('<number>', 'the invoice or credit note number, e.g. 2025-03-000042 or AV-2025-03-000001')
    .option('--out <file>', 'the file to write (default: stdout, when redirected)')
    .action(async (number: string, options: { out?: string }) => {
      const { writeInvoicePdf } = await import('./invoice-pdf.ts')
      await withDatabase(async () => {
        const written = await writeInvoicePdf({ number, out: options.out })
        if (written) process.stderr.write(`${written.path}: ${written.bytes} bytes, sha256 ${written.sha256}\n`)
      })
    })

  program
    .command('import_payments')
    .alias('import-payments')
    .summary('import a bank statement (CSV)')
    .description(
      'Read a bank statement exported as CSV (date, amount or credit and debit, label; see docs/bank-import.md), '
      + 'find the member of each credit from the invoice number or subscription reference in its label, and print '
      + 'what would be recorded, and which lines would not be and why. Nothing is recorded without --commit; each '
      + 'line is recorded once, so importing the same file again records nothing new.',
    )
    .argument('<file>', 'the CSV file exported by the bank')
    .option('--commit', 'record the matched payments (without it: dry run)')
    .option('--encoding <encoding>', 'utf-8 (default), windows-1252 (cp1252) or iso-8859-1 (latin1)')
    .option('--delimiter <char>', '";", ",", "tab" or another single sign (default: detected from the header line)')
    .option('--columns <map>', 'column mapping by header name or 1-based number, e.g. "date=Date opération,credit=Crédit,debit=Débit,label=Libellé"')
    .addHelpText('after', '\nExamples:\n  coin import_payments releve.csv\n  coin import_payments releve.csv --encoding windows-1252 --columns "date=Date opération,amount=Montant,label=Libellé" --commit\n')
    .action(async (file: string, options: { commit?: boolean; encoding?: string; delimiter?: string; columns?: string }) => {
      const { importPayments, parseImportPaymentsOptions } = await import('./import-payments.ts')
      parseImportPaymentsOptions(options) // usage errors (exit 2) before the database opens
      await withDatabase(async () => {
        process.stdout.write(await importPayments({ ...options, file, commit: options.commit ?? false }))
      })
    })

  program
    .command('import_coin')
    .alias('import-coin')
    .summary('import the data of an original Coin (Django dump)')
    .description(
      'Read a Django dumpdata export of an original Coin (Illyse era, Django 1.x, or ARN era, Django 2.x) and import '
      + 'its members, fees, offers, subscriptions, invoices with their numbers, payments and allocations, IP pools and '
      + 'subnets, VPN and DSL configurations, hardware and loans, ISP information and mailing lists (see '
      + 'docs/migrating-from-coin.md). Without --commit it only prints what it would import, per model, and what it '
      + 'cannot and why. --commit imports everything in one transaction, or nothing when a record is in error; '
      + 'running it again imports nothing twice.',
    )
    .argument('<dump>', 'the JSON file written by: python manage.py dumpdata --indent 2 > coin.json')
    .option('--commit', 'import (without it: dry run)')
    .addHelpText('after', '\nExamples:\n  coin import_coin coin.json\n  coin import_coin coin.json --commit\n')
    .action(async (dump: string, options: { commit?: boolean }) => {
      const { importCoin } = await import('./import-coin.ts')
      await withDatabase(async () => {
        await importCoin({ file: dump, commit: options.commit ?? false })
      }, { migrate: true })
    })

  program
    .command('jobs')
    .summary("list the worker's jobs and their last runs")
    .description("list the worker's scheduled jobs, their schedules, and when and how each last ran")
    .action(async () => {
      const { listJobs } = await import('./jobs.ts')
      await withDatabase(async () => {
        process.stdout.write(await listJobs())
      })
    })

  const emails = program
    .command('emails')
    .summary('email templates (preview)')
    .description('email templates: preview them with the demo data')
    .configureHelp({ subcommandTerm: (command) => command.name() })
  emails
    .command('preview')
    .summary('render a template with demo data')
    .description('render an email template with demo data, through the EXTRA_TEMPLATE_DIRS overrides: HTML on stdout, the text with --text, or into --out FILE')
    .argument('<name>', 'the template, e.g. call-for-membership-fees (an unknown name lists them all)')
    .option('--lang <lang>', 'fr (default) or en')
    .option('--out <file>', 'write it to this file instead of stdout')
    .option('--text', 'the subject line and plain-text body instead of the HTML')
    .addHelpText('after', '\nExamples:\n  coin emails preview call-for-membership-fees --lang en --out /tmp/fees.html\n  coin emails preview welcome --text\n')
    .action(async (name: string, options: { lang?: string; out?: string; text?: boolean }) => {
      const { previewEmail } = await import('./emails-preview.ts')
      process.stdout.write(await previewEmail({ name, ...options, templateDirs: getEnv().EXTRA_TEMPLATE_DIRS }))
    })

  program
    .command('call_for_membership_fees')
    .alias('call-for-membership-fees')
    .summary('email the members whose fee is due')
    .description(
      'Email the members whose latest membership fee ends at one of FEE_REMINDER_OFFSETS from --date (default: a month '
      + 'before it ends, the day it ends, 1, 2 and 3 months after), except those who opted out or were called less than '
      + '3 weeks ago. Prints each member called. Emails are queued; the worker sends them.',
    )
    .option('--date <YYYY-MM-DD>', 'the day to count from (default: today, Europe/Paris)')
    .option('--dry-run', 'show who would be called, send and record nothing')
    .action(async (options: { date?: string; dryRun?: boolean }) => {
      const { runCallForMembershipFees } = await import('./call-for-membership-fees.ts')
      const date = parseDateOption(options.date)
      await withDatabase(async () => {
        const { text } = await runCallForMembershipFees({ date, dryRun: options.dryRun })
        process.stdout.write(text)
      })
    })

  program
    .command('remind_unpaid_invoices')
    .alias('remind-unpaid-invoices')
    .summary('email reminders of unpaid invoices')
    .description(
      'Email a reminder, with the PDF, for each validated open invoice due more than 4 weeks before --date that still has '
      + 'something to pay, at most once every 3 weeks per invoice. Prints each invoice reminded.',
    )
    .option('--date <YYYY-MM-DD>', 'the day to count from (default: today, Europe/Paris)')
    .option('--dry-run', 'show what would be sent, send and record nothing')
    .action(async (options: { date?: string; dryRun?: boolean }) => {
      const { runRemindUnpaidInvoices } = await import('./remind-unpaid-invoices.ts')
      const date = parseDateOption(options.date)
      await withDatabase(async () => {
        const { text } = await runRemindUnpaidInvoices({ date, dryRun: options.dryRun })
        process.stdout.write(text)
      })
    })

  return program
}

/** Runs the CLI; returns the exit code (0 ok, 1 failure, 2 bad usage). */
export async function main(argv: string[]) {
  try {
    loadDotenv()
    const env = init()
    // Email template overrides are compiled now: a broken one stops here, with its file and error.
    if (env.EXTRA_TEMPLATE_DIRS.length > 0) {
      const { loadTemplateOverrides, loadedOverrides } = await import('#emails/overrides.server.ts')
      await loadTemplateOverrides(env.EXTRA_TEMPLATE_DIRS)
      if (argv[0] === 'web' || argv[0] === 'worker') {
        const { logger } = await import('#app/utils/logger.server.ts')
        logger.info({ overrides: loadedOverrides() }, 'email template overrides loaded')
      }
    }
    await buildProgram().parseAsync(argv, { from: 'user' })
    return 0
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0
      return 2
    }
    if (error instanceof UsageError) {
      process.stderr.write(`coin: ${error.message}\n`)
      return 2
    }
    if (error instanceof EnvError || error instanceof CommandError) {
      process.stderr.write(`coin: ${error.message}\n`)
      return 1
    }
    process.stderr.write(`coin: ${error instanceof Error ? error.message : String(error)}\n`)
    return 1
  }
}
