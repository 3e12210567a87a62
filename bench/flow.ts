/**
 * The stateful HTTP conversations the bench drives, as a browser and a
 * relying party would: the authorization code flow (GET /authorize, sign-in
 * form, consent form, code exchange with PKCE) with one cookie jar per flow,
 * and refresh-token rotation. Every response is checked; a failed check
 * throws a `CheckError` naming the step.
 * @module
 */

/** A confidential client as /dev/create_client returned it. */
export interface BenchClient {
  id: string;
  secret: string;
  redirectURI: string;
  scope: string;
}

export interface TokenSet {
  access_token: string;
  token_type: string;
  refresh_token?: string;
  id_token?: string;
  scope?: string;
}

/** Milliseconds spent in each step of a code flow. */
export interface StepTimes {
  authorize: number;
  login: number;
  consent: number;
  token: number;
}

export interface CodeFlowOptions {
  /** The issuer, e.g. `http://127.0.0.1:8000`; also the form's Origin. */
  base: string;
  client: BenchClient;
  username: string;
  password: string;
  /**
   * Sign in with this passkey instead of the password: the pages are
   * opened at the issuer's localhost alias (browsers refuse an IP address
   * as RP ID), the assertion made by a software authenticator.
   */
  passkey?: SoftwarePasskey;
  /** Require the consent page (policy `always`), not a direct redirect. */
  expectConsent: boolean;
  /** Filled with per-step times when given. */
  times?: StepTimes;
}

/** A response that is not what the server should have answered. */
export class CheckError extends Error {
  override name = "CheckError";
}

import {
  islandProps,
  type SoftwarePasskey,
  type SoftwarePasskeyState,
} from "../tests/helpers/software_authenticator.ts";

const REQUEST_TIMEOUT_MS = 30_000;
const BROWSER_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";
const FORM_TYPE = "application/x-www-form-urlencoded";

/** Cookies by name, as one browser profile keeps them for one host. */
export class CookieJar {
  #cookies = new Map<string, string>();

  /** Takes every Set-Cookie of a response (Max-Age=0 deletes). */
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const expired = attributes.some((a) =>
        /^\s*max-age\s*=\s*0\s*$/i.test(a)
      );
      if (expired) this.#cookies.delete(name);
      else this.#cookies.set(name, pair.slice(eq + 1).trim());
    }
  }

  /** The Cookie header value, or null when the jar is empty. */
  header(): string | null {
    if (this.#cookies.size === 0) return null;
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

/** `Authorization: Basic` per RFC 6749 §2.3.1 (form-encoded, then base64). */
export function basicAuth(id: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, "+");
  return `Basic ${btoa(`${enc(id)}:${enc(secret)}`)}`;
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-")
    .replace(/\//g, "_").replace(/=+$/, "");
}

function randomString(bytes: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** RFC 7636 §4.1-4.2: a verifier and its S256 challenge. */
export async function makePKCE(): Promise<
  { verifier: string; challenge: string }
> {
  const verifier = randomString(32);
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(verifier),
  );
  return { verifier, challenge: base64url(new Uint8Array(digest)) };
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref) => {
    if (ref[0] === "#") {
      const hex = ref[1] === "x" || ref[1] === "X";
      return String.fromCodePoint(
        parseInt(ref.slice(hex ? 2 : 1), hex ? 16 : 10),
      );
    }
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/**
 * The hidden inputs of an HTML page's first form (a sign-in page also holds
 * the passkey form), in document order.
 */
export function hiddenInputs(html: string): URLSearchParams {
  const out = new URLSearchParams();
  const form = html.match(/<form\b[^>]*>(.*?)<\/form>/is)?.[1] ?? html;
  for (const [tag] of form.matchAll(/<input\b[^>]*>/gi)) {
    const attrs = new Map<string, string>();
    for (const [, name, value] of tag.matchAll(/([\w:-]+)="([^"]*)"/g)) {
      attrs.set(name.toLowerCase(), decodeEntities(value));
    }
    if (attrs.get("type") === "hidden" && attrs.has("name")) {
      out.append(attrs.get("name")!, attrs.get("value") ?? "");
    }
  }
  return out;
}

/** One request as the browser (or client) sends it: no redirects followed. */
export async function send(
  url: string,
  init: RequestInit,
  jar?: CookieJar,
): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar?.header();
  if (cookie) headers.set("Cookie", cookie);
  const res = await fetch(url, {
    ...init,
    headers,
    redirect: "manual",
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  jar?.store(res);
  return res;
}

async function expectPage(
  step: string,
  res: Response,
  action: string,
): Promise<URLSearchParams> {
  const body = await res.text();
  if (res.status !== 200) {
    throw new CheckError(
      `${step}: status ${res.status}: ${body.slice(0, 160)}`,
    );
  }
  const fields = hiddenInputs(body);
  if (fields.get("_action") !== action || !fields.get("csrf_token")) {
    throw new CheckError(`${step}: no ${action} form with a csrf_token`);
  }
  return fields;
}

/** Checks a token response; returns it parsed. */
export async function expectTokens(
  step: string,
  res: Response,
  want: { refresh: boolean; idToken: boolean },
): Promise<TokenSet> {
  const text = await res.text();
  if (res.status !== 200) {
    throw new CheckError(
      `${step}: status ${res.status}: ${text.slice(0, 160)}`,
    );
  }
  let body: TokenSet;
  try {
    body = JSON.parse(text);
  } catch {
    throw new CheckError(`${step}: body is not JSON`);
  }
  if (!body.access_token || body.token_type !== "Bearer") {
    throw new CheckError(`${step}: no bearer access_token`);
  }
  if (want.refresh && !body.refresh_token) {
    throw new CheckError(`${step}: no refresh_token`);
  }
  if (want.idToken && body.id_token?.split(".").length !== 3) {
    throw new CheckError(`${step}: no id_token`);
  }
  return body;
}

function idTokenClaims(idToken: string): Record<string, unknown> {
  const payload = idToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(payload));
}

/** Starts timing `step`; the returned function records it. */
export function timer(times: StepTimes | undefined, step: keyof StepTimes) {
  const start = performance.now();
  return () => {
    if (times) times[step] = performance.now() - start;
  };
}

/** What a client sends to /authorize and keeps to check the answer. */
export interface AuthorizationRequest {
  query: URLSearchParams;
  state: string;
  nonce: string;
  pkce: { verifier: string; challenge: string };
}

/**
 * A fresh authorization request (RFC 6749 §4.1.1) with `state`, an OIDC
 * `nonce` and an S256 PKCE challenge (RFC 7636 §4.3).
 */
export async function authorizationRequest(
  client: BenchClient,
): Promise<AuthorizationRequest> {
  const pkce = await makePKCE();
  const state = randomString(16);
  const nonce = randomString(16);
  const query = new URLSearchParams({
    response_type: "code",
    client_id: client.id,
    redirect_uri: client.redirectURI,
    scope: client.scope,
    state,
    nonce,
    code_challenge: pkce.challenge,
    code_challenge_method: "S256",
  });
  return { query, state, nonce, pkce };
}

/**
 * Checks the authorization response (RFC 6749 §4.1.2: a redirect to the
 * client's redirect_uri with the code and `state` unchanged; RFC 9207:
 * `iss`) and returns the code.
 */
export async function authorizationCode(
  step: string,
  res: Response,
  base: string,
  client: BenchClient,
  request: AuthorizationRequest,
): Promise<string> {
  await res.body?.cancel();
  const location = res.headers.get("Location");
  if (res.status !== 303 || !location) {
    throw new CheckError(`${step}: expected a 303 redirect, got ${res.status}`);
  }
  const target = new URL(location);
  if (`${target.origin}${target.pathname}` !== client.redirectURI) {
    throw new CheckError(
      `${step}: redirected to ${target.origin}${target.pathname}`,
    );
  }
  const code = target.searchParams.get("code");
  if (!code) {
    throw new CheckError(
      `${step}: no code (error=${target.searchParams.get("error")})`,
    );
  }
  if (target.searchParams.get("state") !== request.state) {
    throw new CheckError(`${step}: state was not returned unchanged`);
  }
  if (target.searchParams.get("iss") !== base) {
    throw new CheckError(`${step}: iss missing or wrong (RFC 9207)`);
  }
  return code;
}

/**
 * Redeems a code with its PKCE verifier (RFC 6749 §4.1.3) and checks the
 * ID token's nonce, iss and aud (OIDC Core §3.1.3.7).
 */
export async function redeemCode(
  base: string,
  client: BenchClient,
  code: string,
  request: AuthorizationRequest,
): Promise<TokenSet> {
  const tokens = await expectTokens(
    "token",
    await send(`${base}/token`, {
      method: "POST",
      headers: {
        "Content-Type": FORM_TYPE,
        Authorization: basicAuth(client.id, client.secret),
      },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: client.redirectURI,
        code_verifier: request.pkce.verifier,
      }).toString(),
    }),
    {
      refresh: client.scope.split(" ").includes("offline_access"),
      idToken: true,
    },
  );
  const claims = idTokenClaims(tokens.id_token!);
  if (
    claims.nonce !== request.nonce || claims.iss !== base ||
    claims.aud !== client.id
  ) {
    throw new CheckError("token: id_token nonce, iss or aud is wrong");
  }
  return tokens;
}

/**
 * One authorization code flow from a fresh cookie jar, as a browser signs in
 * and consents and the client then redeems the code with PKCE.
 */
export async function runCodeFlow(opts: CodeFlowOptions): Promise<TokenSet> {
  const { base, client } = opts;
  const jar = new CookieJar();
  const request = await authorizationRequest(client);
  const browser = { Accept: BROWSER_ACCEPT };
  // Where the browser has the pages open: the issuer, or its localhost
  // alias for passkeys (then, as a browser there, same-origin posts).
  const site = opts.passkey ? base.replace("127.0.0.1", "localhost") : base;
  const formPost = (fields: URLSearchParams): RequestInit => ({
    method: "POST",
    headers: {
      ...browser,
      "Content-Type": FORM_TYPE,
      Origin: site,
      ...(opts.passkey ? { "Sec-Fetch-Site": "same-origin" } : {}),
    },
    body: fields.toString(),
  });

  let done = timer(opts.times, "authorize");
  const page = await send(`${site}/authorize?${request.query}`, {
    headers: browser,
  }, jar);
  const pageHTML = opts.passkey ? await page.clone().text() : "";
  const loginFields = await expectPage("authorize", page, "login");
  done();

  done = timer(opts.times, "login");
  let res: Response;
  if (opts.passkey) {
    const props = islandProps(pageHTML, "PasskeySignIn");
    if (!props) throw new CheckError("authorize: no passkey offered");
    const assertion = await opts.passkey.assert(
      props.options as { challenge: string },
    );
    const fields = new URLSearchParams(props.fields as Record<string, string>);
    fields.set("csrf_token", props.csrf as string);
    fields.set("passkey_response", JSON.stringify(assertion));
    res = await send(`${site}/authorize`, formPost(fields), jar);
  } else {
    loginFields.set("username", opts.username);
    loginFields.set("password", opts.password);
    res = await send(`${base}/authorize`, formPost(loginFields), jar);
  }
  if (opts.expectConsent) {
    const consentFields = await expectPage("login", res, "consent");
    done();
    done = timer(opts.times, "consent");
    consentFields.set("decision", "allow");
    res = await send(`${site}/authorize`, formPost(consentFields), jar);
  }
  const code = await authorizationCode(
    opts.expectConsent ? "consent" : "login",
    res,
    base,
    client,
    request,
  );
  done();

  done = timer(opts.times, "token");
  const tokens = await redeemCode(base, client, code, request);
  done();
  return tokens;
}

/** One refresh-token rotation; returns the new token set. */
export async function rotateRefreshToken(
  base: string,
  client: BenchClient,
  refreshToken: string,
): Promise<TokenSet> {
  const res = await send(`${base}/token`, {
    method: "POST",
    headers: {
      "Content-Type": FORM_TYPE,
      Authorization: basicAuth(client.id, client.secret),
    },
    body: new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: refreshToken,
    }).toString(),
  });
  const tokens = await expectTokens("refresh", res, {
    refresh: true,
    idToken: client.scope.split(" ").includes("openid"),
  });
  if (tokens.refresh_token === refreshToken) {
    throw new CheckError("refresh: the refresh token was not rotated");
  }
  return tokens;
}

/** What bench/main.ts prepared on the server for the load process. */
export interface Fixture {
  base: string;
  users: { username: string; password: string }[];
  /** Consent policy `always`: the consent page is shown on every flow. */
  flowClient: BenchClient;
  /** Consent policy `skip`: used to start refresh-token chains. */
  refreshClient: BenchClient;
  /** As refreshClient, with EdDSA (Ed25519) ID tokens instead of RS256. */
  refreshClientEdDSA: BenchClient;
  /** A passkey per user (software authenticator state, JSON). */
  passkeys: SoftwarePasskeyState[];
  /**
   * Set when the server is node-oidc-provider (bench/peer): flows go
   * through its interaction pages (bench/peer_flow.ts).
   */
  peer?: "oidc-provider";
}
