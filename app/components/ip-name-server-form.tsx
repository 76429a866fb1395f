import { getFormProps, getInputProps, useForm, type SubmissionResult } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { NameServerSchema } from '#app/models/ip/ip.schema.ts'
import { ErrorList, Field, SubmitButton, useIsPending } from './forms.tsx'

/** The staff form to add or edit a name server (DNS name, description, owning member). */
export function NameServerForm({ lastResult, defaultValue, isNew }: {
  lastResult?: SubmissionResult<string[]>
  defaultValue?: { dnsName?: string; description?: string; owner?: string }
  isNew: boolean
}) {
  const { t } = useTranslation('ip')
  const pending = useIsPending()
  const [form, fields] = useForm({
    id: isNew ? 'name-server-new' : 'name-server-edit',
    lastResult,
    constraint: getZodConstraint(NameServerSchema),
    defaultValue,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: NameServerSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  return (
    <Form method="POST" {...getFormProps(form)} className="card space-y-3">
      <input type="hidden" name="intent" value="save" />
      {form.errors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={form.errors} /></div> : null}
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label={t('nameServer.dnsName')} {...getInputProps(fields.dnsName, { type: 'text' })} errors={fields.dnsName.errors} help={t('nameServer.dnsNameHelp')} autoComplete="off" spellCheck={false} />
        <Field label={t('nameServer.description')} {...getInputProps(fields.description, { type: 'text' })} errors={fields.description.errors} help={t('nameServer.descriptionHelp')} />
        <Field label={t('nameServer.owner')} {...getInputProps(fields.owner, { type: 'text' })} errors={fields.owner.errors} help={t('nameServer.ownerHelp')} autoComplete="off" />
      </div>
      <SubmitButton pending={pending}>{isNew ? t('nameServers.create') : t('common:actions.save')}</SubmitButton>
    </Form>
  )
}
