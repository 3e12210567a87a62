/**
 * RP-Initiated Logout (OpenID Connect RP-Initiated Logout 1.0) behind
 * `/end_session`, and the seed's `/logout`, which also revokes the user's
 * tokens for the client. The request is checked in full before anything is
 * ended; post_logout_redirect_uri must match a registered URI exactly, so
 * the endpoint is never an open redirect.
 * @module
 */
import { findClientIDsByPostLogoutRedirectURI } from "../db/clients.ts";
import { deleteSession, findSession } from "../db/sessions.ts";
import {
  revokeSessionClientTokens,
  revokeUserClientTokens,
} from "../db/tokens.ts";
import type { DB, SessionRow } from "../db/schema.ts";
import type { Deps } from "../deps.ts";
import type { Client } from "../oauth/clients/client.ts";
import { loadClient } from "../oauth/clients/registry.ts";
import { MAX_REDIRECT_URI_LENGTH } from "../oauth/vocabulary.ts";
import { UnredirectableRequest } from "../oauth/errors.ts";
import { formActionSource } from "../security/csp.ts";
import { SESSION_LIFETIME, validateSession } from "../security/session.ts";
import { type IDTokenHint, verifyIDTokenHint } from "./id_token.ts";

const FORM_TYPE = "application/x-www-form-urlencoded";
/** As at /authorize: a state longer than this is not sent back. */
const MAX_STATE_LENGTH = 2048;
const PARAMS = [
  "id_token_hint",
  "client_id",
  "post_logout_redirect_uri",
  "state",
  "ui_locales",
] as const;

/** The parameters of RP-Initiated Logout 1.0 §2 this server acts on. */
export interface LogoutRequest {
  /** The user answered the confirmation form (route checks CSRF first). */
  confirmed: boolean;
  idTokenHint: string | null;
  clientID: string | null;
  postLogoutRedirectURI: string | null;
  state: string | null;
  /**
   * RP-Initiated Logout 1.0 §2 ui_locales: "End-User's preferred languages
   * and scripts for the user interface", for the pages shown on the way.
   */
  uiLocales: string | null;
}

export type LogoutOutcome =
  | {
    kind: "done";
    /** Where to send the browser (303), or null to show the signed-out page. */
    redirectTo: string | null;
    /** Whether a live server-side session was ended. */
    endedSession: boolean;
  }
  | {
    /** Ask the user first; `params` go back in the confirmation form. */
    kind: "confirm";
    params: Record<string, string>;
    /** The CSP source the confirmed form may redirect to (its origin or scheme). */
    redirectOrigin: string | null;
  };

/**
 * Reads the logout parameters: the query of a GET, the form body of a POST
 * (RP-Initiated Logout 1.0 §2: "the OP MUST support the use of the HTTP GET
 * and POST methods"; POST uses Form Serialization).
 */
export async function readLogoutRequest(req: Request): Promise<LogoutRequest> {
  let params: URLSearchParams;
  if (req.method === "POST") {
    const type = req.headers.get("Content-Type") ?? "";
    if (type.split(";")[0].trim().toLowerCase() !== FORM_TYPE) {
      throw new UnredirectableRequest(
        "the request body must be application/x-www-form-urlencoded",
      );
    }
    params = new URLSearchParams(await req.text());
  } else {
    params = new URL(req.url).searchParams;
  }
  for (const name of PARAMS) {
    if (params.getAll(name).length > 1) {
      throw new UnredirectableRequest(`${name} must not be repeated`);
    }
  }
  // state goes back in the Location: one too long or malformed to carry
  // (a megabyte would become the header) is refused on a page.
  const state = params.get("state");
  if (
    state !== null && (state.length > MAX_STATE_LENGTH || state.includes("\0"))
  ) {
    throw new UnredirectableRequest("state is too long or malformed");
  }
  const get = (name: (typeof PARAMS)[number]) => params.get(name) || null;
  return {
    confirmed: req.method === "POST" && params.get("confirm") === "yes",
    idTokenHint: get("id_token_hint"),
    clientID: get("client_id"),
    postLogoutRedirectURI: get("post_logout_redirect_uri"),
    state: get("state"),
    uiLocales: get("ui_locales")?.slice(0, 200) ?? null,
  };
}

/**
 * RP-Initiated Logout 1.0 §3: "The OP MUST NOT perform post-logout
 * redirection if the post_logout_redirect_uri value supplied does not
 * exactly match one of the previously registered post_logout_redirect_uris
 * values." With no client identified, some client must have registered it.
 */
async function checkPostLogoutRedirectURI(
  db: DB,
  client: Client | null,
  uri: string,
): Promise<void> {
  // Longer than any URI a client can register: not registered, and not worth
  // a query (SQLite refuses LIKE patterns past 50 kB).
  const registered = uri.length > MAX_REDIRECT_URI_LENGTH
    ? false
    : client
    ? client.policy.postLogoutRedirectURIs.includes(uri)
    : (await findClientIDsByPostLogoutRedirectURI(db, uri)).length > 0;
  if (!registered) {
    throw new UnredirectableRequest(
      client
        ? "post_logout_redirect_uri is not registered for this client"
        : "post_logout_redirect_uri is not registered",
    );
  }
}

function confirmationParams(request: LogoutRequest): Record<string, string> {
  const params: Record<string, string> = {};
  if (request.idTokenHint) params.id_token_hint = request.idTokenHint;
  if (request.clientID) params.client_id = request.clientID;
  if (request.postLogoutRedirectURI) {
    params.post_logout_redirect_uri = request.postLogoutRedirectURI;
  }
  if (request.state) params.state = request.state;
  if (request.uiLocales) params.ui_locales = request.uiLocales;
  return params;
}

/**
 * Appends `state` to a registered URI, keeping its query exactly as
 * registered (RP-Initiated Logout 1.0 §3: state is passed back "as a query
 * parameter").
 */
export function withState(uri: string, state: string | null): string {
  if (state === null) return uri;
  const sep = !uri.includes("?") ? "?" : /[?&]$/.test(uri) ? "" : "&";
  return `${uri}${sep}state=${encodeURIComponent(state)}`;
}

/**
 * How old an id_token_hint may be to act on: no older than the longest
 * user session, since a hint names a session and none outlives this.
 */
export const MAX_HINT_AGE = SESSION_LIFETIME.user;

/** The live user session a hint's `sid` names, if any. */
async function sessionNamedBy(
  db: DB,
  hint: IDTokenHint,
  now: number,
): Promise<SessionRow | null> {
  if (hint.sessionID === null) return null;
  const row = await findSession(db, hint.sessionID);
  if (!row || row.kind !== "user" || row.user_id !== hint.userID) return null;
  return row.expires_at > now ? row : null;
}

/**
 * Ends the browser's session and, with `revokeTokens`, revokes tokens of
 * the identified client: those issued in the session the id_token_hint
 * names when that session is live (the browser's own, or another whose
 * `sid` the RP holds), else, only once the person confirms on our page,
 * every token of that user for the client. Throws UnredirectableRequest
 * (shown as a 400 page, never redirected) when the request is invalid;
 * nothing is ended in that case.
 *
 * @example
 * ```ts
 * const request = await readLogoutRequest(c.req.raw);
 * const outcome = await logout(deps, request, getCookie(c, "sid"));
 * ```
 */
export async function logout(
  deps: Deps,
  request: LogoutRequest,
  sessionCookie: string | undefined,
  options: { revokeTokens?: boolean } = {},
): Promise<LogoutOutcome> {
  const now = deps.now();
  const hint = request.idTokenHint
    ? await verifyIDTokenHint(deps, request.idTokenHint)
    : null;
  // An old ID token found anywhere must not sign anyone out: a hint can
  // only name a session that could still be live.
  if (hint && now - hint.issuedAt > MAX_HINT_AGE) {
    throw new UnredirectableRequest(
      "id_token_hint is older than any session it could name",
    );
  }
  // RP-Initiated Logout 1.0 §2: with both client_id and id_token_hint, the
  // OP MUST verify that client_id is the client the ID Token was issued to.
  if (hint && request.clientID !== null && request.clientID !== hint.clientID) {
    throw new UnredirectableRequest(
      "client_id does not match the id_token_hint",
    );
  }
  const clientID = request.clientID ?? hint?.clientID ?? null;
  const client = clientID === null ? null : await loadClient(deps, clientID);
  if (clientID !== null && !client) {
    throw new UnredirectableRequest("client_id is not a registered client");
  }
  if (request.postLogoutRedirectURI !== null) {
    await checkPostLogoutRedirectURI(
      deps.db,
      client,
      request.postLogoutRedirectURI,
    );
  }

  // RP-Initiated Logout 1.0 §2: without an id_token_hint "the OP MUST NOT
  // perform post-logout redirection unless the OP has other means of
  // confirming the legitimacy of the post-logout redirection target". Ours
  // is client_id naming the client that registered the URI; a URI alone
  // (registered by some client) is checked above but not followed.
  const redirectTo = request.postLogoutRedirectURI === null || client === null
    ? null
    : withState(request.postLogoutRedirectURI, request.state);

  const session = await validateSession(deps.db, "user", sessionCookie, now);
  const hintMatchesSession = hint !== null && session !== null &&
    hint.sessionID === session.id && hint.userID === session.user_id;
  const named = hint && !hintMatchesSession
    ? await sessionNamedBy(deps.db, hint, now)
    : null;
  const revoking = options.revokeTokens === true && client !== null;
  // RP-Initiated Logout 1.0 §2: "the OP MUST ask the End-User this question
  // if an id_token_hint was not provided or if the supplied ID Token does not
  // belong to the current OP session with the RP". Otherwise any page could
  // sign the user out with an image tag. And a hint naming no live session
  // revokes a user's tokens only when a person says so on our page.
  const mustAsk = session ? !hintMatchesSession : revoking && hint !== null &&
    named === null;
  if (mustAsk && !request.confirmed) {
    return {
      kind: "confirm",
      params: confirmationParams(request),
      redirectOrigin: redirectTo === null ? null : formActionSource(redirectTo),
    };
  }
  const sessionOfHint = hintMatchesSession ? session : named;
  // The hint names the user the client signed in; else the browser's session.
  const userID = hint?.userID ?? session?.user_id ?? null;
  await deps.db.transaction().execute(async (trx) => {
    if (session) await deleteSession(trx, session.id);
    if (!revoking) return;
    if (sessionOfHint) {
      await revokeSessionClientTokens(trx, sessionOfHint.id, client.id, now);
    } else if (request.confirmed && userID !== null) {
      await revokeUserClientTokens(trx, userID, client.id, now);
    }
  });

  return {
    kind: "done",
    redirectTo,
    endedSession: session !== null,
  };
}
