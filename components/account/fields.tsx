/**
 * Form pieces shared by the account pages (/account/*) and the account
 * steps of the sign-in flow (/authorize): labelled inputs with their
 * inline error, the new-password pair, the registration fields.
 * Server-only.
 * @module
 */
import type { VNode } from "preact";

export interface InputProps {
  name: string;
  label: string;
  type?: string;
  value?: string;
  autocomplete?: string;
  required?: boolean;
  autofocus?: boolean;
  readOnly?: boolean;
  error?: string;
  hint?: string;
  maxLength?: number;
}

/** A labelled input; its error is tied to it for screen readers. */
export function Input(props: InputProps): VNode {
  const id = `f-${props.name.replace(/[^A-Za-z0-9_-]/g, "-")}`;
  const described = [
    props.hint ? `${id}-hint` : "",
    props.error ? `${id}-error` : "",
  ].filter(Boolean).join(" ");
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value ?? ""}
        autocomplete={props.autocomplete}
        required={props.required}
        autofocus={props.autofocus}
        readOnly={props.readOnly}
        maxLength={props.maxLength}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={described || undefined}
      />
      {props.error && (
        <p class="field-error" id={`${id}-error`}>{props.error}</p>
      )}
    </div>
  );
}

/** A sentence about the whole form. */
export function FormMessage(
  { error, notice }: { error?: string; notice?: string },
): VNode | null {
  if (error) return <p class="error" role="alert">{error}</p>;
  if (notice) return <p class="notice" role="status">{notice}</p>;
  return null;
}

/** New password, twice. */
export function NewPasswordFields(
  { error, autofocus }: { error?: string; autofocus?: boolean },
): VNode {
  return (
    <>
      <Input
        name="new_password"
        label="New password"
        type="password"
        autocomplete="new-password"
        required
        autofocus={autofocus}
        hint="At least 8 characters."
        error={error}
      />
      <Input
        name="confirm_password"
        label="New password, again"
        type="password"
        autocomplete="new-password"
        required
      />
    </>
  );
}

export interface RegisterFieldValues {
  username?: string;
  email?: string;
  invite?: string;
}

export interface RegisterFieldsProps {
  values: RegisterFieldValues;
  errors: Record<string, string>;
  /** REGISTRATION=invite: the invitation is asked for (or carried hidden). */
  invite: "ask" | "hidden" | "none";
  /** Mail is on: the address is needed (its link confirms the account). */
  emailRequired: boolean;
  /** The invitation is bound to this address. */
  fixedEmail?: string | null;
}

/** Username, email, password (and the invitation) of a new account. */
export function RegisterFields(props: RegisterFieldsProps): VNode {
  const { values, errors } = props;
  return (
    <>
      {props.invite === "ask" && (
        <Input
          name="invite"
          label="Invitation code or link"
          value={values.invite}
          required
          error={errors.invite}
          hint="Account creation here is by invitation."
        />
      )}
      {props.invite === "hidden" && (
        <input type="hidden" name="invite" value={values.invite ?? ""} />
      )}
      {props.invite === "hidden" && errors.invite && (
        <p class="error" role="alert">{errors.invite}</p>
      )}
      <Input
        name="username"
        label="Username"
        value={values.username}
        autocomplete="username"
        required
        autofocus
        maxLength={200}
        error={errors.username}
      />
      <Input
        name="email"
        label={props.emailRequired
          ? "Email address"
          : "Email address (optional)"}
        type="email"
        value={props.fixedEmail ?? values.email}
        readOnly={Boolean(props.fixedEmail)}
        autocomplete="email"
        required={props.emailRequired}
        maxLength={254}
        error={errors.email}
        hint={props.emailRequired
          ? "We send a link there to confirm the account."
          : undefined}
      />
      <Input
        name="password"
        label="Password"
        type="password"
        autocomplete="new-password"
        required
        hint="At least 8 characters."
        error={errors.password}
      />
    </>
  );
}
