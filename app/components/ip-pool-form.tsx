import { getFormProps, getInputProps, getTextareaProps, useForm, type SubmissionResult } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { PoolSchema } from '#app/models/ip/ip.schema.ts'
import { ErrorList, Field, SubmitButton, TextareaField, useIsPending } from './forms.tsx'

export type PoolDefaults = { name?: string; network?: string; defaultPrefixLength?: string; description?: string }

/** The staff form to create or edit an IP pool (name, block, default subnet size, description). */
export function PoolForm({ lastResult, defaultValue, isNew }: { lastResult?: SubmissionResult<string[]>; defaultValue?: PoolDefaults; isNew: boolean }) {
  const { t } = useTranslation('ip')
  const pending = useIsPending()
  const [form, fields] = useForm({
    id: isNew ? 'pool-new' : 'pool-edit',
    lastResult,
    constraint: getZodConstraint(PoolSchema),
    defaultValue,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PoolSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  return (
    <Form method="POST" {...getFormProps(form)} className="card space-y-4">
      <input type="hidden" name="intent" value="save" />
      {form.errors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={form.errors} /></div> : null}
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label={t('pool.name')} {...getInputProps(fields.name, { type: 'text' })} errors={fields.name.errors} />
        <Field label={t('pool.network')} {...getInputProps(fields.network, { type: 'text' })} errors={fields.network.errors} help={t('pool.networkHelp')} autoComplete="off" spellCheck={false} />
        <Field
          label={t('pool.defaultPrefixLength')}
          {...getInputProps(fields.defaultPrefixLength, { type: 'number' })}
          errors={fields.defaultPrefixLength.errors}
          help={t('pool.defaultPrefixLengthHelp')}
        />
      </div>
      <TextareaField label={t('pool.description')} {...getTextareaProps(fields.description)} errors={fields.description.errors} rows={2} />
      <SubmitButton pending={pending}>{isNew ? t('pools.create') : t('common:actions.save')}</SubmitButton>
    </Form>
  )
}
