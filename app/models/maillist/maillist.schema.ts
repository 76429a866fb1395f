import { z } from 'zod'

const required = (max: number) => z.string({ error: 'required' }).trim().min(1, { message: 'required' }).max(max, { message: 'tooLong' })

/** A mailing list as staff edit it. */
export const MailingListSchema = z.object({
  /**
   * The list's technical name on the list server. The command gets it as one argument, never
   * through a shell; it may not start with '-' (which a command would take for an option).
   */
  shortName: required(50).regex(/^[^-\p{Cc}][^\p{Cc}]*$/u, { message: 'lists:errors.shortNameInvalid' }),
  address: required(254).pipe(z.email({ message: 'lists:errors.addressInvalid' })).transform((a) => a.toLowerCase()),
  label: required(130),
  description: z.string().trim().max(5000, { message: 'tooLong' }).default(''),
})
export type MailingListInput = z.infer<typeof MailingListSchema>

/** The ticked lists of a "Mes listes" form (or of a member's lists on the staff page). */
export const ListChoiceSchema = z.object({
  listId: z.preprocess((v) => (v === undefined ? [] : [v].flat()), z.array(z.coerce.number().int().min(1).max(2_147_483_647)).max(1000)),
})

/** An id from the URL: a whole number PostgreSQL's integer holds, else null (a 404). */
const idParam = z.string().regex(/^\d{1,10}$/).transform(Number).pipe(z.number().int().min(1).max(2_147_483_647)).nullable().catch(null)
export const ListIdParams = z.object({ listId: idParam })

/** How a member is named on staff pages: their name, else their organisation, else their username. */
export function subscriberName(m: { username: string; firstName: string; lastName: string; organizationName: string }) {
  return `${m.firstName} ${m.lastName}`.trim() || m.organizationName || m.username
}
