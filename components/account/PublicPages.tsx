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
import type { Message } from "../../lib/i18n/messages.ts";
import { useI18n } from "../../lib/i18n/translator.ts";
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
  error?: Message;
  notice?: Message;
  username?: string;
  /** Mail is on: "Forgot password?". */
  recovery: boolean;
  /** Registration is on: "Create an account". */
  registration: boolean;
  /** Passkeys: also offered in the username field's autofill. */
  passkey: PasskeyOffer;
}

export function AccountSignIn(props: AccountSignInProps): VNode {
  const { t } = useI18n();
  const action = `/account/login?next=${encodeURIComponent(props.next)}`;
  return (
    <section class="card narrow">
      <h1>{t("account_sign_in.title")}</h1>
      <FormMessage error={props.error} notice={props.notice} />
      <Form action={action} csrf={props.csrf}>
        <input type="hidden" name="_action" value="login" />
        <CredentialFields
          username={props.username ?? ""}
          passkey={props.passkey}
        />
        <button type="submit">{t("sign_in.submit")}</button>
      </Form>
      <PasskeyAlternative
        offer={props.passkey}
        csrf={props.csrf}
        params={{}}
        action={action}
      />
      {(props.recovery || props.registration) && (
        <p class="step-links">
          {props.recovery && (
            <a href="/account/forgot">{t("sign_in.forgot")}</a>
          )}
          {props.registration && (
            <a href="/account/register">{t("sign_in.create_account")}</a>
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
    error?: Message;
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
    title: Message;
    message: Message;
    link?: { href: string; label: Message };
  },
): VNode {
  const { text } = useI18n();
  return (
    <section class="card narrow">
      <h1>{text(title)}</h1>
      <p role="status">{text(message)}</p>
      {link && (
        <p class="step-links">
          <a href={link.href}>{text(link.label)}</a>
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
    error?: Message;
    identifier?: string;
  },
): VNode {
  const { t } = useI18n();
  return (
    <section class="card narrow">
      <h1>{t("forgot.title")}</h1>
      <ForgotPasswordBody
        csrf={csrf}
        action="/account/forgot"
        available={available}
        sent={sent}
        error={error}
        identifier={identifier}
      />
      <p class="step-links">
        <a href="/account/login">{t("flow.back_to_sign_in")}</a>
      </p>
    </section>
  );
}

export function ResetPasswordPage(
  { csrf, token, error }: { csrf: string; token: string; error?: Message },
): VNode {
  const { t } = useI18n();
  return (
    <section class="card narrow">
      <h1>{t("change_password.title")}</h1>
      <p class="muted">{t("reset.intro")}</p>
      <Form action="/account/reset" csrf={csrf}>
        <input type="hidden" name="token" value={token} />
        <NewPasswordFields error={error} autofocus />
        <button type="submit">{t("reset.submit")}</button>
      </Form>
    </section>
  );
}

export function VerifyEmailPage(
  { csrf, token }: { csrf: string; token: string },
): VNode {
  const { t } = useI18n();
  return (
    <section class="card narrow">
      <h1>{t("sign_in.verify_first.title")}</h1>
      <p>{t("verify.intro")}</p>
      <Form action="/account/verify" csrf={csrf}>
        <input type="hidden" name="token" value={token} />
        <button type="submit">{t("verify.submit")}</button>
      </Form>
    </section>
  );
}

export function RegisterPage(
  { csrf, values, errors, invite, emailRequired, fixedEmail }: {
    csrf: string;
    values: RegisterFieldValues;
    errors: Record<string, Message>;
    invite: "ask" | "hidden" | "none";
    emailRequired: boolean;
    fixedEmail?: string | null;
  },
): VNode {
  const { t } = useI18n();
  return (
    <section class="card narrow">
      <h1>{t("register.title")}</h1>
      <FormMessage error={errors[""]} />
      <Form action="/account/register" csrf={csrf}>
        <RegisterFields
          values={values}
          errors={errors}
          invite={invite}
          emailRequired={emailRequired}
          fixedEmail={fixedEmail}
        />
        <button type="submit">{t("register.submit")}</button>
      </Form>
      <p class="step-links">
        <a href="/account/login">{t("register.have_account")}</a>
      </p>
    </section>
  );
}
