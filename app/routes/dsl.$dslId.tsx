import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DslIdParams } from '#app/backends/dsl/dsl.schema.ts'
import { getMemberDslLine } from '#app/backends/dsl/lines.server.ts'
import { formatPhoneNumber } from '#app/backends/dsl/phone.ts'
import { requireBackend } from '#app/backends/registry.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { formatDate } from '#app/components/member-status.tsx'
import { SubnetList } from '#app/components/service.tsx'
import { requireMember } from '#app/utils/auth.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'

/** One of the session member's DSL lines: its phone number, provider, reference and addresses (never its PPP password). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const member = await requireMember(request)
  requireBackend('dsl')
  const { dslId } = DslIdParams.parse(params)
  // The member comes from the session: another member's line is not found.
  const line = dslId ? await getMemberDslLine({ configurationId: dslId, memberId: member.id }) : null
  if (!line) notFound()
  return { line }
}

export default function DslLinePage() {
  const { line } = useLoaderData<typeof loader>()
  const { t, i18n } = useTranslation('dsl')
  const notSet = <span className="text-gray-600">{t('line.notSet')}</span>
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to="/subscriptions">← {t('common:nav.subscriptions')}</Link></p>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">
          {line.phoneNumber ? t('line.title', { phone: formatPhoneNumber(line.phoneNumber) }) : t('line.titleNoPhone', { id: line.configurationId })}
        </h1>
        {line.suspended ? <span className="badge bg-gray-200 text-gray-700">{t('line.suspended')}</span> : null}
      </div>
      <section className="card space-y-2" aria-labelledby="dsl-details">
        <h2 id="dsl-details" className="text-lg font-semibold">{t('line.details')}</h2>
        <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="font-medium">{t('line.offer')}</dt><dd>{line.subscription.offer.name}</dd>
          <dt className="font-medium">{t('line.phoneNumber')}</dt><dd className="font-mono">{line.phoneNumber ? formatPhoneNumber(line.phoneNumber) : notSet}</dd>
          <dt className="font-medium">{t('line.providerName')}</dt><dd>{line.providerName || notSet}</dd>
          <dt className="font-medium">{t('line.lineReference')}</dt><dd className="font-mono">{line.lineReference || notSet}</dd>
          <dt className="font-medium">{t('line.activationDate')}</dt><dd>{line.activationDate ? formatDate(line.activationDate, i18n.language) : notSet}</dd>
          {line.comment ? <><dt className="font-medium">{t('line.comment')}</dt><dd>{line.comment}</dd></> : null}
        </dl>
        <SubnetList subnets={line.subnets} />
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction<typeof loader> = ({ matches }) => pageTitle(matches, 'dsl:line.details')
