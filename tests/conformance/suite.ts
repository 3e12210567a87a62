/**
 * A small "test suite relying party" modelled on the OpenID Foundation's
 * conformance suite (Basic OP, Config OP and RP-Initiated Logout plans): the
 * static clients a tester registers, an authorization request run in-process
 * the way the suite's browser runs it (sign-in and consent answered as a
 * user), and the checks the suite's conditions make, written here from the
 * specifications rather than taken from the suite: the authorization response
 * (RFC 6749 §4.1.2, RFC 9207), the token response (§5.1), errors (§5.2 and
 * §4.1.2.1 syntax), the ID Token (OIDC Core §2, §3.1.3.7) and UserInfo
 * (§5.3.2, §5.1 claim types).
 * @module
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  type JSONWebKeySet,
  jwtVerify,
} from "jose";
import { createUser } from "../../lib/users.ts";
import { readPage, seedDemo } from "../helpers/oauth.ts";
import { addClient } from "../helpers/clients.ts";
import {
  completeSetupFor,
  CookieJar,
  postForm,
  startTestApp,
  type TestApp,
  type TestAppOptions,
} from "../helpers/test_app.ts";

/** Where the suite's static clients receive authorization responses. */
export const RP_ORIGIN = "https://rp.example.com";
export const RP_REDIRECT = `${RP_ORIGIN}/test/a/op/callback`;
/** The post_logout_redirect_uri the logout plan asks testers to register. */
export const RP_POST_LOGOUT = `${RP_ORIGIN}/test/a/op/post_logout_redirect`;

/** RFC 6749 §4.1.2.1 / §5.2: error and error_description characters. */
const ERROR_CHARS = /^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/;
/** RFC 6749 Appendix A.17 (refresh token) and A.12 (access token): VSCHAR. */
const VSCHAR = /^[\x20-\x7E]+$/;

export type AuthMethod = "client_secret_basic" | "client_secret_post";

export interface SuiteClient {
  id: string;
  secret: string;
  auth: AuthMethod;
  redirectURI: string;
}

export interface Suite {
  t: TestApp;
  adminToken: string;
  /** The discovery document, as fetched at start. */
  discovery: Record<string, unknown>;
  issuer: string;
  /** client_secret_basic, as the Basic OP plan runs most modules. */
  basic: SuiteClient;
  /** client_secret_post (oidcc-server-client-secret-post). */
  post: SuiteClient;
  /** The plan's "client2" (refresh token binding). */
  second: SuiteClient;
}

/**
 * Starts the server and registers what a tester registers before running
 * the plans: users alice and bob, and three confidential static clients
 * with the suite's callback and post-logout redirect URIs. The suite's
 * modules do not send PKCE (only oidcc-ensure-request-with-valid-pkce-
 * succeeds does), so these clients do not require it.
 */
export async function startSuite(
  options: TestAppOptions = {},
): Promise<Suite> {
  const t = await startTestApp(options);
  try {
    const adminToken = await completeSetupFor(t);
    await seedDemo(t);
    const register = async (
      id: string,
      auth: AuthMethod,
    ): Promise<SuiteClient> => {
      const registered = await addClient(t, {
        client_id: id,
        client_name: `Conformance ${id}`,
        redirect_uris: [RP_REDIRECT],
        post_logout_redirect_uris: [RP_POST_LOGOUT],
        grant_types: ["authorization_code", "refresh_token"],
        scope: "openid profile email offline_access",
        token_endpoint_auth_method: auth,
        require_pkce: false,
        consent_policy: "once",
      });
      return {
        id,
        secret: registered.client_secret!,
        auth,
        redirectURI: RP_REDIRECT,
      };
    };
    const basic = await register("conformance-basic", "client_secret_basic");
    const post = await register("conformance-post", "client_secret_post");
    const second = await register("conformance-2", "client_secret_basic");
    const res = await t.fetch("/.well-known/openid-configuration");
    const discovery = await res.json();
    return {
      t,
      adminToken,
      discovery,
      issuer: t.base,
      basic,
      post,
      second,
    };
  } catch (err) {
    await t.close();
    throw err;
  }
}

/** Creates a user with extra claims (address, phone, …) for claim tests. */
export async function addUser(
  s: Suite,
  username: string,
  claims: Record<string, unknown>,
): Promise<void> {
  await createUser(s.t.deps.db, {
    username,
    password: username,
    email: `${username}@example.com`,
    emailVerified: true,
    claims,
  }, s.t.deps.now());
}

export function randomValue(length = 32): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-")
    .replace(/\//g, "_").replace(/=+$/, "").slice(0, length);
}

export interface AuthorizeOptions {
  /** The browser (cookie jar) to use; a new one by default. */
  jar?: CookieJar;
  username?: string;
  password?: string;
  decision?: "allow" | "deny";
  /** Send the request as a form POST (oidcc-ensure-post-request-succeeds). */
  method?: "GET" | "POST";
}

export interface Page {
  title: string;
  html: string;
  status: number;
}

export interface AuthorizeResult {
  /** The parameters sent (defaults filled in). */
  request: Record<string, string>;
  /** The final response: a redirect to the client, or a page. */
  response: Response;
  /** Location of that redirect, when it is one. */
  location: URL | null;
  /** The pages shown on the way (sign-in, consent) and the last page. */
  pages: Page[];
  jar: CookieJar;
}

/**
 * Sends an authorization request for `client` and plays the user: signs in
 * when asked and answers consent, until the server redirects or shows a
 * page it is not a form of ours. `params` override the defaults (code,
 * scope openid, a fresh state and nonce); a value of `undefined` leaves the
 * parameter out.
 */
export async function authorize(
  s: Suite,
  client: SuiteClient,
  params: Record<string, string | undefined> = {},
  options: AuthorizeOptions = {},
): Promise<AuthorizeResult> {
  const jar = options.jar ?? new CookieJar();
  const merged: Record<string, string | undefined> = {
    client_id: client.id,
    redirect_uri: client.redirectURI,
    response_type: "code",
    scope: "openid",
    state: randomValue(),
    nonce: randomValue(),
    ...params,
  };
  const request = Object.fromEntries(
    Object.entries(merged).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  const query = new URLSearchParams(request);
  let res = options.method === "POST"
    ? await s.t.fetch("/authorize", {
      method: "POST",
      headers: {
        Accept: "text/html",
        Cookie: jar.header(),
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: query,
      redirect: "manual",
    })
    : await s.t.fetch(`/authorize?${query}`, {
      headers: { Accept: "text/html", Cookie: jar.header() },
      redirect: "manual",
    });
  jar.capture(res);
  const pages: Page[] = [];
  for (let step = 0; step < 4; step++) {
    const type = res.headers.get("Content-Type") ?? "";
    if (!type.includes("html") || res.headers.has("Location")) break;
    const html = await res.text();
    const page = readPage(html);
    pages.push({ title: page.title, html, status: res.status });
    if (page.fields._action === "login") {
      res = await postForm(s.t, "/authorize", {
        ...page.fields,
        username: options.username ?? "alice",
        password: options.password ?? options.username ?? "alice",
      }, jar);
    } else if (page.fields._action === "consent") {
      res = await postForm(s.t, "/authorize", {
        ...page.fields,
        decision: options.decision ?? "allow",
      }, jar);
    } else {
      res = new Response(html, res);
      break;
    }
  }
  const loc = res.headers.get("Location");
  return {
    request,
    response: res,
    location: loc ? new URL(loc) : null,
    pages,
    jar,
  };
}

/** The titles of the pages a flow showed ("Sign in", "Allow access?"). */
export function titles(result: AuthorizeResult): string[] {
  return result.pages.map((p) => p.title);
}

const SUCCESS_PARAMS = new Set(["code", "state", "iss"]);
const ERROR_PARAMS = new Set([
  "error",
  "error_description",
  "error_uri",
  "state",
  "iss",
]);

/**
 * The checks the suite makes on every authorization response that reaches
 * the client: a redirect to the registered URI, `iss` equal to the issuer
 * (RFC 9207 §2.4), the request's `state` returned unchanged (RFC 6749
 * §4.1.2), no unexpected parameters, and a well-formed error when it is one.
 * Returns the callback parameters.
 */
export function expectCallback(
  s: Suite,
  result: AuthorizeResult,
): URLSearchParams {
  const { response, location, request } = result;
  assert.ok(
    response.status === 302 || response.status === 303,
    `expected a redirect to the client, got ${response.status}`,
  );
  assert.ok(location, "redirect has a Location");
  assert.equal(
    `${location.origin}${location.pathname}`,
    request.redirect_uri,
    "redirected to the registered redirect_uri",
  );
  assert.equal(location.hash, "", "no fragment in a query response");
  const params = location.searchParams;
  assert.equal(params.get("iss"), s.issuer, "RFC 9207: iss is the issuer");
  assert.equal(params.get("state"), request.state ?? null, "state returned");
  const error = params.get("error");
  const allowed = error === null ? SUCCESS_PARAMS : ERROR_PARAMS;
  for (const name of params.keys()) {
    assert.ok(allowed.has(name), `unexpected parameter ${name}`);
  }
  for (const name of params.keys()) {
    assert.equal(params.getAll(name).length, 1, `${name} appears once`);
  }
  if (error !== null) {
    assert.match(error, ERROR_CHARS);
    assert.match(params.get("error_description") ?? "", ERROR_CHARS);
  } else {
    assert.ok(params.get("code"), "a successful response carries code");
  }
  return params;
}

/** An authorization error the client receives: returns the error code. */
export function expectCallbackError(
  s: Suite,
  result: AuthorizeResult,
): string {
  const params = expectCallback(s, result);
  const error = params.get("error");
  assert.ok(error, `expected an error response, got ${result.location}`);
  return error;
}

/** A successful authorization: returns the code. */
export function expectCode(s: Suite, result: AuthorizeResult): string {
  const params = expectCallback(s, result);
  assert.equal(params.get("error"), null, params.get("error_description")!);
  return params.get("code")!;
}

/**
 * The server showed an error page instead of redirecting: a 4xx HTML
 * answer with no Location (RFC 6749 §4.1.2.1 for a bad redirect_uri or
 * client; RP-Initiated Logout 1.0 §2/§3 for bad logout requests).
 */
export async function expectErrorPage(
  res: Response,
  message?: RegExp,
): Promise<string> {
  assert.ok(
    res.status >= 400 && res.status < 500,
    `expected an error page, got ${res.status} ${res.headers.get("Location")}`,
  );
  assert.equal(res.headers.get("Location"), null, "no redirect");
  assert.match(res.headers.get("Content-Type") ?? "", /^text\/html/);
  const html = await res.text();
  assert.doesNotMatch(html, /http-equiv="?refresh/i, "no meta refresh");
  if (message) assert.match(html, message);
  return html;
}

export interface TokenResult {
  status: number;
  body: Record<string, unknown>;
  res: Response;
}

/** A token request authenticated the way `client` is registered to. */
export async function tokenRequest(
  s: Suite,
  client: SuiteClient,
  fields: Record<string, string>,
): Promise<TokenResult> {
  const headers: Record<string, string> = {
    "Content-Type": "application/x-www-form-urlencoded",
  };
  const form = new URLSearchParams(fields);
  if (client.auth === "client_secret_basic") {
    // RFC 6749 §2.3.1: form-urlencode, then Basic.
    const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, "+");
    headers.Authorization = `Basic ${
      btoa(`${enc(client.id)}:${enc(client.secret)}`)
    }`;
  } else {
    form.set("client_id", client.id);
    form.set("client_secret", client.secret);
  }
  const res = await s.t.fetch("/token", {
    method: "POST",
    headers,
    body: form,
  });
  return { status: res.status, body: await res.json(), res };
}

/** Redeems a code (with `redirect_uri` as the suite always sends it). */
export async function redeemCode(
  s: Suite,
  client: SuiteClient,
  code: string,
  extra: Record<string, string> = {},
): Promise<TokenResult> {
  return await tokenRequest(s, client, {
    grant_type: "authorization_code",
    code,
    redirect_uri: client.redirectURI,
    ...extra,
  });
}

export interface Tokens {
  access_token: string;
  token_type: string;
  expires_in: number;
  id_token?: string;
  refresh_token?: string;
  scope?: string;
}

/**
 * RFC 6749 §5.1 / OIDC Core §3.1.3.3: 200, JSON, no-store, a Bearer access
 * token with a positive expires_in; an id_token when openid was granted.
 */
export function expectTokens(
  result: TokenResult,
  options: { idToken?: boolean } = {},
): Tokens {
  assert.equal(result.status, 200, JSON.stringify(result.body));
  assert.match(
    result.res.headers.get("Content-Type") ?? "",
    /^application\/json/,
  );
  assert.match(result.res.headers.get("Cache-Control") ?? "", /no-store/);
  const body = result.body;
  assert.equal(typeof body.access_token, "string");
  assert.match(body.access_token as string, VSCHAR);
  assert.equal(String(body.token_type).toLowerCase(), "bearer");
  assert.equal(typeof body.expires_in, "number");
  assert.ok(Number.isInteger(body.expires_in) && Number(body.expires_in) > 0);
  if (options.idToken ?? true) {
    assert.equal(typeof body.id_token, "string", "id_token is returned");
  }
  if (body.refresh_token !== undefined) {
    assert.equal(typeof body.refresh_token, "string");
    assert.match(body.refresh_token as string, VSCHAR);
  }
  return body as unknown as Tokens;
}

/**
 * RFC 6749 §5.2: a 400 (401 for invalid_client) JSON error with `error`
 * and an optional description in the allowed characters. Returns `error`.
 */
export function expectTokenError(result: TokenResult): string {
  assert.ok(result.status === 400 || result.status === 401, `${result.status}`);
  assert.match(
    result.res.headers.get("Content-Type") ?? "",
    /^application\/json/,
  );
  const { error, error_description: description } = result.body;
  assert.equal(typeof error, "string");
  assert.match(error as string, ERROR_CHARS);
  if (description !== undefined) {
    assert.match(description as string, ERROR_CHARS);
  }
  return error as string;
}

/** Runs one full code flow for `client` and returns the validated tokens. */
export async function codeFlow(
  s: Suite,
  client: SuiteClient,
  params: Record<string, string | undefined> = {},
  options: AuthorizeOptions = {},
): Promise<{
  tokens: Tokens;
  claims: IDTokenClaims;
  flow: AuthorizeResult;
}> {
  const flow = await authorize(s, client, params, options);
  const code = expectCode(s, flow);
  const tokens = expectTokens(await redeemCode(s, client, code));
  const maxAge = flow.request.max_age;
  const claims = await validateIDToken(s, tokens.id_token!, {
    client,
    nonce: flow.request.nonce ?? null,
    accessToken: tokens.access_token,
    maxAge: maxAge === undefined ? undefined : Number(maxAge),
  });
  return { tokens, claims, flow };
}

export interface IDTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  auth_time?: number;
  nonce?: string;
  at_hash?: string;
  [claim: string]: unknown;
}

/** The server's published keys (fetched like a client would). */
export async function fetchJWKS(s: Suite): Promise<JSONWebKeySet> {
  const uri = s.discovery.jwks_uri as string;
  const res = await s.t.fetch(uri);
  assert.equal(res.status, 200);
  return await res.json();
}

/** OIDC Core §3.1.3.6: base64url of the left half of the alg's hash. */
export function leftHalfHash(value: string, alg: string): string {
  const hash = alg.endsWith("512") || alg === "EdDSA"
    ? "sha512"
    : alg.endsWith("384")
    ? "sha384"
    : "sha256";
  const digest = createHash(hash).update(value).digest();
  return digest.subarray(0, digest.length / 2).toString("base64url");
}

const STRING_CLAIMS = [
  "name",
  "given_name",
  "family_name",
  "middle_name",
  "nickname",
  "preferred_username",
  "profile",
  "picture",
  "website",
  "email",
  "gender",
  "birthdate",
  "zoneinfo",
  "locale",
  "phone_number",
];

/**
 * OIDC Core §5.1: standard claims have fixed types (the suite's
 * ValidateUserInfoStandardClaims / ValidateIdTokenStandardClaims).
 */
export function checkStandardClaimTypes(claims: Record<string, unknown>): void {
  for (const name of STRING_CLAIMS) {
    if (claims[name] !== undefined) {
      assert.equal(typeof claims[name], "string", `${name} is a string`);
    }
  }
  for (const name of ["email_verified", "phone_number_verified"]) {
    if (claims[name] !== undefined) {
      assert.equal(typeof claims[name], "boolean", `${name} is a boolean`);
    }
  }
  if (claims.updated_at !== undefined) {
    assert.ok(Number.isInteger(claims.updated_at), "updated_at is a number");
  }
  if (claims.birthdate !== undefined) {
    assert.match(claims.birthdate as string, /^(\d{4}|\d{4}-\d{2}-\d{2})$/);
  }
  if (claims.address !== undefined) {
    assert.equal(typeof claims.address, "object", "address is an object");
    for (const [k, v] of Object.entries(claims.address as object)) {
      assert.equal(typeof v, "string", `address.${k} is a string`);
    }
  }
}

export interface IDTokenChecks {
  client: SuiteClient;
  /** The nonce sent, or null when none was (then none may come back). */
  nonce: string | null;
  /** The access token issued with it (at_hash is then checked). */
  accessToken?: string;
  /** max_age sent: auth_time becomes required (OIDC Core §3.1.2.1). */
  maxAge?: number;
  /** Expected alg (RS256 unless the client registered another). */
  alg?: string;
}

/**
 * Validates an ID Token as OIDC Core §3.1.3.7 and the suite's standard
 * checks do: signed with the expected alg by a key the JWKS publishes under
 * the header's kid; iss the issuer; aud the client (azp when several); exp
 * in the future, iat not; sub a short ASCII string; nonce as sent;
 * auth_time a past number; at_hash of the access token; standard claim
 * types.
 */
export async function validateIDToken(
  s: Suite,
  idToken: string,
  checks: IDTokenChecks,
): Promise<IDTokenClaims> {
  const header = decodeProtectedHeader(idToken);
  const alg = checks.alg ?? "RS256";
  assert.equal(header.alg, alg, "ID token alg");
  assert.equal(typeof header.kid, "string", "header names the key (kid)");
  const jwks = await fetchJWKS(s);
  const matching = jwks.keys.filter((k) => k.kid === header.kid);
  assert.equal(matching.length, 1, "exactly one published key has the kid");
  const now = s.t.deps.now();
  const { payload } = await jwtVerify(idToken, createLocalJWKSet(jwks), {
    algorithms: [alg],
    issuer: s.issuer,
    audience: checks.client.id,
    currentDate: new Date(now * 1000),
  });
  const claims = payload as unknown as IDTokenClaims;
  assert.equal(claims.iss, s.issuer);
  if (Array.isArray(claims.aud)) {
    assert.ok(claims.aud.includes(checks.client.id));
    if (claims.aud.length > 1) assert.equal(claims.azp, checks.client.id);
  } else {
    assert.equal(claims.aud, checks.client.id);
  }
  if (claims.azp !== undefined) assert.equal(claims.azp, checks.client.id);
  assert.ok(Number.isInteger(claims.exp) && claims.exp > now, "exp in future");
  assert.ok(
    Number.isInteger(claims.iat) && claims.iat <= now,
    "iat not future",
  );
  assert.ok(claims.exp > claims.iat);
  assert.equal(typeof claims.sub, "string");
  assert.match(claims.sub, /^[\x20-\x7E]{1,255}$/, "OIDC Core §2: sub");
  if (checks.nonce === null) {
    assert.equal(claims.nonce, undefined, "no nonce sent, none returned");
  } else {
    assert.equal(claims.nonce, checks.nonce, "nonce returned as sent");
  }
  if (claims.auth_time !== undefined) {
    assert.ok(Number.isInteger(claims.auth_time), "auth_time is a number");
    assert.ok(claims.auth_time <= now, "auth_time is in the past");
  }
  if (checks.maxAge !== undefined) {
    assert.notEqual(claims.auth_time, undefined, "max_age: auth_time present");
    assert.ok(
      now - claims.auth_time! <= checks.maxAge,
      "auth_time within max_age",
    );
  }
  if (checks.accessToken !== undefined && claims.at_hash !== undefined) {
    assert.equal(
      claims.at_hash,
      leftHalfHash(checks.accessToken, alg),
      "OIDC Core §3.1.3.8: at_hash",
    );
  }
  checkStandardClaimTypes(claims);
  return claims;
}

export type UserInfoMode = "get" | "post-header" | "post-body";

/** Calls UserInfo the three ways the Basic OP plan does (OIDC Core §5.3.1). */
export async function userinfo(
  s: Suite,
  accessToken: string,
  mode: UserInfoMode = "get",
): Promise<Response> {
  const uri = s.discovery.userinfo_endpoint as string;
  switch (mode) {
    case "get":
      return await s.t.fetch(uri, {
        headers: { Authorization: `Bearer ${accessToken}` },
      });
    case "post-header":
      return await s.t.fetch(uri, {
        method: "POST",
        headers: { Authorization: `Bearer ${accessToken}` },
      });
    case "post-body":
      // RFC 6750 §2.2: form-encoded body parameter.
      return await s.t.fetch(uri, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ access_token: accessToken }),
      });
  }
}

/**
 * OIDC Core §5.3.2: 200 JSON, sub equal to the ID Token's sub, standard
 * claim types. Returns the claims.
 */
export async function expectUserInfo(
  res: Response,
  sub: string,
): Promise<Record<string, unknown>> {
  assert.equal(res.status, 200);
  assert.match(res.headers.get("Content-Type") ?? "", /^application\/json/);
  const body = await res.json();
  assert.equal(body.sub, sub, "UserInfo sub equals the ID Token sub");
  checkStandardClaimTypes(body);
  return body;
}

/** RFC 6750 §3.1: a 401 with a Bearer challenge naming invalid_token. */
export async function expectInvalidToken(res: Response): Promise<void> {
  assert.equal(res.status, 401);
  assert.match(
    res.headers.get("WWW-Authenticate") ?? "",
    /^Bearer\b.*error="invalid_token"/,
  );
  await res.body?.cancel();
}
