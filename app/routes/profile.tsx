import { getFormProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { SubmitButton, useIsPending } from '#app/components/forms.tsx'
import { MemberDetailsList, ProfileFieldset } from '#app/components/member-fields.tsx'
import { formatDate, StatusBadge } from '#app/components/member-status.tsx'
import { getMemberCard } from '#app/models/member/card.server.ts'
import { findTakenFields, uniqueViolationFields } from '#app/models/member/manage.server.ts'
import { ProfileSchema } from '#app/models/member/member.schema.ts'
import { getProfile, updateProfile } from '#app/models/member/profile.server.ts'
import { requireMember } from '#app/utils/auth.server.ts'
import { today } from '#app/utils/dates.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { getLanguage } from '#app/utils/i18n.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { readFormData } from '#app/utils/form.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(request)
  const [profile, card] = await Promise.all([
    getProfile({ memberId: member.id }),
    getMemberCard({ memberId: member.id, language: await getLanguage(request, member.language), date: today() }),
  ])
  const env = getEnv()
  return { profile, cardAlt: card?.texts.alt ?? '', canEdit: env.MEMBER_CAN_EDIT_PROFILE, contactEmail: env.DEFAULT_FROM_EMAIL }
}

export async function action({ request }: ActionFunctionArgs) {
  const member = await requireMember(request)
  if (!getEnv().MEMBER_CAN_EDIT_PROFILE) throw new Response('Profile editing is turned off', { status: 403 })
  const submission = parseWithZod(await readFormData(request), { schema: ProfileSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  const taken = await findTakenFields({ email: submission.value.email, exceptId: member.id })
  if (Object.keys(taken).length) return data({ result: submission.reply({ fieldErrors: taken }) }, { status: 400 })
  try {
    await updateProfile({ memberId: member.id, ...submission.value })
  } catch (error) {
    const fieldErrors = uniqueViolationFields(error)
    if (!fieldErrors) throw error
    return data({ result: submission.reply({ fieldErrors }) }, { status: 400 })
  }
  return redirect('/profile?saved=1')
}

export default function Profile() {
  const { profile, cardAlt, canEdit, contactEmail } = useLoaderData<typeof loader>()
  const { t, i18n } = useTranslation()
  const [searchParams] = useSearchParams()
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t('profile.title')}</h1>
      {searchParams.get('saved') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('profile.saved')}</p> : null}
      <dl className="card grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-gray-600">{t('member.username')}</dt>
        <dd className="font-mono">{profile.username}</dd>
        <dt className="text-gray-600">{t('member.status')}</dt>
        <dd><StatusBadge status={profile.status} label={t(`member.statuses.${profile.status}`)} /></dd>
        <dt className="text-gray-600">{t('member.dateJoined')}</dt>
        <dd>{formatDate(profile.dateJoined, i18n.language)}</dd>
      </dl>
      <section className="card space-y-2" aria-labelledby="member-card">
        <h2 id="member-card" className="text-lg font-semibold">
          {t('card:link')} (<a href="/card.png" download aria-label={t('card:downloadPng')}>{t('card:png')}</a>, <a href="/card.pdf" aria-label={t('card:downloadPdf')}>{t('card:pdf')}</a>)
        </h2>
        <img src="/card.png" alt={cardAlt} width={428} height={270} className="h-auto max-w-full" />
      </section>
      {canEdit ? <ProfileForm profile={profile} /> : <ReadOnlyProfile profile={profile} contactEmail={contactEmail} />}
    </div>
  )
}

type ProfileData = ReturnType<typeof useLoaderData<typeof loader>>['profile']

function ProfileForm({ profile }: { profile: ProfileData }) {
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation()
  const pending = useIsPending()
  const [form, fields] = useForm({
    id: 'profile',
    lastResult: actionData?.result,
    constraint: getZodConstraint(ProfileSchema),
    defaultValue: { ...profile, language: profile.language ?? '' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ProfileSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  return (
    <Form method="POST" {...getFormProps(form)} className="card space-y-4">
      <ProfileFieldset fields={fields} />
      <SubmitButton pending={pending}>{t('actions.save')}</SubmitButton>
    </Form>
  )
}

function ReadOnlyProfile({ profile, contactEmail }: { profile: ProfileData; contactEmail: string }) {
  const { t } = useTranslation()
  return (
    <section className="card space-y-3">
      <MemberDetailsList member={profile} />
      <p className="text-sm text-gray-700">
        {t('profile.readOnly')} <a href={`mailto:${contactEmail}`}>{contactEmail}</a>
      </p>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'profile.title')
