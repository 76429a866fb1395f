import type { ActionFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { destroySession } from '#app/utils/session.server.ts'

export async function loader() {
  // Logging out changes state, so it is a POST only; a stray GET goes home.
  return redirect('/')
}

export async function action({ request }: ActionFunctionArgs) {
  // Anyone may end their own session; without one this only clears the cookie.
  return redirect('/login', { headers: { 'Set-Cookie': await destroySession(request) } })
}
