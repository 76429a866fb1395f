/**
 * Reading a Django `dumpdata` export of the original Coin (the fixture format: a JSON list of
 * `{model, pk, fields}`). Pure functions: what a record says, in Coin's units turned into this
 * Coin's (cents, hundredths, basis points, calendar dates). docs/migrating-from-coin.md maps every
 * field.
 */
import { today } from '#app/utils/dates.ts'

export type DumpRecord = { model: string; pk: string; fields: Record<string, unknown> }

/** The file is not a dump at all: the import stops before reading any record. */
export class DumpError extends Error {}

/** A record that cannot be imported as it is, and why (the field it is about, when one). */
export class RecordProblem extends Error {
  constructor(message: string, readonly field?: string) {
    super(field ? `${field}: ${message}` : message)
  }
}

/** A primary key or foreign key as text: numbers as they are, natural keys as JSON. */
const keyText = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value))

/**
 * The records of a dump, in file order. Throws a DumpError naming what is wrong when the text is
 * not JSON or not a list of `{model, pk, fields}` (at most 5 faulty records listed).
 */
export function parseDump(text: string): DumpRecord[] {
  let data: unknown
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (error) {
    throw new DumpError(`not JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (!Array.isArray(data)) throw new DumpError('expected a list of records [{"model", "pk", "fields"}], as manage.py dumpdata --format json writes')
  const faults: string[] = []
  const records: DumpRecord[] = []
  data.forEach((entry: unknown, index) => {
    const at = `record ${index + 1}`
    if (!entry || typeof entry !== 'object') return void faults.push(`${at} is not an object`)
    const { model, pk, fields } = entry as Record<string, unknown>
    if (typeof model !== 'string' || !/^[a-z0-9_]+\.[a-z0-9_]+$/.test(model)) return void faults.push(`${at} has no "model" such as "members.member"`)
    if (pk === undefined || pk === null) return void faults.push(`${at} (${model}) has no "pk": export without --natural-primary`)
    if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return void faults.push(`${at} (${model} ${keyText(pk)}) has no "fields" object`)
    records.push({ model, pk: keyText(pk), fields: fields as Record<string, unknown> })
  })
  if (faults.length) {
    const more = faults.length > 5 ? ` (and ${faults.length - 5} more)` : ''
    throw new DumpError(`not a Coin dump: ${faults.slice(0, 5).join('; ')}${more}`)
  }
  return records
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/

/**
 * A Django decimal ("20.00", "8.5", 12) in hundredths: euros to cents, a quantity to hundredths,
 * a VAT percentage to basis points. Null for a value with more than 2 decimals (not zeros).
 */
export function hundredthsOf(value: unknown): number | null {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : ''
  const match = DECIMAL.exec(text)
  if (!match) return null
  const decimals = (match[3] ?? '').replace(/0+$/, '')
  if (decimals.length > 2) return null
  const result = Number(match[2]) * 100 + Number(decimals.padEnd(2, '0'))
  if (!Number.isSafeInteger(result)) return null
  return match[1] ? -result : result
}

/** A local date and time of the ISP's time zone (no offset) as an instant. */
function localTimeToDate(text: string, timeZone = process.env.TZ || 'Europe/Paris') {
  const asUtc = new Date(`${text}Z`)
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(asUtc).map((p) => [p.type, p.value]))
  const zoned = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second))
  return new Date(asUtc.getTime() - (zoned - Math.floor(asUtc.getTime() / 1000) * 1000))
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/

/** Reads the fields of one record; every reader throws a RecordProblem naming the field. */
export class Fields {
  constructor(readonly record: DumpRecord) {}

  raw(name: string) {
    return this.record.fields[name]
  }

  has(name: string) {
    return name in this.record.fields
  }

  /** Text ('' when null or absent), trimmed, at most `max` characters. */
  text(name: string, max?: number) {
    const value = this.record.fields[name]
    if (value === null || value === undefined) return ''
    if (typeof value !== 'string' && typeof value !== 'number') throw new RecordProblem(`expected text, found ${JSON.stringify(value)}`, name)
    const text = String(value).trim()
    if (max !== undefined && text.length > max) throw new RecordProblem(`${text.length} characters, at most ${max} here`, name)
    return text
  }

  bool(name: string, fallback = false) {
    const value = this.record.fields[name]
    if (value === null || value === undefined) return fallback
    if (typeof value !== 'boolean') throw new RecordProblem(`expected true or false, found ${JSON.stringify(value)}`, name)
    return value
  }

  int(name: string, fallback: number | null = null) {
    const value = this.record.fields[name]
    if (value === null || value === undefined) {
      if (fallback === null) throw new RecordProblem('missing', name)
      return fallback
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new RecordProblem(`expected a whole number, found ${JSON.stringify(value)}`, name)
    return value
  }

  /** A decimal in hundredths (see hundredthsOf); `fallback` when null or absent. */
  hundredths(name: string, fallback: number | null = null) {
    const value = this.record.fields[name]
    if (value === null || value === undefined) {
      if (fallback === null) throw new RecordProblem('missing', name)
      return fallback
    }
    const result = hundredthsOf(value)
    if (result === null) throw new RecordProblem(`"${String(value)}" is not an amount with at most 2 decimals`, name)
    return result
  }

  /** A date (YYYY-MM-DD) at UTC midnight, or null when null or absent. */
  date(name: string) {
    const value = this.record.fields[name]
    if (value === null || value === undefined || value === '') return null
    const text = String(value)
    const date = ISO_DATE.test(text) ? new Date(`${text}T00:00:00Z`) : null
    if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) throw new RecordProblem(`"${text}" is not a date (YYYY-MM-DD)`, name)
    return date
  }

  requiredDate(name: string) {
    const date = this.date(name)
    if (!date) throw new RecordProblem('missing', name)
    return date
  }

  /** A datetime (ISO 8601; Django writes UTC with Z when USE_TZ), or null when null or absent. */
  datetime(name: string) {
    const value = this.record.fields[name]
    if (value === null || value === undefined || value === '') return null
    const text = String(value)
    // Without an offset Django wrote the local time of a USE_TZ = False install: the ISP's zone.
    const date = ISO_DATETIME.test(text) ? (/Z|[+-]\d{2}:?\d{2}$/.test(text) ? new Date(text) : localTimeToDate(text.replace(' ', 'T'))) : null
    if (!date || Number.isNaN(date.getTime())) throw new RecordProblem(`"${text}" is not a date and time`, name)
    return date
  }

  /** The calendar day of a datetime field in the ISP's time zone (date_joined is one). */
  localDate(name: string) {
    const value = this.datetime(name)
    return value && today(value)
  }

  /** A foreign key as text, or null. */
  key(name: string) {
    const value = this.record.fields[name]
    return value === null || value === undefined ? null : keyText(value)
  }

  /** The keys of a many-to-many field. */
  keys(name: string) {
    const value = this.record.fields[name]
    if (value === null || value === undefined) return []
    if (!Array.isArray(value)) throw new RecordProblem(`expected a list, found ${JSON.stringify(value)}`, name)
    return value.map(keyText)
  }

  /** One of `choices` (Coin's value → this Coin's), or `fallback` when null or absent. */
  choice<T>(name: string, choices: Record<string, T>, fallback: T) {
    const value = this.record.fields[name]
    if (value === null || value === undefined || value === '') return fallback
    const text = String(value)
    if (!Object.hasOwn(choices, text)) throw new RecordProblem(`"${text}" is none of ${Object.keys(choices).join(', ')}`, name)
    return choices[text]
  }
}

/** The models of the original Coin left out on purpose, with why. */
export const SKIPPED_MODELS: Record<string, string> = {
  'contenttypes.contenttype': 'Django internals',
  'auth.permission': 'Django internals (staff here have roles)',
  'auth.group': 'Django internals (staff here have roles)',
  'admin.logentry': 'Django admin history',
  'sessions.session': 'login sessions (members log in again)',
  'sites.site': 'the site address is PUBLIC_URL here',
  'members.rowlevelpermission': 'per-offer staff permissions do not exist here',
  'members.ldapuser': 'LDAP entries are written from the database here',
  'members.ldapgroup': 'LDAP entries are written from the database here',
  'vpn.ldapvpnconfig': 'LDAP entries are written from the database here',
  'registration.registrationprofile': 'pending e-mail activations',
  'authtoken.token': 'API tokens',
  'billing.donation': 'donations are not kept here; what paid them is not credited to the member',
}

/** Coin's payment means. */
export const PAYMENT_METHODS = { cash: 'CASH', check: 'CHEQUE', transfer: 'TRANSFER', other: 'OTHER' } as const

/** Coin's `configuration_type` (a model class name) → the backend here. */
export const BACKEND_OF_CONFIGURATION: Record<string, string> = { '': 'none', VPNConfiguration: 'vpn', SimpleDSL: 'dsl' }

/** The child model holding each backend's fields, by backend. */
export const CONFIGURATION_MODELS: Record<string, string> = { vpn: 'vpn.vpnconfiguration', dsl: 'simple_dsl.simpledsl' }

/** Coin's default SUBSCRIPTION_REFERENCE, with Coin's subscription pk: what members quote on transfers. */
export const coinSubscriptionReference = (offerReference: string, subscriptionPk: string) => `REF-${offerReference}-${subscriptionPk}`

/** An offer reference made from its name when Coin had none: "Hébergement 1U" → "HEBERGEMENT-1U". */
export function referenceFromName(name: string) {
  const ascii = name.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase()
  return ascii.replace(/[^A-Z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32) || 'OFFRE'
}
