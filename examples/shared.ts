/**
 * The parts both demo relying parties (todo.ts, camera.ts) share: an
 * in-memory session store behind an HttpOnly cookie, the page shell, the
 * openid-client configuration for a local authorization server, and a
 * bearer-token guard for the demos' own APIs (RFC 6750).
 *
 * Everything here is deliberately small. It is demo code: read it, copy
 * what helps, and replace the in-memory parts before real use.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { html } from "hono/html";
import * as oidc from "openid-client";

/** Where the authorization server listens when AS_URL is not set. */
export const DEFAULT_AS_URL = "http://127.0.0.1:8000";

/** A session nobody has used for this long is forgotten. */
const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;

/** What `html` returns: escaped HTML, maybe still resolving. */
export type HTML = ReturnType<typeof html>;

/** 32 random bytes, base64url: session ids, state values. */
export function randomID(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-")
    .replace(/\//g, "_").replace(/=+$/, "");
}

interface StoredSession<T> {
  data: T;
  expiresAt: number;
}

/**
 * Server-side sessions for the demo's browser users. The cookie holds only
 * a random id (HttpOnly, SameSite=Lax, Secure on https); tokens stay on the
 * server, so page scripts can never read them.
 *
 * In memory on purpose: it is a demo, a restart signs everyone out, and one
 * process is all there is. A real app keeps sessions in a database or a
 * store shared by all its instances.
 *
 * Both demos run on localhost and browsers do not separate cookies by
 * port, so each demo needs its own cookie name.
 */
export class SessionStore<T> {
  readonly #sessions = new Map<string, StoredSession<T>>();
  readonly #cookie: string;
  readonly #secure: boolean;
  readonly #create: () => T;

  constructor(cookie: string, options: { secure: boolean; create: () => T }) {
    this.#cookie = cookie;
    this.#secure = options.secure;
    this.#create = options.create;
  }

  /** The session this request's cookie names, if it is still known. */
  get(c: Context): T | undefined {
    const id = getCookie(c, this.#cookie);
    if (id === undefined) return undefined;
    const entry = this.#sessions.get(id);
    if (!entry || entry.expiresAt < Date.now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    entry.expiresAt = Date.now() + SESSION_IDLE_MS;
    return entry.data;
  }

  /** The request's session, starting a new one (and its cookie) if needed. */
  ensure(c: Context): T {
    const existing = this.get(c);
    if (existing) return existing;
    const data = this.#create();
    this.#store(c, data);
    return data;
  }

  /**
   * Moves the session to a fresh id. Call it when the user signs in, so an
   * id planted in the browser beforehand (session fixation) is worthless.
   */
  renew(c: Context, data: T): void {
    this.#forget(c);
    this.#store(c, data);
  }

  /** Forgets the session and clears its cookie. */
  destroy(c: Context): void {
    this.#forget(c);
    deleteCookie(c, this.#cookie, { path: "/", secure: this.#secure });
  }

  #forget(c: Context): void {
    const id = getCookie(c, this.#cookie);
    if (id !== undefined) this.#sessions.delete(id);
  }

  #store(c: Context, data: T): void {
    const now = Date.now();
    // Forget idle sessions now and then, so the map cannot only grow.
    for (const [id, entry] of this.#sessions) {
      if (entry.expiresAt < now) this.#sessions.delete(id);
    }
    const id = randomID();
    this.#sessions.set(id, { data, expiresAt: now + SESSION_IDLE_MS });
    setCookie(c, this.#cookie, id, {
      path: "/",
      httpOnly: true,
      sameSite: "Lax",
      secure: this.#secure,
    });
  }
}

/**
 * Discovers the authorization server and returns the openid-client
 * configuration for one client.
 *
 * openid-client refuses plain http unless told otherwise; the demos allow
 * it only when AS_URL itself is http (a server on your own machine). Never
 * pass `allowInsecureRequests` for a real https issuer.
 */
export async function discoverAS(
  asURL: string,
  clientID: string,
  auth: oidc.ClientAuth,
): Promise<oidc.Configuration> {
  const url = new URL(asURL);
  return await oidc.discovery(
    url,
    clientID,
    undefined,
    auth,
    url.protocol === "http:"
      ? { execute: [oidc.allowInsecureRequests] }
      : undefined,
  );
}

/**
 * Runs `load` once, when first needed, and remembers the answer; a failure
 * is not remembered, so the next request tries again (say, once the
 * authorization server is up).
 */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return function loadOnce(): Promise<T> {
    pending ??= load().catch((err) => {
      pending = null;
      throw err;
    });
    return pending;
  };
}

/** A short human line for an error from openid-client or the server. */
export function describeError(err: unknown): string {
  const e = err as { error?: unknown; error_description?: unknown };
  if (typeof e?.error === "string") {
    return typeof e.error_description === "string"
      ? `${e.error}: ${e.error_description}`
      : e.error;
  }
  if (!(err instanceof Error)) return String(err);
  // openid-client wraps the precise reason ("unexpected iss") in `cause`.
  return err.cause instanceof Error
    ? `${err.message}: ${err.cause.message}`
    : err.message;
}

/**
 * Response headers for every demo page: a strict CSP (no scripts at all;
 * forms may go to the authorization server, which logout does), no
 * Referer (a callback URL carries the authorization code), and no caching
 * of pages that show tokens.
 */
export function securityHeaders(asURL: string): MiddlewareHandler {
  const csp = [
    "default-src 'none'",
    "style-src 'self'",
    "img-src data:",
    `form-action 'self' ${new URL(asURL).origin}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
  return async function securityHeaders(c, next) {
    await next();
    c.res.headers.set("Content-Security-Policy", csp);
    c.res.headers.set("X-Content-Type-Options", "nosniff");
    c.res.headers.set("Referrer-Policy", "no-referrer");
    c.res.headers.set("Cache-Control", "no-store");
  };
}

/**
 * Sends browsers that came in by another host name (127.0.0.1 instead of
 * localhost) to `baseURL`: the session cookie belongs to one host name,
 * and the authorization server returns to the registered one.
 */
export function canonicalHost(baseURL: string): MiddlewareHandler {
  const base = new URL(baseURL);
  return async function canonicalHost(c, next) {
    const url = new URL(c.req.url);
    if (c.req.method === "GET" && url.host !== base.host) {
      return c.redirect(new URL(url.pathname + url.search, base).href, 302);
    }
    await next();
  };
}

export const STYLESHEET = `
body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1d2330; }
h1 { margin-bottom: .25rem; }
pre { background: #f3f4f7; padding: .75rem; overflow-x: auto; font-size: 13px; }
.flash { background: #fff6d6; border-left: 4px solid #e2b100; padding: .5rem .75rem; }
.error { background: #fde8e8; border-left: 4px solid #c81e1e; padding: .5rem .75rem; }
.muted { color: #5b6170; font-size: 14px; }
form.inline { display: inline; }
button, a.button { font: inherit; padding: .35rem .9rem; border: 1px solid #2f5bea; border-radius: 4px; background: #2f5bea; color: #fff; text-decoration: none; cursor: pointer; }
button.secondary, a.button.secondary { background: #fff; color: #2f5bea; }
ul.items li { margin: .2rem 0; }
`;

/** The HTML shell of a demo page. `html` escapes every value put into it. */
export function page(title: string, body: HTML): HTML {
  return html`
    <!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>${title}</title>
        <link rel="icon" href="data:,">
        <link rel="stylesheet" href="/style.css">
      </head>
      <body>
    ${body}
      </body>
    </html>
  `;
}

/** What a demo API knows about the caller once its token checks out. */
export interface TokenInfo {
  /** The user the token acts for. */
  sub: string;
  scopes: string[];
  /** The token itself, to call other APIs (UserInfo) for the user. */
  accessToken: string;
}

/** Checks an access token: its facts when valid, else null. */
export type VerifyToken = (token: string) => Promise<TokenInfo | null>;

/** Variables the bearer guard sets for the API handlers. */
export interface APIEnv {
  Variables: { token: TokenInfo };
}

/**
 * RFC 6750 §3: a protected resource answers with `WWW-Authenticate:
 * Bearer`; no `error` when the request had no token at all (§3.1).
 */
function bearerError(
  realm: string,
  status: 401 | 403,
  error?: "invalid_token" | "insufficient_scope",
  description?: string,
  scope?: string,
): Response {
  let challenge = `Bearer realm="${realm}"`;
  if (error) challenge += `, error="${error}"`;
  if (description) challenge += `, error_description="${description}"`;
  if (scope) challenge += `, scope="${scope}"`;
  const body = error
    ? { error, error_description: description }
    : { error: "unauthorized", error_description: "a bearer token is needed" };
  return Response.json(body, {
    status,
    headers: { "WWW-Authenticate": challenge, "Cache-Control": "no-store" },
  });
}

/**
 * Guards an API route: the request needs `Authorization: Bearer <token>`
 * (RFC 6750 §2.1), `verify` must accept the token, and the token must carry
 * `scope`. Missing or bad token: 401 invalid_token. Valid token without the
 * scope: 403 insufficient_scope (RFC 6750 §3.1).
 */
export function requireScope(
  realm: string,
  verify: VerifyToken,
  scope: string,
): MiddlewareHandler<APIEnv> {
  return async function requireScope(c, next) {
    const header = c.req.header("Authorization") ?? "";
    const match = header.match(/^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i);
    if (!match) {
      return header === ""
        ? bearerError(realm, 401)
        : bearerError(realm, 401, "invalid_token", "malformed bearer token");
    }
    const info = await verify(match[1]);
    if (!info) {
      return bearerError(
        realm,
        401,
        "invalid_token",
        "the access token is invalid, expired or revoked",
      );
    }
    if (!info.scopes.includes(scope)) {
      return bearerError(
        realm,
        403,
        "insufficient_scope",
        `this call needs the ${scope} scope`,
        scope,
      );
    }
    c.set("token", info);
    await next();
  };
}

/** A signed-in user as the demo keeps them: server-side, never in the page. */
export interface SignedIn {
  accessToken: string;
  refreshToken?: string;
  idToken: string;
  /** Epoch seconds when the access token expires. */
  expiresAt: number;
  /** The scopes the AS actually granted (may be fewer than asked for). */
  scope: string;
  claims: oidc.IDToken;
  userinfo: oidc.UserInfoResponse;
}

/**
 * Turns a token response (code exchange or refresh) into the signed-in
 * state, asking UserInfo for the user's claims with the new access token.
 * `previous` fills what a refresh response may leave out.
 */
export async function signedInFrom(
  config: oidc.Configuration,
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
  previous?: SignedIn,
): Promise<SignedIn> {
  const claims = tokens.claims() ?? previous?.claims;
  const idToken = tokens.id_token ?? previous?.idToken;
  if (!claims || !idToken) throw new Error("the server sent no ID token");
  // OIDC Core §5.3.2: the UserInfo sub must equal the ID token's sub;
  // openid-client checks it when told which sub to expect.
  const userinfo = await oidc.fetchUserInfo(
    config,
    tokens.access_token,
    claims.sub,
  );
  return {
    accessToken: tokens.access_token,
    // Refresh tokens rotate: each refresh answers a new one and the old one
    // is dead (using it again would revoke the whole family), so always
    // keep the newest.
    refreshToken: tokens.refresh_token ?? previous?.refreshToken,
    idToken,
    expiresAt: Math.floor(Date.now() / 1000) + (tokens.expiresIn() ?? 0),
    scope: tokens.scope ?? previous?.scope ?? "",
    claims,
    userinfo,
  };
}

/** The name to greet a user by: without `profile`, the app knows no name. */
export function displayName(user: SignedIn): string {
  const { userinfo, claims } = user;
  const candidates = [
    userinfo.name,
    userinfo.preferred_username,
    userinfo.email,
    claims.sub,
  ];
  for (const v of candidates) {
    if (typeof v === "string" && v !== "") return v;
  }
  return "you";
}

/**
 * What the demo knows about the user and their tokens: the ID token's
 * claims, the UserInfo answer, and the access token (shown so you can call
 * the API with curl; a real app would not put a token in its pages).
 */
export function identityDetails(user: SignedIn, apiURL: string): HTML {
  const left = Math.max(0, user.expiresAt - Math.floor(Date.now() / 1000));
  return html`
    <h2>ID token claims</h2>
    <pre id="id-token-claims">${JSON.stringify(user.claims, null, 2)}</pre>
    <h2>UserInfo</h2>
    <pre id="userinfo">${JSON.stringify(user.userinfo, null, 2)}</pre>
    <h2>Tokens</h2>
    <p>Granted scopes: <code id="granted-scope">${user.scope}</code>.
    The access token expires in ${left} s; ${user.refreshToken
      ? "a refresh token is kept on this server."
      : "there is no refresh token (offline_access was not granted)."}</p>
    <details>
      <summary>Call the API yourself</summary>
      <pre>curl -H 'Authorization: Bearer <span id="access-token">${user
        .accessToken}</span>' ${apiURL}</pre>
    </details>
  `;
}

/** A page saying what went wrong, with a way back. */
export function errorPage(title: string, message: string): HTML {
  return page(
    title,
    html`<h1>${title}</h1>
<p class="error" id="error">${message}</p>
<p><a href="/">Back to the start</a></p>`,
  );
}
