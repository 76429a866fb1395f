import { listMemberEmails } from '#app/models/member/emails.server.ts'
import { listOffers } from '#app/models/offer/offers.server.ts'
import { UsageError } from './errors.ts'
import { parseDateOption } from './options.ts'

export type MembersEmailOptions = {
  subscribers?: boolean
  offer?: string[]
  feeUpToDate?: boolean
  feeExpired?: boolean
  date?: string
}

/** Validated `members_email` options, checked before the database is opened. */
export type MembersEmailQuery = {
  date: Date
  subscribers: boolean
  offers: string[]
  feeUpToDate?: boolean
}

const MAX_ID = 2_147_483_647

/** Checks the options of `members_email`; a mistake is a UsageError naming the option. */
export function parseMembersEmailOptions(options: MembersEmailOptions): MembersEmailQuery {
  if (options.feeUpToDate && options.feeExpired) throw new UsageError('--fee-up-to-date and --fee-expired cannot be used together')
  return {
    date: parseDateOption(options.date),
    subscribers: options.subscribers ?? false,
    offers: [...new Set(options.offer ?? [])],
    feeUpToDate: options.feeUpToDate ? true : options.feeExpired ? false : undefined,
  }
}

/**
 * Finds the offers named on the command line, each by reference first, then by numeric id
 * (as Coin does). An unknown one is a UsageError.
 */
async function resolveOfferIds(names: string[]) {
  if (names.length === 0) return []
  const offers = await listOffers()
  return names.map((name) => {
    const id = /^\d+$/.test(name) && Number(name) <= MAX_ID ? Number(name) : null
    const offer = offers.find((o) => o.reference === name) ?? offers.find((o) => o.id === id)
    if (!offer) throw new UsageError(`--offer: no offer with reference or id "${name}"`)
    return offer.id
  })
}

/** `coin members_email`: the addresses of current members matching the filters, sorted, each once. */
export async function listMembersEmail(query: MembersEmailQuery) {
  const offerIds = await resolveOfferIds(query.offers)
  return listMemberEmails({ date: query.date, subscribers: query.subscribers, offerIds, feeUpToDate: query.feeUpToDate })
}
