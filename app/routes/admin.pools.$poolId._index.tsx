import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ConfirmDeleteForm, ErrorList } from '#app/components/forms.tsx'
import { PoolForm } from '#app/components/ip-pool-form.tsx'
import { AssignSubnetForm, SubnetTable } from '#app/components/ip-subnets.tsx'
import { PoolUsageBar } from '#app/components/ip-usage.tsx'
import { Pager } from '#app/components/pager.tsx'
import { parseIp } from '#app/models/ip/address.ts'
import { AssignSubnetSchema, PoolIdParams, PoolSchema, SubnetListQuerySchema } from '#app/models/ip/ip.schema.ts'
import { domainErrorReply } from '#app/models/ip/messages.server.ts'
import { deletePool, getPool, updatePool } from '#app/models/ip/pools.server.ts'
import { addSubnet, getPoolSubnet, listPoolSubnets, releasePoolSubnet } from '#app/models/ip/subnets.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { readFormData } from '#app/utils/form.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { IdSchema } from '#app/utils/request.schema.ts'

const ActionSchema = z.discriminatedUnion('intent', [
  PoolSchema.extend({ intent: z.literal('save') }),
  AssignSubnetSchema.extend({ intent: z.literal('assign') }),
  z.object({ intent: z.enum(['release', 'confirmRelease']), subnetId: IdSchema }),
  z.object({ intent: z.enum(['delete', 'confirmDelete']) }),
])

async function requirePool(params: LoaderFunctionArgs['params']) {
  const { poolId } = PoolIdParams.parse(params)
  const pool = poolId ? await getPool(poolId) : null
  if (!pool) notFound()
  return pool
}

/** A network from a notice parameter, shown only when it reads as one. */
const noticeNetwork = (value: string | null) => (value && value.length <= 64 && parseIp(value) ? value : null)

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request)
  const pool = await requirePool(params)
  const query = SubnetListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  const { total, pageCount, subnets } = await listPoolSubnets(pool.id, query)
  return { pool, query, total, pageCount, subnets }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request)
  const pool = await requirePool(params)
  const submission = parseWithZod(await readFormData(request), { schema: ActionSchema })
  if (submission.status !== 'success') {
    const intent = submission.payload.intent === 'assign' ? 'assign' : 'save'
    return data({ intent, result: submission.reply(), confirmRelease: null, confirmDelete: false }, { status: 400 })
  }
  const value = submission.value
  const back = (notice: string) => redirect(`/admin/pools/${pool.id}?${notice}`)
  try {
    switch (value.intent) {
      case 'save': {
        const { intent: _intent, ...input } = value
        await updatePool(pool.id, input)
        return back('saved=1')
      }
      case 'assign': {
        const { intent: _intent, ...input } = value
        const given = await addSubnet({ ...input, poolId: pool.id, actorId: staff.id })
        return back(`assigned=${encodeURIComponent(given.network)}`)
      }
      case 'release': {
        // Without JavaScript, releasing takes two posts: the first only asks for confirmation.
        const subnet = await getPoolSubnet({ poolId: pool.id, subnetId: value.subnetId })
        if (!subnet) return back('alreadyReleased=1')
        return data({ intent: value.intent, result: null, confirmRelease: { id: subnet.id, network: subnet.network }, confirmDelete: false })
      }
      case 'confirmRelease': {
        const released = await releasePoolSubnet({ poolId: pool.id, subnetId: value.subnetId, actorId: staff.id })
        return back(released ? `released=${encodeURIComponent(released.network)}` : 'alreadyReleased=1')
      }
      case 'delete':
        return data({ intent: value.intent, result: null, confirmRelease: null, confirmDelete: true })
      case 'confirmDelete':
        await deletePool(pool.id)
        return redirect('/admin/pools?deleted=1')
    }
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    const intent = value.intent === 'save' || value.intent === 'assign' ? value.intent : 'delete'
    return data({ intent, result: submission.reply(await domainErrorReply(request, staff, error)), confirmRelease: null, confirmDelete: false }, { status: 400 })
  }
}

export default function PoolPage() {
  const { pool, query, total, pageCount, subnets } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('ip')
  const assigned = noticeNetwork(searchParams.get('assigned'))
  const released = noticeNetwork(searchParams.get('released'))
  const notice = searchParams.get('created') ? t('pools.created')
    : searchParams.get('saved') ? t('pools.saved')
    : assigned ? t('assign.done', { network: assigned })
    : released ? t('subnets.released', { network: released })
    : searchParams.get('alreadyReleased') ? t('subnets.alreadyReleased') : null
  const resultOf = (intent: string) => (actionData?.intent === intent ? (actionData.result ?? undefined) : undefined)
  const deleteErrors = resultOf('delete')?.error?.['']
  const hrefOf = (page: number) => {
    const next = new URLSearchParams(searchParams)
    next.set('page', String(page))
    return `?${next.toString()}`
  }
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to="/admin/pools">← {t('pools.title')}</Link></p>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{t('pools.edit', { name: pool.name })}</h1>
        <span className="font-mono text-gray-700">{pool.network}</span>
      </div>
      {notice ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{notice}</p> : null}
      <PoolUsageBar usage={pool.usage} defaultPrefixLength={pool.defaultPrefixLength} name={pool.name} />
      <AssignSubnetForm lastResult={resultOf('assign')} defaultPrefixLength={pool.defaultPrefixLength} />
      <section className="space-y-3" aria-labelledby="subnets-title">
        <h2 id="subnets-title" className="text-lg font-semibold">{t('subnets.title')}</h2>
        <Form method="GET" role="search" className="card flex flex-wrap items-end gap-3">
          <div>
            <label htmlFor="filter">{t('subnets.filter')}</label>
            <select id="filter" name="filter" defaultValue={query.filter ?? ''} className="input">
              <option value="">{t('subnets.all')}</option>
              <option value="assigned">{t('subnets.assigned')}</option>
              <option value="setAside">{t('subnets.setAside')}</option>
            </select>
          </div>
          <div className="min-w-48 flex-1">
            <label htmlFor="q">{t('subnets.search')}</label>
            <input id="q" name="q" type="search" defaultValue={query.q} className="input" placeholder={t('subnets.searchPlaceholder')} />
          </div>
          <button type="submit" className="btn">{t('subnets.apply')}</button>
        </Form>
        <p className="text-sm text-gray-600" role="status">{t('subnets.count', { count: total })}</p>
        <SubnetTable poolId={pool.id} subnets={subnets} confirmRelease={actionData?.confirmRelease ?? null} />
        <Pager page={query.page} pageCount={pageCount} hrefOf={hrefOf} label={t('subnets.pagination')} />
      </section>
      <section className="space-y-3" aria-labelledby="pool-edit-title">
        <h2 id="pool-edit-title" className="text-lg font-semibold">{t('pools.editTitle')}</h2>
        <PoolForm
          isNew={false}
          lastResult={resultOf('save')}
          defaultValue={{ name: pool.name, network: pool.network, defaultPrefixLength: String(pool.defaultPrefixLength), description: pool.description }}
        />
      </section>
      <section className="card space-y-2" aria-labelledby="pool-offers">
        <h2 id="pool-offers" className="text-lg font-semibold">{t('pools.offers')}</h2>
        {pool.offers.length ? (
          <>
            <p className="text-sm text-gray-600">{t('pools.offersHelp')}</p>
            <ul className="list-disc pl-5 text-sm">
              {pool.offers.map((o) => <li key={o.id}><Link to={`/admin/offers/${o.id}`}>{o.name}</Link> <span className="font-mono text-gray-600">{o.reference}</span></li>)}
            </ul>
          </>
        ) : <p className="text-sm text-gray-600">{t('pools.noOffers')}</p>}
      </section>
      <section className="card space-y-3" aria-labelledby="pool-removal">
        <h2 id="pool-removal" className="text-lg font-semibold">{t('pools.removal')}</h2>
        {deleteErrors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={deleteErrors} /></div> : null}
        {pool.subnetCount > 0 ? <p className="text-sm">{t('pools.hasSubnets', { count: pool.subnetCount })}</p> : (
          <>
            <p className="text-sm">{t('pools.canDelete')}</p>
            <ConfirmDeleteForm
              confirming={actionData?.confirmDelete === true}
              question={t('pools.deleteQuestion', { name: pool.name })}
              labels={{ delete: t('pools.delete'), confirm: t('pools.confirmDelete'), cancel: t('pools.cancel') }}
            />
          </>
        )}
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, 'ip:pools.edit', { name: data?.pool.name ?? '' })
