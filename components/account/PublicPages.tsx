/**
 * The account pages for someone not signed in: sign in to the account,
 * forgot password, the reset link's form, the verification link's
 * confirmation, create an account, and plain notices. Links open forms;
 * nothing is used up by merely opening a link (mail scanners open them
 * too): each link's page asks for a click. Server-only.
 * @module
 */
import type { VNode } from "preact";
import type { PasskeyOffer } from "../../lib/accounts/webauthn/offer.ts";
import {
  CredentialFields,
  PasskeyAlternative,
} from "../AuthorizationForms.tsx";
import { Form } from "../Form.tsx";
import {
  ChangePasswordBody,
  ForgotPasswordBody,
  FormMessage,
  NewPasswordFields,
  RegisterFields,
  type RegisterFieldValues,
} from "./fields.tsx";

export interface AccountSignInProps {
  csrf: string;
  /** Where to go after signing in (an /account page). */
  next: string;
  error?: string;
  notice?: string;
  username?: string;
  /** Mail is on: "Forgot password?". */
  recovery: boolean;
  /** Registration is on: "Create an account". */
  registration: boolean;
  /** Passkeys: also offered in the username field's autofill. */
  passkey: PasskeyOffer;
}

export function AccountSignIn(props: AccountSignInProps): VNode {
  const action = `/account/login?next=${encodeURIComponent(props.next)}`;
  return (
    <section class="card narrow">
      <h1>Sign in to your account</h1>
      <FormMessage error={props.error} notice={props.notice} />
      <Form action={action} csrf={props.csrf}>
        <input type="hidden" name="_action" value="login" />
        <CredentialFields
          username={props.username ?? ""}
          passkey={props.passkey}
        />
        <button type="submit">Sign in</button>
      </Form>
      <PasskeyAlternative
        offer={props.passkey}
        csrf={props.csrf}
        params={{}}
        action={action}
      />
      {(props.recovery || props.registration) && (
        <p class="step-links">
          {props.recovery && <a href="/account/forgot">Forgot password?</a>}
          {props.registration && (
            <a href="/account/register">Create an account</a>
          )}
        </p>
      )}
    </section>
  );
}

export function AccountChangePassword(
  { csrf, next, ticket, username, error }: {
    csrf: string;
    next: string;
    ticket: string;
    username: string;
    error?: string;
  },
): VNode {
  return (
    <section class="card narrow">
      <ChangePasswordBody
        csrf={csrf}
        action={`/account/login?next=${encodeURIComponent(next)}`}
        username={username}
        error={error}
      >
        <input type="hidden" name="_action" value="change_password" />
        <input type="hidden" name="ticket" value={ticket} />
      </ChangePasswordBody>
    </section>
  );
}

/** A message, with a link on. */
export function AccountNotice(
  { title, message, link }: {
    title: string;
    message: string;
    link?: { href: string; label: string };
  },
): VNode {
  return (
    <section class="card narrow">
      <h1>{title}</h1>
      <p role="status">{message}</p>
      {link && (
        <p class="step-links">
          <a href={link.href}>{link.label}</a>
        </p>
      )}
    </section>
  );
}

export function ForgotPasswordPage(
  { csrf, available, sent, error, identifier }: {
    csrf: string;
    available: boolean;
    sent?: boolean;
    error?: string;
    identifier?: string;
  },
): VNode {
  return (
    <section class="card narrow">
      <h1>Reset your password</h1>
      <ForgotPasswordBody
        csrf={csrf}
        action="/account/forgot"
        available={available}
        sent={sent}
        error={error}
        identifier={identifier}
      />
      <p class="step-links">
        <a href="/account/login">Back to sign in</a>
      </p>
    </section>
  );
}

export function ResetPasswordPage(
  { csrf, token, error }: { csrf: string; token: string; error?: string },
): VNode {
  return (
    <section class="card narrow">
      <h1>Choose a new password</h1>
      <p class="muted">
        Setting it signs you out everywhere and signs out the apps you use.
      </p>
      <Form action="/account/reset" csrf={csrf}>
        <input type="hidden" name="token" value={token} />
        <NewPasswordFields error={error} autofocus />
        <button type="submit">Set new password</button>
      </Form>
    </section>
  );
}

export function VerifyEmailPage(
  { csrf, token }: { csrf: string; token: string },
): VNode {
  return (
    <section class="card narrow">
      <h1>Confirm your email address</h1>
      <p>Press the button to confirm that this address is yours.</p>
      <Form action="/account/verify" csrf={csrf}>
        <input type="hidden" name="token" value={token} />
        <button type="submit">Confirm my address</button>
      </Form>
    </section>
  );
}

export function RegisterPage(
  { csrf, values, errors, invite, emailRequired, fixedEmail }: {
    csrf: string;
    values: RegisterFieldValues;
    errors: Record<string, string>;
    invite: "ask" | "hidden" | "none";
    emailRequired: boolean;
    fixedEmail?: string | null;
  },
): VNode {
  return (
    <section class="card narrow">
      <h1>Create an account</h1>
      <FormMessage error={errors[""]} />
      <Form action="/account/register" csrf={csrf}>
        <RegisterFields
          values={values}
          errors={errors}
          invite={invite}
          emailRequired={emailRequired}
          fixedEmail={fixedEmail}
        />
        <button type="submit">Create account</button>
      </Form>
      <p class="step-links">
        <a href="/account/login">I have an account: sign in</a>
      </p>
    </section>
  );
}
