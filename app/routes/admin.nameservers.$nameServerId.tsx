import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ConfirmDeleteForm } from '#app/components/forms.tsx'
import { NameServerForm } from '#app/components/ip-name-server-form.tsx'
import { NameServerIdParams, NameServerSchema } from '#app/models/ip/ip.schema.ts'
import { domainErrorReply } from '#app/models/ip/messages.server.ts'
import { deleteNameServer, getNameServer, updateNameServer } from '#app/models/ip/reverse-dns.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { readFormData } from '#app/utils/form.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'

const ActionSchema = z.discriminatedUnion('intent', [
  NameServerSchema.extend({ intent: z.literal('save') }),
  z.object({ intent: z.enum(['delete', 'confirmDelete']) }),
])

async function requireNameServer(params: LoaderFunctionArgs['params']) {
  const { nameServerId } = NameServerIdParams.parse(params)
  const nameServer = nameServerId ? await getNameServer(nameServerId) : null
  if (!nameServer) notFound()
  return nameServer
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request)
  const { owner, _count, ...nameServer } = await requireNameServer(params)
  return { nameServer: { ...nameServer, subnetCount: _count.subnets }, defaults: { dnsName: nameServer.dnsName, description: nameServer.description, owner: owner?.username ?? '' } }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request)
  const nameServer = await requireNameServer(params)
  const submission = parseWithZod(await readFormData(request), { schema: ActionSchema })
  if (submission.status !== 'success') return data({ result: submission.reply(), confirmDelete: false }, { status: 400 })
  const value = submission.value
  // Without JavaScript, deleting takes two posts: the first only asks for confirmation.
  if (value.intent !== 'save') {
    if (value.intent === 'delete') return data({ result: null, confirmDelete: true })
    await deleteNameServer(nameServer.id, { actorId: staff.id })
    return redirect('/admin/nameservers?deleted=1')
  }
  try {
    const { intent: _intent, ...input } = value
    await updateNameServer(nameServer.id, input)
    return redirect(`/admin/nameservers/${nameServer.id}?saved=1`)
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    return data({ result: submission.reply(await domainErrorReply(request, staff, error)), confirmDelete: false }, { status: 400 })
  }
}

export default function EditNameServer() {
  const { nameServer, defaults } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('ip')
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to="/admin/nameservers">← {t('nameServers.title')}</Link></p>
      <h1 className="text-2xl font-semibold">{t('nameServers.edit', { name: nameServer.dnsName })}</h1>
      {searchParams.get('saved') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('nameServers.saved')}</p> : null}
      <NameServerForm isNew={false} lastResult={actionData?.result ?? undefined} defaultValue={defaults} />
      <section className="card space-y-3" aria-labelledby="name-server-removal">
        <h2 id="name-server-removal" className="text-lg font-semibold">{t('nameServers.delete')}</h2>
        <ConfirmDeleteForm
          confirming={actionData?.confirmDelete === true}
          question={t('nameServers.deleteQuestion', { name: nameServer.dnsName, count: nameServer.subnetCount })}
          labels={{ delete: t('nameServers.delete'), confirm: t('nameServers.confirmDelete'), cancel: t('nameServers.cancel') }}
        />
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, 'ip:nameServers.edit', { name: data?.nameServer.dnsName ?? '' })
