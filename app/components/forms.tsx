import { useNavigation, useFormAction } from '@remix-run/react'
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react'
import { useTranslation } from 'react-i18next'

type Errors = string[] | undefined

/** Error messages are keys of the "errors" namespace. */
export function ErrorList({ id, errors }: { id?: string; errors: Errors }) {
  const { t } = useTranslation('errors')
  if (!errors?.length) return null
  return (
    <ul id={id} className="mt-1 space-y-0.5 text-sm text-red-700">
      {errors.map((e) => (
        <li key={e}>{t(e, { defaultValue: e })}</li>
      ))}
    </ul>
  )
}

type FieldProps = { label: ReactNode; errors?: Errors; help?: ReactNode; className?: string }

export function Field({ label, errors, help, className, ...inputProps }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const fallbackId = useId()
  const id = inputProps.id ?? fallbackId
  const errorId = errors?.length ? `${id}-error` : undefined
  const helpId = help ? `${id}-help` : undefined
  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      <input
        {...inputProps}
        id={id}
        className="input"
        aria-invalid={errorId ? true : undefined}
        aria-describedby={[errorId, helpId].filter(Boolean).join(' ') || undefined}
      />
      {help ? <p id={helpId} className="mt-1 text-xs text-gray-500">{help}</p> : null}
      <ErrorList id={errorId} errors={errors} />
    </div>
  )
}

export function TextareaField({ label, errors, help, className, ...props }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const fallbackId = useId()
  const id = props.id ?? fallbackId
  const errorId = errors?.length ? `${id}-error` : undefined
  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      <textarea {...props} id={id} className="input" aria-invalid={errorId ? true : undefined} aria-describedby={errorId} />
      {help ? <p className="mt-1 text-xs text-gray-500">{help}</p> : null}
      <ErrorList id={errorId} errors={errors} />
    </div>
  )
}

export function SelectField({ label, errors, className, children, ...props }: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  const fallbackId = useId()
  const id = props.id ?? fallbackId
  const errorId = errors?.length ? `${id}-error` : undefined
  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      <select {...props} id={id} className="input" aria-invalid={errorId ? true : undefined} aria-describedby={errorId}>
        {children}
      </select>
      <ErrorList id={errorId} errors={errors} />
    </div>
  )
}

/** True while this page's form is being submitted. */
export function useIsPending({ formAction }: { formAction?: string } = {}) {
  const navigation = useNavigation()
  const contextualAction = useFormAction()
  return navigation.state === 'submitting' && navigation.formAction === (formAction ?? contextualAction)
}

export function SubmitButton({ children, pending, className = 'btn', ...props }: { pending?: boolean } & React.ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button type="submit" className={className} aria-busy={pending || undefined} disabled={pending} {...props}>
      {children}
      {pending ? <span aria-hidden="true">…</span> : null}
    </button>
  )
}
