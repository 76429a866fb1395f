import type { LoaderFunctionArgs } from '@remix-run/node'
import { themeStylesheet } from '#app/models/isp/theme.ts'

/**
 * The ISP's colours as CSS variables over Coin's (app/tailwind.css): the header, buttons, links
 * and focus rings take them. Named by the colour itself, so a copy never goes stale and can be
 * kept for a year; a colour that is not #rrggbb gets 404.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const color = new URL(request.url).searchParams.get('color') ?? ''
  const css = themeStylesheet(color)
  if (css === null) return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
  return new Response(css, { headers: { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=31536000, immutable', 'X-Content-Type-Options': 'nosniff' } })
}
