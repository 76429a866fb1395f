import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, MaxPartSizeExceededError, redirect, unstable_composeUploadHandlers, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useLocation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { BankImportReportView, type BankImportReport } from '#app/components/bank-import-report.tsx'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { Field, SelectField, SubmitButton, useIsPending } from '#app/components/forms.tsx'
import { findBankStatement, parseStatementOptions, previewBankStatement, storeBankStatement, type StatementOptions } from '#app/models/payment/bank-import-statements.server.ts'
import { commitBankImport, contentDigest, previewSections, type BankImportPreview } from '#app/models/payment/bank-import.server.ts'
import { BankFileError } from '#app/models/payment/bank-import.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { readFormData } from '#app/utils/form.server.ts'
import { pageTitle } from '#app/utils/meta.ts'

/** A 100,000-line statement of about 90 bytes a line fits. */
const MAX_FILE_BYTES = 10 * 1024 * 1024
/** The encodings of bank-import.ts, repeated here for the browser's bundle. */
const ENCODINGS = ['utf-8', 'windows-1252', 'iso-8859-1'] as const
const DELIMITERS = [';', ',', 'tab'] as const
const PATH = '/admin/payments/import'
const SHA256 = /^[0-9a-f]{64}$/

const OptionFields = {
  encoding: z.enum(ENCODINGS, { message: 'unknownEncoding' }).default('utf-8'),
  delimiter: z.enum(DELIMITERS, { message: 'delimiterInvalid' }).optional(),
  columns: z.string().trim().max(500, { message: 'tooLong' }).optional(),
}

/** The statement comes as a file, or as the reference of the one this staff member sent before. */
const BankImportFormSchema = z
  .object({
    intent: z.enum(['preview', 'commit']).default('preview'),
    file: z.instanceof(File).optional(),
    statement: z.string().max(64).optional(),
    ...OptionFields,
  })
  .refine((v) => v.file || v.statement, { path: ['file'], message: 'fileRequired' })

/** A preview's address: the statement, its options, and a page of one section ("noReference:2"). */
const PreviewQuerySchema = z.object({
  statement: z.string().regex(SHA256).catch(''),
  encoding: OptionFields.encoding.catch('utf-8'),
  delimiter: OptionFields.delimiter.catch(undefined),
  columns: OptionFields.columns.catch(undefined),
  show: z.string().regex(/^[a-zA-Z]+:\d{1,6}$/).optional().catch(undefined),
})

/** Reads the multipart form: the file part up to MAX_FILE_BYTES, each other field up to 4 KB. */
function readForm(request: Request) {
  return readFormData(request, {
    parseMultipart: (multipart) => unstable_parseMultipartFormData(multipart, unstable_composeUploadHandlers(
      unstable_createMemoryUploadHandler({ maxPartSize: MAX_FILE_BYTES, filter: ({ name }) => name === 'file' }),
      unstable_createMemoryUploadHandler({ maxPartSize: 4096 }),
    )),
  })
}

const megabytes = (bytes: number) => bytes / 1024 / 1024

/** The address of a statement's preview. */
function previewPath(sha256: string, { encoding, delimiter, columns }: StatementOptions) {
  const query = new URLSearchParams({ statement: sha256, encoding })
  if (delimiter) query.set('delimiter', delimiter)
  if (columns) query.set('columns', columns)
  return `${PATH}?${query}`
}

type Kept = { sha256: string; fileName: string }
type PageError = { code: string; params: Record<string, string | number> }

function reportOf(intent: 'preview' | 'commit', fileName: string, options: StatementOptions, preview: BankImportPreview, show: string | undefined, recorded: number | null): BankImportReport {
  const [section, page] = show?.split(':') ?? []
  const sections = previewSections(preview.lines, section ? { [section]: Number(page) } : {})
  return { intent, fileName, encoding: options.encoding, delimiter: preview.delimiter, summary: preview.summary, sections, recorded }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request)
  const search = new URL(request.url).searchParams
  const page = { maxBytes: MAX_FILE_BYTES, view: null as null | { kept: Kept | null; options: StatementOptions; report: BankImportReport | null; error: PageError | null } }
  if (!search.has('statement')) return page
  const { statement: sha256, show, ...options } = PreviewQuerySchema.parse(Object.fromEntries(search))
  const view = (status: number, kept: Kept | null, report: BankImportReport | null, error: PageError | null = null) => data({ ...page, view: { kept, options, report, error } }, { status })
  const found = sha256 ? await previewBankStatement({ staffId: staff.id, sha256, options }) : null
  if (!found) return view(404, null, null, { code: 'statementUnknown', params: {} })
  const kept = { sha256, fileName: found.fileName }
  if (found.fileError) return view(400, kept, null, { code: found.fileError.code, params: found.fileError.params })
  return view(200, kept, reportOf('preview', found.fileName, options, found.preview, show, null))
}

/** Every answer of the action has the same shape: conform's result, the values its messages need, the report, the statement kept. */
function respond(result: SubmissionResult<string[]>, { errorParams = {}, report = null, kept = null, status = 200 }: {
  errorParams?: Record<string, string | number>; report?: BankImportReport | null; kept?: Kept | null; status?: number
} = {}) {
  return data({ result, errorParams, report, kept }, { status })
}

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request)
  let formData: FormData
  try {
    formData = await readForm(request)
  } catch (error) {
    if (!(error instanceof MaxPartSizeExceededError)) throw error
    // The rest of the form is not read: the answer carries the size error alone.
    const submission = parseWithZod(new FormData(), { schema: z.object({}) })
    return respond(submission.reply({ fieldErrors: { file: ['fileTooLarge'] } }), { errorParams: { max: megabytes(MAX_FILE_BYTES) }, status: 413 })
  }
  const submission = parseWithZod(formData, { schema: BankImportFormSchema })
  if (submission.status !== 'success') return respond(submission.reply(), { status: 400 })
  const { intent, file, statement, ...options } = submission.value
  const fail = (field: string, code: string, { params = {}, status = 400, kept = null }: { params?: Record<string, string | number>; status?: number; kept?: Kept | null } = {}) =>
    respond(submission.reply({ fieldErrors: { [field]: [code] } }), { errorParams: params, status, kept })

  // A file sent is kept at once: a new try with another encoding or mapping, the pages of the
  // preview and "Record" name it by its SHA-256 instead of sending it again.
  let upload: { bytes: Uint8Array; fileName: string } | undefined
  let sha256 = statement ?? ''
  let stored: Promise<unknown> = Promise.resolve()
  if (file) {
    upload = { bytes: new Uint8Array(await file.arrayBuffer()), fileName: file.name }
    if (upload.bytes.length > MAX_FILE_BYTES) return fail('file', 'fileTooLarge', { params: { max: megabytes(MAX_FILE_BYTES) }, status: 413 })
    sha256 = contentDigest(upload.bytes)
    // PostgreSQL writes the statement while this process reads it.
    stored = storeBankStatement({ staffId: staff.id, sha256, ...upload })
  } else if (!SHA256.test(sha256)) {
    return fail('file', 'statementUnknown', { status: 404 })
  }
  if (intent === 'preview') {
    const [found] = await Promise.all([previewBankStatement({ staffId: staff.id, sha256, upload, options }), stored])
    if (!found) return fail('file', 'statementUnknown', { status: 404 })
    const { fileError, fileName } = found
    if (fileError) return fail(fileError.field, fileError.code, { params: fileError.params, kept: { sha256, fileName } })
    return redirect(previewPath(sha256, options))
  }
  await stored
  const source = upload ?? (await findBankStatement({ staffId: staff.id, sha256 }))
  if (!source) return fail('file', 'statementUnknown', { status: 404 })
  const kept = { sha256, fileName: source.fileName }
  try {
    const { preview, recorded } = await commitBankImport(source.bytes, { ...parseStatementOptions(options), actorId: staff.id })
    return respond(submission.reply(), { report: reportOf('commit', source.fileName, options, preview, undefined, recorded) })
  } catch (error) {
    if (error instanceof BankFileError) return fail(error.field, error.code, { params: error.params, kept })
    if (!(error instanceof DomainError)) throw error
    return respond(submission.reply({ formErrors: [error.message] }), { status: error.status, kept })
  }
}

export default function ImportPayments() {
  const { maxBytes, view } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { search } = useLocation()
  const { t } = useTranslation('bankImport')
  const pending = useIsPending()
  const [form, fields] = useForm<z.input<typeof BankImportFormSchema>>({
    id: 'bank-import',
    lastResult: actionData?.result,
    constraint: getZodConstraint(BankImportFormSchema),
    defaultValue: view?.options ?? { encoding: 'utf-8' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: BankImportFormSchema }),
    shouldValidate: 'onSubmit',
  })
  const params = actionData?.errorParams ?? view?.error?.params ?? {}
  // Messages that are not keys of the errors namespace are shown as they are by ErrorList.
  const message = (e: string) => t(`errors.${e}`, { ...params, defaultValue: t(`errors:${e}`) })
  const errorsOf = (errors: string[] | undefined) => errors?.map(message)
  const kept = actionData ? actionData.kept : view?.kept ?? null
  const report = actionData ? actionData.report : view?.report ?? null
  const pageHref = (key: string, page: number) => {
    const query = new URLSearchParams(search)
    query.set('show', `${key}:${page}`)
    return `?${query}#section-${key}`
  }
  const pageError = actionData ? null : view?.error
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t('title')}</h1>
      <p className="max-w-3xl text-sm text-gray-700">{t('intro')}</p>
      <Form method="POST" action={PATH} encType="multipart/form-data" {...getFormProps(form)} className="card max-w-3xl space-y-4">
        {form.errors?.length ? <p role="alert" className="rounded bg-red-50 p-2 text-sm text-red-800">{errorsOf(form.errors)?.join(' ')}</p> : null}
        {pageError ? <p role="alert" className="rounded bg-red-50 p-2 text-sm text-red-800">{message(pageError.code)}</p> : null}
        {kept ? <input type="hidden" name="statement" value={kept.sha256} /> : null}
        <Field
          label={t('form.file')}
          {...getInputProps(fields.file, { type: 'file' })}
          accept=".csv,.txt,text/csv,text/plain"
          errors={errorsOf(fields.file.errors)}
          help={kept ? t('form.fileKept', { name: kept.fileName }) : t('form.fileHelp', { max: megabytes(maxBytes) })}
        />
        <div className="grid gap-3 sm:grid-cols-2">
          <SelectField label={t('form.encoding')} {...getSelectProps(fields.encoding)} errors={errorsOf(fields.encoding.errors)} help={t('form.encodingHelp')}>
            {ENCODINGS.map((e) => <option key={e} value={e}>{t(`form.encodings.${e}`)}</option>)}
          </SelectField>
          <SelectField label={t('form.delimiter')} {...getSelectProps(fields.delimiter)} errors={errorsOf(fields.delimiter.errors)}>
            <option value="">{t('form.delimiters.auto')}</option>
            {DELIMITERS.map((d) => <option key={d} value={d}>{t(`form.delimiters.${d}`)}</option>)}
          </SelectField>
        </div>
        <Field label={t('form.columns')} {...getInputProps(fields.columns, { type: 'text' })} errors={errorsOf(fields.columns.errors)} help={t('form.columnsHelp')} autoComplete="off" spellCheck={false} />
        <p className="text-sm text-gray-600">{t('dryRunNote')}</p>
        <div className="flex flex-wrap gap-3">
          <SubmitButton pending={pending} name="intent" value="preview" className="btn-secondary">{t('form.preview')}</SubmitButton>
          <SubmitButton pending={pending} name="intent" value="commit">{t('form.commit')}</SubmitButton>
        </div>
      </Form>
      {report ? <BankImportReportView report={report} pageHref={report.intent === 'preview' ? pageHref : null} /> : null}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'bankImport:title')
