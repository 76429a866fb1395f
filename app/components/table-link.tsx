import { useNavigate } from '@remix-run/react'
import { useCallback, type MouseEvent } from 'react'

/**
 * The click handler of the many links of a long table (a row each): plain `<a href="/absolute">`
 * elements that all share this handler, so that a plain left click still navigates inside the app
 * as a `<Link>` does, while a new tab, a middle click or no JavaScript follow the address. A
 * `<Link>` runs several router hooks and resolves its path on every render; fifty of them were a
 * tenth of the time it took to render the members list (bench/README.md).
 */
export function useTableLinkClick() {
  const navigate = useNavigate()
  return useCallback(
    (event: MouseEvent<HTMLAnchorElement>) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.altKey || event.ctrlKey || event.shiftKey) return
      const href = event.currentTarget.getAttribute('href')
      if (!href?.startsWith('/') || event.currentTarget.target) return
      event.preventDefault()
      navigate(href)
    },
    [navigate],
  )
}
