import { getInputProps, getSelectProps, getTextareaProps } from '@conform-to/react'
import { useTranslation } from 'react-i18next'
import { Field, SelectField, TextareaField } from '#app/components/forms.tsx'
import { PAYMENT_METHODS } from '#app/models/fee/fee.schema.ts'

/** How a membership fee was paid (method, reference) and its comment: the same fields when it is recorded and when it is corrected. */
export function FeePaymentFields({ paymentMethod, reference, comment }: {
  paymentMethod: Parameters<typeof getSelectProps>[0]
  reference: Parameters<typeof getInputProps>[0]
  comment: Parameters<typeof getTextareaProps>[0]
}) {
  const { t } = useTranslation('fees')
  return (
    <>
      <div className="grid gap-3 sm:grid-cols-2">
        <SelectField label={t('fee.paymentMethod')} {...getSelectProps(paymentMethod)} errors={paymentMethod.errors}>
          <option value="">{t('paymentMethods.unknown')}</option>
          {PAYMENT_METHODS.map((m) => <option key={m} value={m}>{t(`paymentMethods.${m}`)}</option>)}
        </SelectField>
        <Field label={t('fee.reference')} {...getInputProps(reference, { type: 'text' })} errors={reference.errors} help={t('fee.referenceHelp')} />
      </div>
      <TextareaField label={t('fee.comment')} {...getTextareaProps(comment)} errors={comment.errors} rows={3} />
    </>
  )
}
