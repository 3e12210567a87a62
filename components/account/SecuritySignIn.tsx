/**
 * The account pages' own sign-in (/account/login): username and password,
 * or a passkey (also in the username field's autofill).
 * @module
 */
import type { VNode } from "preact";
import type { PasskeyOffer } from "../../lib/accounts/webauthn/offer.ts";
import {
  CredentialFields,
  PasskeyAlternative,
} from "../AuthorizationForms.tsx";
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
    </section>
  );
}
