/**
 * GET/POST /authorize: the authorization request itself (query or form
 * body), and the forms it renders (sign-in, second factor, account choice,
 * consent, and the account steps of lib/oauth/authorize/account_steps.ts),
 * which post back here with the original parameters and an `_action`: an
 * authentication step (lib/oauth/authorize/sign_in.ts), an account step,
 * the account choice or the consent decision. Every step re-checks the
 * whole request, so a tampered hidden field is just a new request.
 * The answer is an AuthorizeOutcome for lib/oauth/authorize/writer.ts.
 * @module
 */
import { passkeyOffer } from "../../accounts/webauthn/offer.ts";
import type { Deps } from "../../deps.ts";
import type { Locale } from "../../i18n/locales.ts";
import { type AuthorizeCheck, checkAuthorizationRequest } from "./checks.ts";
import { continueAuthorization, currentUserSession } from "./interaction.ts";
import {
  type AuthorizeAnswer,
  type AuthorizeOutcome,
  errorRedirect,
} from "./outcome.ts";
import { SIGN_IN_STEPS, type SignInStep } from "./sign_in.ts";
import { ACCOUNT_STEPS } from "./account_steps.ts";

export const ACTION_FIELD = "_action";

export interface AuthorizeInput {
  method: "GET" | "POST";
  /** Query (GET) or form body (POST). */
  params: URLSearchParams;
  sessionCookie: string | undefined;
  /** The `device` cookie (lib/security/device_cookie.ts). */
  deviceCookie?: string;
  ip: string | null;
  userAgent: string | null;
  /** The address the request came to (passkeys depend on the host name). */
  requestURL: string;
  /** The pages' language (ui_locales, …): mails this request sends use it. */
  locale?: Locale;
}

export interface AuthorizationEndpointOptions {
  /** The checks of the request, in order (OAuth 2.0, then OIDC). */
  checks: readonly AuthorizeCheck[];
}

export type AuthorizationEndpoint = (
  deps: Deps,
  input: AuthorizeInput,
) => Promise<AuthorizeAnswer>;

/** True when a POST is one of our own forms (and so needs CSRF checks). */
export function isInteractionPost(input: AuthorizeInput): boolean {
  return input.method === "POST" && input.params.has(ACTION_FIELD);
}

/** Every step a form on /authorize posts, by its `_action`. */
const STEPS: Readonly<Record<string, SignInStep>> = {
  ...SIGN_IN_STEPS,
  ...ACCOUNT_STEPS,
};

/** The account choice's answer: continue as the signed-in user, or sign in as another. */
function accountChoice(
  action: string | null,
  params: URLSearchParams,
): "continue" | "switch" | undefined {
  if (action !== "select_account") return undefined;
  const value = params.get("choice");
  return value === "continue" || value === "switch" ? value : undefined;
}

/** The consent form's answer, when this request is one. */
function consentDecision(
  action: string | null,
  params: URLSearchParams,
): "allow" | "deny" | undefined {
  if (action !== "consent") return undefined;
  const value = params.get("decision");
  return value === "allow" || value === "deny" ? value : undefined;
}

/** A sign-in page also offers a passkey (any discoverable one). */
async function withPasskey(
  deps: Deps,
  outcome: AuthorizeOutcome,
  input: AuthorizeInput,
): Promise<AuthorizeOutcome> {
  if (outcome.kind !== "login" || outcome.passkey) return outcome;
  return {
    ...outcome,
    passkey: await passkeyOffer(deps, input.requestURL),
  };
}

/**
 * The authorization endpoint over an ordered list of checks.
 *
 * @example
 * ```ts
 * const authorize = createAuthorizationEndpoint({ checks: AUTHORIZE_CHECKS });
 * const answer = await authorize(deps, input);
 * ```
 */
export function createAuthorizationEndpoint(
  options: AuthorizationEndpointOptions,
): AuthorizationEndpoint {
  const { checks } = options;
  return async function authorizationEndpoint(deps, input) {
    const checked = await checkAuthorizationRequest(deps, input.params, checks);
    if (!checked.ok) {
      return {
        outcome: checked.target
          ? errorRedirect(checked.target, checked.error)
          : { kind: "error", error: checked.error },
        newSession: null,
      };
    }
    const { request } = checked;
    const action = isInteractionPost(input)
      ? input.params.get(ACTION_FIELD)
      : null;
    let current = await currentUserSession(deps, input.sessionCookie);
    let newSession: string | null = null;
    let newDevice: string | null = null;
    let fresh = false;
    const step = action !== null && Object.hasOwn(STEPS, action)
      ? STEPS[action]
      : undefined;
    if (step) {
      const result = await step(deps, request, input, current);
      if (!result.ok) {
        return {
          outcome: await withPasskey(deps, result.outcome, input),
          newSession: null,
        };
      }
      current = result.current;
      newSession = result.token;
      newDevice = result.device ?? null;
      fresh = result.fresh;
    }
    const choice = current ? accountChoice(action, input.params) : undefined;
    if (choice === "switch") {
      return {
        outcome: await withPasskey(
          deps,
          { kind: "login", request, status: 200 },
          input,
        ),
        newSession: null,
      };
    }
    const outcome = await continueAuthorization(deps, request, current, {
      freshLogin: fresh,
      decision: current ? consentDecision(action, input.params) : undefined,
      accountChosen: choice === "continue",
      requestURL: input.requestURL,
    });
    return {
      outcome: await withPasskey(deps, outcome, input),
      newSession,
      newDevice,
    };
  };
}
