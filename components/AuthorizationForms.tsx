import type { VNode } from "preact";
import type { ScopeRow, UserRow } from "../lib/db/schema.ts";
import { ACTION_FIELD } from "../lib/oauth/authorize/endpoint.ts";
import type { AuthorizationRequest } from "../lib/oauth/authorize/request.ts";
import { Form } from "./Form.tsx";

/** The authorization request's parameters as hidden fields. */
function HiddenParams(
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

export interface LoginFormProps {
  request: AuthorizationRequest;
  csrf: string;
  error?: string;
  username?: string;
}

/** Username/password sign-in, posting back to /authorize. */
export function LoginForm(
  { request, csrf, error, username }: LoginFormProps,
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
 * The user has just passed the sign-in checks, so prompt=login and max_age
 * are not carried into the answer (they would ask again in a loop).
 */
export function ConsentForm(
  { request, user, scopes, csrf }: ConsentFormProps,
): VNode {
  const params = { ...request.params };
  delete params.max_age;
  if (params.prompt) {
    const rest = params.prompt.split(" ").filter((p) => p !== "login");
    if (rest.length) params.prompt = rest.join(" ");
    else delete params.prompt;
  }
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
