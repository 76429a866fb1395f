import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { z } from 'zod'
import { CoveredAreaSchema, IspDatabaseSchema, PROGRESS_STATUSES, TECHNOLOGIES } from '#app/models/isp/isp-database.schema.ts'
import { ErrorList, Field, SelectField, SubmitButton, TextareaField, useIsPending } from './forms.tsx'

export type IspDatabaseDefaults = Partial<Record<keyof z.input<typeof IspDatabaseSchema>, string>>

/**
 * The ISP's public description, published at /isp.json for the FFDN database: contact, links,
 * dates, progress, registered office, coordinates, and the theme colour of Coin's pages.
 */
export function IspDatabaseForm({ lastResult, defaultValue }: { lastResult?: SubmissionResult<string[]> | null; defaultValue: IspDatabaseDefaults }) {
  const { t } = useTranslation('isp')
  const pending = useIsPending()
  const [form, fields] = useForm<z.input<typeof IspDatabaseSchema>, z.output<typeof IspDatabaseSchema>>({
    id: 'isp-database',
    lastResult,
    constraint: getZodConstraint(IspDatabaseSchema),
    defaultValue,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: IspDatabaseSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  type Name = Exclude<keyof typeof fields, 'description' | 'otherWebsites' | 'chatrooms' | 'progressStatus'>
  const input = (name: Name, extra: { type?: 'text' | 'email' | 'url' | 'date' | 'color'; help?: string; placeholder?: string; inputMode?: 'decimal' } = {}) => (
    <Field
      label={t(`database.field.${name}`)}
      {...getInputProps(fields[name], { type: extra.type === 'color' ? 'text' : extra.type ?? 'text' })}
      errors={fields[name].errors}
      help={extra.help}
      placeholder={extra.placeholder}
      inputMode={extra.inputMode}
    />
  )
  return (
    <Form method="POST" {...getFormProps(form)} className="max-w-3xl space-y-4">
      <input type="hidden" name="intent" value="database" />
      {form.errors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={form.errors} /></div> : null}
      <fieldset className="card space-y-3">
        <legend className="text-lg font-semibold">{t('database.sections.public')}</legend>
        <p className="text-sm text-gray-700">{t('database.intro')} <a href="/isp.json">/isp.json</a></p>
        <div className="grid gap-3 sm:grid-cols-2">
          {input('shortname', { help: t('database.help.shortname') })}
          {input('contactEmail', { type: 'email', help: t('database.help.contactEmail') })}
          {input('mainMailingList', { type: 'email' })}
          {input('logoUrl', { type: 'url', placeholder: 'https://' })}
        </div>
        <TextareaField label={t('database.field.description')} {...getTextareaProps(fields.description)} errors={fields.description.errors} rows={3} />
        <div className="grid gap-3 sm:grid-cols-2">
          <TextareaField label={t('database.field.otherWebsites')} {...getTextareaProps(fields.otherWebsites)} errors={fields.otherWebsites.errors} rows={3} help={t('database.help.otherWebsites')} />
          <TextareaField label={t('database.field.chatrooms')} {...getTextareaProps(fields.chatrooms)} errors={fields.chatrooms.errors} rows={3} help={t('database.help.chatrooms')} />
        </div>
        <div className="grid gap-3 sm:grid-cols-3">
          {input('creationDate', { type: 'date' })}
          {input('ffdnMemberSince', { type: 'date' })}
          <SelectField label={t('database.field.progressStatus')} {...getSelectProps(fields.progressStatus)} errors={fields.progressStatus.errors}>
            <option value="">{t('database.progress.none')}</option>
            {PROGRESS_STATUSES.map((status) => <option key={status} value={status}>{`${status}. ${t(`database.progress.${status}`)}`}</option>)}
          </SelectField>
        </div>
      </fieldset>
      <fieldset className="card space-y-3">
        <legend className="text-lg font-semibold">{t('database.sections.office')}</legend>
        <div className="grid gap-3 sm:grid-cols-2">
          {input('officeStreet')}
          {input('officeExtended')}
          {input('officePostalCode')}
          {input('officeLocality')}
          {input('officeRegion')}
          {input('officeCountry', { placeholder: 'France' })}
          {input('latitude', { inputMode: 'decimal', placeholder: '45.7640', help: t('database.help.coordinates') })}
          {input('longitude', { inputMode: 'decimal', placeholder: '4.8357' })}
        </div>
      </fieldset>
      <fieldset className="card space-y-3">
        <legend className="text-lg font-semibold">{t('database.sections.theme')}</legend>
        {input('primaryColor', { type: 'color', placeholder: '#1f7a5c', help: t('database.help.primaryColor') })}
      </fieldset>
      <SubmitButton pending={pending}>{t('database.submit')}</SubmitButton>
    </Form>
  )
}

/** The covered areas: the list with a remove button each, and the form that adds one. */
export function CoveredAreas({ areas, lastResult }: {
  areas: { id: number; name: string; technologies: string[]; areaType: string | null }[]
  lastResult?: SubmissionResult<string[]> | null
}) {
  const { t } = useTranslation('isp')
  const [form, fields] = useForm<z.input<typeof CoveredAreaSchema>, z.output<typeof CoveredAreaSchema>>({
    id: 'covered-area',
    lastResult,
    constraint: getZodConstraint(CoveredAreaSchema),
    shouldValidate: 'onBlur',
  })
  return (
    <section className="card max-w-3xl space-y-3" aria-labelledby="covered-areas">
      <h2 id="covered-areas" className="text-lg font-semibold">{t('database.sections.areas')}</h2>
      {areas.length === 0 ? <p className="text-sm text-gray-600">{t('database.areas.none')}</p> : (
        <ul className="divide-y divide-gray-100 text-sm">
          {areas.map((area) => (
            <li key={area.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <span>
                <span className="font-medium">{area.name}</span>{' '}
                <span className="text-gray-600">{area.technologies.map((tech) => t(`database.technologies.${tech}`)).join(', ')}</span>{' '}
                <span className="text-gray-600">{area.areaType ? t('database.areas.withShape', { type: area.areaType }) : t('database.areas.noShape')}</span>
              </span>
              <Form method="POST">
                <input type="hidden" name="intent" value="removeArea" />
                <input type="hidden" name="areaId" value={area.id} />
                <SubmitButton className="btn-secondary btn" aria-label={t('database.areas.removeOne', { name: area.name })}>{t('database.areas.remove')}</SubmitButton>
              </Form>
            </li>
          ))}
        </ul>
      )}
      <Form method="POST" encType="multipart/form-data" {...getFormProps(form)} className="space-y-3 border-t border-gray-100 pt-3">
        <h3 className="font-medium">{t('database.areas.add')}</h3>
        <input type="hidden" name="intent" value="addArea" />
        {form.errors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={form.errors} /></div> : null}
        <Field label={t('database.areas.name')} {...getInputProps(fields.name, { type: 'text' })} errors={fields.name.errors} />
        <fieldset aria-describedby={fields.technologies.errors?.length ? `${fields.technologies.id}-error` : undefined}>
          <legend className="text-sm font-medium">{t('database.areas.technologies')}</legend>
          <div className="flex flex-wrap gap-3">
            {TECHNOLOGIES.map((tech) => (
              <label key={tech} className="flex items-center gap-1 font-normal">
                <input type="checkbox" name={fields.technologies.name} value={tech} />
                {t(`database.technologies.${tech}`)}
              </label>
            ))}
          </div>
          <ErrorList id={`${fields.technologies.id}-error`} errors={fields.technologies.errors} />
        </fieldset>
        <TextareaField label={t('database.areas.shape')} {...getTextareaProps(fields.area)} errors={fields.area.errors} rows={4} help={t('database.areas.shapeHelp')} />
        <Field label={t('database.areas.file')} type="file" name="areaFile" accept=".json,.geojson,application/geo+json,application/json" />
        <SubmitButton>{t('database.areas.addSubmit')}</SubmitButton>
      </Form>
    </section>
  )
}
