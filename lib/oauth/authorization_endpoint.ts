/**
 * GET/POST /authorize: the authorization request itself (query or form
 * body), and the two forms it renders, sign-in and consent, which post back
 * here with the original parameters and an `_action`. Every step re-checks
 * the whole request, so a tampered hidden field is just a new request.
 * @module
 */
import type { ScopeRow, UserRow } from "../db/schema.ts";
import type { Deps } from "../deps.ts";
import { createSession, endSession } from "../security/session.ts";
import { signIn } from "../users.ts";
import {
  type AuthorizationRequest,
  checkMethodWithoutChallenge,
  parseAuthorizationRequest,
  RedirectableError,
} from "./authorize.ts";
import { authorizationResponse } from "./authorization_response.ts";
import { continueAuthorization, currentUserSession } from "./interaction.ts";

export const ACTION_FIELD = "_action";

export interface AuthorizeInput {
  method: "GET" | "POST";
  /** Query (GET) or form body (POST). */
  params: URLSearchParams;
  sessionCookie: string | undefined;
  ip: string | null;
  userAgent: string | null;
}

export type AuthorizeResult =
  | { kind: "response"; response: Response; setSession?: string }
  | {
    kind: "login";
    request: AuthorizationRequest;
    status: number;
    error?: string;
    username?: string;
    retryAfter?: number;
  }
  | {
    kind: "consent";
    request: AuthorizationRequest;
    user: UserRow;
    scopes: ScopeRow[];
    setSession?: string;
  };

/** True when a POST is one of our own forms (and so needs CSRF checks). */
export function isInteractionPost(input: AuthorizeInput): boolean {
  return input.method === "POST" && input.params.has(ACTION_FIELD);
}

/** Handles one /authorize request. OAuthErrors thrown here are shown on a page. */
export async function authorizationEndpoint(
  deps: Deps,
  input: AuthorizeInput,
): Promise<AuthorizeResult> {
  const action = isInteractionPost(input)
    ? input.params.get(ACTION_FIELD)
    : null;
  checkMethodWithoutChallenge(input.params);
  let request: AuthorizationRequest;
  try {
    request = await parseAuthorizationRequest(deps, input.params);
  } catch (err) {
    if (err instanceof RedirectableError) {
      return {
        kind: "response",
        response: authorizationResponse(
          err.target,
          deps.config.issuer,
          { error: err.error.code, error_description: err.error.description },
          input.method === "POST" ? 303 : 302,
        ),
      };
    }
    throw err;
  }
  const status = input.method === "POST" ? 303 : 302;
  let current = await currentUserSession(deps, input.sessionCookie);
  let freshLogin = false;
  let setSession: string | undefined;

  if (action === "login") {
    const username = input.params.get("username") ?? "";
    const result = await signIn(
      deps,
      username,
      input.params.get("password") ?? "",
      input.ip,
    );
    if (!result.ok) {
      return {
        kind: "login",
        request,
        status: result.reason === "limited" ? 429 : 401,
        error: result.reason === "limited"
          ? "Too many failed sign-in attempts. Try again later."
          : "The username or password is incorrect.",
        username,
        retryAfter: result.retryAfter,
      };
    }
    // A new session id at every sign-in stops session fixation.
    await endSession(deps.db, input.sessionCookie);
    const now = deps.now();
    const issued = await createSession(deps.db, {
      kind: "user",
      userID: result.user.id,
      authTime: now,
      ip: input.ip,
      userAgent: input.userAgent,
    }, now);
    current = { session: issued.session, user: result.user };
    freshLogin = true;
    setSession = issued.token;
  }

  const decisionValue = action === "consent"
    ? input.params.get("decision")
    : null;
  const decision = decisionValue === "allow" || decisionValue === "deny"
    ? decisionValue
    : undefined;
  const next = await continueAuthorization(deps, request, current, {
    freshLogin,
    decision: current ? decision : undefined,
    status,
  });
  switch (next.kind) {
    case "login":
      return { kind: "login", request, status: 200 };
    case "consent":
      return { ...next, setSession };
    case "response":
      return { kind: "response", response: next.response, setSession };
  }
}
