import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ItemSchema } from '#app/models/hardware/hardware.schema.ts'
import { ErrorList, Field, SelectField, SubmitButton, TextareaField, useIsPending } from './forms.tsx'

export type ItemFormDefaults = {
  designation?: string; typeId?: string; storageId?: string; macAddress?: string; serial?: string
  buyDate?: string; owner?: string; deployed?: boolean; comment?: string
}

/** The staff form to add or edit an item of equipment. */
export function ItemForm({ lastResult, defaultValue, isNew, types, storages }: {
  lastResult?: SubmissionResult<string[]>
  defaultValue?: ItemFormDefaults
  isNew: boolean
  types: { id: number; name: string }[]
  storages: { id: number; name: string }[]
}) {
  const { t } = useTranslation('hardware')
  const pending = useIsPending()
  const [form, fields] = useForm({
    id: isNew ? 'item-new' : 'item-edit',
    lastResult,
    constraint: getZodConstraint(ItemSchema),
    defaultValue: { ...defaultValue, deployed: defaultValue?.deployed ? 'on' : undefined },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ItemSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  return (
    <Form method="POST" {...getFormProps(form)} className="card space-y-3">
      <input type="hidden" name="intent" value="save" />
      {form.errors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={form.errors} /></div> : null}
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label={t('item.designation')} {...getInputProps(fields.designation, { type: 'text' })} errors={fields.designation.errors} />
        <SelectField label={t('item.type')} {...getSelectProps(fields.typeId)} errors={fields.typeId.errors}>
          <option value="">{t('item.chooseType')}</option>
          {types.map((ty) => <option key={ty.id} value={ty.id}>{ty.name}</option>)}
        </SelectField>
        <SelectField label={t('item.storage')} {...getSelectProps(fields.storageId)} errors={fields.storageId.errors} help={t('item.storageHelp')}>
          <option value="">{t('storage.unknown')}</option>
          {storages.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </SelectField>
        <Field label={t('item.macAddress')} {...getInputProps(fields.macAddress, { type: 'text' })} errors={fields.macAddress.errors} help={t('item.macHelp')} autoComplete="off" spellCheck={false} />
        <Field label={t('item.serial')} {...getInputProps(fields.serial, { type: 'text' })} errors={fields.serial.errors} help={t('item.serialHelp')} autoComplete="off" spellCheck={false} />
        <Field label={t('item.buyDate')} {...getInputProps(fields.buyDate, { type: 'date' })} errors={fields.buyDate.errors} />
        <Field label={t('item.owner')} {...getInputProps(fields.owner, { type: 'text' })} errors={fields.owner.errors} help={t('item.ownerHelp')} autoComplete="off" />
      </div>
      <div>
        <label className="flex items-center gap-2">
          <input {...getInputProps(fields.deployed, { type: 'checkbox' })} />
          {t('item.deployed')}
        </label>
      </div>
      <TextareaField label={t('item.comment')} {...getTextareaProps(fields.comment)} errors={fields.comment.errors} rows={3} />
      <SubmitButton pending={pending}>{isNew ? t('item.create') : t('common:actions.save')}</SubmitButton>
    </Form>
  )
}
