import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { NameServerForm } from '#app/components/ip-name-server-form.tsx'
import { NameServerSchema } from '#app/models/ip/ip.schema.ts'
import { domainErrorReply } from '#app/models/ip/messages.server.ts'
import { createNameServer, listNameServers } from '#app/models/ip/reverse-dns.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { readFormData } from '#app/utils/form.server.ts'
import { pageTitle } from '#app/utils/meta.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  return { nameServers: await listNameServers() }
}

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request)
  const submission = parseWithZod(await readFormData(request), { schema: NameServerSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  try {
    await createNameServer(submission.value)
    return redirect('/admin/nameservers?created=1')
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    return data({ result: submission.reply(await domainErrorReply(request, staff, error)) }, { status: 400 })
  }
}

export default function NameServersList() {
  const { nameServers } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('ip')
  const notice = searchParams.get('created') ? t('nameServers.created') : searchParams.get('deleted') ? t('nameServers.deleted') : null
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to="/admin/pools">← {t('pools.title')}</Link></p>
      <h1 className="text-2xl font-semibold">{t('nameServers.title')}</h1>
      {notice ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{notice}</p> : null}
      <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
        <table className="min-w-full divide-y divide-gray-200 text-sm">
          <thead className="bg-gray-50 text-left">
            <tr>
              <th scope="col" className="px-3 py-2 font-semibold">{t('nameServer.dnsName')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('nameServer.description')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('nameServer.owner')}</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">{t('nameServers.subnetCount')}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {nameServers.map((ns) => (
              <tr key={ns.id} className="hover:bg-gray-50">
                <td className="px-3 py-2 font-mono"><Link to={`/admin/nameservers/${ns.id}`}>{ns.dnsName}</Link></td>
                <td className="px-3 py-2">{ns.description}</td>
                <td className="px-3 py-2">{ns.owner ? <Link to={`/admin/members/${ns.owner.id}`}>{ns.owner.name}</Link> : null}</td>
                <td className="px-3 py-2 text-right">{ns.subnetCount}</td>
              </tr>
            ))}
            {nameServers.length === 0 ? <tr><td colSpan={4} className="px-3 py-6 text-center text-gray-600">{t('nameServers.none')}</td></tr> : null}
          </tbody>
        </table>
      </div>
      <section className="space-y-2" aria-labelledby="name-server-new-title">
        <h2 id="name-server-new-title" className="text-lg font-semibold">{t('nameServers.new')}</h2>
        <NameServerForm isNew lastResult={actionData?.result} />
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'ip:nameServers.title')
