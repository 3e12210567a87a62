/**
 * Form pieces shared by the account pages (/account/*) and the account
 * steps of the sign-in flow (/authorize): labelled inputs with their
 * inline error, the new-password pair, the registration fields.
 * Server-only.
 * @module
 */
import type { ComponentChildren, VNode } from "preact";
import { Form } from "../Form.tsx";

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

export interface ForgotPasswordBodyProps {
  csrf: string;
  /** Where the form posts. */
  action: string;
  /** Mail is configured. */
  available: boolean;
  /** The request was taken. */
  sent?: boolean;
  error?: string;
  identifier?: string;
  /** Hidden fields the form carries on (an authorization request). */
  children?: ComponentChildren;
}

/** "Forgot password": the form, its answer, or why it is not offered. */
export function ForgotPasswordBody(props: ForgotPasswordBodyProps): VNode {
  if (!props.available) {
    return (
      <p>
        Password recovery by email is not set up on this server. Ask your
        administrator to set a new password for you.
      </p>
    );
  }
  if (props.sent) {
    return (
      <p class="notice" role="status">
        If an account matches, we sent a link to its email address. It works
        once, for 30 minutes.
      </p>
    );
  }
  return (
    <>
      <p class="muted">
        Enter your username or email address and we will mail you a link to
        choose a new password.
      </p>
      <FormMessage error={props.error} />
      <Form action={props.action} csrf={props.csrf}>
        {props.children}
        <Input
          name="identifier"
          label="Username or email address"
          value={props.identifier}
          autocomplete="username"
          required
          autofocus
          maxLength={254}
        />
        <button type="submit">Send the link</button>
      </Form>
    </>
  );
}

/** The new password an admin asked for at this sign-in. */
export function ChangePasswordBody(
  props: {
    csrf: string;
    action: string;
    username: string;
    error?: string;
    /** The ticket and any fields the form carries on. */
    children: ComponentChildren;
  },
): VNode {
  return (
    <>
      <h1>Choose a new password</h1>
      <p class="muted">
        Your administrator asked <strong>{props.username}</strong>{" "}
        to set a new password before going on.
      </p>
      <Form action={props.action} csrf={props.csrf}>
        {props.children}
        <NewPasswordFields error={props.error} autofocus />
        <button type="submit">Set password and continue</button>
      </Form>
    </>
  );
}
