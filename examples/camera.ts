/**
 * Camera demo: a relying party that is a *confidential* client (it keeps a
 * client secret on its server and authenticates with client_secret_basic),
 * served on http://localhost:3001, with a photos API guarded by the custom
 * scopes `files.read` (see photos) and `files.write` (upload).
 *
 *     deno task demo:camera      # env: AS_URL, PORT, CLIENT_ID,
 *                                #      CLIENT_SECRET, ADMIN_TOKEN
 *
 * On start it sets itself up, using the admin token when it has one:
 *
 * - creates the scopes `files.read` and `files.write` if the server does
 *   not list them yet (POST /admin/scopes). Where that admin API is
 *   missing, create them in the admin UI before signing in; until they
 *   exist the server answers `invalid_scope`;
 * - without CLIENT_ID and CLIENT_SECRET, registers its own client with
 *   POST /dev/create_client (the server needs ENABLE_DEV_ENDPOINTS=true)
 *   and prints the pair, so the next start can reuse it.
 *
 * The photos API accepts both kinds of access token this server issues,
 * told apart by their shape: a JWT (RFC 9068, three dot-separated parts)
 * is verified locally against the server's JWKS; anything else is opaque
 * and asked about at /introspect (RFC 7662). A JWT is self-contained: once
 * issued it stays valid until it expires, even after logout, which is why
 * the client this demo registers gets 5-minute JWTs. Opaque tokens die at
 * the server the moment they are revoked.
 *
 * Logout uses the seed's `GET /logout`, which ends the session at the
 * server and revokes this user's tokens for this client.
 * @module
 */
import { Hono } from "hono";
import { csrf } from "hono/csrf";
import { html } from "hono/html";
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from "jose";
import * as oidc from "openid-client";
import {
  type APIEnv,
  canonicalHost,
  DEFAULT_AS_URL,
  describeError,
  discoverAS,
  displayName,
  errorPage,
  type HTML,
  identityDetails,
  page,
  requireScope,
  securityHeaders,
  SessionStore,
  type SignedIn,
  signedInFrom,
  STYLESHEET,
  type TokenInfo,
  type VerifyToken,
} from "./shared.ts";

/** The scopes this app defines on the server, as POST /admin/scopes takes them. */
const FILE_SCOPES = [
  { name: "files.read", description: "See your photos", claims: ["files"] },
  { name: "files.write", description: "Upload photos", claims: [] },
];
const READ_SCOPE = "files.read";
const WRITE_SCOPE = "files.write";
/** Always asked for; the file scopes are chosen on the login form. */
const BASE_SCOPE = "openid profile email offline_access";
/** RFC 9068 access tokens are signed like ID tokens; accept these algs. */
const JWT_ALGS = ["RS256", "ES256", "EdDSA"];

export interface CameraDemoOptions {
  /** The authorization server's URL (its issuer). */
  asURL: string;
  /** This app's URL as the browser sees it; its redirect URIs hang off it. */
  baseURL: string;
  /** A confidential client (client_secret_basic) for `${baseURL}/callback`. */
  clientID?: string;
  clientSecret?: string;
  /** Lets the demo create its scopes and, without a client, register one. */
  adminToken?: string;
  /** Access token format of a client the demo registers. Default "jwt". */
  tokenFormat?: "jwt" | "opaque";
  /** Where setup messages go. Default console.log. */
  log?: (line: string) => void;
}

interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
}

interface CameraSession {
  login?: PendingLogin;
  user?: SignedIn;
  flash?: string;
  logoutState?: string;
}

interface Photo {
  id: number;
  title: string;
  by: string;
}

/**
 * Creates `files.read` and `files.write` on the server when discovery does
 * not list them. Reports what it could not do instead of failing: the demo
 * still starts, and the server's own error tells the user what is missing.
 */
async function ensureFileScopes(
  asURL: string,
  adminToken: string | undefined,
  log: (line: string) => void,
): Promise<void> {
  const res = await fetch(`${asURL}/.well-known/openid-configuration`);
  const { scopes_supported: known = [] } = await res.json() as {
    scopes_supported?: string[];
  };
  for (const scope of FILE_SCOPES.filter((s) => !known.includes(s.name))) {
    if (!adminToken) {
      log(
        `scope ${scope.name} does not exist; set ADMIN_TOKEN, or create it in the admin UI`,
      );
      continue;
    }
    const created = await fetch(`${asURL}/admin/scopes`, {
      method: "POST",
      headers: {
        "X-Admin-Token": adminToken,
        "Content-Type": "application/json",
      },
      body: JSON.stringify(scope),
    });
    const answer = await created.text();
    if (created.ok) log(`created scope ${scope.name}`);
    else if (created.status === 404) {
      log(
        `this server has no POST /admin/scopes; create scope ${scope.name} in the admin UI before signing in`,
      );
    } else {
      log(`could not create scope ${scope.name}: ${created.status} ${answer}`);
    }
  }
}

/** Registers this demo as a confidential client (dev endpoint). */
async function registerClient(
  asURL: string,
  adminToken: string,
  base: string,
  tokenFormat: "jwt" | "opaque",
  log: (line: string) => void,
): Promise<{ clientID: string; clientSecret: string }> {
  const res = await fetch(`${asURL}/dev/create_client`, {
    method: "POST",
    headers: {
      "X-Admin-Token": adminToken,
      "Content-Type": "application/json",
    },
    body: JSON.stringify({
      client_name: "Camera Demo",
      redirect_uris: [`${base}/callback`],
      post_logout_redirect_uris: [`${base}/`],
      grant_types: ["authorization_code", "refresh_token"],
      scope: `${BASE_SCOPE} ${READ_SCOPE} ${WRITE_SCOPE}`,
      token_endpoint_auth_method: "client_secret_basic",
      token_format: tokenFormat,
      // A JWT cannot be revoked before it expires: keep its life short.
      access_token_lifetime: tokenFormat === "jwt" ? 300 : 3600,
    }),
  });
  if (res.status === 404) {
    throw new Error(
      "POST /dev/create_client answered 404: start the server with ENABLE_DEV_ENDPOINTS=true, or set CLIENT_ID and CLIENT_SECRET",
    );
  }
  const body = await res.json();
  if (res.status !== 201) {
    throw new Error(
      `POST /dev/create_client answered ${res.status}: ${JSON.stringify(body)}`,
    );
  }
  // The server shows a secret once. Print it, so the next start can reuse
  // this client instead of registering another one.
  log(
    `registered client ${body.client_id}; reuse it with CLIENT_ID=${body.client_id} CLIENT_SECRET=${body.client_secret}`,
  );
  return { clientID: body.client_id, clientSecret: body.client_secret };
}

/** Three base64url parts joined by dots: the compact JWS shape. */
function looksLikeJWT(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}

/**
 * The photos API, a resource server: Bearer tokens in, JSON out. Photos
 * live in memory, per user; everyone starts with two sample photos.
 */
export function createPhotosAPI(
  config: oidc.Configuration,
): Hono<APIEnv> {
  const photos = new Map<string, Photo[]>();
  let nextID = 1;
  const server = config.serverMetadata();
  const clientID = config.clientMetadata().client_id;
  const jwks = createRemoteJWKSet(new URL(server.jwks_uri!));

  async function verifyJWT(token: string): Promise<TokenInfo | null> {
    try {
      const { payload } = await jwtVerify(token, jwks, {
        // RFC 9068 §4: typ must be at+jwt, so an ID token (signed with the
        // same keys) cannot pass as an access token.
        typ: "at+jwt",
        issuer: server.issuer,
        // RFC 9068 §4: aud must name this resource server. This server
        // puts the client's id there, and here client and API are one app.
        audience: clientID,
        algorithms: JWT_ALGS,
      });
      if (typeof payload.sub !== "string") return null;
      const scope = typeof payload.scope === "string" ? payload.scope : "";
      return {
        sub: payload.sub,
        scopes: scope.split(" ").filter(Boolean),
        accessToken: token,
      };
    } catch (err) {
      // Bad signature, expired, wrong typ/iss/aud: not a valid token. Any
      // other failure (the JWKS unreachable) is ours, not the caller's.
      if (err instanceof joseErrors.JOSEError) return null;
      throw err;
    }
  }

  async function introspect(token: string): Promise<TokenInfo | null> {
    const info = await oidc.tokenIntrospection(config, token, {
      token_type_hint: "access_token",
    });
    // RFC 7662 §2.2: inactive means no token at all. A refresh token is
    // "active" too, but it is no access token: only Bearer tokens pass.
    if (!info.active || info.token_type?.toLowerCase() !== "bearer") {
      return null;
    }
    if (typeof info.sub !== "string") return null;
    return {
      sub: info.sub,
      scopes: (info.scope ?? "").split(" ").filter(Boolean),
      accessToken: token,
    };
  }

  const verify: VerifyToken = (token) =>
    looksLikeJWT(token) ? verifyJWT(token) : introspect(token);

  function photosOf(sub: string): Photo[] {
    let list = photos.get(sub);
    if (!list) {
      list = ["Harbour at dawn", "Cat on the stairs"].map((title) => ({
        id: nextID++,
        title,
        by: "sample",
      }));
      photos.set(sub, list);
    }
    return list;
  }

  const api = new Hono<APIEnv>();
  api.get(
    "/photos",
    requireScope("photos", verify, READ_SCOPE),
    (c) => c.json({ photos: photosOf(c.var.token.sub) }),
  );
  api.post(
    "/photos",
    requireScope("photos", verify, WRITE_SCOPE),
    async (c) => {
      const body = await c.req.json().catch(() => null);
      const title = typeof body?.title === "string" ? body.title.trim() : "";
      if (title === "" || title.length > 200) {
        return c.json({
          error: "invalid_request",
          error_description: "title must be 1 to 200 characters",
        }, 400);
      }
      const photo: Photo = { id: nextID++, title, by: "you" };
      photosOf(c.var.token.sub).push(photo);
      return c.json(photo, 201);
    },
  );
  return api;
}

/**
 * The page calls the API like any client: over HTTP with the access token
 * as Bearer. The API lives in this process, so `api.request` skips the
 * network; were it its own service, this would be a fetch() to its URL.
 */
async function callPhotosAPI(
  api: Hono<APIEnv>,
  accessToken: string,
  init: { method: "GET" } | { method: "POST"; body: unknown },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await api.request("/photos", {
    method: init.method,
    headers: {
      Authorization: `Bearer ${accessToken}`,
      "Content-Type": "application/json",
    },
    body: init.method === "POST" ? JSON.stringify(init.body) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

/** Login with a choice of file scopes (more can be asked for later). */
function loginForm(granted: string[], label: string): HTML {
  return html`<form method="get" action="/login">
<label><input type="checkbox" name="scope" value="${READ_SCOPE}" ${
    granted.includes(READ_SCOPE) ? "checked" : ""
  }> See your photos (<code>${READ_SCOPE}</code>)</label><br>
<label><input type="checkbox" name="scope" value="${WRITE_SCOPE}" ${
    granted.includes(WRITE_SCOPE) ? "checked" : ""
  }> Upload photos (<code>${WRITE_SCOPE}</code>)</label><br>
<button id="login">${label}</button>
</form>`;
}

function signedOutPage(flash: string | undefined): HTML {
  return page(
    "Camera demo",
    html`<h1>Camera demo</h1>
${flash ? html`<p class="flash" id="flash">${flash}</p>` : ""}
<p>A confidential client: it signs in with the authorization code flow,
PKCE and its client secret, and asks for access to your photos. Sign in as
<code>alice</code>/<code>alice</code>.</p>
${loginForm([READ_SCOPE], "Log in")}`,
  );
}

function photosSection(list: {
  status: number;
  body: Record<string, unknown>;
}): HTML {
  if (list.status === 403) {
    return html`<p class="error" id="photos-refused">The photos API refused:
seeing photos needs the <code>${READ_SCOPE}</code> scope.</p>`;
  }
  if (list.status !== 200) {
    return html`
      <p
        class="error">The photos API answered ${list.status}: ${String(
          list.body.error_description ?? list.body.error,
        )}. Try Refresh.</p>
    `;
  }
  const photos = list.body.photos as Photo[];
  return html`<ul class="items" id="photos">${
    photos.map((p) =>
      html`<li>${p.title} <span class="muted">(${p.by})</span></li>`
    )
  }</ul>`;
}

function signedInPage(
  base: string,
  user: SignedIn,
  list: { status: number; body: Record<string, unknown> },
  flash: string | undefined,
): HTML {
  const granted = user.scope.split(" ");
  return page(
    "Camera demo",
    html`
      <h1>Camera demo</h1>
      <p>Signed in as <strong id="user-name">${displayName(user)}</strong>
      ${typeof user.userinfo.email === "string"
        ? html`(<span id="user-email">${user.userinfo.email}</span>)`
        : ""}</p>
      ${flash ? html`<p class="flash" id="flash">${flash}</p>` : ""}
      <h2>Your photos</h2>
      ${photosSection(list)}
      <form method="post" action="/photos">
        <input name="title" required maxlength="200" placeholder="Photo title">
        <button>Upload</button>
      </form>
      <p class="muted">Seeing photos needs <code>${READ_SCOPE}</code>, uploading
      needs <code>${WRITE_SCOPE}</code>. Change what this app may do:</p>
      ${loginForm(granted, "Sign in again with these scopes")}
      <p>
        <form class="inline" method="post"
          action="/refresh"><button class="secondary" id="refresh">Refresh tokens</button></form>
        <form class="inline" method="post"
          action="/logout"><button id="logout">Log out</button></form>
      </p>
      ${identityDetails(user, `${base}/api/photos`)}
    `,
  );
}

/**
 * The camera demo as a Hono app. Async: it discovers the server, creates
 * its scopes and registers its client before it can serve.
 *
 * @example
 * ```ts
 * const app = await createDemoApp({
 *   asURL: "http://127.0.0.1:8000",
 *   baseURL: "http://localhost:3001",
 *   adminToken: Deno.env.get("ADMIN_TOKEN"),
 * });
 * Deno.serve({ port: 3001 }, app.fetch);
 * ```
 */
export async function createDemoApp(options: CameraDemoOptions): Promise<Hono> {
  const log = options.log ?? console.log;
  const asURL = options.asURL.replace(/\/+$/, "");
  const base = options.baseURL.replace(/\/+$/, "");
  const redirectURI = `${base}/callback`;
  const postLogoutRedirectURI = `${base}/`;

  await ensureFileScopes(asURL, options.adminToken, log);
  let { clientID, clientSecret } = options;
  if (!clientID || !clientSecret) {
    if (!options.adminToken) {
      throw new Error(
        "set CLIENT_ID and CLIENT_SECRET, or ADMIN_TOKEN to register a client",
      );
    }
    ({ clientID, clientSecret } = await registerClient(
      asURL,
      options.adminToken,
      base,
      options.tokenFormat ?? "jwt",
      log,
    ));
  }
  // RFC 6749 §2.3.1: the secret goes in an HTTP Basic header.
  const config = await discoverAS(
    asURL,
    clientID,
    oidc.ClientSecretBasic(clientSecret),
  );
  const sessions = new SessionStore<CameraSession>("camera_sid", {
    secure: base.startsWith("https:"),
    create: () => ({}),
  });
  const api = createPhotosAPI(config);

  const app = new Hono();
  app.use(securityHeaders(options.asURL));
  app.use(canonicalHost(base));
  // Forms post with the session cookie: only from our own origin.
  app.use(csrf({ origin: new URL(base).origin }));
  app.onError((err, c) => {
    console.error(err);
    return c.html(errorPage("Something went wrong", describeError(err)), 500);
  });
  app.route("/api", api);
  app.get(
    "/style.css",
    (c) => c.text(STYLESHEET, 200, { "Content-Type": "text/css" }),
  );

  app.get("/", async (c) => {
    const session = sessions.get(c);
    let flash = session?.flash;
    if (session) session.flash = undefined;
    // RP-Initiated Logout 1.0 §3: the server hands our state back here.
    const state = c.req.query("state");
    if (session?.logoutState && state === session.logoutState) {
      session.logoutState = undefined;
      flash = "You are signed out, here and at the authorization server.";
    }
    const user = session?.user;
    if (!user) return c.html(signedOutPage(flash));
    const list = await callPhotosAPI(api, user.accessToken, { method: "GET" });
    return c.html(signedInPage(base, user, list, flash));
  });

  app.get("/login", async (c) => {
    const session = sessions.ensure(c);
    const login: PendingLogin = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
    session.login = login;
    // Only the file scopes this app knows may be chosen on the form.
    const chosen = c.req.queries("scope") ?? [];
    const extra = [READ_SCOPE, WRITE_SCOPE].filter((s) => chosen.includes(s));
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectURI,
      scope: [BASE_SCOPE, ...extra].join(" "),
      // A confidential client uses PKCE too (RFC 9700 §2.1.1): it binds
      // the code to this browser's login.
      code_challenge: await oidc.calculatePKCECodeChallenge(
        login.codeVerifier,
      ),
      code_challenge_method: "S256",
      state: login.state,
      nonce: login.nonce,
    });
    return c.redirect(url.href, 302);
  });

  app.get("/callback", async (c) => {
    const session = sessions.get(c);
    const login = session?.login;
    // One login, one callback: a replayed or forged callback finds nothing.
    if (session) session.login = undefined;
    if (!session || !login) {
      return c.html(
        errorPage(
          "Sign-in failed",
          "No sign-in is in progress in this browser. Start again from the home page.",
        ),
        400,
      );
    }
    const callback = new URL(redirectURI);
    callback.search = new URL(c.req.url).search;
    let user: SignedIn;
    try {
      // openid-client checks state and iss (RFC 9207) and turns an error
      // response into an exception, then redeems the code with our secret
      // and the PKCE verifier and validates the ID token (see todo.ts).
      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: login.codeVerifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      user = await signedInFrom(config, tokens);
    } catch (err) {
      let message = describeError(err);
      if (message.startsWith("invalid_scope")) {
        message +=
          ". Create the scopes files.read and files.write on the server" +
          " (start the demo with ADMIN_TOKEN, or use the admin UI).";
      }
      return c.html(errorPage("Sign-in failed", message), 400);
    }
    sessions.renew(c, { user, flash: `Welcome, ${displayName(user)}.` });
    return c.redirect("/", 303);
  });

  app.post("/refresh", async (c) => {
    const session = sessions.get(c);
    const user = session?.user;
    if (!session || !user) return c.redirect("/", 303);
    if (!user.refreshToken) {
      session.flash = "There is no refresh token: log in again.";
      return c.redirect("/", 303);
    }
    try {
      const tokens = await oidc.refreshTokenGrant(config, user.refreshToken);
      session.user = await signedInFrom(config, tokens, user);
      session.flash =
        "Tokens refreshed: a new access token and a new refresh token (the old one no longer works).";
    } catch (err) {
      session.user = undefined;
      session.flash = `Could not refresh (${
        describeError(err)
      }). Please log in again.`;
    }
    return c.redirect("/", 303);
  });

  app.post("/photos", async (c) => {
    const session = sessions.get(c);
    const user = session?.user;
    if (!session || !user) return c.redirect("/", 303);
    const form = await c.req.parseBody();
    const title = typeof form.title === "string" ? form.title : "";
    const res = await callPhotosAPI(api, user.accessToken, {
      method: "POST",
      body: { title },
    });
    if (res.status === 201) session.flash = `Uploaded "${title.trim()}".`;
    else if (res.status === 403) {
      session.flash =
        `The photos API refused: uploading needs the ${WRITE_SCOPE} scope. Sign in again with it.`;
    } else {
      session.flash = `The photos API answered ${res.status}: ${
        String(res.body.error_description ?? res.body.error)
      }`;
    }
    return c.redirect("/", 303);
  });

  app.post("/logout", (c) => {
    const session = sessions.get(c);
    const user = session?.user;
    if (!session || !user) return c.redirect("/", 303);
    const state = oidc.randomState();
    session.user = undefined;
    session.logoutState = state;
    // The seed's GET /logout: ends the session at the server, revokes this
    // user's tokens for this client, and returns the browser to our
    // registered post-logout URI with our state. id_token_hint names the
    // user even if the browser's session at the server is already gone.
    const url = new URL(
      `${config.serverMetadata().issuer.replace(/\/+$/, "")}/logout`,
    );
    url.search = new URLSearchParams({
      client_id: clientID,
      post_logout_redirect_uri: postLogoutRedirectURI,
      state,
      id_token_hint: user.idToken,
    }).toString();
    return c.redirect(url.href, 303);
  });

  return app;
}

if (import.meta.main) {
  const port = Number(Deno.env.get("PORT") ?? "3001");
  const asURL = Deno.env.get("AS_URL") ?? DEFAULT_AS_URL;
  try {
    const app = await createDemoApp({
      asURL,
      baseURL: `http://localhost:${port}`,
      clientID: Deno.env.get("CLIENT_ID") || undefined,
      clientSecret: Deno.env.get("CLIENT_SECRET") || undefined,
      adminToken: Deno.env.get("ADMIN_TOKEN") || undefined,
    });
    Deno.serve({
      hostname: "127.0.0.1",
      port,
      onListen: () =>
        console.log(
          `Camera demo on http://localhost:${port} (authorization server: ${asURL})`,
        ),
    }, app.fetch);
  } catch (err) {
    console.error(`camera demo: ${describeError(err)}`);
    Deno.exit(1);
  }
}
