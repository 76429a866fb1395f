import type { DomainError } from '#app/utils/errors.server.ts'
import { getFixedT, getLanguage } from '#app/utils/i18n.server.ts'
import type { SessionMember } from '#app/utils/session.server.ts'

/**
 * A refusal as the staff member reads it, for a form error, written out here in the staff
 * member's language: many name something (the subnets in the way, the network meant), and the
 * form's error list translates plain keys only. (Its own translation of a written-out message
 * is the message itself.)
 */
export async function domainErrorText(request: Request, staff: Pick<SessionMember, 'language'>, error: DomainError) {
  const t = getFixedT(await getLanguage(request, staff.language), 'errors')
  return t(error.message, error.values ?? {})
}

/** The form field each IP refusal is about ('' for the form as a whole). */
export const IP_ERROR_FIELDS: Record<string, string> = {
  IP_INVALID: 'network',
  IP_HOST_BITS: 'network',
  IP_OUTSIDE_POOL: 'network',
  IP_SUBNET_CONFLICT: 'network',
  IP_POOL_OVERLAP: 'network',
  IP_POOL_SHRINK: 'network',
  IP_DEFAULT_SIZE: 'defaultPrefixLength',
  IP_POOL_NAME_TAKEN: 'name',
  IP_PREFIX_LENGTH: 'prefixLength',
  IP_PREFIX_MISMATCH: 'prefixLength',
  IP_NO_CONFIGURATION: 'subscriptionId',
  IP_ENTRY_OUTSIDE: 'ip',
  IP_ENTRY_TAKEN: 'ip',
  IP_OWNER_NOT_FOUND: 'owner',
  IP_NAME_SERVER_NOT_FOUND: 'nameServerIds',
}

/** A refusal as a conform reply: on its field when it has one, else on the form. */
export async function domainErrorReply(request: Request, staff: Pick<SessionMember, 'language'>, error: DomainError) {
  const message = await domainErrorText(request, staff, error)
  const field = IP_ERROR_FIELDS[error.code] ?? ''
  return field ? { fieldErrors: { [field]: [message] } } : { formErrors: [message] }
}
