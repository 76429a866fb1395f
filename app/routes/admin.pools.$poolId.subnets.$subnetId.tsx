import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorList, Field, SubmitButton } from '#app/components/forms.tsx'
import { DelegationSchema, ReverseEntrySchema, SubnetParams } from '#app/models/ip/ip.schema.ts'
import { domainErrorReply } from '#app/models/ip/messages.server.ts'
import { addReverseEntry, nameServerChoices, removeReverseEntry, setSubnetDelegation } from '#app/models/ip/reverse-dns.server.ts'
import { getPoolSubnet } from '#app/models/ip/subnets.server.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { readFormData } from '#app/utils/form.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { IdSchema } from '#app/utils/request.schema.ts'

const ActionSchema = z.discriminatedUnion('intent', [
  DelegationSchema.extend({ intent: z.literal('delegation') }),
  ReverseEntrySchema.extend({ intent: z.literal('addEntry') }),
  z.object({ intent: z.literal('removeEntry'), entryId: IdSchema }),
])

async function requireSubnet(params: LoaderFunctionArgs['params']) {
  const { poolId, subnetId } = SubnetParams.parse(params)
  const subnet = poolId && subnetId ? await getPoolSubnet({ poolId, subnetId }) : null
  if (!subnet) notFound()
  return subnet
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request)
  const subnet = await requireSubnet(params)
  return { subnet, nameServers: await nameServerChoices() }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request)
  const subnet = await requireSubnet(params)
  const submission = parseWithZod(await readFormData(request), { schema: ActionSchema })
  const intent = submission.payload.intent === 'delegation' ? 'delegation' : 'addEntry'
  if (submission.status !== 'success') return data({ intent, result: submission.reply() }, { status: 400 })
  const value = submission.value
  const here = `/admin/pools/${subnet.pool.id}/subnets/${subnet.id}`
  try {
    if (value.intent === 'delegation') {
      await setSubnetDelegation({ subnetId: subnet.id, delegateReverseDns: value.delegateReverseDns, nameServerIds: value.nameServerIds, actorId: staff.id })
      return redirect(`${here}?delegationSaved=1`)
    }
    if (value.intent === 'addEntry') {
      await addReverseEntry({ subnetId: subnet.id, ip: value.ip, name: value.name, ttl: value.ttl })
      return redirect(`${here}?entryAdded=1`)
    }
    await removeReverseEntry({ subnetId: subnet.id, entryId: value.entryId })
    return redirect(`${here}?entryRemoved=1`)
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    return data({ intent, result: submission.reply(await domainErrorReply(request, staff, error)) }, { status: 400 })
  }
}

const NOTICES = ['delegationSaved', 'entryAdded', 'entryRemoved'] as const

export default function SubnetPage() {
  const { subnet, nameServers } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('ip')
  const notice = NOTICES.find((key) => searchParams.get(key))
  const [delegationForm, delegationFields] = useForm({
    id: 'subnet-delegation',
    lastResult: actionData?.intent === 'delegation' ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: DelegationSchema }),
  })
  const [entryForm, entryFields] = useForm({
    id: 'subnet-entry',
    lastResult: actionData?.intent === 'addEntry' ? actionData.result : undefined,
    constraint: getZodConstraint(ReverseEntrySchema),
    defaultValue: { ttl: '3600' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ReverseEntrySchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  const chosen = new Set(subnet.nameServers.map((ns) => ns.id))
  return (
    <div className="space-y-4">
      <p className="text-sm"><Link to={`/admin/pools/${subnet.pool.id}`}>← {subnet.pool.name} <span className="font-mono">{subnet.pool.network}</span></Link></p>
      <h1 className="text-2xl font-semibold">{t('subnet.title', { network: subnet.network })}</h1>
      {notice ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t(`subnet.${notice}`)}</p> : null}
      <dl className="card grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
        <dt className="font-medium">{t('subnet.assignedTo')}</dt>
        <dd>
          {subnet.subscription ? (
            <>
              <Link to={`/admin/members/${subnet.subscription.member.id}`}>{subnet.subscription.member.name}</Link>{' '}
              <Link to={`/admin/subscriptions/${subnet.subscription.id}`} className="text-gray-600">{subnet.subscription.offerName} · {t('subnets.subscription', { id: subnet.subscription.id })}</Link>
            </>
          ) : t('subnets.setAsideBadge')}
        </dd>
        {subnet.comment ? <><dt className="font-medium">{t('subnets.comment')}</dt><dd>{subnet.comment}</dd></> : null}
      </dl>
      <Form method="POST" {...getFormProps(delegationForm)} className="card space-y-3" aria-labelledby="delegation-title">
        <h2 id="delegation-title" className="text-lg font-semibold">{t('subnet.delegation')}</h2>
        <input type="hidden" name="intent" value="delegation" />
        {delegationForm.errors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={delegationForm.errors} /></div> : null}
        <label className="flex items-center gap-2 font-normal">
          <input type="checkbox" name={delegationFields.delegateReverseDns.name} defaultChecked={subnet.delegateReverseDns} aria-describedby="delegate-help" />
          {t('subnet.delegate')}
        </label>
        <p id="delegate-help" className="text-xs text-gray-500">{t('subnet.delegateHelp')}</p>
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium">{t('subnet.nameServers')}</legend>
          {nameServers.length === 0 ? <p className="text-sm text-gray-600"><Link to="/admin/nameservers">{t('subnet.noNameServers')}</Link></p> : null}
          {nameServers.map((ns) => (
            <label key={ns.id} className="flex items-center gap-2 font-normal">
              <input type="checkbox" name={delegationFields.nameServerIds.name} value={ns.id} defaultChecked={chosen.has(ns.id)} />
              <span className="font-mono">{ns.dnsName}</span> {ns.description ? <span className="text-gray-600">{ns.description}</span> : null}
            </label>
          ))}
          <ErrorList errors={delegationFields.nameServerIds.errors} />
        </fieldset>
        <SubmitButton>{t('subnet.saveDelegation')}</SubmitButton>
      </Form>
      <section className="card space-y-3" aria-labelledby="entries-title">
        <h2 id="entries-title" className="text-lg font-semibold">{t('subnet.entries')}</h2>
        {subnet.entries.length === 0 ? <p className="text-sm text-gray-600">{t('subnet.noEntries')}</p> : (
          <table className="min-w-full divide-y divide-gray-200 text-sm">
            <thead className="text-left">
              <tr>
                <th scope="col" className="px-2 py-1 font-semibold">{t('subnet.ip')}</th>
                <th scope="col" className="px-2 py-1 font-semibold">{t('subnet.name')}</th>
                <th scope="col" className="px-2 py-1 text-right font-semibold">{t('subnet.ttl')}</th>
                <th scope="col" className="px-2 py-1"><span className="sr-only">{t('subnets.actions')}</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-gray-100">
              {subnet.entries.map((e) => (
                <tr key={e.id}>
                  <td className="px-2 py-1 font-mono">{e.ip}</td>
                  <td className="px-2 py-1 font-mono">{e.name}</td>
                  <td className="px-2 py-1 text-right">{e.ttl}</td>
                  <td className="px-2 py-1 text-right">
                    <Form method="POST">
                      <input type="hidden" name="intent" value="removeEntry" />
                      <input type="hidden" name="entryId" value={e.id} />
                      <button type="submit" className="btn-secondary" aria-label={t('subnet.removeEntryLabel', { ip: e.ip })}>{t('subnet.removeEntry')}</button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Form method="POST" {...getFormProps(entryForm)} className="space-y-3 border-t border-gray-100 pt-3">
          <input type="hidden" name="intent" value="addEntry" />
          {entryForm.errors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={entryForm.errors} /></div> : null}
          <div className="grid gap-3 sm:grid-cols-3">
            <Field label={t('subnet.ip')} {...getInputProps(entryFields.ip, { type: 'text' })} errors={entryFields.ip.errors} autoComplete="off" spellCheck={false} />
            <Field label={t('subnet.name')} {...getInputProps(entryFields.name, { type: 'text' })} errors={entryFields.name.errors} help={t('subnet.nameHelp')} autoComplete="off" spellCheck={false} />
            <Field label={t('subnet.ttl')} {...getInputProps(entryFields.ttl, { type: 'number' })} errors={entryFields.ttl.errors} />
          </div>
          <SubmitButton>{t('subnet.addEntry')}</SubmitButton>
        </Form>
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, 'ip:subnet.title', { network: data?.subnet.network ?? '' })
