import type { Prisma } from '#app/generated/prisma/client.ts'
import { normalizePhoneNumber } from '#app/backends/dsl/phone.ts'
import { normalizeMac } from '#app/models/hardware/mac.ts'
import { parseIp } from '#app/models/ip/address.ts'
import { buyerOf, sellerOf, type InvoiceBuyer } from '#app/models/invoice/snapshot.ts'
import { invoiceTotalCents, lineTotalCents } from '#app/models/invoice/rules.ts'
import { getIspIdentity } from '#app/models/isp/settings.server.ts'
import { markLdapDirty } from '#app/models/ldap/sync-queue.server.ts'
import { getMemberBalances } from '#app/models/payment/payments.server.ts'
import { addDays, toIsoDate } from '#app/utils/dates.ts'
import { groupBy } from '#app/utils/collections.ts'
import { prisma } from '#app/utils/db.server.ts'
import { formatEuros } from '#app/utils/money.ts'
import { isReadableHash } from '#app/utils/password.server.ts'
import {
  BACKEND_OF_CONFIGURATION, CONFIGURATION_MODELS, PAYMENT_METHODS, SKIPPED_MODELS, Fields, RecordProblem,
  coinSubscriptionReference, referenceFromName, type DumpRecord,
} from './coin-dump.ts'

/**
 * `coin import_coin`: a Django dump of the original Coin into this one, in one transaction (rolled
 * back for a dry run, so both report the same). Every record imported is listed in
 * CoinImportRecord with the row it became: a second run skips it, and the records pointing to it
 * find that row. docs/migrating-from-coin.md maps every model and field.
 */

type Tx = Prisma.TransactionClient

export type ModelSummary = { model: string; records: number; imported: number; alreadyImported: number; notImported: number; note: string }
export type ImportProblem = { model: string; pk: string; message: string }
export type BalanceCheck = { username: string; hereCents: number; coinCents: number; explained: string }
export type CoinImportReport = {
  era: 1 | 2
  models: ModelSummary[]
  /** Records that cannot be imported as they are: with any, --commit imports nothing. */
  errors: ImportProblem[]
  /** Records imported with a change, or left out on purpose, and why. */
  warnings: ImportProblem[]
  /** Members whose balance here differs from Coin's rule over the dump, and why. */
  balances: { members: number; differences: BalanceCheck[]; staleInDump: number }
  hints: string[]
  committed: boolean
}
export type ImportProgress = { done: number; total: number }

/** The models imported, in the order they are read (a record's foreign keys point to earlier ones). */
export const IMPORTED_MODELS = [
  'members.member', 'members.membershipfee', 'offers.offer', 'offers.offersubscription', 'resources.ippool', 'reverse_dns.nameserver',
  'configuration.configuration', 'vpn.vpnconfiguration', 'simple_dsl.simpledsl', 'resources.ipsubnet', 'reverse_dns.reversednsentry', 'offers.offeripool',
  'isp_database.ispinfo', 'isp_database.registeredoffice', 'isp_database.otherwebsite', 'isp_database.chatroom', 'isp_database.bankinfo', 'isp_database.coveredarea',
  'billing.bill', 'billing.invoice', 'billing.invoicedetail', 'billing.membershipfee', 'billing.payment', 'billing.paymentallocation',
  'hardware_provisioning.itemtype', 'hardware_provisioning.storage', 'hardware_provisioning.item', 'hardware_provisioning.loan',
  'maillists.maillinglist', 'maillists.maillinglistsubscription',
] as const

const CHUNK = 1000
const chunks = <T>(list: T[], size = CHUNK) => Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size))
const euros = (cents: number) => formatEuros(cents, 'fr')

class ImportRun {
  readonly mapped = new Map<string, Map<string, number>>()
  readonly created: { model: string; pk: string; id: number }[] = []
  readonly summaries = new Map<string, ModelSummary>()
  readonly errors: ImportProblem[] = []
  readonly warnings: ImportProblem[] = []
  readonly hints: string[] = []
  done = 0

  constructor(readonly tx: Tx, readonly byModel: Map<string, DumpRecord[]>, readonly total: number, private readonly onProgress?: (progress: ImportProgress) => void) {}

  records(model: string) {
    return this.byModel.get(model) ?? []
  }

  /** The dump's record of `model` with this pk. */
  find(model: string, pk: string | null) {
    return pk === null ? undefined : this.index(model).get(this.naturalKey(model, pk) ?? pk)
  }

  private indexes = new Map<string, Map<string, DumpRecord>>()
  private index(model: string) {
    let index = this.indexes.get(model)
    if (!index) this.indexes.set(model, (index = new Map(this.records(model).map((r) => [r.pk, r]))))
    return index
  }

  idOf(model: string, pk: string | null) {
    return pk === null ? undefined : this.mapped.get(model)?.get(this.naturalKey(model, pk) ?? pk)
  }

  private usernames?: Map<string, string>
  /** A member named by natural key (`["username"]`, as dumpdata --natural-foreign writes it): its pk. */
  naturalKey(model: string, key: string) {
    if (model !== 'members.member' || !key.startsWith('[')) return undefined
    this.usernames ??= new Map(this.records(model).map((r) => [String(r.fields.username), r.pk]))
    const [username] = JSON.parse(key) as unknown[]
    return this.usernames.get(String(username))
  }

  summary(model: string) {
    let summary = this.summaries.get(model)
    if (!summary) this.summaries.set(model, (summary = { model, records: this.records(model).length, imported: 0, alreadyImported: 0, notImported: 0, note: '' }))
    return summary
  }

  error(record: DumpRecord, message: string) {
    this.errors.push({ model: record.model, pk: record.pk, message })
  }

  warn(record: DumpRecord, message: string) {
    this.warnings.push({ model: record.model, pk: record.pk, message })
  }

  private readonly createdKeys = new Set<string>()
  /** Whether this run imported the record (rather than an earlier one). */
  createdNow(model: string, pk: string) {
    return this.createdKeys.has(`${model}\u0000${pk}`)
  }

  remember(model: string, pk: string, id: number) {
    let map = this.mapped.get(model)
    if (!map) this.mapped.set(model, (map = new Map()))
    map.set(pk, id)
    this.created.push({ model, pk, id })
    this.createdKeys.add(`${model}\u0000${pk}`)
    this.summary(model).imported += 1
  }

  tick(count = 1) {
    this.done += count
    this.onProgress?.({ done: this.done, total: this.total })
  }

  /**
   * The records of `model` not imported yet, converted by `convert`: null leaves a record out
   * (convert said why), a RecordProblem is an error. Records already imported are counted.
   */
  convertNew<T>(model: string, convert: (record: DumpRecord, fields: Fields) => T | null) {
    const summary = this.summary(model)
    const rows: { record: DumpRecord; row: T }[] = []
    for (const record of this.records(model)) {
      this.tick()
      if (this.idOf(model, record.pk) !== undefined) {
        summary.alreadyImported += 1
        continue
      }
      try {
        const row = convert(record, new Fields(record))
        if (row === null) summary.notImported += 1
        else rows.push({ record, row })
      } catch (error) {
        if (!(error instanceof RecordProblem)) throw error
        this.error(record, error.message)
        summary.notImported += 1
      }
    }
    return rows
  }

  /** The id of the row a foreign key's record became; a RecordProblem when it was not imported. */
  requireId(targetModel: string, fields: Fields, field: string) {
    const pk = fields.key(field)
    if (pk === null) throw new RecordProblem('missing', field)
    const id = this.idOf(targetModel, pk)
    if (id === undefined) {
      const why = this.find(targetModel, pk) ? 'was not imported (see its own message)' : 'is not in the dump'
      throw new RecordProblem(`${targetModel} ${pk} ${why}`, field)
    }
    return id
  }

  optionalId(targetModel: string, fields: Fields, field: string) {
    return fields.key(field) === null ? null : this.requireId(targetModel, fields, field)
  }
}

/** Ids for `count` new rows of `table`, taken from its sequence, so rows can be inserted in bulk and still be known. */
async function reserveIds(tx: Tx, table: string, count: number) {
  if (count === 0) return []
  const rows = await tx.$queryRawUnsafe<{ id: number }[]>(`SELECT nextval(pg_get_serial_sequence('"${table}"', 'id'))::int AS id FROM generate_series(1, $1)`, count)
  return rows.map((r) => r.id)
}

type Column = [name: string, type: string, values: unknown[]]

const isoDate = (date: Date | string | null | undefined) => (date ? toIsoDate(new Date(date)) : null)
const isoTime = (date: Date | string | null | undefined) => (date ? new Date(date).toISOString() : null)

/**
 * Inserts rows given column by column: one statement of `unnest`, one array a column, per 10,000
 * rows. Prisma's createMany took seconds and gigabytes for the tens of thousands of invoices,
 * lines, payments and allocations of a real Coin. Dates travel as ISO text, enums and JSON as text.
 */
async function insertColumns(tx: Tx, table: string, columns: Column[]) {
  const count = columns[0]?.[2].length ?? 0
  const sql = `INSERT INTO "${table}" (${columns.map(([name]) => `"${name}"`).join(', ')})
    SELECT * FROM unnest(${columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})`
  for (let start = 0; start < count; start += 10_000) {
    await tx.$executeRawUnsafe(sql, ...columns.map(([, , values]) => values.slice(start, start + 10_000)))
  }
}

/** What PostgreSQL said, in one line (a trigger's message, or the constraint broken). */
function databaseMessage(error: unknown) {
  const text = error instanceof Error ? error.message : String(error)
  const meta = (error as { meta?: { target?: unknown; message?: unknown; driverAdapterError?: { cause?: { message?: string; constraint?: unknown } } } }).meta
  const cause = meta?.driverAdapterError?.cause
  if (cause?.message) return cause.message
  if ((error as { code?: string }).code === 'P2002') return `already exists here (${JSON.stringify(meta?.target ?? cause?.constraint ?? '')})`
  return text.split('\n').filter(Boolean).at(-1)!.slice(0, 300)
}

/** Runs one insert under a savepoint: a row the database refuses is reported, not fatal. */
async function attempt(run: ImportRun, record: DumpRecord, work: () => Promise<number>) {
  await run.tx.$executeRawUnsafe('SAVEPOINT coin_import_row')
  try {
    const id = await work()
    await run.tx.$executeRawUnsafe('RELEASE SAVEPOINT coin_import_row')
    run.remember(record.model, record.pk, id)
    return id
  } catch (error) {
    await run.tx.$executeRawUnsafe('ROLLBACK TO SAVEPOINT coin_import_row')
    run.error(record, `refused by the database: ${databaseMessage(error)}`)
    run.summary(record.model).notImported += 1
    return null
  }
}

// ---- Members and membership fees --------------------------------------------------------------

const MEMBER_STATUS = { member: 'MEMBER', not_member: 'NOT_MEMBER', pending: 'PENDING' } as const
const MEMBER_TYPE = { natural_person: 'NATURAL_PERSON', legal_entity: 'LEGAL_ENTITY' } as const

type MemberRow = Prisma.MemberCreateManyInput & { hash: string | null }

async function importMembers(run: ImportRun, buyers: Map<number, InvoiceBuyer>) {
  const { tx } = run
  const imported = new Map([...(run.mapped.get('members.member') ?? [])].map(([pk, id]) => [id, pk]))
  const existing = await tx.member.findMany({ select: { id: true, username: true, email: true } })
  const takenUsernames = new Map(existing.map((m) => [m.username, m.id]))
  const takenEmails = new Map(existing.map((m) => [m.email, m.id]))
  const whose = (id: number) => (imported.has(id) ? `of members.member ${imported.get(id)}, imported by an earlier run` : 'of a member created here, not by the import')
  const usernames = new Map<string, string>()
  const emails = new Map<string, string>()
  let withoutPassword = 0
  const rows = run.convertNew('members.member', (record, f): MemberRow => {
    const username = f.text('username', 64).toLowerCase()
    if (!username) throw new RecordProblem('empty', 'username')
    if (takenUsernames.has(username)) throw new RecordProblem(`"${username}" is already the login ${whose(takenUsernames.get(username)!)}`, 'username')
    if (usernames.has(username)) throw new RecordProblem(`"${username}" is also the login of members.member ${usernames.get(username)} (logins here ignore case)`, 'username')
    const email = f.text('email', 254).toLowerCase()
    if (!email) throw new RecordProblem('empty: every member here needs an address (to log in, for invoices)', 'email')
    if (takenEmails.has(email)) throw new RecordProblem(`${email} is already the address ${whose(takenEmails.get(email)!)}`, 'email')
    if (emails.has(email)) throw new RecordProblem(`${email} is also the address of members.member ${emails.get(email)} (addresses are unique here)`, 'email')
    usernames.set(username, record.pk)
    emails.set(email, record.pk)
    const password = f.text('password')
    let hash: string | null = null
    if (password && !password.startsWith('!')) {
      if (isReadableHash(password)) hash = password
      else run.warn(record, `password hash of kind "${password.split('$')[0]}" is not read here: ${username} chooses a new password with "Mot de passe oublié"`)
    } else withoutPassword += 1
    const superuser = f.bool('is_superuser')
    return {
      username, email, hash,
      type: f.choice('type', MEMBER_TYPE, 'NATURAL_PERSON'),
      status: f.choice('status', MEMBER_STATUS, 'MEMBER'),
      firstName: f.text('first_name', 150), lastName: f.text('last_name', 150), nickname: f.text('nickname', 64),
      organizationName: f.text('organization_name', 200), homePhone: f.text('home_phone_number', 25), mobilePhone: f.text('mobile_phone_number', 25),
      address: f.text('address'), postalCode: f.text('postal_code', 16), city: f.text('city', 200), country: f.text('country', 200) || 'France',
      dateJoined: f.localDate('date_joined') ?? undefined, resignDate: f.date('resign_date'), comments: f.text('comments'),
      sendMembershipFeesEmail: f.bool('send_membership_fees_email', true), lastFeeReminderAt: f.datetime('date_last_call_for_membership_fees_email'),
      roles: ['MEMBER', ...(superuser || f.bool('is_staff') ? ['STAFF' as const] : []), ...(superuser ? ['SUPERUSER' as const] : [])],
      isActive: f.bool('is_active', true), lastLoginAt: f.datetime('last_login'),
    }
  })
  const ids = await reserveIds(tx, 'Member', rows.length)
  const members = rows.map(({ row: { hash: _hash, ...data } }, i) => ({ ...data, id: ids[i]! }))
  for (const chunk of chunks(members)) await tx.member.createMany({ data: chunk })
  const passwords = rows.flatMap(({ row }, i) => (row.hash ? [{ memberId: ids[i]!, hash: row.hash }] : []))
  for (const chunk of chunks(passwords)) await tx.password.createMany({ data: chunk })
  rows.forEach(({ record }, i) => run.remember('members.member', record.pk, ids[i]!))
  members.forEach((m) => buyers.set(m.id, buyerOf({ ...m, type: m.type ?? 'NATURAL_PERSON', firstName: m.firstName ?? '', lastName: m.lastName ?? '', organizationName: m.organizationName ?? '', address: m.address ?? '', postalCode: m.postalCode ?? '', city: m.city ?? '', country: m.country ?? 'France', language: null })))
  if (withoutPassword) run.summary('members.member').note = `${withoutPassword} without a usable password (they use "Mot de passe oublié")`
  await markLdapDirty(tx, 'member', ids)
}

/** A fee's period: `end_date` defaults to start + 364 days, as Coin's clean() did; never before the start. */
function feePeriod(f: Fields) {
  const startDate = f.requiredDate('start_date')
  const endDate = f.date('end_date') ?? addDays(startDate, 364)
  if (endDate < startDate) throw new RecordProblem(`${toIsoDate(endDate)} is before the start ${toIsoDate(startDate)}`, 'end_date')
  return { startDate, endDate }
}

async function importFees(run: ImportRun) {
  const rows = run.convertNew('members.membershipfee', (record, f) => {
    const paidOn = f.date('payment_date')
    return {
      memberId: run.requireId('members.member', f, 'member'),
      amountCents: f.hundredths('amount'),
      ...feePeriod(f),
      paymentMethod: f.choice('payment_method', PAYMENT_METHODS, null),
      reference: f.text('reference', 125),
      comment: paidOn ? `Payée le ${toIsoDate(paidOn)}` : '',
    }
  })
  await insertFees(run, 'members.membershipfee', rows)
}

async function insertFees(run: ImportRun, model: string, rows: { record: DumpRecord; row: Prisma.MembershipFeeCreateManyInput }[]) {
  const ids = await reserveIds(run.tx, 'MembershipFee', rows.length)
  for (const chunk of chunks(rows.map(({ row }, i) => ({ ...row, id: ids[i]! })))) await run.tx.membershipFee.createMany({ data: chunk })
  rows.forEach(({ record }, i) => run.remember(model, record.pk, ids[i]!))
}

// ---- Offers and subscriptions -----------------------------------------------------------------

async function importOffers(run: ImportRun) {
  const { tx } = run
  const fromDump = new Set(run.mapped.get('offers.offer')?.values() ?? [])
  const taken = new Set((await tx.offer.findMany({ select: { id: true, reference: true } })).filter((o) => !fromDump.has(o.id)).map((o) => o.reference))
  const used = new Set<string>()
  const rows = run.convertNew('offers.offer', (record, f) => {
    const name = f.text('name', 255)
    if (!name) throw new RecordProblem('empty', 'name')
    let reference = f.text('reference', 64)
    if (reference && taken.has(reference)) throw new RecordProblem(`an offer created here already has the reference "${reference}"`, 'reference')
    if (!reference || used.has(reference)) {
      const base = reference || referenceFromName(name)
      let candidate = base
      for (let k = 2; taken.has(candidate) || used.has(candidate); k += 1) candidate = `${base}-${k}`
      run.warn(record, reference ? `reference "${reference}" is shared with another offer of the dump: this one is "${candidate}" here` : `no reference in Coin: given "${candidate}" (references are unique here)`)
      reference = candidate
    }
    used.add(reference)
    const type = f.text('configuration_type')
    const backend = BACKEND_OF_CONFIGURATION[type]
    if (backend === undefined) run.warn(record, `configuration type "${type}" is not known here: the offer is imported without a service backend`)
    const billingPeriodMonths = f.int('billing_period', 1)
    if (billingPeriodMonths < 1 || billingPeriodMonths > 120) throw new RecordProblem(`${billingPeriodMonths} months, between 1 and 120 here`, 'billing_period')
    const periodFeeCents = f.hundredths('period_fees', 0)
    const initialFeeCents = f.hundredths('initial_fees', 0)
    if (periodFeeCents < 0 || initialFeeCents < 0) throw new RecordProblem('a negative price', periodFeeCents < 0 ? 'period_fees' : 'initial_fees')
    return { name, reference, backend: backend ?? 'none', description: f.text('description'), billingPeriodMonths, periodFeeCents, initialFeeCents, nonBillable: f.bool('non_billable') }
  })
  const ids = await reserveIds(tx, 'Offer', rows.length)
  await tx.offer.createMany({ data: rows.map(({ row }, i) => ({ ...row, id: ids[i]! })) })
  rows.forEach(({ record }, i) => run.remember('offers.offer', record.pk, ids[i]!))
  const backends = new Set(rows.map(({ row }) => row.backend).filter((b) => b !== 'none'))
  if (backends.size) run.hints.push(`Offers use the ${[...backends].join(' and ')} backend${backends.size > 1 ? 's' : ''}: list ${[...backends].join(',')} in COIN_MODULES.`)
}

async function importSubscriptions(run: ImportRun) {
  const { tx } = run
  // An offer an earlier run imported: its reference here.
  const references = new Map((await tx.offer.findMany({ select: { id: true, reference: true } })).map((o) => [o.id, o.reference]))
  const rows = run.convertNew('offers.offersubscription', (record, f) => {
    const offerPk = f.key('offer')
    const subscriptionDate = f.date('subscription_date')
    if (!subscriptionDate) throw new RecordProblem('missing', 'subscription_date')
    const resignDate = f.date('resign_date')
    if (resignDate && resignDate < subscriptionDate) throw new RecordProblem(`${toIsoDate(resignDate)} is before the subscription date ${toIsoDate(subscriptionDate)}`, 'resign_date')
    const commitmentMonths = f.int('commitment', 0)
    if (commitmentMonths < 0 || commitmentMonths > 120) throw new RecordProblem(`${commitmentMonths} months, between 0 and 120 here`, 'commitment')
    const offerId = run.requireId('offers.offer', f, 'offer')
    const offer = run.find('offers.offer', offerPk)
    return {
      memberId: run.requireId('members.member', f, 'member'), offerId,
      subscriptionDate, resignDate, commitmentMonths, comments: f.text('comments'),
      // What members quote on their transfers: Coin's reference, with Coin's numbers.
      reference: coinSubscriptionReference(offer ? new Fields(offer).text('reference') : (references.get(offerId) ?? ''), record.pk).slice(0, 64),
    }
  })
  // Coin's pk as id where it is free: the reference this Coin computes from the id is then Coin's
  // too, and never another imported subscription's.
  const wanted = rows.map(({ record }) => (/^\d{1,9}$/.test(record.pk) ? Number(record.pk) : null))
  const taken = new Set((await tx.subscription.findMany({ where: { id: { in: wanted.filter((id) => id !== null) } }, select: { id: true } })).map((s) => s.id))
  const fresh = await reserveIds(tx, 'Subscription', wanted.filter((id) => id === null || taken.has(id)).length)
  const ids = wanted.map((id) => (id !== null && !taken.has(id) ? id : fresh.shift()!))
  for (const chunk of chunks(rows.map(({ row }, i) => ({ ...row, id: ids[i]! })))) await tx.subscription.createMany({ data: chunk })
  await tx.$executeRaw`SELECT setval(pg_get_serial_sequence('"Subscription"', 'id'), GREATEST((SELECT max(id) FROM "Subscription"), (SELECT last_value FROM "Subscription_id_seq")))`
  rows.forEach(({ record }, i) => run.remember('offers.offersubscription', record.pk, ids[i]!))
}

/**
 * Subscriptions an earlier run imported whose resignation Coin recorded (or moved) since: the
 * date is taken from the dump, so billing stops when Coin's did, and the report says so.
 */
async function updateResignations(run: ImportRun) {
  const earlier = run.records('offers.offersubscription').filter((r) => run.idOf(r.model, r.pk) !== undefined && !run.createdNow(r.model, r.pk))
  if (earlier.length === 0) return
  const here = new Map((await run.tx.subscription.findMany({ where: { id: { in: earlier.map((r) => run.idOf(r.model, r.pk)!) } }, select: { id: true, resignDate: true } })).map((s) => [s.id, s.resignDate]))
  for (const record of earlier) {
    const id = run.idOf(record.model, record.pk)!
    let resignDate: Date | null
    try {
      resignDate = new Fields(record).date('resign_date')
    } catch (error) {
      if (!(error instanceof RecordProblem)) throw error
      run.error(record, error.message)
      continue
    }
    const current = here.get(id)
    if (current === undefined || (current?.getTime() ?? null) === (resignDate?.getTime() ?? null)) continue
    await run.tx.subscription.update({ where: { id }, data: { resignDate } })
    run.warn(record, `resign date changed in Coin since the earlier import: ${resignDate ? toIsoDate(resignDate) : 'none'} (was ${current ? toIsoDate(current) : 'none'})`)
  }
}

// ---- IP pools, configurations, subnets, reverse DNS -------------------------------------------

/** A network as Coin's cidr column holds it, checked as PostgreSQL's inet would take it. */
function network(f: Fields, field: string, { host = false } = {}) {
  const text = f.text(field)
  const parsed = text ? parseIp(text) : null
  if (!parsed) throw new RecordProblem(`"${text}" is not an IP ${host ? 'address' : 'network'}`, field)
  return text
}

async function importPools(run: ImportRun) {
  for (const { record, row } of run.convertNew('resources.ippool', (_record, f) => ({
    name: f.text('name', 255), network: network(f, 'inet'), defaultPrefixLength: f.int('default_subnetsize'),
  }))) {
    await attempt(run, record, async () => (await run.tx.ipPool.create({ data: row, select: { id: true } })).id)
  }
  for (const { record, row } of run.convertNew('reverse_dns.nameserver', (_record, f) => ({
    dnsName: f.text('dns_name', 255), description: f.text('description', 255), ownerId: run.optionalId('members.member', f, 'owner'),
  }))) {
    await attempt(run, record, async () => (await run.tx.nameServer.create({ data: row, select: { id: true } })).id)
  }
}

/** The backend of a configuration: the child record that holds its fields, else its polymorphic type. */
function configurationKind(run: ImportRun, record: DumpRecord, f: Fields) {
  for (const [backend, model] of Object.entries(CONFIGURATION_MODELS)) if (run.find(model, record.pk)) return { backend, model }
  const ctype = f.raw('polymorphic_ctype')
  const named = Array.isArray(ctype) ? ctype.join('.') : (() => {
    const type = run.find('contenttypes.contenttype', f.key('polymorphic_ctype'))
    return type ? `${String(type.fields.app_label)}.${String(type.fields.model)}` : `content type ${String(ctype)}`
  })()
  return { backend: null, model: named }
}

async function importConfigurations(run: ImportRun) {
  const { tx } = run
  const vpnIds: number[] = []
  const rows = run.convertNew('configuration.configuration', (record, f) => {
    const kind = configurationKind(run, record, f)
    if (!kind.backend) {
      run.warn(record, `a ${kind.model}, which is not known here: not imported (nor its subnets)`)
      return null
    }
    if (f.key('offersubscription') === null) {
      run.warn(record, 'attached to no subscription: not imported (every service here belongs to a subscription)')
      return null
    }
    const child = new Fields(run.find(kind.model, record.pk)!)
    const comment = f.text('comment', 512)
    if (kind.backend === 'vpn') {
      const login = child.text('login', 50)
      if (!login) throw new RecordProblem('empty', 'login')
      const endpoint = (field: string) => (child.text(field) ? network(child, field, { host: true }) : null)
      return {
        kind, subscriptionId: run.requireId('offers.offersubscription', f, 'offersubscription'), comment,
        vpn: { login, passwordHash: child.text('password', 256) || null, activated: child.bool('activated'), ipv4Endpoint: endpoint('ipv4_endpoint'), ipv6Endpoint: endpoint('ipv6_endpoint') },
      }
    }
    const phone = child.text('phone_number')
    const phoneNumber = phone ? normalizePhoneNumber(phone) : ''
    if (phoneNumber === null) run.warn(record, `phone number "${phone}" is not one: kept in the comment`)
    return {
      kind, subscriptionId: run.requireId('offers.offersubscription', f, 'offersubscription'),
      comment: phoneNumber === null ? `${comment} (numéro dans Coin : ${phone})`.trim().slice(0, 512) : comment,
      dsl: { phoneNumber: phoneNumber ?? '' },
    }
  })
  for (const { record, row } of rows) {
    const id = await attempt(run, record, async () => {
      const created = await tx.serviceConfiguration.create({
        data: {
          subscriptionId: row.subscriptionId, backend: row.kind.backend, comment: row.comment,
          ...('vpn' in row ? { vpn: { create: row.vpn } } : { dsl: { create: row.dsl } }),
        },
        select: { id: true },
      })
      return created.id
    })
    if (id !== null && row.kind.backend === 'vpn') vpnIds.push(id)
    // The child record is the same configuration: counted with it.
    if (id !== null) run.remember(row.kind.model, record.pk, id)
  }
  for (const model of Object.values(CONFIGURATION_MODELS)) {
    const summary = run.summary(model)
    summary.alreadyImported = run.records(model).filter((r) => run.idOf('configuration.configuration', r.pk) !== undefined).length - summary.imported
    summary.notImported = summary.records - summary.imported - summary.alreadyImported
    summary.note = 'with its configuration.configuration'
    run.tick(summary.records)
  }
  await markLdapDirty(tx, 'vpn', vpnIds)
}

async function importSubnets(run: ImportRun) {
  const { tx } = run
  for (const { record, row } of run.convertNew('resources.ipsubnet', (record, f) => {
    const configurationPk = f.key('configuration')
    const configurationId = run.idOf('configuration.configuration', configurationPk) ?? null
    if (configurationPk !== null && configurationId === null) run.warn(record, `its configuration (${configurationPk}) is not imported: kept aside, unassigned`)
    return {
      poolId: run.requireId('resources.ippool', f, 'ip_pool'), network: network(f, 'inet'), configurationId,
      delegateReverseDns: f.bool('delegate_reverse_dns'),
      comment: configurationPk !== null && configurationId === null ? `Configuration ${configurationPk} dans Coin` : '',
      nameServers: f.keys('name_server').map((pk) => {
        const id = run.idOf('reverse_dns.nameserver', pk)
        if (id === undefined) throw new RecordProblem(`reverse_dns.nameserver ${pk} was not imported`, 'name_server')
        return { id }
      }),
    }
  })) {
    const { nameServers, ...data } = row
    await attempt(run, record, async () => (await tx.ipSubnet.create({ data: { ...data, nameServers: { connect: nameServers } }, select: { id: true } })).id)
  }
  for (const { record, row } of run.convertNew('reverse_dns.reversednsentry', (_record, f) => {
    const name = f.text('reverse', 254)
    return { ip: network(f, 'ip', { host: true }), name: name.endsWith('.') ? name : `${name}.`, ttl: f.int('ttl', 3600), subnetId: run.requireId('resources.ipsubnet', f, 'ip_subnet') }
  })) {
    await attempt(run, record, async () => (await tx.reverseDnsEntry.create({ data: row, select: { id: true } })).id)
  }
}

/** The pools new configurations of an offer get their subnets from: era 2's OfferIPPool, else those its subscriptions used in Coin. */
async function linkOfferPools(run: ImportRun) {
  const { tx } = run
  for (const { record, row } of run.convertNew('offers.offeripool', (_record, f) => (f.bool('to_assign', true)
    ? { offerId: run.requireId('offers.offer', f, 'offer'), poolId: run.requireId('resources.ippool', f, 'ip_pool') }
    : null))) {
    await attempt(run, record, async () => {
      await tx.offer.update({ where: { id: row.offerId }, data: { pools: { connect: { id: row.poolId } } } })
      return row.offerId
    })
  }
  const newOffers = run.created.filter((c) => c.model === 'offers.offer').map((c) => c.id)
  if (newOffers.length === 0) return
  const used = await tx.$queryRaw<{ offerId: number; poolId: number; name: string; offer: string }[]>`
    SELECT DISTINCT ON (o.id, family(p.network)) o.id AS "offerId", p.id AS "poolId", p.name, o.name AS offer
    FROM "Offer" o JOIN "Subscription" s ON s."offerId" = o.id JOIN "ServiceConfiguration" c ON c."subscriptionId" = s.id
    JOIN "IpSubnet" n ON n."configurationId" = c.id JOIN "IpPool" p ON p.id = n."poolId"
    WHERE o.id = ANY(${newOffers}::int[]) AND NOT EXISTS (SELECT 1 FROM "_IpPoolToOffer" l WHERE l."B" = o.id)
    ORDER BY o.id, family(p.network), p.id`
  for (const link of used) {
    await tx.offer.update({ where: { id: link.offerId }, data: { pools: { connect: { id: link.poolId } } } })
  }
  for (const [offer, pools] of groupBy(used, (u) => u.offer)) {
    run.hints.push(`Offer "${offer}" takes the subnets of new subscriptions from ${pools.map((p) => `"${p.name}"`).join(' and ')}, the pools its subscriptions used in Coin.`)
  }
}

// ---- The ISP ----------------------------------------------------------------------------------

const TECHNOLOGIES = new Set(['ftth', 'fttb', 'dsl', 'wifi', 'vpn', 'cube'])

/** The ISP's settings as the dump describes them (empty when it has no ISPInfo). */
function ispFromDump(run: ImportRun): Prisma.IspSettingsUpdateInput | null {
  const [info] = run.records('isp_database.ispinfo')
  if (!info) return null
  const f = new Fields(info)
  const belongs = (record: DumpRecord) => new Fields(record).key('isp') === info.pk
  const office = run.records('isp_database.registeredoffice').find(belongs)
  const bank = run.records('isp_database.bankinfo').find(belongs)
  const o = office && new Fields(office)
  const b = bank && new Fields(bank)
  const siret = (o?.text('siret') ?? '').replace(/\s/g, '')
  const progressStatus = f.raw('progressStatus') === null || f.raw('progressStatus') === undefined ? null : f.int('progressStatus')
  const latitude = f.raw('latitude'), longitude = f.raw('longitude')
  const street = o ? [o.text('street_address'), o.text('post_office_box')].filter(Boolean).join(', ') : ''
  return {
    name: f.text('name', 200), shortname: f.text('shortname', 15), description: f.text('description'), logoUrl: f.text('logoURL', 500),
    website: f.text('website', 200), contactEmail: f.text('email', 254), email: f.text('administrative_email', 254) || f.text('email', 254),
    mainMailingList: f.text('mainMailingList', 254), creationDate: f.date('creationDate'), ffdnMemberSince: f.date('ffdnMemberSince'),
    progressStatus: progressStatus !== null && progressStatus >= 1 && progressStatus <= 7 ? progressStatus : null,
    latitude: typeof latitude === 'number' && typeof longitude === 'number' ? latitude : null,
    longitude: typeof latitude === 'number' && typeof longitude === 'number' ? longitude : null,
    ...(o ? {
      address: [street, o.text('extended_address')].filter(Boolean).join('\n'), postalCode: o.text('postal_code', 16), city: o.text('locality', 200),
      officeStreet: street.slice(0, 200), officeExtended: o.text('extended_address', 200), officePostalCode: o.text('postal_code', 16),
      officeLocality: o.text('locality', 200), officeRegion: o.text('region', 200), officeCountry: o.text('country_name', 200),
      ...(/^\d{14}$/.test(siret) ? { siret } : /^W\d{9}$/i.test(siret) ? { rna: siret.toUpperCase() } : {}),
    } : {}),
    ...(b ? { iban: b.text('iban', 42).replace(/\s/g, ''), bic: b.text('bic', 11), bankName: b.text('bank_name', 200), chequeOrder: b.text('check_order', 200) } : {}),
    otherWebsites: Object.fromEntries(run.records('isp_database.otherwebsite').filter(belongs).map((r) => [new Fields(r).text('name'), new Fields(r).text('url')])),
    chatrooms: run.records('isp_database.chatroom').filter(belongs).map((r) => new Fields(r).text('url')),
  }
}

const ISP_PARTS = ['isp_database.registeredoffice', 'isp_database.otherwebsite', 'isp_database.chatroom', 'isp_database.bankinfo']

async function importIsp(run: ImportRun) {
  const { tx } = run
  const data = run.convertNew('isp_database.ispinfo', () => {
    const settings = ispFromDump(run)
    return settings && { settings }
  })
  for (const { record, row } of data) {
    const { name, ...rest } = row.settings
    await tx.ispSettings.upsert({ where: { id: 1 }, create: { ...(rest as Prisma.IspSettingsCreateInput), name: String(name) || 'Coin', id: 1 }, update: row.settings })
    run.remember(record.model, record.pk, 1)
    const fields = new Fields(record)
    const dropped = ['phone_number', 'support_email', 'lists_url'].filter((field) => fields.text(field))
    if (dropped.length) run.warn(record, `${dropped.join(', ')} not kept: this Coin has no such setting (the contact page shows the ISP's addresses)`)
  }
  // Its parts come with it: counted once it is in.
  for (const model of ISP_PARTS) {
    const summary = run.summary(model)
    for (const record of run.records(model)) {
      run.tick()
      if (run.idOf(model, record.pk) !== undefined) summary.alreadyImported += 1
      else if (run.idOf('isp_database.ispinfo', new Fields(record).key('isp')) !== undefined) run.remember(model, record.pk, 1)
      else summary.notImported += 1
    }
    summary.note = 'into the ISP settings'
  }
  for (const { record, row } of run.convertNew('isp_database.coveredarea', (record, f) => {
    const given = f.raw('technologies')
    const list = (Array.isArray(given) ? given.map(String) : String(given ?? '').split(',')).map((t) => t.trim().toLowerCase()).filter(Boolean)
    const unknown = list.filter((t) => !TECHNOLOGIES.has(t))
    if (unknown.length) run.warn(record, `technologies ${unknown.join(', ')} are not in the FFDN format: left out`)
    return { name: f.text('name', 200), technologies: list.filter((t) => TECHNOLOGIES.has(t)) }
  })) {
    await attempt(run, record, async () => (await tx.coveredArea.create({ data: row, select: { id: true } })).id)
  }
}

// ---- Billing ----------------------------------------------------------------------------------

type Bill = { record: DumpRecord; kind: 'invoice' | 'fee' | 'donation'; fields: Fields; billFields: Fields }

/**
 * The bills of the dump, by pk, whatever the era: era 1's billing.invoice holds everything; era 2
 * splits each bill into billing.bill (status, date, member) and the child of the same pk.
 */
function billsOf(run: ImportRun, era: 1 | 2) {
  const bills = new Map<string, Bill>()
  if (era === 1) {
    for (const record of run.records('billing.invoice')) bills.set(record.pk, { record, kind: 'invoice', fields: new Fields(record), billFields: new Fields(record) })
    return bills
  }
  const kinds = [['billing.invoice', 'invoice'], ['billing.membershipfee', 'fee'], ['billing.donation', 'donation']] as const
  for (const [model, kind] of kinds) {
    for (const record of run.records(model)) {
      const bill = run.find('billing.bill', record.pk)
      bills.set(record.pk, { record, kind, fields: new Fields(record), billFields: new Fields(bill ?? { model: 'billing.bill', pk: record.pk, fields: {} }) })
    }
  }
  return bills
}

const INVOICE_STATUS = { open: 'OPEN', closed: 'CLOSED', trouble: 'TROUBLE' } as const

type Allocation = { record: DumpRecord; paymentPk: string; billPk: string; amountCents: number }

async function importBilling(run: ImportRun, era: 1 | 2, buyers: Map<number, InvoiceBuyer>) {
  const { tx } = run
  const bills = billsOf(run, era)
  const billField = era === 1 ? 'invoice' : 'bill'
  for (const record of run.records('billing.bill')) {
    if (!bills.has(record.pk)) run.warn(record, 'a bill of no kind known here (not an invoice, a membership fee nor a donation): not imported')
  }
  const billSummary = run.summary('billing.bill')
  billSummary.note = 'read with its invoice, membership fee or donation'
  run.tick(billSummary.records)

  // Allocations, read first: era 2's membership fees and donations are paid by them.
  const allocations: Allocation[] = []
  for (const record of run.records('billing.paymentallocation')) {
    const f = new Fields(record)
    try {
      allocations.push({ record, paymentPk: f.key('payment') ?? '', billPk: f.key(billField) ?? '', amountCents: f.hundredths('amount') })
    } catch (error) {
      if (!(error instanceof RecordProblem)) throw error
      run.error(record, error.message)
    }
  }
  const allocatedTo = groupBy(allocations, (a) => a.billPk)
  const paidBills = groupBy(allocations, (a) => a.paymentPk)
  const spentOf = new Map<string, number>() // payment pk → cents allocated to fees and donations

  // Invoices and their lines.
  const linesOf = groupBy(run.records('billing.invoicedetail'), (r) => new Fields(r).key('invoice') ?? '')
  const isp = await getIspIdentity(tx)
  let fromDump: Partial<typeof isp> = {}
  try {
    fromDump = (ispFromDump(run) ?? {}) as Partial<typeof isp>
  } catch (error) {
    // Reported with isp_database.ispinfo; the invoices then name the ISP as it is here.
    if (!(error instanceof RecordProblem)) throw error
  }
  const seller = sellerOf({ ...isp, ...fromDump }, null)
  const invoiceModel = 'billing.invoice'
  const takenNumbers = new Set((await tx.$queryRaw<{ number: string }[]>`
    SELECT number FROM "Invoice" WHERE number IS NOT NULL AND id <> ALL(${[...(run.mapped.get(invoiceModel)?.values() ?? [])]}::int[])`).map((r) => r.number))
  await replaceDraftsValidatedSince(run, bills)
  type Line = Prisma.InvoiceLineCreateManyInput & { record: DumpRecord; quantityHundredths: number; vatBasisPoints: number }
  const invoiceRows = run.convertNew(invoiceModel, (record, f) => {
    const bill = bills.get(record.pk)!
    if (bill.kind !== 'invoice') return null
    const b = bill.billFields
    const validated = f.bool('validated')
    const number = f.text('number', 32)
    if (validated && !number) throw new RecordProblem('a validated invoice without a number', 'number')
    if (validated && takenNumbers.has(number)) throw new RecordProblem(`${number} is already the number of an invoice made here`, 'number')
    const memberId = run.optionalId('members.member', b, 'member')
    const date = b.requiredDate('date')
    const lines: Line[] = (linesOf.get(record.pk) ?? []).map((line) => {
      const l = new Fields(line)
      const periodFrom = l.date('period_from')
      const periodTo = l.date('period_to')
      if ((periodFrom === null) !== (periodTo === null)) throw new RecordProblem(`billing.invoicedetail ${line.pk}: a period needs both period_from and period_to`)
      if (periodFrom && periodTo && periodTo < periodFrom) throw new RecordProblem(`billing.invoicedetail ${line.pk}: period_to ${toIsoDate(periodTo)} is before period_from ${toIsoDate(periodFrom)}`)
      const label = l.text('label', 200)
      return {
        record: line, invoiceId: 0, label, unitCents: l.hundredths('amount'), quantityHundredths: l.hundredths('quantity', 100), vatBasisPoints: l.hundredths('tax', 0),
        subscriptionId: run.optionalId('offers.offersubscription', l, 'offersubscription'), periodFrom, periodTo,
        isSetupFee: periodFrom === null && /frais de mise en service/i.test(label),
      }
    })
    for (const line of lines) {
      if (line.quantityHundredths < 0) throw new RecordProblem(`billing.invoicedetail ${line.record.pk}: a negative quantity`)
      if (line.vatBasisPoints < 0 || line.vatBasisPoints > 10_000) throw new RecordProblem(`billing.invoicedetail ${line.record.pk}: VAT ${line.vatBasisPoints / 100} %`)
    }
    // What Coin issued: its lines rounded half to even (Python's Decimal), kept so. A draft is
    // validated here, so rounded as here.
    for (const line of lines) line.halfEven = validated
    const coinTotal = invoiceTotalCents(lines)
    if (validated) takenNumbers.add(number)
    return {
      invoice: {
        memberId, status: b.choice('status', INVOICE_STATUS, 'OPEN'), date, dueDate: f.date('date_due'),
        number: validated ? number : null, totalCents: coinTotal, lastReminderAt: f.datetime('date_last_reminder_email'),
        buyer: validated && memberId !== null ? (buyers.get(memberId) ?? null) : null, seller: validated ? seller : undefined,
      },
      validated, lines,
    }
  })
  const invoiceIds = await reserveIds(tx, 'Invoice', invoiceRows.length)
  const invoices = invoiceRows.map(({ row }) => row.invoice)
  const sellerJson = JSON.stringify(seller)
  const now = new Date().toISOString()
  // Inserted as drafts, so their lines can go in; validated below.
  await insertColumns(tx, 'Invoice', [
    ['id', 'int', invoiceIds], ['memberId', 'int', invoices.map((i) => i.memberId)], ['status', '"InvoiceStatus"', invoices.map((i) => i.status)],
    ['date', 'date', invoices.map((i) => isoDate(i.date))], ['dueDate', 'date', invoices.map((i) => isoDate(i.dueDate))],
    ['number', 'varchar', invoices.map((i) => i.number)], ['totalCents', 'int', invoices.map((i) => i.totalCents)],
    ['lastReminderAt', 'timestamptz', invoices.map((i) => isoTime(i.lastReminderAt))],
    ['buyer', 'jsonb', invoices.map((i) => (i.buyer ? JSON.stringify(i.buyer) : null))], ['seller', 'jsonb', invoices.map((i) => (i.seller ? sellerJson : null))],
    ['updatedAt', 'timestamptz', invoices.map(() => now)],
  ])
  await unlinkDoubleBilling(run, invoiceRows.flatMap(({ row }) => row.lines))
  const lines = invoiceRows.flatMap(({ row }, i) => row.lines.map((line) => ({ ...line, invoiceId: invoiceIds[i]! })))
  await insertColumns(tx, 'InvoiceLine', [
    ['invoiceId', 'int', lines.map((l) => l.invoiceId)], ['label', 'varchar', lines.map((l) => l.label)], ['unitCents', 'int', lines.map((l) => l.unitCents)],
    ['quantityHundredths', 'int', lines.map((l) => l.quantityHundredths)], ['vatBasisPoints', 'int', lines.map((l) => l.vatBasisPoints)],
    ['subscriptionId', 'int', lines.map((l) => l.subscriptionId ?? null)], ['periodFrom', 'date', lines.map((l) => isoDate(l.periodFrom))],
    ['periodTo', 'date', lines.map((l) => isoDate(l.periodTo))], ['isSetupFee', 'boolean', lines.map((l) => l.isSetupFee ?? false)],
    ['halfEven', 'boolean', lines.map((l) => l.halfEven ?? false)],
  ])
  // Validated as they were in Coin: frozen from here on, their numbers continuing the month's count.
  const toValidate = invoiceRows.flatMap(({ row }, i) => (row.validated ? [{ id: invoiceIds[i]!, at: row.invoice.date }] : []))
  if (toValidate.length) {
    await tx.$executeRaw`UPDATE "Invoice" i SET validated = true, "validatedAt" = v.at FROM unnest(${toValidate.map((v) => v.id)}::int[], ${toValidate.map((v) => v.at)}::timestamptz[]) AS v(id, at) WHERE i.id = v.id`
  }
  invoiceRows.forEach(({ record }, i) => run.remember(invoiceModel, record.pk, invoiceIds[i]!))
  const detail = run.summary('billing.invoicedetail')
  for (const record of run.records('billing.invoicedetail')) {
    run.tick()
    const invoicePk = new Fields(record).key('invoice') ?? ''
    if (run.createdNow(invoiceModel, invoicePk)) detail.imported += 1
    else if (run.idOf(invoiceModel, invoicePk) !== undefined) detail.alreadyImported += 1
    else detail.notImported += 1
  }
  detail.note = 'with its invoice'

  // Era 2's membership fees: a fee here, paid by what was allocated to it.
  const paymentOf = (pk: string) => run.find('billing.payment', pk)
  const feeRows = era === 2 ? run.convertNew('billing.membershipfee', (record, f) => {
    const b = bills.get(record.pk)!.billFields
    const amountCents = f.hundredths('_amount')
    const paidBy = (allocatedTo.get(record.pk) ?? []).toSorted((x, y) => String(paymentOf(x.paymentPk)?.fields.date).localeCompare(String(paymentOf(y.paymentPk)?.fields.date)))
    const paidCents = paidBy.reduce((sum, a) => sum + a.amountCents, 0)
    const period = `${f.text('start_date')} to ${f.text('end_date')}`
    if (paidCents === 0 && amountCents > 0) {
      run.warn(record, `the ${euros(amountCents)} fee for ${period} was never paid: not imported (a fee here is a paid one; record it when it is)`)
      return null
    }
    if (paidCents < amountCents) run.warn(record, `${euros(amountCents - paidCents)} of the ${euros(amountCents)} fee for ${period} was never paid: imported as a fee of ${euros(paidCents)}, what was paid, and the rest is not owed here`)
    const first = paidBy[0] && paymentOf(paidBy[0].paymentPk)
    return {
      // What was received: a fee here is money paid.
      memberId: run.requireId('members.member', b, 'member'), amountCents: paidCents, ...feePeriod(f),
      paymentMethod: first ? new Fields(first).choice('payment_mean', PAYMENT_METHODS, 'TRANSFER') : null,
      reference: first ? new Fields(first).text('label').slice(0, 125) : '',
      comment: first ? `Payée le ${new Fields(first).text('date')}` : '',
    }
  }) : []
  await insertFees(run, 'billing.membershipfee', feeRows)
  for (const bill of bills.values()) {
    if (bill.kind === 'invoice') continue
    // Only what an earlier run did not take off already.
    for (const a of allocatedTo.get(bill.record.pk) ?? []) {
      if (run.idOf(a.record.model, a.record.pk) === undefined) spentOf.set(a.paymentPk, (spentOf.get(a.paymentPk) ?? 0) + a.amountCents)
    }
  }
  const donations = run.records('billing.donation')
  if (donations.length) {
    const total = donations.reduce((sum, r) => sum + (new Fields(r).hundredths('_amount', 0)), 0)
    run.summary('billing.donation').note = `${euros(total)} in all; the payments for them are not credited to the members`
  }

  // Payments: what was not spent on fees and donations.
  const paymentRows = run.convertNew('billing.payment', (record, f) => {
    const forcedPk = f.key(billField)
    const forced = forcedPk === null ? undefined : bills.get(forcedPk)
    let memberId = run.optionalId('members.member', f, 'member')
    // Coin's Payment.save(): a payment of a bill without a member is the bill's member's; one
    // without either is the member of the bill it paid, if any.
    const paidBill = forced ?? bills.get(paidBills.get(record.pk)?.[0]?.billPk ?? '')
    if (memberId === null && paidBill) memberId = run.optionalId('members.member', paidBill.billFields, 'member')
    const given = f.hundredths('amount')
    if (given <= 0) throw new RecordProblem(`${euros(given)}: a payment here is money received (a refund is a credit note)`, 'amount')
    const amountCents = given - (spentOf.get(record.pk) ?? 0)
    if (amountCents < 0) throw new RecordProblem('more allocated to it than its amount', 'amount')
    if (amountCents === 0) return { spent: true as const }
    return {
      spent: false as const,
      payment: {
        memberId, amountCents, date: f.requiredDate('date'), method: f.choice('payment_mean', PAYMENT_METHODS, 'TRANSFER'), label: f.text('label', 500),
        forcedInvoiceId: forced?.kind === 'invoice' ? (run.idOf(invoiceModel, forcedPk) ?? null) : null,
      },
    }
  })
  const kept = paymentRows.filter((p) => !p.row.spent)
  const paymentIds = await reserveIds(tx, 'Payment', kept.length)
  const payments = kept.map(({ row }) => (row.spent ? null : row.payment)!)
  await insertColumns(tx, 'Payment', [
    ['id', 'int', paymentIds], ['memberId', 'int', payments.map((p) => p.memberId)], ['method', '"PaymentMethod"', payments.map((p) => p.method)],
    ['amountCents', 'int', payments.map((p) => p.amountCents)], ['date', 'date', payments.map((p) => isoDate(p.date))],
    ['label', 'varchar', payments.map((p) => p.label)], ['forcedInvoiceId', 'int', payments.map((p) => p.forcedInvoiceId)],
  ])
  kept.forEach(({ record }, i) => run.remember('billing.payment', record.pk, paymentIds[i]!))
  const spent = paymentRows.filter((p) => p.row.spent)
  // Nothing to create, but known: a second run must not read it again.
  spent.forEach(({ record }) => run.remember('billing.payment', record.pk, 0))
  if (spent.length) run.summary('billing.payment').note = `${spent.length} entirely spent on membership fees or donations (no payment row here)`

  // Allocations to invoices, as Coin made them (no new reconciliation).
  const summary = run.summary('billing.paymentallocation')
  const rows: { record: DumpRecord; paymentId: number; invoiceId: number; amountCents: number }[] = []
  let donationAllocations = 0
  for (const a of allocations) {
    run.tick()
    if (run.idOf(a.record.model, a.record.pk) !== undefined) {
      summary.alreadyImported += 1
      continue
    }
    const bill = bills.get(a.billPk)
    if (bill && bill.kind !== 'invoice') {
      // Part of the fee it paid (imported with it), or of a donation (not kept): known from now on.
      if (bill.kind === 'donation' || run.idOf(bill.record.model, bill.record.pk) !== undefined) run.remember(a.record.model, a.record.pk, 0)
      else summary.notImported += 1
      if (bill.kind === 'donation') donationAllocations += 1
      continue
    }
    const paymentId = run.idOf('billing.payment', a.paymentPk)
    const invoiceId = run.idOf(invoiceModel, a.billPk)
    if (!paymentId || !invoiceId) {
      run.error(a.record, `its ${paymentId ? `${billField} ${a.billPk}` : `payment ${a.paymentPk}`} was not imported`)
      summary.notImported += 1
      continue
    }
    rows.push({ record: a.record, paymentId, invoiceId, amountCents: a.amountCents })
  }
  const ids = await reserveIds(tx, 'PaymentAllocation', rows.length)
  await insertColumns(tx, 'PaymentAllocation', [
    ['id', 'int', ids], ['paymentId', 'int', rows.map((r) => r.paymentId)], ['invoiceId', 'int', rows.map((r) => r.invoiceId)], ['amountCents', 'int', rows.map((r) => r.amountCents)],
  ])
  rows.forEach(({ record }, i) => run.remember(record.model, record.pk, ids[i]!))
  for (const record of run.records('billing.bill')) {
    const child = bills.get(record.pk)
    if (child && run.createdNow(child.record.model, record.pk)) billSummary.imported += 1
    else if (child && run.idOf(child.record.model, record.pk) !== undefined) billSummary.alreadyImported += 1
    else billSummary.notImported += 1
  }
  if (donationAllocations) summary.note = `${donationAllocations} paid donations, not kept`
  // A payment an earlier run imported that this dump spends on a new fee or donation: that part
  // leaves it, as it did from the payments imported now.
  const reduced = [...spentOf].flatMap(([pk, cents]) => {
    const id = run.idOf('billing.payment', pk)
    return id && !run.createdNow('billing.payment', pk) ? [{ pk, id, cents }] : []
  })
  for (const { pk, id, cents } of reduced) {
    const [held] = await tx.$queryRaw<{ amount: number; allocated: number }[]>`
      SELECT p."amountCents" AS amount, (SELECT COALESCE(sum("amountCents"), 0)::int FROM "PaymentAllocation" WHERE "paymentId" = p.id) AS allocated
      FROM "Payment" p WHERE p.id = ${id} FOR UPDATE`
    if (!held || held.amount - cents <= 0 || held.amount - cents < held.allocated) {
      run.errors.push({ model: 'billing.payment', pk, message: `imported by an earlier run; this dump spends ${euros(cents)} more of it on membership fees or donations, which it no longer holds here` })
    } else {
      await tx.payment.update({ where: { id }, data: { amountCents: held.amount - cents } })
    }
  }
  await checkAllocations(run, rows.map((r) => r.paymentId), rows.map((r) => r.invoiceId))
  return bills
}

/**
 * Invoices an earlier run imported as drafts that Coin has validated since: a draft still a draft
 * here is replaced by the validated invoice of the dump (number, lines, totals); one validated
 * here meanwhile is kept, and the report names both numbers.
 */
async function replaceDraftsValidatedSince(run: ImportRun, bills: Map<string, Bill>) {
  const model = 'billing.invoice'
  const candidates = run.records(model).filter((r) => bills.get(r.pk)?.kind === 'invoice' && r.fields.validated === true && run.idOf(model, r.pk) !== undefined)
  if (candidates.length === 0) return
  const here = new Map((await run.tx.invoice.findMany({
    where: { id: { in: candidates.map((r) => run.idOf(model, r.pk)!) } },
    select: { id: true, validated: true, number: true, _count: { select: { allocations: true } } },
  })).map((i) => [i.id, i]))
  const replaced: string[] = []
  for (const record of candidates) {
    const invoice = here.get(run.idOf(model, record.pk)!)
    if (!invoice) continue
    if (invoice.validated) {
      if (invoice.number !== String(record.fields.number)) run.warn(record, `validated in Coin as ${String(record.fields.number)} and here as ${invoice.number}: the invoice here is kept`)
      continue
    }
    if (invoice._count.allocations > 0) {
      run.error(record, `validated in Coin since the earlier import, still a draft here with payments allocated to it: take them off here, then re-run`)
      continue
    }
    await run.tx.invoice.delete({ where: { id: invoice.id } })
    run.mapped.get(model)!.delete(record.pk)
    replaced.push(record.pk)
  }
  if (replaced.length) {
    await run.tx.coinImportRecord.deleteMany({ where: { model, sourcePk: { in: replaced } } })
    run.hints.push(`${replaced.length === 1 ? 'A draft' : `${replaced.length} drafts`} of an earlier import, validated in Coin since, replaced by the validated invoice${replaced.length === 1 ? '' : 's'} (billing.invoice ${replaced.join(', ')}).`)
  }
}

/**
 * A subscription's period is billed once here (an exclusion constraint); Coin let lines overlap
 * (a second line for the same month, an invoice issued again). The later line is kept, with its
 * period, but not linked to the subscription, and the report says so.
 */
async function unlinkDoubleBilling(run: ImportRun, lines: { record: DumpRecord; subscriptionId?: number | null; periodFrom?: Date | string | null; periodTo?: Date | string | null }[]) {
  const linked = lines.filter((l) => l.subscriptionId && l.periodFrom && l.periodTo)
  const billed = groupBy(await run.tx.invoiceLine.findMany({
    where: { subscriptionId: { in: [...new Set(linked.map((l) => l.subscriptionId!))] }, periodFrom: { not: null }, periodTo: { not: null } },
    select: { subscriptionId: true, periodFrom: true, periodTo: true, invoice: { select: { number: true } } },
  }).then((rows) => rows.map((r) => ({ subscriptionId: r.subscriptionId!, from: r.periodFrom!, to: r.periodTo!, by: r.invoice.number ?? 'a draft' }))), (r) => r.subscriptionId)
  for (const line of linked) {
    const from = new Date(line.periodFrom!), to = new Date(line.periodTo!)
    const periods = billed.get(line.subscriptionId!) ?? []
    const overlap = periods.find((p) => p.from <= to && from <= p.to)
    if (overlap) {
      const subscription = new Fields(line.record).key('offersubscription')
      run.warn(line.record, `bills subscription ${subscription} again for ${toIsoDate(from)} to ${toIsoDate(to)} (${overlap.by} bills ${toIsoDate(overlap.from)} to ${toIsoDate(overlap.to)}): imported without its link to the subscription, as a period is billed once here`)
      line.subscriptionId = null
      continue
    }
    periods.push({ subscriptionId: line.subscriptionId!, from, to, by: `billing.invoicedetail ${line.record.pk}` })
    billed.set(line.subscriptionId!, periods)
  }
}

/** Coin's allocations must fit: never more than a payment's amount nor an invoice's total. */
async function checkAllocations(run: ImportRun, paymentIds: number[], invoiceIds: number[]) {
  const over = await run.tx.$queryRaw<{ what: string; id: number; label: string; allocated: number; amount: number }[]>`
    SELECT 'payment' AS what, p.id, p.date::text AS label, sum(a."amountCents")::int AS allocated, p."amountCents" AS amount
    FROM "Payment" p JOIN "PaymentAllocation" a ON a."paymentId" = p.id WHERE p.id = ANY(${paymentIds}::int[])
    GROUP BY p.id HAVING sum(a."amountCents") > p."amountCents"
    UNION ALL
    SELECT 'invoice', i.id, COALESCE(i.number, ''), sum(a."amountCents")::int, i."totalCents"
    FROM "Invoice" i JOIN "PaymentAllocation" a ON a."invoiceId" = i.id WHERE i.id = ANY(${invoiceIds}::int[])
    GROUP BY i.id HAVING sum(a."amountCents") > i."totalCents"`
  for (const row of over) {
    const model = row.what === 'payment' ? 'billing.payment' : 'billing.invoice'
    const pk = [...(run.mapped.get(model) ?? [])].find(([, id]) => id === row.id)?.[0] ?? String(row.id)
    run.errors.push({ model, pk, message: `${euros(row.allocated)} allocated to a ${row.what} of ${euros(row.amount)} (${row.label})` })
  }
}

// ---- Hardware and mailing lists ---------------------------------------------------------------

/** A name-keyed row (item type, storage, list): one already here with that name is the same one. */
async function importNamed<T>(run: ImportRun, model: string, rows: { record: DumpRecord; row: T }[], find: (row: T) => Promise<{ id: number } | null>, create: (row: T) => Promise<{ id: number }>) {
  for (const { record, row } of rows) {
    const existing = await find(row)
    if (existing) run.remember(model, record.pk, existing.id)
    else await attempt(run, record, async () => (await create(row)).id)
  }
}

async function importHardware(run: ImportRun) {
  const { tx } = run
  await importNamed(run, 'hardware_provisioning.itemtype', run.convertNew('hardware_provisioning.itemtype', (_r, f) => ({ name: f.text('name', 100) })),
    (row) => tx.itemType.findUnique({ where: { name: row.name }, select: { id: true } }), (row) => tx.itemType.create({ data: row, select: { id: true } }))
  await importNamed(run, 'hardware_provisioning.storage', run.convertNew('hardware_provisioning.storage', (_r, f) => ({ name: f.text('name', 100), notes: f.text('notes') })),
    (row) => tx.storage.findUnique({ where: { name: row.name }, select: { id: true } }), (row) => tx.storage.create({ data: row, select: { id: true } }))
  for (const { record, row } of run.convertNew('hardware_provisioning.item', (_record, f) => {
    const mac = f.text('mac_address')
    const macAddress = mac ? normalizeMac(mac) : ''
    if (macAddress === null) throw new RecordProblem(`"${mac}" is not a MAC address`, 'mac_address')
    return {
      typeId: run.requireId('hardware_provisioning.itemtype', f, 'type'), designation: f.text('designation', 100),
      storageId: run.optionalId('hardware_provisioning.storage', f, 'storage'), macAddress, serial: f.text('serial', 250),
      buyDate: f.date('buy_date'), ownerId: run.optionalId('members.member', f, 'owner'), deployed: f.bool('deployed'), comment: f.text('comment'),
    }
  })) {
    await attempt(run, record, async () => (await tx.item.create({ data: row, select: { id: true } })).id)
  }
  const now = new Date()
  for (const { record, row } of run.convertNew('hardware_provisioning.loan', (record, f) => {
    let endedAt = f.datetime('loan_date_end')
    if (endedAt && endedAt > now) {
      run.warn(record, `planned end ${endedAt.toISOString().slice(0, 10)} dropped: a loan here runs until the item comes back`)
      endedAt = null
    }
    return { itemId: run.requireId('hardware_provisioning.item', f, 'item'), memberId: run.requireId('members.member', f, 'user'), startedAt: f.datetime('loan_date') ?? now, endedAt, notes: f.text('notes') }
  })) {
    await attempt(run, record, async () => (await tx.loan.create({ data: row, select: { id: true } })).id)
  }
}

async function importMailingLists(run: ImportRun) {
  const { tx } = run
  await importNamed(run, 'maillists.maillinglist', run.convertNew('maillists.maillinglist', (_r, f) => ({
    shortName: f.text('short_name', 50), address: f.text('email', 254).toLowerCase(), label: f.text('verbose_name', 130), description: f.text('description'),
  })), (row) => tx.mailingList.findUnique({ where: { shortName: row.shortName }, select: { id: true } }), (row) => tx.mailingList.create({ data: row, select: { id: true } }))
  const rows = run.convertNew('maillists.maillinglistsubscription', (_r, f) => ({
    listId: run.requireId('maillists.maillinglist', f, 'maillinglist'), memberId: run.requireId('members.member', f, 'member'),
  }))
  await tx.mailingListSubscription.createMany({ data: rows.map((r) => r.row), skipDuplicates: true })
  rows.forEach(({ record, row }) => run.remember(record.model, record.pk, row.listId))
}

// ---- Balances ---------------------------------------------------------------------------------

/**
 * Each imported member's balance here against Coin's rule over the dump: unallocated payments
 * minus what validated bills still ask for. They differ only by the fee and donation bills the
 * dump left unpaid (a fee here is a paid one), which the report names.
 */
async function checkBalances(run: ImportRun, bills: Map<string, Bill>) {
  const coin = new Map<string, number>()
  const unpaidBills = new Map<string, number>()
  const add = (map: Map<string, number>, pk: string | null, cents: number) => pk !== null && map.set(pk, (map.get(pk) ?? 0) + cents)
  const member = (key: string | null) => (key === null ? null : (run.naturalKey('members.member', key) ?? key))
  const allocated = new Map<string, number>()
  const paid = new Map<string, number>()
  const linesOf = groupBy(run.records('billing.invoicedetail'), (r) => new Fields(r).key('invoice') ?? '')
  for (const record of run.records('billing.paymentallocation')) {
    const f = new Fields(record)
    const billPk = f.key(f.has('bill') ? 'bill' : 'invoice')
    add(allocated, f.key('payment'), f.hundredths('amount', 0))
    add(paid, billPk, f.hundredths('amount', 0))
  }
  const firstPaid = new Map<string, string>()
  for (const record of run.records('billing.paymentallocation')) {
    const f = new Fields(record)
    const payment = f.key('payment')
    if (payment !== null && !firstPaid.has(payment)) firstPaid.set(payment, f.key(f.has('bill') ? 'bill' : 'invoice') ?? '')
  }
  for (const record of run.records('billing.payment')) {
    const f = new Fields(record)
    const bill = bills.get(f.key(f.has('bill') ? 'bill' : 'invoice') ?? '') ?? bills.get(firstPaid.get(record.pk) ?? '')
    add(coin, member(f.key('member') ?? bill?.billFields.key('member') ?? null), f.hundredths('amount', 0) - (allocated.get(record.pk) ?? 0))
  }
  for (const bill of bills.values()) {
    if (bill.kind === 'invoice' && !bill.fields.bool('validated')) continue
    const amount = bill.kind === 'invoice'
      ? ((linesOf.get(bill.record.pk) ?? [])
        .reduce((sum, l) => { const f = new Fields(l); return sum + lineTotalCents({ unitCents: f.hundredths('amount', 0), quantityHundredths: f.hundredths('quantity', 100), vatBasisPoints: f.hundredths('tax', 0), halfEven: true }) }, 0))
      : bill.fields.hundredths('_amount', 0)
    const remaining = amount - (paid.get(bill.record.pk) ?? 0)
    add(coin, member(bill.billFields.key('member')), -remaining)
    if (bill.kind !== 'invoice') add(unpaidBills, member(bill.billFields.key('member')), remaining)
  }
  const differences: BalanceCheck[] = []
  let staleInDump = 0
  const imported = run.records('members.member').filter((r) => run.idOf(r.model, r.pk) !== undefined)
  const here = await getMemberBalances(imported.map((r) => run.idOf(r.model, r.pk)!), run.tx)
  for (const record of imported) {
    const coinCents = coin.get(record.pk) ?? 0
    const hereCents = here.get(run.idOf(record.model, record.pk)!)!
    const stored = record.fields.balance
    if (stored !== undefined && stored !== null && new Fields(record).hundredths('balance', 0) !== coinCents) staleInDump += 1
    if (hereCents === coinCents) continue
    const unpaid = unpaidBills.get(record.pk) ?? 0
    differences.push({
      username: new Fields(record).text('username').toLowerCase(), hereCents, coinCents,
      explained: unpaid > 0 && hereCents - coinCents === unpaid ? `${euros(unpaid)} of membership fees or donations unpaid in Coin` : '',
    })
  }
  return { members: imported.length, differences, staleInDump }
}

// ---- The run ----------------------------------------------------------------------------------

/** Era 2 (ARN's rework, Django 2.2) has billing.bill; era 1 (Illyse, Django 1.x) has members.membershipfee. */
export const eraOf = (records: DumpRecord[]) => (records.some((r) => r.model === 'billing.bill' || r.model === 'billing.membershipfee' || r.model === 'billing.donation') ? 2 : 1)

class Rollback extends Error {}

/**
 * Imports the records in one transaction: committed with `commit` when no record is in error,
 * rolled back otherwise (a dry run reports exactly what a commit would do).
 */
export async function importCoinDump(records: DumpRecord[], { commit = false, onProgress }: { commit?: boolean; onProgress?: (progress: ImportProgress) => void } = {}): Promise<CoinImportReport> {
  const known = new Set<string>(IMPORTED_MODELS)
  const era = eraOf(records)
  let report: CoinImportReport | undefined
  try {
    await prisma.$transaction(async (tx) => {
      // One import at a time: a second one waits, then finds this one's records imported.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('coin import_coin'))`
      const run = new ImportRun(tx, groupBy(records, (r) => r.model), records.filter((r) => known.has(r.model)).length, onProgress)
      for (const row of await tx.coinImportRecord.findMany({ select: { model: true, sourcePk: true, targetId: true } })) {
        let map = run.mapped.get(row.model)
        if (!map) run.mapped.set(row.model, (map = new Map()))
        map.set(row.sourcePk, row.targetId)
      }
      const buyers = new Map<number, InvoiceBuyer>()
      await importMembers(run, buyers)
      await importFees(run)
      await importOffers(run)
      await importSubscriptions(run)
      await updateResignations(run)
      await importPools(run)
      await importConfigurations(run)
      await importSubnets(run)
      await linkOfferPools(run)
      await importIsp(run)
      // Invoices of members imported by an earlier run name them as they are now.
      const earlier = [...(run.mapped.get('members.member')?.values() ?? [])].filter((id) => !buyers.has(id))
      for (const m of await tx.member.findMany({ where: { id: { in: earlier } }, select: { id: true, type: true, firstName: true, lastName: true, organizationName: true, username: true, address: true, postalCode: true, city: true, country: true, email: true, language: true } })) buyers.set(m.id, buyerOf(m))
      const bills = await importBilling(run, era, buyers)
      await importHardware(run)
      await importMailingLists(run)
      if (run.created.length) {
        await tx.$executeRaw`
          INSERT INTO "CoinImportRecord" (model, "sourcePk", "targetId")
          SELECT * FROM unnest(${run.created.map((c) => c.model)}::varchar[], ${run.created.map((c) => c.pk)}::varchar[], ${run.created.map((c) => c.id)}::int[])`
      }
      // With a record in error nothing is imported, and the dump's figures may not even read.
      const balances = run.errors.length ? { members: 0, differences: [], staleInDump: 0 } : await checkBalances(run, bills)
      const models: ModelSummary[] = []
      for (const [model, list] of run.byModel) {
        if (known.has(model)) models.push(run.summary(model))
        else models.push({ model, records: list.length, imported: 0, alreadyImported: 0, notImported: list.length, note: SKIPPED_MODELS[model] ?? 'unknown model: nothing here reads it' })
      }
      const site = run.records('sites.site')[0]
      if (site) run.hints.push(`Coin's site was ${String(site.fields.domain)}: set PUBLIC_URL to its address (https://${String(site.fields.domain)}).`)
      report = { era, models, errors: run.errors, warnings: run.warnings, balances, hints: run.hints, committed: commit && run.errors.length === 0 }
      if (!report.committed) throw new Rollback()
    }, { timeout: 30 * 60_000, maxWait: 60_000 })
  } catch (error) {
    if (!(error instanceof Rollback)) throw error
  }
  return report!
}
