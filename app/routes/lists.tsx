import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { Form, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { SubmitButton } from '#app/components/forms.tsx'
import { getMemberLists, setMemberLists } from '#app/models/maillist/lists.server.ts'
import { ListChoiceSchema } from '#app/models/maillist/maillist.schema.ts'
import { requireMember } from '#app/utils/auth.server.ts'
import { badRequest, readFormData } from '#app/utils/form.server.ts'
import { notFound } from '#app/utils/http.server.ts'
import { pageTitle } from '#app/utils/meta.ts'
import { requireModule } from '#app/utils/modules.server.ts'

/** "Mes listes": every mailing list, ticked when the session member is on it. */
export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(request)
  requireModule('maillists')
  const page = await getMemberLists(member.id)
  if (!page) notFound()
  return { lists: page.lists, email: page.member.email }
}

/** Saves the ticked lists as the session member's subscriptions (the whole set, one post). */
export async function action({ request }: ActionFunctionArgs) {
  const member = await requireMember(request)
  requireModule('maillists')
  const parsed = ListChoiceSchema.safeParse({ listId: (await readFormData(request)).getAll('listId') })
  if (!parsed.success) badRequest('malformedForm', 'listId')
  await setMemberLists({ memberId: member.id, listIds: parsed.data.listId })
  return redirect('/lists?saved=1')
}

export default function MyLists() {
  const { lists, email } = useLoaderData<typeof loader>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('lists')
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('member.title')}</h1>
      {searchParams.get('saved') ? <p role="status" className="rounded bg-green-50 p-2 text-sm text-green-800">{t('member.saved')}</p> : null}
      {lists.length === 0 ? <p className="text-sm text-gray-600">{t('member.none')}</p> : (
        <Form method="POST" className="card space-y-4">
          <p className="text-sm">{email ? t('member.intro', { email }) : t('member.noEmail')}</p>
          <ul className="space-y-3">
            {lists.map((list) => (
              <li key={list.id}>
                <label className="flex items-start gap-2">
                  <input type="checkbox" name="listId" value={list.id} defaultChecked={list.subscribed} className="mt-1" aria-describedby={`list-${list.id}-description`} />
                  <span>
                    <span className="font-medium">{list.label}</span> <span className="text-sm text-gray-600">({list.address})</span>
                    <span id={`list-${list.id}-description`} className="block whitespace-pre-line text-sm text-gray-700">{list.description}</span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
          <SubmitButton>{t('member.save')}</SubmitButton>
        </Form>
      )}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'lists:member.title')
