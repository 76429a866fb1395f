import { getFormProps, getInputProps, getTextareaProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DslEditSchema, DslIdParams } from '#app/backends/dsl/dsl.schema.ts'
import { getDslLine, updateDslLine } from '#app/backends/dsl/lines.server.ts'
import { formatPhoneNumber } from '#app/backends/dsl/phone.ts'
import { requireBackend } from '#app/backends/registry.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorList, Field, SubmitButton, TextareaField, useIsPending } from '#app/components/forms.tsx'
import { SubnetList } from '#app/components/service.tsx'
import { requireStaff } from '#app/utils/auth.server.ts'
import { toIsoDate } from '#app/utils/dates.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { readFormData } from '#app/utils/form.server.ts'

async function requireLine(params: LoaderFunctionArgs['params']) {
  const { dslId } = DslIdParams.parse(params)
  const line = dslId ? await getDslLine({ configurationId: dslId }) : null
  return line ?? notFound()
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request)
  requireBackend('dsl')
  return { line: await requireLine(params) }
}

/** Staff save the line's details; a PPP login another line has comes back on its field. */
export async function action({ request, params }: ActionFunctionArgs) {
  await requireStaff(request)
  requireBackend('dsl')
  const { configurationId } = await requireLine(params)
  const submission = parseWithZod(await readFormData(request), { schema: DslEditSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  try {
    await updateDslLine({ configurationId, ...submission.value })
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    const fieldErrors = error.code === 'DSL_PPP_LOGIN_TAKEN' ? { pppLogin: [error.message] } : null
    return data({ result: submission.reply(fieldErrors ? { fieldErrors } : { formErrors: [error.message] }) }, { status: error.status })
  }
  return redirect(`/admin/dsl/${configurationId}?saved=1`)
}

export default function AdminDslLine() {
  const { line } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const pending = useIsPending()
  const { t } = useTranslation('dsl')
  const [form, fields] = useForm({
    id: 'dsl-edit',
    lastResult: actionData?.result,
    constraint: getZodConstraint(DslEditSchema),
    defaultValue: {
      phoneNumber: line.phoneNumber ? formatPhoneNumber(line.phoneNumber) : '',
      lineReference: line.lineReference,
      providerName: line.providerName,
      pppLogin: line.pppLogin,
      pppPassword: line.pppPassword,
      activationDate: line.activationDate ? toIsoDate(new Date(line.activationDate)) : '',
      comment: line.comment,
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: DslEditSchema }),
    shouldValidate: 'onBlur',
  })
  const title = line.phoneNumber ? t('line.title', { phone: formatPhoneNumber(line.phoneNumber) }) : t('line.titleNoPhone', { id: line.configurationId })
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to="/admin/dsl">← {t('admin.title')}</Link></p>
      <h1 className="text-2xl font-semibold">{title}</h1>
      {searchParams.get('saved') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('admin.saved')}</p> : null}
      <section className="card space-y-2" aria-labelledby="dsl-details">
        <h2 id="dsl-details" className="text-lg font-semibold">{t('line.details')}</h2>
        <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="font-medium">{t('line.member')}</dt><dd><Link to={`/admin/members/${line.member.id}`}>{line.member.name}</Link> ({line.member.username})</dd>
          <dt className="font-medium">{t('line.subscription')}</dt>
          <dd><Link to={`/admin/subscriptions/${line.subscription.id}`}>{line.subscription.offer.name}</Link></dd>
          {line.suspended ? <><dt className="font-medium">{t('line.suspended')}</dt><dd /></> : null}
        </dl>
        <SubnetList subnets={line.subnets} poolLinks />
      </section>
      <Form method="POST" {...getFormProps(form)} className="card space-y-3">
        <h2 className="text-lg font-semibold">{t('admin.edit')}</h2>
        {form.errors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={form.errors} /></div> : null}
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label={t('line.phoneNumber')} {...getInputProps(fields.phoneNumber, { type: 'tel' })} errors={fields.phoneNumber.errors} help={t('admin.phoneHelp')} autoComplete="off" />
          <Field label={t('line.activationDate')} {...getInputProps(fields.activationDate, { type: 'date' })} errors={fields.activationDate.errors} />
          <Field label={t('line.providerName')} {...getInputProps(fields.providerName, { type: 'text' })} errors={fields.providerName.errors} />
          <Field label={t('line.lineReference')} {...getInputProps(fields.lineReference, { type: 'text' })} errors={fields.lineReference.errors} autoComplete="off" />
          <Field label={t('line.pppLogin')} {...getInputProps(fields.pppLogin, { type: 'text' })} errors={fields.pppLogin.errors} autoComplete="off" spellCheck={false} />
          <Field label={t('line.pppPassword')} {...getInputProps(fields.pppPassword, { type: 'text' })} errors={fields.pppPassword.errors} autoComplete="off" spellCheck={false} />
        </div>
        <p className="text-xs text-gray-600">{t('admin.pppHelp')}</p>
        <TextareaField label={t('line.comment')} {...getTextareaProps(fields.comment)} errors={fields.comment.errors} rows={2} />
        <SubmitButton pending={pending}>{t('common:actions.save')}</SubmitButton>
      </Form>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'dsl:line.details')
