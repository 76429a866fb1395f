import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Link, useActionData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { PoolForm } from '#app/components/ip-pool-form.tsx'
import { PoolSchema } from '#app/models/ip/ip.schema.ts'
import { domainErrorReply } from '#app/models/ip/messages.server.ts'
import { createPool } from '#app/models/ip/pools.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { readFormData } from '#app/utils/form.server.ts'
import { pageTitle } from '#app/utils/meta.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  return null
}

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request)
  const submission = parseWithZod(await readFormData(request), { schema: PoolSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  try {
    const pool = await createPool(submission.value)
    return redirect(`/admin/pools/${pool.id}?created=1`)
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    return data({ result: submission.reply(await domainErrorReply(request, staff, error)) }, { status: 400 })
  }
}

export default function NewPool() {
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation('ip')
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to="/admin/pools">← {t('pools.title')}</Link></p>
      <h1 className="text-2xl font-semibold">{t('pools.new')}</h1>
      <PoolForm isNew lastResult={actionData?.result} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'ip:pools.new')
