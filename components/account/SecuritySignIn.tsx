/**
 * The account pages' own sign-in (/account/login): username and password,
 * or a passkey (also in the username field's autofill).
 * @module
 */
import type { VNode } from "preact";
import type { PasskeyOffer } from "../../lib/accounts/webauthn/offer.ts";
import { PasskeyChoice } from "../AuthorizationForms.tsx";
import { Form } from "../Form.tsx";

export interface SecuritySignInProps {
  csrf: string;
  next: string;
  error?: string;
  username?: string;
  passkey: PasskeyOffer;
}

export function SecuritySignIn(props: SecuritySignInProps): VNode {
  const action = `/account/login?next=${encodeURIComponent(props.next)}`;
  return (
    <section class="card narrow">
      <h1>Sign in to your account</h1>
      {props.error && <p class="error" role="alert">{props.error}</p>}
      <Form action={action} csrf={props.csrf}>
        <input type="hidden" name="_action" value="login" />
        <label for="username">Username</label>
        <input
          id="username"
          name="username"
          type="text"
          autocomplete={props.passkey.state === "ready"
            ? "username webauthn"
            : "username"}
          value={props.username ?? ""}
          required
          autofocus
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
        />
        <button type="submit">Sign in</button>
      </Form>
      {props.passkey.state !== "unavailable" && (
        <div class="alternative">
          <p class="divider">
            <span>or</span>
          </p>
          <PasskeyChoice
            offer={props.passkey}
            csrf={props.csrf}
            params={{}}
            action={action}
            autofill
            label="Sign in with a passkey"
          />
        </div>
      )}
    </section>
  );
}
