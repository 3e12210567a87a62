import type { VNode } from "preact";
import PasskeySignIn from "../islands/PasskeySignIn.tsx";
import type { PasskeyOffer } from "../lib/accounts/webauthn/offer.ts";
import type { ScopeRow, UserRow } from "../lib/db/schema.ts";
import { ACTION_FIELD } from "../lib/oauth/authorize/endpoint.ts";
import type { AuthorizationRequest } from "../lib/oauth/authorize/request.ts";
import { Form } from "./Form.tsx";

/** The authorization request's parameters as hidden fields. */
export function HiddenParams(
  { params }: { params: Record<string, string> },
): VNode {
  return (
    <>
      {Object.entries(params).map(([name, value]) => (
        <input type="hidden" name={name} value={value} key={name} />
      ))}
    </>
  );
}

/** What the sign-in page offers besides signing in (from the server's settings). */
export interface AccountOffers {
  /** Mail is configured: "Forgot password?". */
  recovery: boolean;
  /** Registration is on: "Create an account". */
  registration: boolean;
}

export interface LoginFormProps {
  request: AuthorizationRequest;
  csrf: string;
  error?: string;
  username?: string;
  passkey?: PasskeyOffer;
  offers?: AccountOffers;
}

/**
 * A button that posts the request on to another step of the flow
 * (`_action`), looking like a link.
 */
export function StepLink(
  { request, csrf, action, label, params }: {
    request: AuthorizationRequest;
    csrf: string;
    action: string;
    label: string;
    params?: Record<string, string>;
  },
): VNode {
  return (
    <Form action="/authorize" csrf={csrf} class="inline">
      <HiddenParams params={params ?? request.params} />
      <input type="hidden" name={ACTION_FIELD} value={action} />
      <button type="submit" class="link">{label}</button>
    </Form>
  );
}

export interface PasskeyChoiceProps {
  offer: PasskeyOffer | undefined;
  csrf: string;
  /** The fields the assertion is posted with. */
  params: Record<string, string>;
  autofill: boolean;
  label: string;
  /** Where the assertion is posted (default /authorize). */
  action?: string;
}

/**
 * The passkey way in: the button (and autofill) where this page can run
 * WebAuthn, else a link to the address where it can.
 */
export function PasskeyChoice(
  { offer, csrf, params, autofill, label, action }: PasskeyChoiceProps,
): VNode | null {
  if (offer?.state === "ready") {
    return (
      <PasskeySignIn
        csrf={csrf}
        action={action ?? "/authorize"}
        fields={{ ...params, [ACTION_FIELD]: "passkey" }}
        options={offer.options}
        autofill={autofill}
        label={label}
      />
    );
  }
  if (offer?.state === "elsewhere") {
    return (
      <p class="muted passkey-elsewhere">
        Passkeys work at this server's localhost address:{" "}
        <a href={offer.href}>open this page at {offer.origin}</a>.
      </p>
    );
  }
  return null;
}

/**
 * Username and password inputs. With passkeys on the page, the username
 * field also offers them in its autofill (WebAuthn conditional mediation;
 * the `webauthn` token must come last).
 */
export function CredentialFields(
  { username, passkey }: { username: string; passkey?: PasskeyOffer },
): VNode {
  return (
    <>
      <label for="username">Username</label>
      <input
        id="username"
        name="username"
        type="text"
        autocomplete={passkey?.state === "ready"
          ? "username webauthn"
          : "username"}
        value={username}
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
    </>
  );
}

/** "or Sign in with a passkey" below a password form, when there is a way. */
export function PasskeyAlternative(
  { offer, csrf, params, action }: {
    offer?: PasskeyOffer;
    csrf: string;
    params: Record<string, string>;
    action?: string;
  },
): VNode | null {
  if (!offer || offer.state === "unavailable") return null;
  return (
    <div class="alternative">
      <p class="divider">
        <span>or</span>
      </p>
      <PasskeyChoice
        offer={offer}
        csrf={csrf}
        params={params}
        action={action}
        autofill
        label="Sign in with a passkey"
      />
    </div>
  );
}

/** Username/password sign-in, posting back to /authorize; or a passkey. */
export function LoginForm(
  { request, csrf, error, username, passkey, offers }: LoginFormProps,
): VNode {
  return (
    <section class="card narrow">
      <h1>Sign in</h1>
      <p class="muted">
        to continue to <strong>{request.client.name}</strong>
      </p>
      {error && <p class="error" role="alert">{error}</p>}
      <Form action="/authorize" csrf={csrf}>
        <HiddenParams params={request.params} />
        <input type="hidden" name={ACTION_FIELD} value="login" />
        <CredentialFields
          username={username ?? request.loginHint ?? ""}
          passkey={passkey}
        />
        <button type="submit">Sign in</button>
      </Form>
      {(offers?.recovery || offers?.registration) && (
        <p class="step-links">
          {offers.recovery && (
            <StepLink
              request={request}
              csrf={csrf}
              action="forgot_password"
              label="Forgot password?"
            />
          )}
          {offers.registration && (
            <StepLink
              request={request}
              csrf={csrf}
              action="create_account"
              label="Create an account"
            />
          )}
        </p>
      )}
      <PasskeyAlternative
        offer={passkey}
        csrf={csrf}
        params={request.params}
      />
    </section>
  );
}

export interface SelectAccountFormProps {
  request: AuthorizationRequest;
  user: UserRow;
  csrf: string;
}

/** prompt values a form must not carry on (they were just answered). */
export function withoutPrompts(
  params: Record<string, string>,
  answered: string[],
): Record<string, string> {
  const out = { ...params };
  if (out.prompt) {
    const rest = out.prompt.split(" ").filter((p) => !answered.includes(p));
    if (rest.length) out.prompt = rest.join(" ");
    else delete out.prompt;
  }
  return out;
}

/**
 * prompt=select_account: continue as the signed-in account, or sign in as
 * another. The choice is made here, so the prompt is not carried on.
 */
export function SelectAccountForm(
  { request, user, csrf }: SelectAccountFormProps,
): VNode {
  return (
    <section class="card narrow">
      <h1>Choose an account</h1>
      <p class="muted">
        to continue to <strong>{request.client.name}</strong>
      </p>
      <Form action="/authorize" csrf={csrf}>
        <HiddenParams
          params={withoutPrompts(request.params, ["select_account"])}
        />
        <input type="hidden" name={ACTION_FIELD} value="select_account" />
        <div class="actions">
          <button type="submit" name="choice" value="continue">
            Continue as {user.username}
          </button>
          <button
            type="submit"
            name="choice"
            value="switch"
            class="secondary"
          >
            Use another account
          </button>
        </div>
      </Form>
    </section>
  );
}

export interface ConsentFormProps {
  request: AuthorizationRequest;
  user: UserRow;
  scopes: ScopeRow[];
  csrf: string;
}

/**
 * Who is asking, as far as this server knows: a metadata document client
 * is named by the host its document came from (anyone can pick a name,
 * not a host), a self-registered client is marked unverified.
 */
function ClientProvenance(
  { request }: { request: AuthorizationRequest },
): VNode | null {
  const { client } = request;
  if (client.registrationType === "metadata_document") {
    return (
      <p class="provenance" data-testid="client-host">
        Described by <strong class="host">{new URL(client.id).host}</strong>
        {" "}
        — only allow if you trust that site.
      </p>
    );
  }
  if (client.registrationType === "dynamic") {
    return (
      <p class="provenance warning" data-testid="client-unverified">
        <strong>Unverified app</strong>: it registered itself; nobody here has
        checked who runs it.
      </p>
    );
  }
  return null;
}

/** The APIs the tokens will be for (RFC 8707 resources). */
function ResourceNames(
  { request }: { request: AuthorizationRequest },
): VNode | null {
  if (request.resources.length === 0) return null;
  return (
    <p data-testid="consent-resources">
      Access to {request.resources.map((r, i) => (
        <span key={r.identifier}>
          {i > 0 ? ", " : ""}
          <strong>{r.name}</strong> <span class="muted">({r.identifier})</span>
        </span>
      ))}
    </p>
  );
}

/**
 * The consent screen: each requested scope's description, Allow or Deny.
 * The user has just passed the sign-in checks and chosen the account, so
 * prompt=login, select_account and max_age are not carried into the answer
 * (they would ask again in a loop).
 */
export function ConsentForm(
  { request, user, scopes, csrf }: ConsentFormProps,
): VNode {
  const params = withoutPrompts(request.params, ["login", "select_account"]);
  delete params.max_age;
  return (
    <section class="card narrow">
      <h1>Allow access?</h1>
      <ClientProvenance request={request} />
      <p>
        <strong>{request.client.name}</strong> wants to:
      </p>
      <ResourceNames request={request} />
      <ul class="scopes">
        {scopes.map((s) => (
          <li key={s.name}>
            {s.description} <span class="muted">({s.name})</span>
          </li>
        ))}
      </ul>
      <p class="muted">
        Signed in as {user.username}.
      </p>
      <Form action="/authorize" csrf={csrf}>
        <HiddenParams params={params} />
        <input type="hidden" name={ACTION_FIELD} value="consent" />
        <div class="actions">
          <button type="submit" name="decision" value="allow">Allow</button>
          <button
            type="submit"
            name="decision"
            value="deny"
            class="secondary"
          >
            Deny
          </button>
        </div>
      </Form>
    </section>
  );
}
