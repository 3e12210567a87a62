/**
 * Form pieces shared by the account pages (/account/*) and the account
 * steps of the sign-in flow (/authorize): labelled inputs with their
 * inline error, the new-password pair, the registration fields.
 * Server-only.
 * @module
 */
import type { ComponentChildren, VNode } from "preact";
import { PASSWORD_MIN_LENGTH } from "../../lib/accounts/passwords.ts";
import { TOKEN_LIFETIME } from "../../lib/accounts/tokens.ts";
import type { Message } from "../../lib/i18n/messages.ts";
import { useI18n } from "../../lib/i18n/translator.ts";
import { Form } from "../Form.tsx";

/** How long a reset link works, as the forgot-password answer says. */
const RESET_LINK_MINUTES = TOKEN_LIFETIME.reset_password / 60;

export interface InputProps {
  name: string;
  label: string;
  type?: string;
  value?: string;
  autocomplete?: string;
  required?: boolean;
  autofocus?: boolean;
  readOnly?: boolean;
  error?: Message;
  hint?: string;
  maxLength?: number;
}

/** A labelled input; its error is tied to it for screen readers. */
export function Input(props: InputProps): VNode {
  const { text } = useI18n();
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
        <p class="field-error" id={`${id}-error`}>{text(props.error)}</p>
      )}
    </div>
  );
}

/** A sentence about the whole form. */
export function FormMessage(
  { error, notice }: { error?: Message; notice?: Message },
): VNode | null {
  const { text } = useI18n();
  if (error) return <p class="error" role="alert">{text(error)}</p>;
  if (notice) return <p class="notice" role="status">{text(notice)}</p>;
  return null;
}

/** New password, twice. */
export function NewPasswordFields(
  { error, autofocus }: { error?: Message; autofocus?: boolean },
): VNode {
  const { t } = useI18n();
  return (
    <>
      <Input
        name="new_password"
        label={t("field.new_password")}
        type="password"
        autocomplete="new-password"
        required
        autofocus={autofocus}
        hint={t("field.password_hint", { min: PASSWORD_MIN_LENGTH })}
        error={error}
      />
      <Input
        name="confirm_password"
        label={t("field.new_password_again")}
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
  errors: Record<string, Message>;
  /** REGISTRATION=invite: the invitation is asked for (or carried hidden). */
  invite: "ask" | "hidden" | "none";
  /** Mail is on: the address is needed (its link confirms the account). */
  emailRequired: boolean;
  /** The invitation is bound to this address. */
  fixedEmail?: string | null;
}

/** Username, email, password (and the invitation) of a new account. */
export function RegisterFields(props: RegisterFieldsProps): VNode {
  const { t, text } = useI18n();
  const { values, errors } = props;
  return (
    <>
      {props.invite === "ask" && (
        <Input
          name="invite"
          label={t("register.invite_label")}
          value={values.invite}
          required
          error={errors.invite}
          hint={t("register.invite_hint")}
        />
      )}
      {props.invite === "hidden" && (
        <input type="hidden" name="invite" value={values.invite ?? ""} />
      )}
      {props.invite === "hidden" && errors.invite && (
        <p class="error" role="alert">{text(errors.invite)}</p>
      )}
      <Input
        name="username"
        label={t("field.username")}
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
          ? t("field.email")
          : t("field.email_optional")}
        type="email"
        value={props.fixedEmail ?? values.email}
        readOnly={Boolean(props.fixedEmail)}
        autocomplete="email"
        required={props.emailRequired}
        maxLength={254}
        error={errors.email}
        hint={props.emailRequired ? t("register.email_hint") : undefined}
      />
      <Input
        name="password"
        label={t("field.password")}
        type="password"
        autocomplete="new-password"
        required
        hint={t("field.password_hint", { min: PASSWORD_MIN_LENGTH })}
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
  error?: Message;
  identifier?: string;
  /** Hidden fields the form carries on (an authorization request). */
  children?: ComponentChildren;
}

/** "Forgot password": the form, its answer, or why it is not offered. */
export function ForgotPasswordBody(props: ForgotPasswordBodyProps): VNode {
  const { t } = useI18n();
  if (!props.available) return <p>{t("forgot.unavailable")}</p>;
  if (props.sent) {
    return (
      <p class="notice" role="status">
        {t("forgot.sent", { minutes: RESET_LINK_MINUTES })}
      </p>
    );
  }
  return (
    <>
      <p class="muted">{t("forgot.intro")}</p>
      <FormMessage error={props.error} />
      <Form action={props.action} csrf={props.csrf}>
        {props.children}
        <Input
          name="identifier"
          label={t("forgot.identifier")}
          value={props.identifier}
          autocomplete="username"
          required
          autofocus
          maxLength={254}
        />
        <button type="submit">{t("forgot.submit")}</button>
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
    error?: Message;
    /** The ticket and any fields the form carries on. */
    children: ComponentChildren;
  },
): VNode {
  const { t, rich } = useI18n();
  return (
    <>
      <h1>{t("change_password.title")}</h1>
      <p class="muted">
        {rich("change_password.asked", {
          username: <strong>{props.username}</strong>,
        })}
      </p>
      <Form action={props.action} csrf={props.csrf}>
        {props.children}
        <NewPasswordFields error={props.error} autofocus />
        <button type="submit">{t("change_password.submit")}</button>
      </Form>
    </>
  );
}
