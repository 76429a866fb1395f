import { Form, Link, useNavigation, useFormAction } from '@remix-run/react'
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
type ControlProps = { id: string; className: string; 'aria-invalid'?: true; 'aria-describedby'?: string }

/**
 * A labelled form control with its help text and error messages, linked for screen readers
 * (aria-describedby, aria-invalid). `render` draws the control itself with the given props.
 */
function LabelledControl({ id: givenId, label, errors, help, className, render }: FieldProps & { id?: string; render: (props: ControlProps) => ReactNode }) {
  const fallbackId = useId()
  const id = givenId ?? fallbackId
  const errorId = errors?.length ? `${id}-error` : undefined
  const helpId = help ? `${id}-help` : undefined
  const describedBy = [errorId, helpId].filter(Boolean).join(' ') || undefined
  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      {render({ id, className: 'input', 'aria-invalid': errorId ? true : undefined, 'aria-describedby': describedBy })}
      {help ? <p id={helpId} className="mt-1 text-xs text-gray-500">{help}</p> : null}
      <ErrorList id={errorId} errors={errors} />
    </div>
  )
}

export function Field({ label, errors, help, className, ...props }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  return <LabelledControl id={props.id} label={label} errors={errors} help={help} className={className} render={(control) => <input {...props} {...control} />} />
}

export function TextareaField({ label, errors, help, className, ...props }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <LabelledControl id={props.id} label={label} errors={errors} help={help} className={className} render={(control) => <textarea {...props} {...control} />} />
}

export function SelectField({ label, errors, help, className, ...props }: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  return <LabelledControl id={props.id} label={label} errors={errors} help={help} className={className} render={(control) => <select {...props} {...control} />} />
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

/**
 * Deleting without JavaScript takes two posts: the first (intent "delete") only makes the action
 * answer `confirmDelete: true`, and then this asks the question with the button that really deletes
 * (intent "confirmDelete") and a way back.
 */
export function ConfirmDeleteForm({ confirming, question, labels }: {
  confirming: boolean
  question: string
  labels: { delete: string; confirm: string; cancel: string }
}) {
  if (!confirming) {
    return (
      <Form method="POST">
        <input type="hidden" name="intent" value="delete" />
        <SubmitButton className="btn-danger">{labels.delete}</SubmitButton>
      </Form>
    )
  }
  return (
    <div role="alert" className="space-y-2 rounded bg-amber-50 p-3">
      <p className="text-sm font-medium">{question}</p>
      <div className="flex flex-wrap items-center gap-3">
        <Form method="POST">
          <input type="hidden" name="intent" value="confirmDelete" />
          <SubmitButton className="btn-danger" autoFocus>{labels.confirm}</SubmitButton>
        </Form>
        <Link to=".">{labels.cancel}</Link>
      </div>
    </div>
  )
}
