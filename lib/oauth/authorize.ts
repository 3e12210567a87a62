/**
 * The authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1), checked
 * as a list of small named steps in the spec's order, like
 * node-oidc-provider's authorization actions. The first two steps (client,
 * redirect_uri) raise errors that are shown on a page; after them, errors
 * are sent back to the verified redirect_uri.
 * @module
 */
import { findScopes } from "../db/scopes.ts";
import type { Deps } from "../deps.ts";
import { verifyIDTokenHint } from "../oidc/id_token.ts";
import type { Client } from "./clients/client.ts";
import { loadClient } from "./clients/registry.ts";
import { splitList } from "./vocabulary.ts";
import {
  InvalidRedirectURI,
  InvalidRequest,
  InvalidScope,
  OAuthError,
  RequestNotSupported,
  RequestURINotSupported,
  UnauthorizedClient,
  UnredirectableRequest,
  UnsupportedResponseType,
} from "./errors.ts";
import { checkCodeChallenge } from "./pkce.ts";

/** Parameters carried from /authorize through the login and consent forms. */
export const AUTHORIZATION_PARAMS = [
  "client_id",
  "redirect_uri",
  "response_type",
  "response_mode",
  "scope",
  "state",
  "nonce",
  "code_challenge",
  "code_challenge_method",
  "prompt",
  "max_age",
  "login_hint",
  "ui_locales",
] as const;

export type ResponseMode = "query" | "form_post";
export type Prompt = "none" | "login" | "consent" | "select_account";

export interface AuthorizationRequest {
  client: Client;
  redirectURI: string;
  responseMode: ResponseMode;
  state: string | null;
  scopes: string[];
  nonce: string | null;
  codeChallenge: string | null;
  prompt: Set<Prompt>;
  maxAge: number | null;
  loginHint: string | null;
  /** The user an id_token_hint names (OIDC Core §3.1.2.1), if one was sent. */
  hintedUserID: string | null;
  /** The validated parameters, for the hidden fields of the next form. */
  params: Record<string, string>;
}

/** An error after redirect_uri is verified: it goes back to the client. */
export class RedirectableError extends Error {
  constructor(
    readonly error: OAuthError,
    readonly target: {
      redirectURI: string;
      responseMode: ResponseMode;
      state: string | null;
    },
  ) {
    super(error.description);
  }
}

const MAX_PARAM_LENGTH = 2048;

interface Context {
  deps: Deps;
  params: URLSearchParams;
  get(name: string): string | null;
  client?: Client;
  redirectURI?: string;
  responseMode: ResponseMode;
  state: string | null;
}

/**
 * RFC 6749 §3.1: "Request and response parameters MUST NOT be included more
 * than once." A repeated client_id or redirect_uri leaves nowhere safe to
 * redirect, so those are shown on a page; the rest go back to the client.
 */
function checkNoDuplicates(ctx: Context, names: readonly string[]): void {
  for (const name of names) {
    const redirectable = name !== "client_id" && name !== "redirect_uri";
    const values = ctx.params.getAll(name);
    const bad = values.length > 1
      ? `${name} must not be repeated`
      : values[0] !== undefined &&
          (values[0].length > MAX_PARAM_LENGTH || values[0].includes("\0"))
      ? `${name} is too long or malformed`
      : null;
    if (bad) {
      throw redirectable
        ? new InvalidRequest(bad)
        : new UnredirectableRequest(bad);
    }
  }
}

/**
 * RFC 6749 §4.1.2.1: an error response carries `state` "if present in the
 * client authorization request". One too long or malformed to carry back
 * (a megabyte would become the Location header) is shown on a page: the
 * client could not match the answer to its request anyway.
 */
function checkState(ctx: Context): string | null {
  const state = ctx.get("state");
  if (
    state !== null && (state.length > MAX_PARAM_LENGTH || state.includes("\0"))
  ) {
    throw new UnredirectableRequest("state is too long or malformed");
  }
  return state || null;
}

/** RFC 6749 §4.1.2.1: an unknown client must not be redirected to. */
async function checkClient(ctx: Context): Promise<void> {
  const clientID = ctx.get("client_id");
  if (!clientID) {
    throw new InvalidRedirectURI("client_id is required");
  }
  const client = await loadClient(ctx.deps, clientID);
  if (!client) {
    throw new InvalidRedirectURI("client_id is not a registered client");
  }
  ctx.client = client;
}

/**
 * RFC 9700 §4.1.3: redirect URIs are compared by exact string match. OIDC
 * Core §3.1.2.1 makes redirect_uri required; a client with exactly one
 * registered URI may omit it outside OIDC (RFC 6749 §3.1.2.3).
 */
function checkRedirectURI(ctx: Context): void {
  const client = ctx.client!;
  const given = ctx.get("redirect_uri");
  if (given === null || given === "") {
    const openid = splitList(ctx.get("scope") ?? "").includes("openid");
    if (client.redirectURIs.length === 1 && !openid) {
      ctx.redirectURI = client.redirectURIs[0];
      return;
    }
    throw new InvalidRedirectURI("redirect_uri is required");
  }
  if (!client.redirectURIs.includes(given)) {
    throw new InvalidRedirectURI(
      "redirect_uri does not match any URI registered for this client",
    );
  }
  ctx.redirectURI = given;
}

/** OAuth 2.0 Form Post Response Mode; only code-flow modes are offered. */
function checkResponseMode(ctx: Context): void {
  const mode = ctx.get("response_mode");
  if (mode === null || mode === "" || mode === "query") return;
  if (mode === "form_post") {
    ctx.responseMode = "form_post";
    return;
  }
  throw new InvalidRequest("response_mode must be query or form_post");
}

/** RFC 6749 §4.1.1: response_type "code" is the only one this server issues. */
function checkResponseType(ctx: Context): void {
  const type = ctx.get("response_type");
  if (!type) throw new InvalidRequest("response_type is required");
  if (type !== "code") {
    throw new UnsupportedResponseType("only response_type=code is supported");
  }
  const client = ctx.client!;
  if (
    !client.responseTypes.includes("code") ||
    !client.grantTypes.includes("authorization_code")
  ) {
    throw new UnauthorizedClient(
      "this client may not use the authorization code flow",
    );
  }
}

/** OIDC Core §6.1/§6.2: request objects are not supported. */
function checkNoRequestObject(ctx: Context): void {
  if (ctx.params.has("request")) {
    throw new RequestNotSupported("request objects are not supported");
  }
  if (ctx.params.has("request_uri")) {
    throw new RequestURINotSupported("request_uri is not supported");
  }
}

/**
 * RFC 6749 §3.3: scope defaults to the client's default scopes; each
 * requested scope must be allowed by the client's policy and exist.
 */
async function checkScope(ctx: Context): Promise<string[]> {
  const client = ctx.client!;
  const raw = ctx.get("scope");
  const requested = raw === null || raw.trim() === ""
    ? client.policy.defaultScopes
    : [...new Set(splitList(raw))];
  if (requested.length === 0) {
    throw new InvalidScope(
      "scope is required (the client has no default scopes)",
    );
  }
  const notAllowed = requested.filter((s) =>
    !client.policy.allowedScopes.includes(s)
  );
  if (notAllowed.length) {
    throw new InvalidScope(
      `scope not allowed for this client: ${notAllowed.join(" ")}`,
    );
  }
  const known = new Set(
    (await findScopes(ctx.deps.db, requested)).map((s) => s.name),
  );
  const unknown = requested.filter((s) => !known.has(s));
  if (unknown.length) {
    throw new InvalidScope(`unknown scope: ${unknown.join(" ")}`);
  }
  return requested;
}

/** OIDC Core §3.1.2.1: prompt values; "none" must stand alone. */
function checkPrompt(ctx: Context): Set<Prompt> {
  const values = splitList(ctx.get("prompt") ?? "");
  const allowed: Prompt[] = ["none", "login", "consent", "select_account"];
  for (const v of values) {
    if (!allowed.includes(v as Prompt)) {
      throw new InvalidRequest(`prompt value ${v} is not supported`);
    }
  }
  const prompt = new Set(values as Prompt[]);
  if (prompt.has("none") && prompt.size > 1) {
    throw new InvalidRequest(
      "prompt=none must not be combined with other values",
    );
  }
  return prompt;
}

/** OIDC Core §3.1.2.1: max_age is a non-negative number of seconds. */
function checkMaxAge(ctx: Context): number | null {
  const raw = ctx.get("max_age");
  if (raw === null || raw === "") return null;
  if (!/^\d{1,10}$/.test(raw)) {
    throw new InvalidRequest("max_age must be a non-negative integer");
  }
  return Number(raw);
}

/**
 * OIDC Core §3.1.2.1: id_token_hint is an "ID Token previously issued by
 * the Authorization Server" about the End-User's session "with the
 * Client": one we signed (expired is fine) and issued to this client. The
 * user it names decides whether the current session may answer silently
 * (see interaction.ts). It is not carried into the sign-in form: whoever
 * signs in there is the answer.
 */
async function checkIDTokenHint(ctx: Context): Promise<string | null> {
  const hint = ctx.get("id_token_hint");
  if (hint === null || hint === "") return null;
  if (ctx.params.getAll("id_token_hint").length > 1) {
    throw new InvalidRequest("id_token_hint must not be repeated");
  }
  let verified;
  try {
    verified = await verifyIDTokenHint(ctx.deps, hint);
  } catch {
    throw new InvalidRequest(
      "id_token_hint is not an id token issued by this server",
    );
  }
  if (verified.clientID !== ctx.client!.id) {
    throw new InvalidRequest("id_token_hint was issued to another client");
  }
  return verified.userID;
}

/**
 * Validates an authorization request. Throws an OAuthError (shown on a page)
 * before redirect_uri is verified, a RedirectableError after.
 */
export async function parseAuthorizationRequest(
  deps: Deps,
  params: URLSearchParams,
): Promise<AuthorizationRequest> {
  const ctx: Context = {
    deps,
    params,
    get: (name) => params.get(name),
    responseMode: "query",
    state: null,
  };
  checkNoDuplicates(ctx, ["client_id", "redirect_uri"]);
  await checkClient(ctx);
  checkRedirectURI(ctx);
  ctx.state = checkState(ctx);
  try {
    checkNoDuplicates(
      ctx,
      AUTHORIZATION_PARAMS.filter((p) =>
        p !== "client_id" && p !== "redirect_uri"
      ),
    );
    checkResponseMode(ctx);
    checkResponseType(ctx);
    checkNoRequestObject(ctx);
    const scopes = await checkScope(ctx);
    const codeChallenge = checkCodeChallenge(
      ctx.get("code_challenge"),
      ctx.get("code_challenge_method"),
      ctx.client!.policy.requirePKCE || ctx.client!.isPublic,
    );
    const prompt = checkPrompt(ctx);
    const maxAge = checkMaxAge(ctx);
    const hintedUserID = await checkIDTokenHint(ctx);
    const kept: Record<string, string> = {};
    for (const name of AUTHORIZATION_PARAMS) {
      const v = params.get(name);
      if (v !== null && v !== "") kept[name] = v;
    }
    kept.redirect_uri = ctx.redirectURI!;
    return {
      client: ctx.client!,
      redirectURI: ctx.redirectURI!,
      responseMode: ctx.responseMode,
      state: ctx.state,
      scopes,
      nonce: ctx.get("nonce") || null,
      codeChallenge,
      prompt,
      maxAge,
      loginHint: ctx.get("login_hint") || null,
      hintedUserID,
      params: kept,
    };
  } catch (err) {
    if (err instanceof OAuthError) {
      throw new RedirectableError(err, {
        redirectURI: ctx.redirectURI!,
        responseMode: ctx.responseMode,
        state: ctx.state,
      });
    }
    throw err;
  }
}

/**
 * The seed README's rule, kept: code_challenge_method without a
 * code_challenge is answered 400 directly, not redirected.
 */
export function checkMethodWithoutChallenge(params: URLSearchParams): void {
  if (params.get("code_challenge_method") && !params.get("code_challenge")) {
    throw new UnredirectableRequest(
      "code_challenge must be provided with code_challenge_method",
    );
  }
}
