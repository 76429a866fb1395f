import { z } from 'zod'

/** A numeric id from the URL; anything that is not a positive integer becomes null (a 404). */
const idParam = z
  .string()
  .regex(/^\d{1,9}$/)
  .transform(Number)
  .nullable()
  .catch(null)

export const MemberIdParams = z.object({ memberId: idParam })
export const OfferIdParams = z.object({ offerId: idParam })
export const SubscriptionIdParams = z.object({ subscriptionId: idParam })
