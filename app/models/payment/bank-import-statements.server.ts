import { databasePool, prisma } from '#app/utils/db.server.ts'
import { contentDigest, previewBankImport, type BankImportPreview } from './bank-import.server.ts'
import { BankFileError, parseColumnMapping, parseDelimiter, type Encoding } from './bank-import.ts'

/**
 * Uploaded bank statements, kept in the database for the staff member who sent them (so every
 * web process, and a restarted one, finds them), and their previews, kept a few minutes in this
 * process so that showing another page of a preview does not read the statement again.
 * docs/decisions/008-bank-statements-kept-server-side.md says why.
 */

/** How long an uploaded statement is kept. */
export const STATEMENT_TTL_MS = 24 * 60 * 60 * 1000

/** The options a preview depends on, as the form and the page's URL carry them ("tab", "date=1,…"). */
export type StatementOptions = { encoding: Encoding; delimiter?: string; columns?: string }

/** The parser's options from the form's; throws a BankFileError for a bad delimiter or mapping. */
export function parseStatementOptions({ encoding, delimiter, columns }: StatementOptions) {
  return { encoding, delimiter: parseDelimiter(delimiter), columns: columns ? parseColumnMapping(columns) : undefined }
}

/**
 * Keeps a statement for a staff member, under the SHA-256 of its bytes, and deletes statements
 * older than a day, in one statement. Sending the same file again only renews it. Returns its
 * SHA-256 (`sha256`, when the caller computed it). The bytes go through the pool under Prisma as
 * a binary parameter (databasePool).
 */
export async function storeBankStatement({ staffId, bytes, fileName, sha256 = contentDigest(bytes), now = new Date() }: {
  staffId: number; bytes: Uint8Array; fileName: string; sha256?: string; now?: Date
}) {
  await databasePool().query(
    `WITH expired AS (DELETE FROM "BankStatementUpload" WHERE "createdAt" < $5 AND NOT ("staffId" = $1 AND sha256 = $2))
     INSERT INTO "BankStatementUpload" ("staffId", sha256, "fileName", bytes, "createdAt") VALUES ($1, $2, $3, $4, $6)
     ON CONFLICT ("staffId", sha256) DO UPDATE SET "fileName" = EXCLUDED."fileName", bytes = EXCLUDED.bytes, "createdAt" = EXCLUDED."createdAt"`,
    [staffId, sha256, fileName.slice(0, 255), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), new Date(now.getTime() - STATEMENT_TTL_MS), now],
  )
  return sha256
}

/** A statement this staff member uploaded less than a day ago, or null. */
export async function findBankStatement({ staffId, sha256, now = new Date() }: { staffId: number; sha256: string; now?: Date }) {
  const { rows } = await databasePool().query<{ sha256: string; fileName: string; bytes: Buffer }>(
    'SELECT sha256, "fileName", bytes FROM "BankStatementUpload" WHERE "staffId" = $1 AND sha256 = $2 AND "createdAt" >= $3',
    [staffId, sha256, new Date(now.getTime() - STATEMENT_TTL_MS)],
  )
  return rows[0] ? { sha256: rows[0].sha256, fileName: rows[0].fileName, bytes: new Uint8Array(rows[0].bytes.buffer, rows[0].bytes.byteOffset, rows[0].bytes.byteLength) } : null
}

/** How long a preview is kept in this process, and how many (a 100,000-line preview holds about 60 MB). */
const PREVIEW_TTL_MS = 10 * 60 * 1000
const PREVIEWS_KEPT = 2

type KeptPreview = { fileName: string; preview: BankImportPreview; at: number; lastPaymentId: number }

/** A statement's preview, or why its file cannot be read (nothing of it can be recorded). */
export type StatementPreview = { fileName: string; preview: BankImportPreview; fileError: null } | { fileName: string; preview: null; fileError: BankFileError }
const previews = new Map<string, KeptPreview>()

const previewKey = (staffId: number, sha256: string, options: StatementOptions) =>
  JSON.stringify([staffId, sha256, options.encoding, options.delimiter ?? '', options.columns ?? ''])

/** The id of the last payment recorded: a preview computed before a later payment is stale. */
async function lastPaymentId() {
  const { _max } = await prisma.payment.aggregate({ _max: { id: true } })
  return _max.id ?? 0
}

/**
 * The preview of a statement: the one this process computed for the same staff member,
 * statement and options in the last minutes when no payment was recorded since, else computed
 * now (from `upload`, or from the stored statement). Null when this staff member has no such
 * statement (never sent, or older than a day).
 */
export async function previewBankStatement({ staffId, sha256, upload, options, now = Date.now() }: {
  staffId: number; sha256: string; upload?: { bytes: Uint8Array; fileName: string }; options: StatementOptions; now?: number
}): Promise<StatementPreview | null> {
  const key = previewKey(staffId, sha256, options)
  const mark = await lastPaymentId()
  const kept = previews.get(key)
  if (kept && now - kept.at < PREVIEW_TTL_MS && kept.lastPaymentId === mark) {
    previews.delete(key)
    previews.set(key, kept)
    return { fileName: kept.fileName, preview: kept.preview, fileError: null }
  }
  previews.delete(key)
  const source = upload ?? (await findBankStatement({ staffId, sha256 }))
  if (!source) return null
  let preview: BankImportPreview
  try {
    preview = await previewBankImport(source.bytes, parseStatementOptions(options))
  } catch (error) {
    if (error instanceof BankFileError) return { fileName: source.fileName, preview: null, fileError: error }
    throw error
  }
  for (const [k, v] of previews) if (now - v.at >= PREVIEW_TTL_MS) previews.delete(k)
  while (previews.size >= PREVIEWS_KEPT) previews.delete(previews.keys().next().value!)
  previews.set(key, { fileName: source.fileName, preview, at: now, lastPaymentId: mark })
  return { fileName: source.fileName, preview, fileError: null }
}
