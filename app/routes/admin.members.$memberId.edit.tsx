import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AdminMemberForm, type AdminMemberDefaults } from '#app/components/admin-member-form.tsx'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { findTakenFields, getMemberDetail, uniqueViolationFields, updateMember } from '#app/models/member/manage.server.ts'
import { AdminMemberSchema } from '#app/models/member/member.schema.ts'
import { MemberIdParams } from '#app/models/member/params.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { toIsoDate } from '#app/utils/dates.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { readFormData } from '#app/utils/form.server.ts'

const isoDate = (d: Date | null) => (d ? toIsoDate(d) : '')

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request)
  const { memberId } = MemberIdParams.parse(params)
  const member = memberId ? await getMemberDetail(memberId) : null
  if (!member) notFound()
  const { id, password: _p, lastLoginAt: _l, createdAt: _c, updatedAt: _u, ...fields } = member
  const defaults: AdminMemberDefaults = {
    ...fields,
    language: member.language ?? '',
    dateJoined: isoDate(member.dateJoined),
    resignDate: isoDate(member.resignDate),
  }
  return { id, displayUsername: member.username, defaults }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request)
  const { memberId } = MemberIdParams.parse(params)
  if (!memberId || !(await getMemberDetail(memberId))) notFound()
  const submission = parseWithZod(await readFormData(request), { schema: AdminMemberSchema })
  if (submission.status !== 'success') return data({ result: submission.reply({ hideFields: ['password'] }) }, { status: 400 })
  const taken = await findTakenFields({ email: submission.value.email, username: submission.value.username, exceptId: memberId })
  if (Object.keys(taken).length) return data({ result: submission.reply({ fieldErrors: taken, hideFields: ['password'] }) }, { status: 400 })
  try {
    await updateMember(memberId, submission.value, { actorId: staff.id })
  } catch (error) {
    const fieldErrors = uniqueViolationFields(error)
    if (!fieldErrors) throw error
    return data({ result: submission.reply({ fieldErrors, hideFields: ['password'] }) }, { status: 400 })
  }
  return redirect(`/admin/members/${memberId}?saved=1`)
}

export default function EditMember() {
  const { id, displayUsername, defaults } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation()
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to={`/admin/members/${id}`}>← {displayUsername}</Link></p>
      <h1 className="text-2xl font-semibold">{t('members.edit', { username: displayUsername })}</h1>
      <AdminMemberForm isNew={false} lastResult={actionData?.result} defaultValue={defaults} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, 'members.edit', { username: data?.displayUsername ?? '' })
