/**
 * A business rule refused an operation. Routes turn it into a form error (never a 500);
 * `code` names the rule, `message` is an i18n key of the "errors" namespace.
 */
export class DomainError extends Error {
  readonly code: string
  readonly status: number
  constructor({ code, message, status = 409, cause }: { code: string; message: string; status?: number; cause?: unknown }) {
    super(message, { cause })
    this.name = 'DomainError'
    this.code = code
    this.status = status
  }
}
