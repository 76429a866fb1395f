import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { z } from 'zod'
import { AdminMemberSchema, MEMBER_STATUSES, ROLES } from '#app/models/member/member.schema.ts'
import { Field, SelectField, SubmitButton, TextareaField, useIsPending } from './forms.tsx'
import { ProfileFieldset } from './member-fields.tsx'

export type AdminMemberDefaults = Partial<Record<keyof z.input<typeof AdminMemberSchema>, string | string[] | boolean | null>>

/** The staff form to create or edit a member. */
export function AdminMemberForm({ lastResult, defaultValue, isNew }: {
  lastResult?: SubmissionResult<string[]>
  defaultValue?: AdminMemberDefaults
  isNew: boolean
}) {
  const { t } = useTranslation()
  const pending = useIsPending()
  const [form, fields] = useForm({
    id: isNew ? 'member-new' : 'member-edit',
    lastResult,
    constraint: getZodConstraint(AdminMemberSchema),
    defaultValue,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AdminMemberSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  const roles = new Set(Array.isArray(defaultValue?.roles) ? defaultValue.roles : [])
  return (
    <Form method="POST" {...getFormProps(form)} className="space-y-6">
      {form.errors?.length ? <p role="alert" className="rounded bg-red-50 p-2 text-sm text-red-800">{form.errors.join(' ')}</p> : null}
      <div className="card space-y-4">
        <fieldset className="space-y-3">
          <legend className="mb-2 text-base font-semibold">{t('member.membership')}</legend>
          <div className="grid gap-3 sm:grid-cols-3">
            <SelectField label={t('member.status')} {...getSelectProps(fields.status)} errors={fields.status.errors}>
              {MEMBER_STATUSES.map((s) => <option key={s} value={s}>{t(`member.statuses.${s}`)}</option>)}
            </SelectField>
            <Field label={t('member.dateJoined')} {...getInputProps(fields.dateJoined, { type: 'date' })} errors={fields.dateJoined.errors} />
            <Field label={t('member.resignDate')} {...getInputProps(fields.resignDate, { type: 'date' })} errors={fields.resignDate.errors} />
          </div>
          <label className="flex items-center gap-2 font-normal">
            <input {...getInputProps(fields.sendMembershipFeesEmail, { type: 'checkbox' })} />
            {t('member.sendMembershipFeesEmail')}
          </label>
          <TextareaField label={t('member.comments')} {...getTextareaProps(fields.comments)} errors={fields.comments.errors} rows={3} help={t('member.commentsHelp')} />
        </fieldset>
      </div>
      <div className="card space-y-4">
        <ProfileFieldset fields={fields} />
      </div>
      <div className="card space-y-4">
        <fieldset className="space-y-3">
          <legend className="mb-2 text-base font-semibold">{t('member.account')}</legend>
          <div className="grid gap-3 sm:grid-cols-2">
            <Field
              label={t('member.username')}
              {...getInputProps(fields.username, { type: 'text' })}
              errors={fields.username.errors}
              help={isNew ? t('member.usernameHelpNew') : t('member.usernameHelp')}
              autoComplete="off"
            />
            <Field
              label={isNew ? t('member.password') : t('member.newPassword')}
              {...getInputProps(fields.password, { type: 'password' })}
              errors={fields.password.errors}
              help={isNew ? t('member.passwordHelpNew') : t('member.passwordHelp')}
              autoComplete="new-password"
            />
          </div>
          <label className="flex items-center gap-2 font-normal">
            <input {...getInputProps(fields.isActive, { type: 'checkbox' })} />
            {t('member.isActive')}
          </label>
          <fieldset>
            <legend className="text-sm font-medium">{t('member.roles')}</legend>
            <div className="mt-1 flex gap-4">
              {ROLES.filter((r) => r !== 'MEMBER').map((role) => (
                <label key={role} className="flex items-center gap-1 font-normal">
                  <input type="checkbox" name={fields.roles.name} value={role} defaultChecked={roles.has(role)} />
                  {t(`member.roleNames.${role}`)}
                </label>
              ))}
            </div>
          </fieldset>
        </fieldset>
      </div>
      <SubmitButton pending={pending}>{isNew ? t('members.create') : t('actions.save')}</SubmitButton>
    </Form>
  )
}
