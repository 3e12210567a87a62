import type { VNode } from "preact";
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

/** Username/password sign-in, posting back to /authorize. */
export function LoginForm(
  { request, csrf, error, username, offers }: LoginFormProps,
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
        <label for="username">Username</label>
        <input
          id="username"
          name="username"
          type="text"
          autocomplete="username"
          value={username ?? request.loginHint ?? ""}
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
      <p>
        <strong>{request.client.name}</strong> wants to:
      </p>
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
