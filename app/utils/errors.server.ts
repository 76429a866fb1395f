/**
 * A business rule refused an operation. Routes turn it into a form error (never a 500);
 * `code` names the rule, `message` is an i18n key of the "errors" namespace, and `values` what
 * the message names, when it names something (the subnets in the way, the network meant).
 */
export class DomainError extends Error {
  readonly code: string
  readonly status: number
  readonly values?: Record<string, string>
  constructor({ code, message, status = 409, cause, values }: { code: string; message: string; status?: number; cause?: unknown; values?: Record<string, string> }) {
    super(message, { cause })
    this.name = 'DomainError'
    this.code = code
    this.status = status
    this.values = values
  }
}
