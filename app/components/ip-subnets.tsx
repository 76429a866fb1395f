import { getFormProps, getInputProps, useForm, type SubmissionResult } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { Form, Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AssignSubnetSchema } from '#app/models/ip/ip.schema.ts'
import { ErrorList, Field, SubmitButton, useIsPending } from './forms.tsx'

/**
 * Giving out a subnet: a network typed, or nothing for the first free block (of the prefix
 * length typed, else the pool's default size); for a subscription, or set aside.
 */
export function AssignSubnetForm({ lastResult, defaultPrefixLength }: { lastResult?: SubmissionResult<string[]>; defaultPrefixLength: number }) {
  const { t } = useTranslation('ip')
  const pending = useIsPending()
  const [form, fields] = useForm({
    id: 'subnet-assign',
    lastResult,
    constraint: getZodConstraint(AssignSubnetSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AssignSubnetSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  })
  return (
    <Form method="POST" {...getFormProps(form)} className="card space-y-3" aria-labelledby="assign-title">
      <h2 id="assign-title" className="text-lg font-semibold">{t('assign.title')}</h2>
      <input type="hidden" name="intent" value="assign" />
      {form.errors?.length ? <div role="alert" className="rounded bg-red-50 p-2"><ErrorList errors={form.errors} /></div> : null}
      <div className="grid gap-3 sm:grid-cols-4">
        <Field label={t('assign.network')} {...getInputProps(fields.network, { type: 'text' })} errors={fields.network.errors} help={t('assign.networkHelp')} autoComplete="off" spellCheck={false} />
        <Field
          label={t('assign.prefixLength')}
          {...getInputProps(fields.prefixLength, { type: 'number' })}
          errors={fields.prefixLength.errors}
          help={t('assign.prefixLengthHelp', { size: defaultPrefixLength })}
        />
        <Field label={t('assign.subscription')} {...getInputProps(fields.subscriptionId, { type: 'text' })} inputMode="numeric" errors={fields.subscriptionId.errors} help={t('assign.subscriptionHelp')} />
        <Field label={t('assign.comment')} {...getInputProps(fields.comment, { type: 'text' })} errors={fields.comment.errors} />
      </div>
      <SubmitButton pending={pending}>{t('assign.submit')}</SubmitButton>
    </Form>
  )
}

export type SubnetListRow = {
  id: number
  network: string
  comment: string
  delegateReverseDns: boolean
  entryCount: number
  subscription: { id: number; offerName: string } | null
  member: { id: number; username: string; name: string } | null
}

/** Asks again before releasing (without JavaScript, the first post only asks). */
function ReleaseConfirmation({ subnet }: { subnet: { id: number; network: string } }) {
  const { t } = useTranslation('ip')
  return (
    <div role="alert" className="space-y-2 rounded bg-amber-50 p-3">
      <p className="text-sm font-medium">{t('subnets.releaseQuestion', { network: subnet.network })}</p>
      <div className="flex flex-wrap items-center gap-3">
        <Form method="POST">
          <input type="hidden" name="intent" value="confirmRelease" />
          <input type="hidden" name="subnetId" value={subnet.id} />
          <SubmitButton className="btn-danger" autoFocus>{t('subnets.confirmRelease')}</SubmitButton>
        </Form>
        <Link to=".">{t('pools.cancel')}</Link>
      </div>
    </div>
  )
}

/** A page of a pool's subnets: who has each, its comment and reverse DNS, and its release button. */
export function SubnetTable({ poolId, subnets, confirmRelease }: { poolId: number; subnets: SubnetListRow[]; confirmRelease: { id: number; network: string } | null }) {
  const { t } = useTranslation('ip')
  return (
    <>
      {confirmRelease ? <ReleaseConfirmation subnet={confirmRelease} /> : null}
      <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
        <table className="min-w-full divide-y divide-gray-200 text-sm">
          <thead className="bg-gray-50 text-left">
            <tr>
              <th scope="col" className="px-3 py-2 font-semibold">{t('subnets.network')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('subnets.assignedTo')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('subnets.comment')}</th>
              <th scope="col" className="px-3 py-2 font-semibold">{t('subnets.reverseDns')}</th>
              <th scope="col" className="px-3 py-2 font-semibold"><span className="sr-only">{t('subnets.actions')}</span></th>
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {subnets.map((s) => (
              <tr key={s.id} className="hover:bg-gray-50">
                <td className="px-3 py-2 font-mono"><Link to={`/admin/pools/${poolId}/subnets/${s.id}`}>{s.network}</Link></td>
                <td className="px-3 py-2">
                  {s.member && s.subscription ? (
                    <>
                      <Link to={`/admin/members/${s.member.id}`}>{s.member.name}</Link>{' '}
                      <Link to={`/admin/subscriptions/${s.subscription.id}`} className="text-gray-600">{s.subscription.offerName} · {t('subnets.subscription', { id: s.subscription.id })}</Link>
                    </>
                  ) : (
                    <span className="badge bg-gray-200 text-gray-700">{t('subnets.setAsideBadge')}</span>
                  )}
                </td>
                <td className="px-3 py-2">{s.comment}</td>
                <td className="px-3 py-2 whitespace-nowrap">
                  {[s.delegateReverseDns ? t('subnets.delegated') : null, s.entryCount > 0 ? t('subnets.entries', { count: s.entryCount }) : null].filter(Boolean).join(', ')}
                </td>
                <td className="px-3 py-2 text-right">
                  <Form method="POST">
                    <input type="hidden" name="intent" value="release" />
                    <input type="hidden" name="subnetId" value={s.id} />
                    <button type="submit" className="btn-secondary" aria-label={t('subnets.releaseLabel', { network: s.network })}>{t('subnets.release')}</button>
                  </Form>
                </td>
              </tr>
            ))}
            {subnets.length === 0 ? (
              <tr><td colSpan={5} className="px-3 py-6 text-center text-gray-600">{t('subnets.none')}</td></tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </>
  )
}
