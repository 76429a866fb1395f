import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { z } from 'zod'
import { OfferSchema } from '#app/models/offer/offer.schema.ts'
import { ErrorList, Field, SelectField, SubmitButton, TextareaField, useIsPending } from './forms.tsx'

export type OfferDefaults = Partial<Record<Exclude<keyof z.input<typeof OfferSchema>, 'poolIds'>, string | boolean>> & { poolIds?: string[] }

/** The choices the server allows: backends switched on, and the pools subnets can come from. */
export type OfferChoices = { backends: string[]; subnetBackends: string[]; pools: { id: number; name: string; network: string }[] }

/**
 * The staff form to create or edit an offer. Fees are typed in euros ("12,50" or "12.50");
 * the schema turns them into cents.
 */
export function OfferForm({ lastResult, defaultValue, isNew, choices }: {
  lastResult?: SubmissionResult<string[]>
  defaultValue?: OfferDefaults
  isNew: boolean
  choices: OfferChoices
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
          {choices.backends.map((kind) => <option key={kind} value={kind}>{t(`offer.backends.${kind}`, { defaultValue: kind })}</option>)}
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
      {choices.subnetBackends.length > 0 ? (
        <fieldset className="space-y-1" aria-describedby="offer-pools-help">
          <legend className="text-sm font-medium">{t('offer.pools')}</legend>
          <p id="offer-pools-help" className="text-sm text-gray-600">
            {t('offer.poolsHelp', { backends: choices.subnetBackends.map((kind) => t(`offer.backends.${kind}`, { defaultValue: kind })).join(', ') })}
          </p>
          {choices.pools.length === 0 ? <p className="text-sm text-gray-600">{t('offer.noPools')}</p> : null}
          {choices.pools.map((pool) => (
            <label key={pool.id} className="flex items-center gap-2 font-normal">
              <input type="checkbox" name={fields.poolIds.name} value={pool.id} defaultChecked={fields.poolIds.initialValue?.includes(String(pool.id))} />
              {pool.name} <span className="font-mono text-sm text-gray-600">{pool.network}</span>
            </label>
          ))}
          <ErrorList errors={fields.poolIds.errors} />
        </fieldset>
      ) : null}
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

const ERROR_FIELDS = new Map([['OFFER_REFERENCE_TAKEN', 'reference'], ['OFFER_BACKEND_UNKNOWN', 'backend'], ['OFFER_BACKEND_LOCKED', 'backend'], ['OFFER_POOL_UNKNOWN', 'poolIds']])

/** The form reply for a refused save: on the field a rule concerns, else on the whole form. */
export function offerErrorReply(error: { code: string; message: string }) {
  const field = ERROR_FIELDS.get(error.code)
  return field ? { fieldErrors: { [field]: [error.message] } } : { formErrors: [error.message] }
}
