import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, MaxPartSizeExceededError, unstable_composeUploadHandlers, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { BankImportReportView, type BankImportReport } from '#app/components/bank-import-report.tsx'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { Field, SelectField, SubmitButton, useIsPending } from '#app/components/forms.tsx'
import { commitBankImport, contentDigest, previewBankImport, previewSections } from '#app/models/payment/bank-import.server.ts'
import { BankFileError, parseColumnMapping, parseDelimiter } from '#app/models/payment/bank-import.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { readFormData } from '#app/utils/form.server.ts'

const MAX_FILE_BYTES = 2 * 1024 * 1024
/** The encodings of bank-import.ts, repeated here: that module is server-side only (node:crypto). */
const ENCODINGS = ['utf-8', 'windows-1252', 'iso-8859-1'] as const
const DELIMITERS = [';', ',', 'tab'] as const

/** The statement comes as a file, or (after a preview) as the base64 content the preview sent back. */
const BankImportFormSchema = z
  .object({
    intent: z.enum(['preview', 'commit']).default('preview'),
    /** A page of one section of the preview, from its page buttons: "noReference:2". */
    show: z.string().regex(/^[a-zA-Z]+:\d{1,6}$/).optional().catch(undefined),
    file: z.instanceof(File).optional(),
    content: z.string().optional(),
    contentSha256: z.string().optional(),
    fileName: z.string().max(255).optional(),
    encoding: z.enum(ENCODINGS, { message: 'unknownEncoding' }).default('utf-8'),
    delimiter: z.enum(DELIMITERS, { message: 'delimiterInvalid' }).optional(),
    columns: z.string().trim().max(500, { message: 'tooLong' }).optional(),
  })
  .refine((v) => v.file || v.content, { path: ['file'], message: 'fileRequired' })



/** Reads the multipart form: the file part up to 2 MB, the other fields (base64 content) up to 3 MB. */
function readForm(request: Request) {
  return readFormData(request, {
    parseMultipart: (multipart) => unstable_parseMultipartFormData(multipart, unstable_composeUploadHandlers(
      unstable_createMemoryUploadHandler({ maxPartSize: MAX_FILE_BYTES, filter: ({ name }) => name === 'file' }),
      unstable_createMemoryUploadHandler({ maxPartSize: Math.ceil(MAX_FILE_BYTES / 3) * 4 + 1024 }),
    )),
  })
}

const megabytes = (bytes: number) => bytes / 1024 / 1024

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  return { maxBytes: MAX_FILE_BYTES }
}

type Upload = { fileName: string; content: string; sha256: string }

/** Every answer has the same shape: conform's result, the values its error messages need, the report. */
function respond(result: SubmissionResult<string[]>, { errorParams = {}, report = null, upload = null, status = 200 }: {
  errorParams?: Record<string, string | number>; report?: BankImportReport | null; upload?: Upload | null; status?: number
} = {}) {
  return data({ result, errorParams, report, upload }, { status })
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
  const hideFields = ['content', 'contentSha256']
  if (submission.status !== 'success') return respond(submission.reply({ hideFields }), { status: 400 })
  const { intent, file, content, contentSha256, encoding, columns, delimiter, show } = submission.value
  const fail = (field: string, code: string, errorParams: Record<string, string | number> = {}, status = 400, upload: Upload | null = null) =>
    respond(submission.reply({ fieldErrors: { [field]: [code] }, hideFields }), { errorParams, status, upload })

  const bytes = file ? new Uint8Array(await file.arrayBuffer()) : new Uint8Array(Buffer.from(content ?? '', 'base64'))
  if (!file && contentDigest(bytes) !== contentSha256) return fail('file', 'fileChanged')
  if (bytes.length > MAX_FILE_BYTES) return fail('file', 'fileTooLarge', { max: megabytes(MAX_FILE_BYTES) }, 413)
  const fileName = file?.name ?? submission.value.fileName ?? ''
  // Until it is recorded, the page carries the file: "Record", or a new try with another encoding
  // or mapping, works without choosing it again.
  const upload = { fileName, content: Buffer.from(bytes).toString('base64'), sha256: contentDigest(bytes) }
  try {
    const options = { encoding, delimiter: parseDelimiter(delimiter), columns: columns ? parseColumnMapping(columns) : undefined }
    const outcome = intent === 'commit' ? await commitBankImport(bytes, { ...options, actorId: staff.id }) : { preview: await previewBankImport(bytes, options), recorded: null }
    const { delimiter: used, lines, summary } = outcome.preview
    const [section, page] = show?.split(':') ?? []
    const sections = previewSections(lines, section ? { [section]: Number(page) } : {})
    const report: BankImportReport = { intent, fileName, encoding, delimiter: used, summary, sections, recorded: outcome.recorded }
    return respond(submission.reply({ hideFields }), { report, upload: intent === 'preview' ? upload : null })
  } catch (error) {
    if (error instanceof BankFileError) return fail(error.field, error.code, error.params, 400, upload)
    if (!(error instanceof DomainError)) throw error
    return respond(submission.reply({ formErrors: [error.message], hideFields }), { status: error.status, upload })
  }
}

export default function ImportPayments() {
  const { maxBytes } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation('bankImport')
  const pending = useIsPending()
  const [form, fields] = useForm({
    id: 'bank-import',
    lastResult: actionData?.result,
    constraint: getZodConstraint(BankImportFormSchema),
    defaultValue: { encoding: 'utf-8' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: BankImportFormSchema }),
    shouldValidate: 'onSubmit',
  })
  const params = actionData?.errorParams ?? {}
  // Messages that are not keys of the errors namespace are shown as they are by ErrorList.
  const errorsOf = (errors: string[] | undefined) => errors?.map((e) => t(`errors.${e}`, { ...params, defaultValue: t(`errors:${e}`) }))
  const upload = actionData?.upload ?? null
  const report = actionData?.report ?? null
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t('title')}</h1>
      <p className="max-w-3xl text-sm text-gray-700">{t('intro')}</p>
      <Form method="POST" encType="multipart/form-data" {...getFormProps(form)} className="card max-w-3xl space-y-4">
        {form.errors?.length ? <p role="alert" className="rounded bg-red-50 p-2 text-sm text-red-800">{errorsOf(form.errors)?.join(' ')}</p> : null}
        {upload ? (
          <>
            <input type="hidden" name="content" value={upload.content} />
            <input type="hidden" name="contentSha256" value={upload.sha256} />
            <input type="hidden" name="fileName" value={upload.fileName} />
          </>
        ) : null}
        <Field
          label={t('form.file')}
          {...getInputProps(fields.file, { type: 'file' })}
          accept=".csv,.txt,text/csv,text/plain"
          errors={errorsOf(fields.file.errors)}
          help={upload ? t('form.fileKept', { name: upload.fileName }) : t('form.fileHelp', { max: megabytes(maxBytes) })}
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
      {report ? <BankImportReportView report={report} formId={upload ? form.id : null} /> : null}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'bankImport:title')
