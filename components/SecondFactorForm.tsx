/**
 * The second step of a sign-in (lib/oauth/authorize/outcome.ts
 * SecondFactorPage): a passkey, a code from the authenticator app, or a
 * recovery code, whichever the user has that reaches what the client
 * needs; or, with none set up, the way to set one up. The forms post back
 * to /authorize. The sign-in checks were just passed, so prompt=login,
 * select_account and max_age are not carried on (as on the consent page).
 * @module
 */
import type { ComponentChildren, VNode } from "preact";
import { ACR_MFA, rankOf } from "../lib/accounts/factors/levels.ts";
import { ACTION_FIELD } from "../lib/oauth/authorize/endpoint.ts";
import type { SecondFactorPage } from "../lib/oauth/authorize/outcome.ts";
import {
  HiddenParams,
  PasskeyChoice,
  withoutPrompts,
} from "./AuthorizationForms.tsx";
import { Form } from "./Form.tsx";

/** The authenticator app's 6-digit code, as phones autofill it. */
export function TOTPField({ id }: { id: string }): VNode {
  return (
    <>
      <label for={id}>Code from your authenticator app</label>
      <input
        id={id}
        name="code"
        type="text"
        inputMode="numeric"
        autocomplete="one-time-code"
        pattern="[0-9 ]{6,7}"
        maxLength={7}
        required
      />
    </>
  );
}

/** A recovery code, behind a disclosure (it is the way out, not the way in). */
export function RecoveryCodeField(
  { id, children }: { id: string; children: ComponentChildren },
): VNode {
  return (
    <details class="recovery">
      <summary>Use a recovery code</summary>
      {children}
      <label for={id}>Recovery code</label>
      <input
        id={id}
        name="code"
        type="text"
        autocomplete="off"
        spellcheck={false}
        maxLength={20}
        required
      />
      <p class="hint">
        Each recovery code works once.
      </p>
      <button type="submit" class="secondary">Use recovery code</button>
    </details>
  );
}

export interface SecondFactorFormProps {
  page: SecondFactorPage;
  csrf: string;
}

export function SecondFactorForm(
  { page, csrf }: SecondFactorFormProps,
): VNode {
  const { request, user, methods } = page;
  const params = withoutPrompts(request.params, ["login", "select_account"]);
  delete params.max_age;
  const passkeyOnly = rankOf(page.required) > rankOf(ACR_MFA);
  const none = !methods.totp && !methods.recoveryCode && !methods.passkey;
  return (
    <section class="card narrow">
      <h1>Confirm it's you</h1>
      <p class="muted">
        <strong>{request.client.name}</strong>{" "}
        {passkeyOnly ? "asks for a passkey sign-in" : "asks for a second step"}
        {" "}
        for <strong>{user.username}</strong>.
      </p>
      {page.error && <p class="error" role="alert">{page.error}</p>}
      {methods.passkey && (
        <PasskeyChoice
          offer={page.passkey}
          csrf={csrf}
          params={params}
          autofill={false}
          label="Use a passkey"
        />
      )}
      {methods.passkey && page.passkey?.state === "unavailable" && (
        <p class="muted">{page.passkey.reason}</p>
      )}
      {methods.totp && (
        <Form action="/authorize" csrf={csrf}>
          <HiddenParams params={params} />
          <input type="hidden" name={ACTION_FIELD} value="totp" />
          <TOTPField id="totp-code" />
          <button type="submit">Verify</button>
        </Form>
      )}
      {methods.recoveryCode && (
        <Form action="/authorize" csrf={csrf}>
          <RecoveryCodeField id="recovery-code">
            <HiddenParams params={params} />
            <input type="hidden" name={ACTION_FIELD} value="recovery_code" />
          </RecoveryCodeField>
        </Form>
      )}
      {none && (
        <>
          <p>
            {passkeyOnly
              ? "Your account has no passkey that this app accepts yet."
              : "Your account has no second factor set up yet."} Add{" "}
            {passkeyOnly ? "a passkey" : "an authenticator app or a passkey"} on
            {" "}
            <a href="/account/security" target="_blank">
              your account's security page
            </a>, then continue.
          </p>
          <Form action="/authorize" csrf={csrf}>
            <HiddenParams params={params} />
            <button type="submit">Continue</button>
          </Form>
        </>
      )}
    </section>
  );
}
