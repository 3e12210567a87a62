/**
 * What happens after a valid authorization request: sign-in if there is no
 * usable session (or prompt=login / max_age demand a fresh one), a second
 * factor if the session is weaker than the client's policy or acr_values
 * ask, consent if the client's policy asks for it, then an authorization
 * code carrying how the user authenticated (amr, acr). prompt=none turns
 * each of those pages into login_required / consent_required (OIDC Core
 * §3.1.2.6).
 * @module
 */
import {
  type ACR,
  ACR_MFA,
  acrOf,
  answeredACR,
  parseAMR,
  passkeyACR,
  rankOf,
  requiredACR,
  satisfies,
} from "../../accounts/factors/levels.ts";
import { factorsOf } from "../../accounts/factors/second_factor.ts";
import { passkeyOffer } from "../../accounts/webauthn/offer.ts";
import { insertCode } from "../../db/codes.ts";
import { listCredentials } from "../../db/factors.ts";
import type { SessionRow, UserRow } from "../../db/schema.ts";
import { findScopes } from "../../db/scopes.ts";
import { findUserByID } from "../../db/users.ts";
import type { Deps } from "../../deps.ts";
import type { Message } from "../../i18n/messages.ts";
import { randomToken, sha256 } from "../../security/crypto.ts";
import { validateSession } from "../../security/session.ts";
import { storedResources } from "../resources.ts";
import { AccessDenied, ConsentRequired, LoginRequired } from "../errors.ts";
import { consentNeeded, rememberConsent } from "./consent.ts";
import { type AuthorizeOutcome, errorRedirect } from "./outcome.ts";
import type { AuthorizationRequest } from "./request.ts";

/** RFC 6749 §4.1.2: "A maximum authorization code lifetime of 10 minutes is RECOMMENDED"; ours is 60 s. */
export const CODE_LIFETIME = 60;

export interface UserSession {
  session: SessionRow;
  user: UserRow;
}

export interface ContinueOptions {
  /** The user signed in within this very request (satisfies prompt=login/max_age). */
  freshLogin: boolean;
  /** The answer from the consent form, when this request carries one. */
  decision?: "allow" | "deny";
  /** The user chose to continue with the signed-in account (prompt=select_account). */
  accountChosen?: boolean;
  /** The page's address (what a passkey offer depends on). */
  requestURL: string;
}

/** The signed-in user behind a `sid` cookie, if the session and user are live. */
export async function currentUserSession(
  deps: Deps,
  cookie: string | undefined,
): Promise<UserSession | null> {
  const session = await validateSession(deps.db, "user", cookie, deps.now());
  if (!session?.user_id) return null;
  const user = await findUserByID(deps.db, session.user_id);
  if (!user || user.disabled === 1) return null;
  return { session, user };
}

/** Whether the session is too old or a fresh sign-in was demanded. */
function needsLogin(
  deps: Deps,
  request: AuthorizationRequest,
  current: UserSession | null,
  freshLogin: boolean,
): boolean {
  if (!current) return true;
  if (freshLogin) return false;
  if (request.prompt.has("login")) return true;
  // OIDC Core §3.1.2.1 id_token_hint: "If the End-User identified by the ID
  // Token is logged in or is logged in by the request, then the
  // Authorization Server returns a positive response; otherwise, it SHOULD
  // return an error, such as login_required." Another user's session does
  // not answer for the hinted one.
  if (
    request.hintedUserID !== null &&
    request.hintedUserID !== current.user.id
  ) {
    return true;
  }
  // OIDC Core §3.1.2.1: max_age=0 asks for a fresh sign-in, like
  // prompt=login ("equivalent to prompt=login" in practice: no session
  // authenticated in the past is recent enough).
  if (request.maxAge === 0) return true;
  if (request.maxAge !== null) {
    return deps.now() - current.session.auth_time > request.maxAge;
  }
  return false;
}

/** Stores a single-use code (only its hash) bound to client, redirect URI, PKCE, nonce. */
async function issueCode(
  deps: Deps,
  request: AuthorizationRequest,
  current: UserSession,
): Promise<string> {
  const code = randomToken(32);
  const now = deps.now();
  await insertCode(deps.db, {
    code_hash: sha256(code),
    grant_id: crypto.randomUUID(),
    client_id: request.client.id,
    user_id: current.user.id,
    redirect_uri: request.redirectURI,
    scope: request.scopes.join(" "),
    code_challenge: request.codeChallenge,
    code_challenge_method: request.codeChallenge ? "S256" : null,
    nonce: request.nonce,
    auth_time: current.session.auth_time,
    session_id: current.session.id,
    amr: current.session.amr,
    acr: answeredACR(sessionACR(current), request.acrValues),
    expires_at: now + CODE_LIFETIME,
    consumed_at: null,
    created_at: now,
    resources: storedResources(request.resources),
  });
  return code;
}

/** The class a session's methods reach. */
export function sessionACR(current: UserSession): ACR {
  return acrOf(parseAMR(current.session.amr));
}

/** The class this request needs from the session. */
export function requestRequiredACR(request: AuthorizationRequest): ACR {
  return requiredACR(
    request.acrValues,
    request.client.policy.requireSecondFactor,
  );
}

export interface SecondFactorState {
  status?: number;
  error?: Message;
  retryAfter?: number;
}

/**
 * The second-factor page for `current`: the user's factors that can reach
 * the class the request needs (only passkeys reach a phishing-resistant
 * one; only device-bound passkeys a hardware-protected one).
 */
export async function secondFactorOutcome(
  deps: Deps,
  request: AuthorizationRequest,
  current: UserSession,
  requestURL: string,
  state: SecondFactorState = {},
): Promise<AuthorizeOutcome> {
  const required = requestRequiredACR(request);
  const user = current.user;
  const codes = rankOf(required) <= rankOf(ACR_MFA);
  const factors = await factorsOf(deps.db, user.id);
  const passkeys = (await listCredentials(deps.db, user.id)).filter((c) =>
    satisfies(passkeyACR(c.device_type === "multiDevice"), required)
  );
  const methods = {
    totp: codes && factors.totp,
    recoveryCode: codes && factors.recoveryCodes > 0,
    passkey: passkeys.length > 0,
  };
  return {
    kind: "second_factor",
    request,
    user,
    required,
    methods,
    status: state.status ?? 200,
    error: state.error,
    retryAfter: state.retryAfter,
    passkey: methods.passkey
      ? await passkeyOffer(deps, requestURL, passkeys)
      : undefined,
  };
}

/** Decides the next step for a validated request and the current session. */
export async function continueAuthorization(
  deps: Deps,
  request: AuthorizationRequest,
  current: UserSession | null,
  options: ContinueOptions,
): Promise<AuthorizeOutcome> {
  // Initiating User Registration 1.0 §4.1: with prompt=create the client
  // asks for the account creation experience instead of the sign-in form,
  // and once the account exists the flow returns to the client. So the
  // registration form comes first, even over a session (checkPrompt let
  // create through only while registration is on); after it (a fresh
  // sign-in) the flow goes on.
  if (request.prompt.has("create") && !options.freshLogin) {
    return { kind: "register", request, status: 200, values: {}, errors: {} };
  }
  if (needsLogin(deps, request, current, options.freshLogin)) {
    if (request.prompt.has("none")) {
      return errorRedirect(
        request,
        new LoginRequired("the user is not signed in"),
      );
    }
    return { kind: "login", request, status: 200 };
  }
  const user = current!;
  // OIDC Core §2 acr: "Authentication Context Class Reference. String
  // specifying an Authentication Context Class Reference value that
  // identifies the Authentication Context Class that the authentication
  // performed satisfied." A session that does not reach what the client's
  // policy or acr_values ask is asked for more (RFC 9470 §4's step-up).
  if (!satisfies(sessionACR(user), requestRequiredACR(request))) {
    // OIDC Core §3.1.2.6 login_required: "the Authentication Request
    // cannot be completed without displaying a user interface for End-User
    // authentication."
    if (request.prompt.has("none")) {
      return errorRedirect(
        request,
        new LoginRequired(
          "the session does not reach the authentication level the request needs",
        ),
      );
    }
    return await secondFactorOutcome(deps, request, user, options.requestURL);
  }
  // OIDC Core §3.1.2.1 select_account: "The Authorization Server SHOULD
  // prompt the End-User to select a user account." The signed-in account is
  // offered, with a way to use another; it is never answered silently.
  if (
    request.prompt.has("select_account") && !options.freshLogin &&
    !options.accountChosen && options.decision === undefined
  ) {
    return { kind: "select_account", request, user: user.user };
  }
  if (options.decision === "deny") {
    return errorRedirect(
      request,
      new AccessDenied("the user denied the request"),
    );
  }
  if (options.decision === "allow") {
    await rememberConsent(
      deps.db,
      request.client,
      user.user.id,
      request.scopes,
      deps.now(),
    );
  } else if (
    await consentNeeded(
      deps.db,
      request.client,
      user.user.id,
      request.scopes,
      request.prompt.has("consent"),
    )
  ) {
    if (request.prompt.has("none")) {
      return errorRedirect(
        request,
        new ConsentRequired("the user has not consented to these scopes"),
      );
    }
    const scopes = await findScopes(deps.db, request.scopes);
    const order = new Map(request.scopes.map((s, i) => [s, i]));
    scopes.sort((a, b) => order.get(a.name)! - order.get(b.name)!);
    return { kind: "consent", request, user: user.user, scopes };
  }
  const code = await issueCode(deps, request, user);
  return { kind: "redirect", target: request, values: { code } };
}
