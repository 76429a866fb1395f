import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Link, useActionData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AdminMemberForm } from '#app/components/admin-member-form.tsx'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { createMember, findTakenFields, uniqueViolationFields } from '#app/models/member/manage.server.ts'
import { AdminMemberSchema } from '#app/models/member/member.schema.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { readFormData } from '#app/utils/form.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  return null
}

export async function action({ request }: ActionFunctionArgs) {
  await requireStaff(request)
  const submission = parseWithZod(await readFormData(request), { schema: AdminMemberSchema })
  if (submission.status !== 'success') return data({ result: submission.reply({ hideFields: ['password'] }) }, { status: 400 })
  const taken = await findTakenFields({ email: submission.value.email, username: submission.value.username })
  if (Object.keys(taken).length) return data({ result: submission.reply({ fieldErrors: taken, hideFields: ['password'] }) }, { status: 400 })
  try {
    const member = await createMember(submission.value)
    return redirect(`/admin/members/${member.id}?created=1`)
  } catch (error) {
    const fieldErrors = uniqueViolationFields(error)
    if (!fieldErrors) throw error
    return data({ result: submission.reply({ fieldErrors, hideFields: ['password'] }) }, { status: 400 })
  }
}

export default function NewMember() {
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation()
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to="/admin/members">← {t('admin.members')}</Link></p>
      <h1 className="text-2xl font-semibold">{t('members.new')}</h1>
      <AdminMemberForm
        isNew
        lastResult={actionData?.result}
        defaultValue={{ status: 'MEMBER', type: 'NATURAL_PERSON', country: 'France', isActive: true, sendMembershipFeesEmail: true, dateJoined: new Date().toISOString().slice(0, 10) }}
      />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'members.new')
