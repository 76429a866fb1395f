import type { FieldMetadata } from '@conform-to/react'
import { getInputProps, getSelectProps, getTextareaProps } from '@conform-to/react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Field, SelectField, TextareaField } from './forms.tsx'

type ProfileKey =
  | 'type' | 'firstName' | 'lastName' | 'nickname' | 'organizationName' | 'email' | 'homePhone'
  | 'mobilePhone' | 'address' | 'postalCode' | 'city' | 'country' | 'language'
// Both the profile form and the staff form hold these fields, with different form types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ProfileFields = Record<ProfileKey, FieldMetadata<any, any, string[]>>

/** Identity and contact fields, shared by the member's profile and the staff member form. */
export function ProfileFieldset({ fields }: { fields: ProfileFields }) {
  const { t } = useTranslation()
  const [type, setType] = useState(fields.type.initialValue ?? 'NATURAL_PERSON')
  return (
    <>
      <fieldset className="space-y-3">
        <legend className="mb-2 text-base font-semibold">{t('member.identity')}</legend>
        <div role="radiogroup" aria-label={t('member.type')} className="flex gap-4">
          {(['NATURAL_PERSON', 'LEGAL_ENTITY'] as const).map((value) => (
            <label key={value} className="flex items-center gap-1 font-normal">
              <input
                type="radio"
                name={fields.type.name}
                value={value}
                defaultChecked={type === value}
                onChange={() => setType(value)}
              />
              {t(`member.types.${value}`)}
            </label>
          ))}
        </div>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label={t('member.firstName')} {...getInputProps(fields.firstName, { type: 'text' })} errors={fields.firstName.errors} autoComplete="given-name" />
          <Field label={t('member.lastName')} {...getInputProps(fields.lastName, { type: 'text' })} errors={fields.lastName.errors} autoComplete="family-name" />
          <Field label={t('member.nickname')} {...getInputProps(fields.nickname, { type: 'text' })} errors={fields.nickname.errors} />
          <Field
            label={t('member.organizationName')}
            {...getInputProps(fields.organizationName, { type: 'text' })}
            errors={fields.organizationName.errors}
            help={type === 'LEGAL_ENTITY' ? t('member.organizationHelp') : undefined}
            autoComplete="organization"
          />
        </div>
      </fieldset>
      <fieldset className="space-y-3">
        <legend className="mb-2 text-base font-semibold">{t('member.contact')}</legend>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label={t('member.email')} {...getInputProps(fields.email, { type: 'email' })} errors={fields.email.errors} autoComplete="email" />
          <SelectField label={t('member.language')} {...getSelectProps(fields.language)} errors={fields.language.errors}>
            <option value="">{t('member.languageAuto')}</option>
            <option value="fr">Français</option>
            <option value="en">English</option>
          </SelectField>
          <Field label={t('member.homePhone')} {...getInputProps(fields.homePhone, { type: 'tel' })} errors={fields.homePhone.errors} autoComplete="tel" />
          <Field label={t('member.mobilePhone')} {...getInputProps(fields.mobilePhone, { type: 'tel' })} errors={fields.mobilePhone.errors} autoComplete="tel" />
          <TextareaField label={t('member.address')} {...getTextareaProps(fields.address)} errors={fields.address.errors} rows={2} className="sm:col-span-2" autoComplete="street-address" />
          <Field label={t('member.postalCode')} {...getInputProps(fields.postalCode, { type: 'text' })} errors={fields.postalCode.errors} autoComplete="postal-code" />
          <Field label={t('member.city')} {...getInputProps(fields.city, { type: 'text' })} errors={fields.city.errors} autoComplete="address-level2" />
          <Field label={t('member.country')} {...getInputProps(fields.country, { type: 'text' })} errors={fields.country.errors} autoComplete="country-name" />
        </div>
      </fieldset>
    </>
  )
}

type MemberDetails = {
  type: 'NATURAL_PERSON' | 'LEGAL_ENTITY'
  firstName: string
  lastName: string
  nickname: string
  organizationName: string
  email: string
  homePhone: string
  mobilePhone: string
  address: string
  postalCode: string
  city: string
  country: string
  language: 'fr' | 'en' | null
}

/** Identity and contact details as a read-only list (empty fields are left out). */
export function MemberDetailsList({ member }: { member: MemberDetails }) {
  const { t } = useTranslation()
  const rows: [string, string][] = [
    [t('member.type'), t(`member.types.${member.type}`)],
    [t('member.firstName'), member.firstName],
    [t('member.lastName'), member.lastName],
    [t('member.nickname'), member.nickname],
    [t('member.organizationName'), member.organizationName],
    [t('member.email'), member.email],
    [t('member.homePhone'), member.homePhone],
    [t('member.mobilePhone'), member.mobilePhone],
    [t('member.address'), [member.address, `${member.postalCode} ${member.city}`.trim(), member.country].filter(Boolean).join('\n')],
    [t('member.language'), member.language ? t(`languages.${member.language}`) : t('member.languageAuto')],
  ]
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
      {rows.filter(([, value]) => value).map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-gray-600">{label}</dt>
          <dd className="whitespace-pre-line">{value}</dd>
        </div>
      ))}
    </dl>
  )
}
