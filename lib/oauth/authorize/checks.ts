/**
 * The authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1), checked
 * as a list of small named steps in the spec's order, like
 * node-oidc-provider's authorization actions. Each step reads the request,
 * writes what it established into the context, or throws an OAuthError.
 * Until the client and its redirect_uri are verified every error is
 * `redirectable: false` (shown on a page); after, errors go back to the
 * client, unless one says otherwise.
 * @module
 */
import { registrationOpen } from "../../config.ts";
import { findScopes } from "../../db/scopes.ts";
import type { Deps } from "../../deps.ts";
import type { Client } from "../clients/client.ts";
import { resolveClient } from "../clients/registry.ts";
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
} from "../errors.ts";
import { checkCodeChallenge } from "../pkce.ts";
import {
  checkScopesForResources,
  requestedResources,
  type Resource,
  resourceValues,
} from "../resources.ts";
import {
  type Prompt,
  promptValuesSupported,
  redirectURIRegistered,
  RESPONSE_MODES,
  RESPONSE_TYPES,
  type ResponseMode,
  splitList,
} from "../vocabulary.ts";
import {
  AUTHORIZATION_PARAMS,
  type AuthorizationRequest,
  REPEATABLE_PARAMS,
  type ResponseTarget,
} from "./request.ts";

/** What the checks have established so far. */
export interface AuthorizeContext {
  deps: Deps;
  params: URLSearchParams;
  client?: Client;
  /** Set once redirect_uri is verified: from then on errors may redirect. */
  redirectURI?: string;
  responseMode: ResponseMode;
  state: string | null;
  scopes: string[];
  codeChallenge: string | null;
  prompt: Set<Prompt>;
  maxAge: number | null;
  hintedUserID: string | null;
  /** Set by OIDC's acr_values check (lib/oidc/authorize.ts). */
  acrValues: string[];
  resources: Resource[];
}

export type AuthorizeCheck = (ctx: AuthorizeContext) => void | Promise<void>;

const MAX_PARAM_LENGTH = 2048;
/** The parameters that decide where an answer may go. */
const TARGET_PARAMS = ["client_id", "redirect_uri"] as const;

/** The client, once checkClient has run. */
function clientOf(ctx: AuthorizeContext): Client {
  if (!ctx.client) throw new Error("checkClient must run first");
  return ctx.client;
}

/** A value too long or holding a NUL: nothing of ours needs one. */
function malformed(value: string | undefined): boolean {
  return value !== undefined &&
    (value.length > MAX_PARAM_LENGTH || value.includes("\0"));
}

/**
 * The seed README's rule, kept: code_challenge_method without a
 * code_challenge is answered 400 directly, not redirected.
 */
export function checkMethodWithoutChallenge(ctx: AuthorizeContext): void {
  if (
    ctx.params.get("code_challenge_method") && !ctx.params.get("code_challenge")
  ) {
    throw new UnredirectableRequest(
      "code_challenge must be provided with code_challenge_method",
    );
  }
}

/**
 * RFC 6749 §3.1: "Request and response parameters MUST NOT be included more
 * than once." A repeated client_id or redirect_uri leaves nowhere safe to
 * redirect, so those are shown on a page.
 */
export function checkTargetParamsOnce(ctx: AuthorizeContext): void {
  for (const name of TARGET_PARAMS) {
    const values = ctx.params.getAll(name);
    if (values.length > 1) {
      throw new UnredirectableRequest(`${name} must not be repeated`);
    }
    if (malformed(values[0])) {
      throw new UnredirectableRequest(`${name} is too long or malformed`);
    }
  }
}

/** RFC 6749 §4.1.2.1: an unknown client must not be redirected to. */
export async function checkClient(ctx: AuthorizeContext): Promise<void> {
  const clientID = ctx.params.get("client_id");
  if (!clientID) throw new InvalidRedirectURI("client_id is required");
  const resolved = await resolveClient(ctx.deps, clientID);
  if (!resolved.client) {
    throw new InvalidRedirectURI(`client_id ${resolved.reason}`);
  }
  ctx.client = resolved.client;
}

/**
 * RFC 9700 §4.1.3: redirect URIs are compared by exact string match (any
 * port on loopback IP literals, RFC 8252 §7.3). OIDC
 * Core §3.1.2.1 makes redirect_uri required; a client with exactly one
 * registered URI may omit it outside OIDC (RFC 6749 §3.1.2.3).
 */
export function checkRedirectURI(ctx: AuthorizeContext): void {
  const client = clientOf(ctx);
  const given = ctx.params.get("redirect_uri");
  if (given === null || given === "") {
    const openid = splitList(ctx.params.get("scope") ?? "").includes("openid");
    if (client.redirectURIs.length !== 1 || openid) {
      throw new InvalidRedirectURI("redirect_uri is required");
    }
    ctx.redirectURI = client.redirectURIs[0];
    return;
  }
  if (!redirectURIRegistered(client.redirectURIs, given)) {
    throw new InvalidRedirectURI(
      "redirect_uri does not match any URI registered for this client",
    );
  }
  ctx.redirectURI = given;
}

/**
 * RFC 6749 §4.1.2.1: an error response carries `state` "if present in the
 * client authorization request". One too long or malformed to carry back
 * (a megabyte would become the Location header) is shown on a page: the
 * client could not match the answer to its request anyway.
 */
export function checkState(ctx: AuthorizeContext): void {
  const state = ctx.params.get("state");
  if (state !== null && malformed(state)) {
    throw new UnredirectableRequest("state is too long or malformed");
  }
  ctx.state = state || null;
}

/** RFC 6749 §3.1: the other parameters are sent once too; errors redirect. */
export function checkParamsOnce(ctx: AuthorizeContext): void {
  for (const name of AUTHORIZATION_PARAMS) {
    if ((TARGET_PARAMS as readonly string[]).includes(name)) continue;
    const values = ctx.params.getAll(name);
    if (values.length > 1 && !REPEATABLE_PARAMS.has(name)) {
      throw new InvalidRequest(`${name} must not be repeated`);
    }
    if (malformed(values[0])) {
      throw new InvalidRequest(`${name} is too long or malformed`);
    }
  }
}

/**
 * OAuth 2.0 Form Post Response Mode; only code-flow modes are offered. A
 * form posts to a web address only: a native app's private-use scheme is
 * answered in the query.
 */
export function checkResponseMode(ctx: AuthorizeContext): void {
  const mode = ctx.params.get("response_mode");
  if (mode === null || mode === "") return;
  if (!(RESPONSE_MODES as readonly string[]).includes(mode)) {
    throw new InvalidRequest(
      `response_mode must be ${RESPONSE_MODES.join(" or ")}`,
    );
  }
  if (mode === "form_post" && !/^https?:/.test(ctx.redirectURI ?? "")) {
    throw new InvalidRequest(
      "response_mode form_post needs an http or https redirect_uri",
    );
  }
  ctx.responseMode = mode as ResponseMode;
}

/** RFC 6749 §4.1.1: response_type "code" is the only one this server issues. */
export function checkResponseType(ctx: AuthorizeContext): void {
  const type = ctx.params.get("response_type");
  if (!type) throw new InvalidRequest("response_type is required");
  if (!(RESPONSE_TYPES as readonly string[]).includes(type)) {
    throw new UnsupportedResponseType("only response_type=code is supported");
  }
  const client = clientOf(ctx);
  if (
    !client.responseTypes.includes(type) ||
    !client.grantTypes.includes("authorization_code")
  ) {
    throw new UnauthorizedClient(
      "this client may not use the authorization code flow",
    );
  }
}

/** OIDC Core §6.1/§6.2: request objects are not supported. */
export function checkNoRequestObject(ctx: AuthorizeContext): void {
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
export async function checkScope(ctx: AuthorizeContext): Promise<void> {
  const client = clientOf(ctx);
  const raw = ctx.params.get("scope");
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
  ctx.scopes = requested;
}

/**
 * RFC 7636 §4.3 and RFC 9700 §2.1.1: the challenge's format, and PKCE for
 * public clients and clients whose policy requires it (lib/oauth/pkce.ts).
 */
export function checkPKCE(ctx: AuthorizeContext): void {
  const client = clientOf(ctx);
  ctx.codeChallenge = checkCodeChallenge(
    ctx.params.get("code_challenge"),
    ctx.params.get("code_challenge_method"),
    client.policy.requirePKCE || client.isPublic,
  );
}

/**
 * OIDC Core §3.1.2.1: prompt values; "none" must stand alone. `create`
 * (Initiating User Registration 1.0 §4.1) only while registration is on:
 * "If the OpenID Provider receives a prompt value that it does not
 * support (not declared in the prompt_values_supported metadata field)
 * the OP SHOULD respond with an HTTP 400 (Bad Request) status code and an
 * error value of invalid_request." Like every error after the redirect
 * URI is verified, it goes back to the client as invalid_request.
 */
export function checkPrompt(ctx: AuthorizeContext): void {
  const values = splitList(ctx.params.get("prompt") ?? "");
  const supported: readonly string[] = promptValuesSupported(
    registrationOpen(ctx.deps.config.registration),
  );
  for (const v of values) {
    if (!supported.includes(v)) {
      throw new InvalidRequest(`prompt value ${v} is not supported`);
    }
  }
  const prompt = new Set(values as Prompt[]);
  if (prompt.has("none") && prompt.size > 1) {
    throw new InvalidRequest(
      "prompt=none must not be combined with other values",
    );
  }
  ctx.prompt = prompt;
}

/** OIDC Core §3.1.2.1: max_age is a non-negative number of seconds. */
export function checkMaxAge(ctx: AuthorizeContext): void {
  const raw = ctx.params.get("max_age");
  if (raw === null || raw === "") return;
  if (!/^\d{1,10}$/.test(raw)) {
    throw new InvalidRequest("max_age must be a non-negative integer");
  }
  ctx.maxAge = Number(raw);
}

/**
 * RFC 8707 §2: each `resource` is an absolute URI without a fragment, a
 * registered resource this client may use, else `invalid_target`; none
 * named: the client's default resource, else the server's. A scope that
 * belongs to a resource the request does not name is refused: no token of
 * this grant could carry it.
 */
export async function checkResource(ctx: AuthorizeContext): Promise<void> {
  const values = resourceValues(ctx.params);
  if (values.length > 10) {
    throw new InvalidRequest("at most 10 resource parameters may be sent");
  }
  ctx.resources = await requestedResources(ctx.deps, clientOf(ctx), values);
  await checkScopesForResources(ctx.deps, ctx.scopes, ctx.resources);
}

/** The OAuth 2.0 checks, in the order they run. */
export const AUTHORIZE_CHECKS: readonly AuthorizeCheck[] = [
  checkMethodWithoutChallenge,
  checkTargetParamsOnce,
  checkClient,
  checkRedirectURI,
  checkState,
  checkParamsOnce,
  checkResponseMode,
  checkResponseType,
  checkNoRequestObject,
  checkScope,
  checkPKCE,
  checkPrompt,
  checkMaxAge,
  checkResource,
];

export type CheckedRequest =
  | { ok: true; request: AuthorizationRequest }
  /** `target` is where the error may go: null means a page. */
  | { ok: false; error: OAuthError; target: ResponseTarget | null };

/** A fresh context for `params`, before any check has run. */
export function newAuthorizeContext(
  deps: Deps,
  params: URLSearchParams,
): AuthorizeContext {
  return {
    deps,
    params,
    responseMode: "query",
    state: null,
    scopes: [],
    codeChallenge: null,
    prompt: new Set(),
    maxAge: null,
    hintedUserID: null,
    acrValues: [],
    resources: [],
  };
}

/**
 * Runs `checks` over `params` in order. An OAuthError stops them; it may go
 * back to the client only when it is redirectable and redirect_uri was
 * verified before it.
 */
export async function checkAuthorizationRequest(
  deps: Deps,
  params: URLSearchParams,
  checks: readonly AuthorizeCheck[],
): Promise<CheckedRequest> {
  const ctx = newAuthorizeContext(deps, params);
  try {
    for (const check of checks) await check(ctx);
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    const target = err.redirectable && ctx.redirectURI !== undefined
      ? {
        redirectURI: ctx.redirectURI,
        responseMode: ctx.responseMode,
        state: ctx.state,
      }
      : null;
    return { ok: false, error: err, target };
  }
  const kept: Record<string, string> = {};
  for (const name of AUTHORIZATION_PARAMS) {
    const v = params.getAll(name).filter(Boolean).join(" ");
    if (v !== "") kept[name] = v;
  }
  const redirectURI = ctx.redirectURI!;
  kept.redirect_uri = redirectURI;
  return {
    ok: true,
    request: {
      client: clientOf(ctx),
      redirectURI,
      responseMode: ctx.responseMode,
      state: ctx.state,
      scopes: ctx.scopes,
      nonce: params.get("nonce") || null,
      codeChallenge: ctx.codeChallenge,
      prompt: ctx.prompt,
      maxAge: ctx.maxAge,
      loginHint: params.get("login_hint") || null,
      hintedUserID: ctx.hintedUserID,
      acrValues: ctx.acrValues,
      resources: ctx.resources,
      params: kept,
    },
  };
}
