import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { notFound } from '#app/utils/http.server.ts'

export async function loader() {
  // Public: any unknown address is a 404 page, logged in or not.
  notFound()
}

export default function NotFound() {
  return null
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
