import type { ReactNode } from 'react'

/**
 * The table of a staff list whose rows can be ticked for a bulk action (VPN accounts, equipment):
 * a first column of checkboxes the rows render themselves, the column headers, and a sentence
 * when there is no row.
 */
export function SelectableTable({ selectLabel, headers, empty, isEmpty, children }: {
  /** The screen-reader name of the checkbox column. */
  selectLabel: string
  headers: string[]
  /** Said under the headers when `isEmpty`. */
  empty: string
  isEmpty: boolean
  /** The rows, each starting with its checkbox cell. */
  children: ReactNode
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white">
      <table className="min-w-full divide-y divide-gray-200 text-sm">
        <thead className="bg-gray-50 text-left">
          <tr>
            <th scope="col" className="px-3 py-2"><span className="sr-only">{selectLabel}</span></th>
            {headers.map((header) => <th key={header} scope="col" className="px-3 py-2 font-semibold">{header}</th>)}
          </tr>
        </thead>
        <tbody className="divide-y divide-gray-100">{children}</tbody>
      </table>
      {isEmpty ? <p className="p-3 text-sm text-gray-600">{empty}</p> : null}
    </div>
  )
}
