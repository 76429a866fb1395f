import { z } from 'zod'

/** A member id from the URL; anything that is not a positive integer becomes null (a 404). */
export const MemberIdParams = z.object({
  memberId: z
    .string()
    .regex(/^\d{1,9}$/)
    .transform(Number)
    .nullable()
    .catch(null),
})
