import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { z } from 'zod'
import { BACKEND_KINDS, OfferSchema } from '#app/models/offer/offer.schema.ts'
import { ErrorList, Field, SelectField, SubmitButton, TextareaField, useIsPending } from './forms.tsx'

export type OfferDefaults = Partial<Record<keyof z.input<typeof OfferSchema>, string | boolean>>

/**
 * The staff form to create or edit an offer. Fees are typed in euros ("12,50" or "12.50");
 * the schema turns them into cents.
 */
export function OfferForm({ lastResult, defaultValue, isNew }: {
  lastResult?: SubmissionResult<string[]>
  defaultValue?: OfferDefaults
  isNew: boolean
}) {
  const { t } = useTranslation('subscriptions')
  const pending = useIsPending()
  const [form, fields] = useForm({
    id: isNew ? 'offer-new' : 'offer-edit',
    lastResult,
    constraint: getZodConstraint(OfferSchema),
    defaultValue,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: OfferSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  return (
    <Form method="POST" {...getFormProps(form)} className="card space-y-4">
      <input type="hidden" name="intent" value="save" />
      {form.errors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={form.errors} /></div> : null}
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label={t('offer.name')} {...getInputProps(fields.name, { type: 'text' })} errors={fields.name.errors} />
        <Field
          label={t('offer.reference')}
          {...getInputProps(fields.reference, { type: 'text' })}
          errors={fields.reference.errors}
          help={t('offer.referenceHelp')}
          autoComplete="off"
        />
      </div>
      <TextareaField label={t('offer.description')} {...getTextareaProps(fields.description)} errors={fields.description.errors} rows={3} />
      <div className="grid gap-3 sm:grid-cols-4">
        <SelectField label={t('offer.backend')} {...getSelectProps(fields.backend)} errors={fields.backend.errors}>
          {BACKEND_KINDS.map((kind) => <option key={kind} value={kind}>{t(`offer.backends.${kind}`)}</option>)}
        </SelectField>
        <Field label={t('offer.billingPeriodMonths')} {...getInputProps(fields.billingPeriodMonths, { type: 'number' })} errors={fields.billingPeriodMonths.errors} />
        <Field
          label={t('offer.periodFee')}
          {...getInputProps(fields.periodFee, { type: 'text' })}
          inputMode="decimal"
          errors={fields.periodFee.errors}
          help={t('offer.feeHelp')}
        />
        <Field
          label={t('offer.initialFee')}
          {...getInputProps(fields.initialFee, { type: 'text' })}
          inputMode="decimal"
          errors={fields.initialFee.errors}
          help={t('offer.feeHelp')}
        />
      </div>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium">{t('offer.flags')}</legend>
        {(['nonBillable', 'visibleToMembers', 'active'] as const).map((name) => (
          <label key={name} className="flex items-center gap-2 font-normal">
            <input {...getInputProps(fields[name], { type: 'checkbox' })} />
            {t(`offer.${name}`)}
          </label>
        ))}
      </fieldset>
      <SubmitButton pending={pending}>{isNew ? t('offers.create') : t('common:actions.save')}</SubmitButton>
    </Form>
  )
}
