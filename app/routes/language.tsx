import type { ActionFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { isLanguage } from '#app/i18n.ts'
import { safeRedirect } from '#app/utils/auth.server.ts'
import { setLanguage } from '#app/models/member/profile.server.ts'
import { languageCookie } from '#app/utils/i18n.server.ts'
import { getSessionMember } from '#app/utils/session.server.ts'
import { readFormData } from '#app/utils/form.server.ts'

export async function loader() {
  return redirect('/')
}

export async function action({ request }: ActionFunctionArgs) {
  // Open to everyone: a visitor's choice goes in a cookie, a member's also in their record.
  const member = await getSessionMember(request)
  const form = await readFormData(request)
  const language = form.get('language')
  const redirectTo = safeRedirect(form.get('redirectTo'))
  if (!isLanguage(language)) return redirect(redirectTo)
  if (member) await setLanguage({ memberId: member.id, language })
  return redirect(redirectTo, { headers: { 'Set-Cookie': await languageCookie.serialize(language) } })
}
