import { getFormProps, getInputProps, getTextareaProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import {
  data,
  MaxPartSizeExceededError,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from '@remix-run/node'
import { Form, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorList, Field, SubmitButton, TextareaField, useIsPending } from '#app/components/forms.tsx'
import { basisPointsToPercent, formatIban } from '#app/models/isp/identifiers.ts'
import { IspIdentitySchema, LOGO_MAX_BYTES, LOGO_TYPES } from '#app/models/isp/isp.schema.ts'
import { prepareLogo } from '#app/models/isp/logo.server.ts'
import { addCoveredArea, getIspDatabase, getIspIdentity, removeCoveredArea, saveIspDatabase, updateIspIdentity } from '#app/models/isp/settings.server.ts'
import { CoveredAreaSchema, IspDatabaseSchema } from '#app/models/isp/isp-database.schema.ts'
import { coverageMapVersion } from '#app/models/isp/coverage-map.server.tsx'
import { CoveredAreas, IspDatabaseForm, type IspDatabaseDefaults } from '#app/components/isp-database-form.tsx'
import { CoverageMap } from '#app/components/coverage-map.tsx'
import { toIsoDate } from '#app/utils/dates.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { IdSchema } from '#app/utils/request.schema.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { readFormData } from '#app/utils/form.server.ts'

/** Largest text field accepted in the multipart form, and largest upload read before giving up. */
const FIELD_MAX_BYTES = 64 * 1024
const UPLOAD_MAX_BYTES = 20 * 1024 * 1024

const AREA_MAX_BYTES = 1024 * 1024

const payloadTooLarge = () => new Response('Payload Too Large', { status: 413 })

/**
 * Reads the form, multipart or not. A logo beyond LOGO_MAX_BYTES is read to its end and dropped,
 * so that the rest of the form is still checked and every error is shown at once.
 */
async function readIdentityForm(request: Request) {
  let logoTooLarge = false
  const readLogo = unstable_createMemoryUploadHandler({ maxPartSize: LOGO_MAX_BYTES })
  const readField = unstable_createMemoryUploadHandler({ maxPartSize: FIELD_MAX_BYTES })
  // A covered area's GeoJSON file is read as the text of the area field (at most 1 MiB).
  const readArea = unstable_createMemoryUploadHandler({ maxPartSize: AREA_MAX_BYTES })
  try {
    const formData = await readFormData(request, { parseMultipart: (multipart) => unstable_parseMultipartFormData(multipart, async (part) => {
      if (part.name === 'areaFile' && part.filename) return readArea(part)
      if (part.name !== 'logo') return part.filename === undefined ? readField(part) : undefined
      try {
        return await readLogo(part)
      } catch (error) {
        if (!(error instanceof MaxPartSizeExceededError)) throw error
        logoTooLarge = true
        let skipped = 0
        for await (const chunk of part.data) {
          skipped += chunk.byteLength
          if (skipped > UPLOAD_MAX_BYTES) throw payloadTooLarge()
        }
        return undefined
      }
    }) })
    return { formData, logoTooLarge }
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) throw payloadTooLarge()
    throw error
  }
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  const [{ logo, logoMimeType: _mime, defaultVatBasisPoints, iban, ...identity }, database] = await Promise.all([getIspIdentity(), getIspDatabase()])
  return {
    defaults: { ...identity, iban: formatIban(iban), defaultVatPercent: basisPointsToPercent(defaultVatBasisPoints) },
    hasLogo: logo !== null,
    database: databaseDefaults(database.isp),
    areas: database.areas.map(({ area, ...rest }) => ({ ...rest, areaType: area && typeof area === 'object' && 'type' in area ? String(area.type) : null })),
    coverageMapVersion: coverageMapVersion(database.areas),
  }
}

/** The record's public fields as the form shows them. */
function databaseDefaults(isp: Awaited<ReturnType<typeof getIspDatabase>>['isp']): IspDatabaseDefaults {
  if (!isp) return {}
  const { otherWebsites, chatrooms, creationDate, ffdnMemberSince, progressStatus, latitude, longitude, name: _n, email: _e, website: _w, ...rest } = isp
  const sites = otherWebsites && typeof otherWebsites === 'object' && !Array.isArray(otherWebsites) ? Object.entries(otherWebsites) : []
  return {
    ...rest,
    otherWebsites: sites.map(([label, url]) => `${label} ${String(url)}`).join('\n'),
    chatrooms: chatrooms.join('\n'),
    creationDate: creationDate ? toIsoDate(creationDate) : '',
    ffdnMemberSince: ffdnMemberSince ? toIsoDate(ffdnMemberSince) : '',
    progressStatus: progressStatus ? String(progressStatus) : '',
    latitude: latitude === null ? '' : String(latitude),
    longitude: longitude === null ? '' : String(longitude),
  }
}

const AreaIdSchema = z.object({ areaId: IdSchema })

/** The public description's forms: the description itself, and adding or removing a covered area. */
async function databaseAction(intent: string, formData: FormData) {
  if (intent === 'removeArea') {
    const parsed = AreaIdSchema.safeParse(Object.fromEntries(formData))
    if (parsed.success) await removeCoveredArea(parsed.data.areaId)
    return redirect('/admin/settings?areaRemoved=1#covered-areas')
  }
  if (intent === 'addArea') {
    const file = formData.get('areaFile')
    if (file instanceof File && file.size > 0 && !String(formData.get('area') ?? '').trim()) formData.set('area', await file.text())
    formData.delete('areaFile')
    const submission = parseWithZod(formData, { schema: CoveredAreaSchema })
    if (submission.status !== 'success') return data({ form: 'area' as const, result: submission.reply() }, { status: 400 })
    try {
      await addCoveredArea(submission.value)
    } catch (error) {
      if (!(error instanceof DomainError)) throw error
      return data({ form: 'area' as const, result: submission.reply({ fieldErrors: { area: [error.message] } }) }, { status: error.status })
    }
    return redirect('/admin/settings?areaAdded=1#covered-areas')
  }
  const submission = parseWithZod(formData, { schema: IspDatabaseSchema })
  if (submission.status !== 'success') return data({ form: 'database' as const, result: submission.reply() }, { status: 400 })
  try {
    await saveIspDatabase(submission.value)
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    const field = error.values?.field
    return data({ form: 'database' as const, result: submission.reply(field ? { fieldErrors: { [field]: [error.message] } } : { formErrors: [error.message] }) }, { status: error.status })
  }
  return redirect('/admin/settings?databaseSaved=1#isp-database')
}

export async function action({ request }: ActionFunctionArgs) {
  await requireStaff(request)
  const { formData, logoTooLarge } = await readIdentityForm(request)
  const intent = String(formData.get('intent') ?? '')
  if (intent === 'database' || intent === 'addArea' || intent === 'removeArea') return databaseAction(intent, formData)
  const submission = parseWithZod(formData, { schema: IspIdentitySchema })
  // The browser names the type from the file name: the first bytes say what the file really is.
  // The file is decoded whole and prepared once here (prepareLogo), whatever its name says.
  const file = formData.get('logo')
  const bytes = file instanceof File && file.size > 0 ? new Uint8Array(await file.arrayBuffer()) : null
  const prepared = bytes ? prepareLogo(bytes) : null
  const logoError = logoTooLarge ? 'logoTooLarge' : prepared?.error ?? null
  if (submission.status !== 'success' || logoError) {
    return data({ form: 'identity' as const, result: submission.reply(logoError ? { fieldErrors: { logo: [logoError] } } : {}) }, { status: 400 })
  }
  const { logo: _file, removeLogo, defaultVatPercent, ...identity } = submission.value
  // A new logo replaces the current one; the checkbox removes it when no file is given.
  const logo = prepared?.logo ? { logo: prepared.logo.bytes, logoMimeType: prepared.logo.mimeType } : removeLogo ? { logo: null, logoMimeType: null } : {}
  await updateIspIdentity({ ...identity, defaultVatBasisPoints: defaultVatPercent, ...logo })
  return redirect('/admin/settings?saved=1')
}

export default function IspSettings() {
  const { defaults, hasLogo, database, areas, coverageMapVersion } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('isp')
  const notice = searchParams.get('databaseSaved') ? t('database.saved') : searchParams.get('areaAdded') ? t('database.areas.added') : searchParams.get('areaRemoved') ? t('database.areas.removed') : null
  const pending = useIsPending()
  const [form, fields] = useForm<z.input<typeof IspIdentitySchema>, z.output<typeof IspIdentitySchema>>({
    id: 'isp-settings',
    lastResult: actionData?.form === 'identity' ? actionData.result : undefined,
    constraint: getZodConstraint(IspIdentitySchema),
    defaultValue: defaults,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: IspIdentitySchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  const text = (name: 'name' | 'postalCode' | 'city' | 'siret' | 'rna' | 'email' | 'website' | 'iban' | 'bic' | 'bankName' | 'chequeOrder' | 'vatMention' | 'vatNumber' | 'defaultVatPercent', extra: { help?: string; placeholder?: string; type?: 'text' | 'email' | 'url'; inputMode?: 'decimal' } = {}) => (
    <Field
      label={t(`field.${name}`)}
      {...getInputProps(fields[name], { type: extra.type ?? 'text' })}
      errors={fields[name].errors}
      help={extra.help}
      placeholder={extra.placeholder}
      inputMode={extra.inputMode}
    />
  )
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t('title')}</h1>
      <p className="max-w-3xl text-sm text-gray-700">{t('intro')}</p>
      {searchParams.get('saved') && !actionData ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('saved')}</p> : null}
      {form.errors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={form.errors} /></div> : null}
      <Form method="POST" encType="multipart/form-data" {...getFormProps(form)} className="max-w-3xl space-y-4">
        <fieldset className="card space-y-3">
          <legend className="text-lg font-semibold">{t('sections.identity')}</legend>
          {text('name')}
          <TextareaField label={t('field.address')} {...getTextareaProps(fields.address)} errors={fields.address.errors} rows={3} />
          <div className="grid gap-3 sm:grid-cols-3">
            {text('postalCode')}
            <div className="sm:col-span-2">{text('city')}</div>
          </div>
          <div className="grid gap-3 sm:grid-cols-2">
            {text('siret', { help: t('help.siret') })}
            {text('rna', { help: t('help.rna'), placeholder: 'W751234567' })}
            {text('email', { type: 'email' })}
            {text('website', { type: 'url', placeholder: 'https://' })}
          </div>
        </fieldset>
        <fieldset className="card space-y-3">
          <legend className="text-lg font-semibold">{t('sections.payment')}</legend>
          <div className="grid gap-3 sm:grid-cols-2">
            {text('iban', { help: t('help.iban') })}
            {text('bic', { help: t('help.bic') })}
            {text('bankName')}
            {text('chequeOrder', { help: t('help.chequeOrder') })}
          </div>
        </fieldset>
        <fieldset className="card space-y-3">
          <legend className="text-lg font-semibold">{t('sections.mentions')}</legend>
          <div className="grid gap-3 sm:grid-cols-3">
            <div className="sm:col-span-2">{text('vatMention', { placeholder: 'TVA non applicable, art. 293 B du CGI', help: t('help.vatMention') })}</div>
            {text('vatNumber', { placeholder: 'FR40123456824', help: t('help.vatNumber') })}
            {text('defaultVatPercent', { help: t('help.defaultVatPercent'), placeholder: '20', inputMode: 'decimal' })}
          </div>
          <TextareaField label={t('field.latePaymentMention')} {...getTextareaProps(fields.latePaymentMention)} errors={fields.latePaymentMention.errors} rows={3} help={t('help.latePaymentMention')} />
        </fieldset>
        <fieldset className="card space-y-3">
          <legend className="text-lg font-semibold">{t('sections.logo')}</legend>
          {hasLogo ? (
            <img src="/admin/settings/logo" alt={t('logo.current')} className="max-h-24 rounded border border-gray-200 bg-white p-2" />
          ) : <p className="text-sm text-gray-600">{t('logo.none')}</p>}
          <Field
            label={t('field.logo')}
            {...getInputProps(fields.logo, { type: 'file' })}
            accept={LOGO_TYPES.join(',')}
            errors={fields.logo.errors}
            help={t('help.logo', { size: Math.round(LOGO_MAX_BYTES / 1024) })}
          />
          {hasLogo ? (
            <div className="flex items-center gap-2">
              <input {...getInputProps(fields.removeLogo, { type: 'checkbox' })} />
              <label htmlFor={fields.removeLogo.id}>{t('field.removeLogo')}</label>
            </div>
          ) : null}
        </fieldset>
        <SubmitButton pending={pending}>{t('submit')}</SubmitButton>
      </Form>
      <h2 id="isp-database" className="pt-4 text-xl font-semibold">{t('database.title')}</h2>
      {notice ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{notice}</p> : null}
      <IspDatabaseForm defaultValue={database} lastResult={actionData?.form === 'database' ? actionData.result : null} />
      <CoveredAreas areas={areas} lastResult={actionData?.form === 'area' ? actionData.result : null} />
      <CoverageMap areas={areas} version={coverageMapVersion} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'isp:title')
