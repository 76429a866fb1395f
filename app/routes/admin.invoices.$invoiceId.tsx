import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { AuditHistory } from '#app/components/audit-history.tsx'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorList, Field, SelectField, SubmitButton, useIsPending } from '#app/components/forms.tsx'
import { InvoiceStatus } from '#app/components/invoice-status.tsx'
import { InvoiceHeader, InvoiceTotals, InvoiceView } from '#app/components/invoice-view.tsx'
import {
  CreditNoteSchema, DueDateSchema, InvoiceIdParams, LineSchema, quantityToInput, toLineInput, vatToInput,
} from '#app/models/invoice/invoice.schema.ts'
import {
  addDraftLine, createCreditNote, deleteDraft, deleteDraftLine, getInvoice, setDraftDueDate, setInvoiceDisputed, updateDraftLine, validateDraft,
} from '#app/models/invoice/invoices.server.ts'
import { storeMissingPdfs } from '#app/models/invoice/pdf.server.ts'
import { loadHistory } from '#app/models/audit/list.server.ts'
import { getIspIdentity } from '#app/models/isp/settings.server.ts'
import { listMemberSubscriptions } from '#app/models/subscription/subscriptions.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { toIsoDate, today } from '#app/utils/dates.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { logger } from '#app/utils/logger.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { centsToInput } from '#app/utils/money.ts'
import { readFormData } from '#app/utils/form.server.ts'

const INTENTS = ['addLine', 'updateLine', 'deleteLine', 'dueDate', 'validate', 'deleteDraft', 'dispute', 'undispute', 'creditNote'] as const
type Intent = (typeof INTENTS)[number]
const IntentSchema = z.object({ intent: z.enum(INTENTS), lineId: z.coerce.number().int().positive().max(2_000_000_000).optional() })

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request)
  const { invoiceId } = InvoiceIdParams.parse(params)
  const date = today()
  const invoice = invoiceId ? await getInvoice(invoiceId, { today: date }) : null
  if (!invoice) notFound()
  const [isp, subscriptions, history] = await Promise.all([
    invoice.validated ? null : getIspIdentity(),
    !invoice.validated && invoice.memberId ? listMemberSubscriptions({ memberId: invoice.memberId, date }) : [],
    loadHistory({ entity: 'invoice', entityId: invoice.id }),
  ])
  const { pdfSha256, ...rest } = invoice
  return {
    invoice: rest,
    hasPdf: pdfSha256 !== null,
    paymentDelay: getEnv().PAYMENT_DELAY,
    defaultVat: isp?.defaultVatBasisPoints ?? 0,
    history,
    subscriptions: subscriptions.map((s) => ({ id: s.id, label: `${s.offer.name} — ${s.reference}` })),
  }
}

/** The form an action's errors belong to: one per intent, one per line. */
function formIdOf(intent: Intent, lineId?: number) {
  if (intent === 'addLine') return 'line'
  if (intent === 'updateLine') return `line-${lineId}`
  if (intent === 'deleteLine') return `deleteLine-${lineId}`
  return intent
}

/** The line form's field a model refusal is about; the others show above the form. */
const FIELD_OF_ERROR: Record<string, string> = { SUBSCRIPTION_OF_ANOTHER_MEMBER: 'subscriptionId', PERIOD_ALREADY_BILLED: 'periodFrom' }

type Replier = { reply: (options?: { formErrors?: string[]; fieldErrors?: Record<string, string[]> }) => SubmissionResult<string[]> }

/** Runs one model call; a refusal becomes an error on the form that was sent, never a 500. */
async function attempt(formId: string, submission: Replier, work: () => Promise<Response>) {
  try {
    return await work()
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    const field = FIELD_OF_ERROR[error.code]
    const reply = field ? { fieldErrors: { [field]: [error.message] } } : { formErrors: [error.message] }
    return data({ formId, result: submission.reply(reply) }, { status: error.status })
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request)
  const { invoiceId: id } = InvoiceIdParams.parse(params)
  if (!id) notFound()
  const formData = await readFormData(request)
  const sent = parseWithZod(formData, { schema: IntentSchema })
  if (sent.status !== 'success') return data({ formId: 'intent', result: sent.reply({ formErrors: ['notFound'] }) }, { status: 400 })
  const { intent, lineId } = sent.value
  const formId = formIdOf(intent, lineId)
  const back = () => redirect(`/admin/invoices/${id}?done=${intent}`)
  const missingLine = () => data({ formId, result: sent.reply({ formErrors: ['notFound'] }) }, { status: 404 })
  const paymentDelayDays = getEnv().PAYMENT_DELAY
  switch (intent) {
    case 'addLine':
    case 'updateLine': {
      const submission = parseWithZod(formData, { schema: LineSchema })
      if (submission.status !== 'success') return data({ formId, result: submission.reply() }, { status: 400 })
      const line = toLineInput(submission.value)
      if (intent === 'addLine') {
        return attempt(formId, submission, async () => {
          await addDraftLine(id, line)
          return back()
        })
      }
      if (!lineId) return missingLine()
      return attempt(formId, submission, async () => {
        await updateDraftLine(id, lineId, line)
        return back()
      })
    }
    case 'deleteLine':
      if (!lineId) return missingLine()
      return attempt(formId, sent, async () => {
        await deleteDraftLine(id, lineId)
        return back()
      })
    case 'dueDate': {
      const submission = parseWithZod(formData, { schema: DueDateSchema })
      if (submission.status !== 'success') return data({ formId, result: submission.reply() }, { status: 400 })
      return attempt(formId, submission, async () => {
        await setDraftDueDate(id, submission.value.dueDate)
        return back()
      })
    }
    case 'validate':
      return attempt(formId, sent, async () => {
        await validateDraft({ id, today: today(), paymentDelayDays, actorId: staff.id })
        return redirect(`/admin/invoices/${id}?done=validate${(await storePdf(id)) ? '' : '&pdfFailed=1'}`)
      })
    case 'deleteDraft':
      return attempt(formId, sent, async () => {
        await deleteDraft(id)
        return redirect('/admin/invoices?deleted=1')
      })
    case 'dispute':
    case 'undispute':
      return attempt(formId, sent, async () => {
        await setInvoiceDisputed({ id, disputed: intent === 'dispute', actorId: staff.id })
        return back()
      })
    case 'creditNote': {
      const submission = parseWithZod(formData, { schema: CreditNoteSchema })
      if (submission.status !== 'success') return data({ formId, result: submission.reply() }, { status: 400 })
      const { amount, reason } = submission.value
      return attempt(formId, submission, async () => {
        const note = await createCreditNote({ invoiceId: id, amountCents: amount, reason, today: today(), paymentDelayDays, actorId: staff.id })
        return redirect(`/admin/invoices/${note.id}?done=creditNote${(await storePdf(note.id)) ? '' : '&pdfFailed=1'}`)
      })
    }
  }
}

/**
 * Stores a just-validated invoice's PDF; false when it cannot be made (the page then says so, and
 * the first download tries again once the cause, e.g. the logo, is fixed).
 */
async function storePdf(invoiceId: number) {
  try {
    await storeMissingPdfs([invoiceId])
    return true
  } catch (error) {
    logger.error({ err: error, invoiceId }, 'invoice PDF rendering failed')
    return false
  }
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>
type ActionResult = { formId: string; result: SubmissionResult<string[]> } | undefined

/** The errors of a form the page does not show; a draft's form sent for a validated invoice says why it cannot be. */
function strayErrors(invoice: Loaded['invoice'], { formId, result }: NonNullable<ActionResult>) {
  if (invoice.validated && /^(line|deleteLine|dueDate|deleteDraft)/.test(formId)) return ['invoiceNotDraft']
  return Object.values(result.error ?? {}).flat().filter((e): e is string => typeof e === 'string')
}

/** The forms the page shows, by formId; an error of another form (a stale page) goes at the top. */
function shownForms(invoice: Loaded['invoice']) {
  if (!invoice.validated) return ['line', 'dueDate', 'validate', 'deleteDraft', ...invoice.lines.flatMap((l) => [`line-${l.id}`, `deleteLine-${l.id}`])]
  if (invoice.kind !== 'INVOICE') return []
  return [invoice.status === 'TROUBLE' ? 'undispute' : 'dispute', ...(invoice.dueCents > 0 ? ['creditNote'] : [])]
}

export default function InvoiceDetail() {
  const { invoice, hasPdf, history } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('billing')
  const done = searchParams.get('done')
  const stray = actionData && !shownForms(invoice).includes(actionData.formId) ? strayErrors(invoice, actionData) : []
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to="/admin/invoices">← {t('list.title')}</Link></p>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{t(invoice.kind === 'CREDIT_NOTE' ? 'view.creditNoteTitle' : 'view.invoiceTitle', { number: invoice.label })}</h1>
        <InvoiceStatus invoice={invoice} />
        {invoice.validated ? <a href={`/admin/invoices/${invoice.id}.pdf`} download className="btn-secondary">{t('view.downloadPdf')}</a> : null}
      </div>
      {INTENTS.some((intent) => intent === done) ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t(`done.${done}`)}</p> : null}
      {searchParams.get('pdfFailed') ? <p role="alert" className="rounded bg-red-50 p-2 text-sm text-red-800">{t('view.pdfFailed')}</p> : null}
      {searchParams.get('created') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('done.created')}</p> : null}
      {searchParams.get('paymentRecorded') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('payments:recorded')}</p> : null}
      {stray.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={stray} /></div> : null}
      {invoice.member ? (
        <p className="text-sm">
          {t('invoice.member')} : <Link to={`/admin/members/${invoice.member.id}`}>{invoice.buyer?.name ?? invoice.member.username}</Link> <span className="font-mono text-gray-600">{invoice.member.username}</span>
        </p>
      ) : null}
      {invoice.validated ? <ValidatedActions actionData={actionData} /> : <DraftEditor actionData={actionData} />}
      {invoice.validated ? (
        <>
          {!hasPdf ? <p className="text-sm text-gray-600">{t('view.pdfPending')}</p> : null}
          <InvoiceView invoice={invoice} basePath="/admin/invoices" paymentHref={(paymentId) => `/admin/payments/${paymentId}`} />
          <AuditHistory entries={history} />
        </>
      ) : null}
    </div>
  )
}

/** A form with only a button: its errors show above the button. */
function ButtonForm({ intent, actionData, className, children }: { intent: Intent; actionData: ActionResult; className?: string; children: string }) {
  const pending = useIsPending()
  const errors = actionData?.formId === intent ? actionData.result.error?.[''] ?? undefined : undefined
  return (
    <Form method="POST" className="space-y-1">
      <input type="hidden" name="intent" value={intent} />
      {errors?.length ? <div role="alert"><ErrorList errors={errors} /></div> : null}
      <SubmitButton className={className} pending={pending}>{children}</SubmitButton>
    </Form>
  )
}

function DraftEditor({ actionData }: { actionData: ActionResult }) {
  const { invoice, defaultVat, paymentDelay, subscriptions } = useLoaderData<typeof loader>()
  const { t } = useTranslation('billing')
  const pending = useIsPending()
  const [dueForm, dueFields] = useForm({
    id: 'dueDate',
    lastResult: actionData?.formId === 'dueDate' ? actionData.result : undefined,
    constraint: getZodConstraint(DueDateSchema),
    defaultValue: { dueDate: invoice.dueDate ? toIsoDate(new Date(invoice.dueDate)) : '' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: DueDateSchema }),
    shouldValidate: 'onBlur',
  })
  const lastLine = invoice.lines.at(-1)?.id ?? 0
  return (
    <>
      <InvoiceHeader invoice={invoice} basePath="/admin/invoices" />
      <section className="card space-y-4" aria-labelledby="draft-lines">
        <h2 id="draft-lines" className="text-lg font-semibold">{t('view.lines')}</h2>
        {invoice.lines.length === 0 ? <p className="text-sm text-gray-600">{t('draft.noLines')}</p> : null}
        {invoice.lines.map((line) => (
          <div key={line.id} className="space-y-2 border-b border-gray-100 pb-3">
            <LineForm line={line} subscriptions={subscriptions} actionData={actionData} />
            <Form method="POST" aria-label={t('draft.deleteLineOf', { label: line.label })}>
              <input type="hidden" name="intent" value="deleteLine" />
              <input type="hidden" name="lineId" value={line.id} />
              {actionData?.formId === `deleteLine-${line.id}` ? <div role="alert"><ErrorList errors={actionData.result.error?.[''] ?? undefined} /></div> : null}
              <SubmitButton className="btn-secondary" pending={pending}>{t('draft.deleteLine')}</SubmitButton>
            </Form>
          </div>
        ))}
        <InvoiceTotals invoice={invoice} />
      </section>
      <section className="card space-y-3" aria-labelledby="add-line">
        <h2 id="add-line" className="text-lg font-semibold">{t('draft.addLine')}</h2>
        <LineForm key={lastLine} subscriptions={subscriptions} actionData={actionData} defaultVat={defaultVat} />
      </section>
      <section className="card space-y-3" aria-labelledby="due-date">
        <h2 id="due-date" className="text-lg font-semibold">{t('invoice.dueDate')}</h2>
        <Form method="POST" {...getFormProps(dueForm)} className="flex flex-wrap items-end gap-2">
          <input type="hidden" name="intent" value="dueDate" />
          {dueForm.errors?.length ? <div role="alert" className="w-full"><ErrorList errors={dueForm.errors} /></div> : null}
          <Field label={t('invoice.dueDate')} {...getInputProps(dueFields.dueDate, { type: 'date' })} errors={dueFields.dueDate.errors} help={t('draft.dueDateHelp', { count: paymentDelay })} />
          <SubmitButton className="btn-secondary mb-6" pending={pending}>{t('draft.saveDueDate')}</SubmitButton>
        </Form>
      </section>
      <section className="card flex flex-wrap items-start justify-between gap-4" aria-label={t('draft.finish')}>
        <ButtonForm intent="validate" actionData={actionData}>{t('draft.validate')}</ButtonForm>
        <ButtonForm intent="deleteDraft" actionData={actionData} className="btn-danger">{t('draft.delete')}</ButtonForm>
      </section>
    </>
  )
}

/** One line of a draft (or the new line): label, price, quantity, VAT, subscription and period. */
function LineForm({ line, subscriptions, actionData, defaultVat = 0 }: {
  line?: Loaded['invoice']['lines'][number]
  subscriptions: Loaded['subscriptions']
  actionData: ActionResult
  defaultVat?: number
}) {
  const { t } = useTranslation('billing')
  const pending = useIsPending()
  const formId = line ? `line-${line.id}` : 'line'
  const [form, fields] = useForm({
    id: formId,
    lastResult: actionData?.formId === formId ? actionData.result : undefined,
    constraint: getZodConstraint(LineSchema),
    defaultValue: line
      ? {
          label: line.label, unitPrice: centsToInput(line.unitCents), quantity: quantityToInput(line.quantityHundredths), vat: vatToInput(line.vatBasisPoints),
          subscriptionId: line.subscriptionId ? String(line.subscriptionId) : '',
          periodFrom: line.periodFrom ? toIsoDate(new Date(line.periodFrom)) : '', periodTo: line.periodTo ? toIsoDate(new Date(line.periodTo)) : '',
        }
      : { quantity: '1', vat: vatToInput(defaultVat) },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LineSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  return (
    <Form method="POST" {...getFormProps(form)} className="space-y-2" aria-label={line ? t('draft.lineOf', { label: line.label }) : t('draft.addLine')}>
      <input type="hidden" name="intent" value={line ? 'updateLine' : 'addLine'} />
      {line ? <input type="hidden" name="lineId" value={line.id} /> : null}
      {form.errors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={form.errors} /></div> : null}
      <div className="grid gap-2 sm:grid-cols-[3fr_1fr_1fr_1fr]">
        <Field label={t('line.label')} {...getInputProps(fields.label, { type: 'text' })} errors={fields.label.errors} />
        <Field label={t('line.unitPriceInput')} {...getInputProps(fields.unitPrice, { type: 'text' })} errors={fields.unitPrice.errors} inputMode="decimal" placeholder="8,00" />
        <Field label={t('line.quantity')} {...getInputProps(fields.quantity, { type: 'text' })} errors={fields.quantity.errors} inputMode="decimal" placeholder="1" />
        <Field label={t('line.vatInput')} {...getInputProps(fields.vat, { type: 'text' })} errors={fields.vat.errors} inputMode="decimal" placeholder="20" />
      </div>
      <div className="grid gap-2 sm:grid-cols-[2fr_1fr_1fr]">
        <SelectField label={t('line.subscription')} {...getSelectProps(fields.subscriptionId)} errors={fields.subscriptionId.errors}>
          <option value="">{t('line.noSubscription')}</option>
          {subscriptions.map((s) => <option key={s.id} value={s.id}>{s.label}</option>)}
        </SelectField>
        <Field label={t('line.periodFrom')} {...getInputProps(fields.periodFrom, { type: 'date' })} errors={fields.periodFrom.errors} />
        <Field label={t('line.periodTo')} {...getInputProps(fields.periodTo, { type: 'date' })} errors={fields.periodTo.errors} />
      </div>
      <SubmitButton className={line ? 'btn-secondary' : 'btn'} pending={pending}>{line ? t('draft.saveLine') : t('draft.addLineSubmit')}</SubmitButton>
    </Form>
  )
}

function ValidatedActions({ actionData }: { actionData: ActionResult }) {
  const { invoice } = useLoaderData<typeof loader>()
  const { t } = useTranslation('billing')
  const pending = useIsPending()
  const defaultAmount = invoice.remainingCents > 0 ? invoice.remainingCents : invoice.dueCents
  const [form, fields] = useForm({
    id: 'creditNote',
    lastResult: actionData?.formId === 'creditNote' ? actionData.result : undefined,
    constraint: getZodConstraint(CreditNoteSchema),
    defaultValue: { amount: centsToInput(Math.max(defaultAmount, 0)) },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreditNoteSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  if (invoice.kind !== 'INVOICE') return null
  const disputed = invoice.status === 'TROUBLE'
  return (
    <section className="card space-y-4" aria-labelledby="invoice-actions">
      <h2 id="invoice-actions" className="text-lg font-semibold">{t('actions.title')}</h2>
      <div className="flex flex-wrap items-start gap-3">
        {invoice.memberId ? <Link className="btn" to={`/admin/payments/new?memberId=${invoice.memberId}&invoiceId=${invoice.id}`}>{t('actions.recordPayment')}</Link> : null}
        <ButtonForm intent={disputed ? 'undispute' : 'dispute'} actionData={actionData} className="btn-secondary">
          {disputed ? t('actions.undispute') : t('actions.dispute')}
        </ButtonForm>
      </div>
      {invoice.dueCents > 0 ? (
        <Form method="POST" {...getFormProps(form)} className="space-y-2" aria-labelledby="credit-note">
          <h3 id="credit-note" className="font-semibold">{t('actions.creditNote')}</h3>
          <input type="hidden" name="intent" value="creditNote" />
          {form.errors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={form.errors} /></div> : null}
          <div className="grid gap-2 sm:grid-cols-[1fr_3fr]">
            <Field label={t('actions.creditAmount')} {...getInputProps(fields.amount, { type: 'text' })} errors={fields.amount.errors} inputMode="decimal" help={t('actions.creditAmountHelp')} />
            <Field label={t('actions.creditReason')} {...getInputProps(fields.reason, { type: 'text' })} errors={fields.reason.errors} help={t('actions.creditReasonHelp', { number: invoice.number })} />
          </div>
          <SubmitButton className="btn-secondary" pending={pending}>{t('actions.createCreditNote')}</SubmitButton>
        </Form>
      ) : null}
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, data?.invoice.kind === 'CREDIT_NOTE' ? 'billing:view.creditNoteTitle' : 'billing:view.invoiceTitle', { number: data?.invoice.label ?? '' })
