import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { SubmitButton } from '#app/components/forms.tsx'
import { getMemberLists, setMemberLists } from '#app/models/maillist/lists.server.ts'
import { ListChoiceSchema, subscriberName } from '#app/models/maillist/maillist.schema.ts'
import { MemberIdParams } from '#app/models/member/params.ts'
import { requireStaff } from '#app/utils/auth.server.ts'
import { badRequest, readFormData } from '#app/utils/form.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { requireModule } from '#app/utils/modules.server.ts'

async function requireMemberLists(params: LoaderFunctionArgs['params']) {
  const { memberId } = MemberIdParams.parse(params)
  const page = memberId ? await getMemberLists(memberId) : null
  if (!page) notFound()
  return page
}

/** A member's mailing lists, as staff see and tick them. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request)
  requireModule('maillists')
  const { member, lists } = await requireMemberLists(params)
  return { member: { id: member.id, name: subscriberName(member), email: member.email }, lists }
}

/** Saves the ticked lists as the member's subscriptions. */
export async function action({ request, params }: ActionFunctionArgs) {
  await requireStaff(request)
  requireModule('maillists')
  const { member } = await requireMemberLists(params)
  const parsed = ListChoiceSchema.safeParse({ listId: (await readFormData(request)).getAll('listId') })
  if (!parsed.success) badRequest('malformedForm', 'listId')
  await setMemberLists({ memberId: member.id, listIds: parsed.data.listId })
  return redirect(`/admin/members/${member.id}/lists?saved=1`)
}

export default function MemberLists() {
  const { member, lists } = useLoaderData<typeof loader>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('lists')
  return (
    <div className="space-y-6">
      <p className="text-sm"><Link to={`/admin/members/${member.id}`}>← {t('memberLists.back')}</Link></p>
      <h1 className="text-2xl font-semibold">{t('memberLists.title', { name: member.name })}</h1>
      {searchParams.get('saved') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('memberLists.saved')}</p> : null}
      {member.email ? null : <p className="rounded bg-amber-50 p-2 text-sm">{t('memberLists.noEmail')}</p>}
      {lists.length === 0 ? <p className="text-sm text-gray-600">{t('admin.none')}</p> : (
        <Form method="POST" className="card space-y-3">
          <ul className="space-y-2">
            {lists.map((list) => (
              <li key={list.id}>
                <label className="flex items-center gap-2">
                  <input type="checkbox" name="listId" value={list.id} defaultChecked={list.subscribed} />
                  <span className="font-medium">{list.label}</span> <span className="text-sm text-gray-600">({list.address})</span>
                </label>
              </li>
            ))}
          </ul>
          <SubmitButton>{t('memberLists.save')}</SubmitButton>
        </Form>
      )}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'lists:admin.title')
