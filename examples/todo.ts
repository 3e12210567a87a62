/**
 * Todo demo: a relying party for the seeded *public* client `demo-web`
 * (no secret, `token_endpoint_auth_method: none`, PKCE S256), served on
 * http://localhost:3000, with a small todo API that accepts this
 * authorization server's access tokens.
 *
 *     deno task demo:todo        # env: AS_URL, PORT, CLIENT_ID
 *
 * Where the login code runs: on this demo's server, not in browser
 * JavaScript. The client is still public (it has no secret; PKCE proves
 * that the one who asked for the code is the one redeeming it), but the
 * tokens never enter the browser, which holds only an HttpOnly session
 * cookie: a script injected into the page has nothing to steal. It is also
 * the shortest honest code: no bundler, no token storage in the browser.
 * A browser-only SPA would make the same requests with oauth4webapi.
 *
 * The todo API's rules (demo-web may ask only for the standard scopes, so
 * the API gives two of them a meaning):
 *
 * - `GET  /api/todos` needs `openid`: the token must act for a user.
 * - `POST /api/todos` needs `profile`: a todo is signed with its author's
 *   name, which the API may read from UserInfo only with `profile`.
 *   "Log in read-only" leaves `profile` out, so adding is refused (403).
 *
 * The API checks every token at the authorization server's /introspect
 * (RFC 7662), authenticating as the public client demo-web by its
 * client_id alone, as the seed allows.
 * @module
 */
import { Hono } from "hono";
import { csrf } from "hono/csrf";
import { html } from "hono/html";
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
  once,
  page,
  requireScope,
  securityHeaders,
  SessionStore,
  type SignedIn,
  signedInFrom,
  STYLESHEET,
  type VerifyToken,
} from "./shared.ts";

/** Scopes asked for at login; offline_access brings a refresh token. */
const FULL_SCOPE = "openid profile email offline_access";
/** "Log in read-only": everything but profile. */
const READ_ONLY_SCOPE = "openid email offline_access";
const LIST_TODOS_SCOPE = "openid";
const ADD_TODO_SCOPE = "profile";

export interface TodoDemoOptions {
  /** The authorization server's issuer URL. */
  asURL: string;
  /** This app's URL as the browser sees it; its redirect URIs hang off it. */
  baseURL: string;
  /**
   * A public client registered with `${baseURL}/callback` as redirect URI
   * and `${baseURL}/` as post-logout redirect URI. Default `demo-web`
   * (seeded by GET /dev/seed for http://localhost:3000).
   */
  clientID?: string;
}

/** A login that went to the authorization server and has not come back. */
interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
}

interface TodoSession {
  login?: PendingLogin;
  user?: SignedIn;
  /** A one-time message for the next page. */
  flash?: string;
  /** The state sent with the last logout, to recognise its return. */
  logoutState?: string;
}

interface Todo {
  id: number;
  title: string;
  author: string;
}

/**
 * The todo API, a resource server: Bearer tokens in, JSON out. Todos live
 * in memory, per user (the token's `sub`).
 */
export function createTodoAPI(
  config: () => Promise<oidc.Configuration>,
): Hono<APIEnv> {
  const todos = new Map<string, Todo[]>();
  let nextID = 1;

  const verify: VerifyToken = async (token) => {
    const info = await oidc.tokenIntrospection(await config(), token, {
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
  };

  const api = new Hono<APIEnv>();
  api.get(
    "/todos",
    requireScope("todo", verify, LIST_TODOS_SCOPE),
    (c) => c.json({ todos: todos.get(c.var.token.sub) ?? [] }),
  );
  api.post(
    "/todos",
    requireScope("todo", verify, ADD_TODO_SCOPE),
    async (c) => {
      const body = await c.req.json().catch(() => null);
      const title = typeof body?.title === "string" ? body.title.trim() : "";
      if (title === "" || title.length > 200) {
        return c.json({
          error: "invalid_request",
          error_description: "title must be 1 to 200 characters",
        }, 400);
      }
      const { sub, accessToken } = c.var.token;
      const me = await oidc.fetchUserInfo(await config(), accessToken, sub);
      const todo: Todo = {
        id: nextID++,
        title,
        author: typeof me.name === "string" ? me.name : sub,
      };
      todos.set(sub, [...(todos.get(sub) ?? []), todo]);
      return c.json(todo, 201);
    },
  );
  return api;
}

/**
 * The page calls the API like any client: over HTTP with the access token
 * as Bearer. The API lives in this process, so `api.request` skips the
 * network; were it its own service, this would be a fetch() to its URL.
 */
async function callTodoAPI(
  api: Hono<APIEnv>,
  accessToken: string,
  init: { method: "GET" } | { method: "POST"; body: unknown },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await api.request("/todos", {
    method: init.method,
    headers: {
      Authorization: `Bearer ${accessToken}`,
      "Content-Type": "application/json",
    },
    body: init.method === "POST" ? JSON.stringify(init.body) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

function signedOutPage(flash: string | undefined): HTML {
  return page(
    "Todo demo",
    html`<h1>Todo demo</h1>
${flash ? html`<p class="flash" id="flash">${flash}</p>` : ""}
<p>A public client (<code>demo-web</code>) signing in with the authorization
code flow and PKCE. Sign in as <code>alice</code>/<code>alice</code>.</p>
<p><a class="button" id="login" href="/login">Log in</a>
<a class="button secondary" id="login-read-only" href="/login?access=read">Log in read-only</a></p>
<p class="muted">Read-only leaves out the <code>profile</code> scope: you can
list your todos but the API refuses to add one.</p>`,
  );
}

function signedInPage(
  base: string,
  user: SignedIn,
  list: { status: number; body: Record<string, unknown> },
  flash: string | undefined,
): HTML {
  const todos = list.status === 200 ? list.body.todos as Todo[] : [];
  return page(
    "Todo demo",
    html`
      <h1>Todo demo</h1>
      <p>Signed in as <strong id="user-name">${displayName(user)}</strong>
      ${typeof user.userinfo.email === "string"
        ? html`(<span id="user-email">${user.userinfo.email}</span>)`
        : ""}</p>
      ${flash ? html`<p class="flash" id="flash">${flash}</p>` : ""}
      <h2>Your todos</h2>
      ${list.status !== 200
        ? html`
          <p
            class="error">The todo API answered ${list.status}: ${String(
              list.body.error_description ?? list.body.error,
            )}. Try Refresh.</p>
        `
        : todos.length === 0
        ? html`<p class="muted">Nothing yet.</p>`
        : html`<ul class="items" id="todos">${
          todos.map((t) =>
            html`<li>${t.title} <span class="muted">by ${t.author}</span></li>`
          )
        }</ul>`}
      <form method="post" action="/todos">
        <input name="title" required maxlength="200" placeholder="Something to do">
        <button>Add</button>
      </form>
      <p class="muted">Listing needs the <code>${LIST_TODOS_SCOPE}</code> scope,
      adding needs <code>${ADD_TODO_SCOPE}</code>.</p>
      <p>
        <form class="inline" method="post"
          action="/refresh"><button class="secondary" id="refresh">Refresh tokens</button></form>
        <form class="inline" method="post"
          action="/logout"><button id="logout">Log out</button></form>
      </p>
      ${identityDetails(user, `${base}/api/todos`)}
    `,
  );
}

/**
 * The todo demo as a Hono app: pages, the OAuth client, and the todo API
 * under /api. Serve it with `Deno.serve(app.fetch)`.
 *
 * @example
 * ```ts
 * const app = createDemoApp({
 *   asURL: "http://127.0.0.1:8000",
 *   baseURL: "http://localhost:3000",
 * });
 * Deno.serve({ port: 3000 }, app.fetch);
 * ```
 */
export function createDemoApp(options: TodoDemoOptions): Hono {
  const clientID = options.clientID ?? "demo-web";
  const base = options.baseURL.replace(/\/+$/, "");
  const redirectURI = `${base}/callback`;
  const postLogoutRedirectURI = `${base}/`;
  // Discovery happens on first use, so the demo may start before the AS.
  const config = once(() => discoverAS(options.asURL, clientID, oidc.None()));
  const sessions = new SessionStore<TodoSession>("todo_sid", {
    secure: base.startsWith("https:"),
    create: () => ({}),
  });
  const api = createTodoAPI(config);

  const app = new Hono();
  app.use(securityHeaders(options.asURL));
  app.use(canonicalHost(base));
  // The page forms post with the session cookie: accept them only from
  // our own origin (SameSite=Lax already keeps the cookie off cross-site
  // POSTs; this is the second lock).
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
    // RP-Initiated Logout 1.0 §3: the AS hands our state back here.
    const state = c.req.query("state");
    if (session?.logoutState && state === session.logoutState) {
      session.logoutState = undefined;
      flash = "You are signed out, here and at the authorization server.";
    }
    const user = session?.user;
    if (!user) return c.html(signedOutPage(flash));
    const list = await callTodoAPI(api, user.accessToken, { method: "GET" });
    return c.html(signedInPage(base, user, list, flash));
  });

  app.get("/login", async (c) => {
    const cfg = await config();
    const session = sessions.ensure(c);
    // Fresh secrets for each login, kept in this browser's session only.
    const login: PendingLogin = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
    session.login = login;
    const url = oidc.buildAuthorizationUrl(cfg, {
      redirect_uri: redirectURI,
      scope: c.req.query("access") === "read" ? READ_ONLY_SCOPE : FULL_SCOPE,
      // RFC 7636: send only the S256 hash; the verifier goes to /token.
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
    const cfg = await config();
    // openid-client sends the callback URL without its query as the
    // redirect_uri, so build it from the registered value, not from Host.
    const callback = new URL(redirectURI);
    callback.search = new URL(c.req.url).search;
    let user: SignedIn;
    try {
      // Before any code is exchanged, openid-client checks the callback:
      // `state` must be the one this browser sent (RFC 6749 §10.12, CSRF);
      // `iss` must be our issuer (RFC 9207, required because discovery says
      // authorization_response_iss_parameter_supported), so a response
      // from another server cannot be passed off as this one's; an `error`
      // (access_denied, invalid_scope, ...) is thrown. Then it redeems the
      // code with the PKCE verifier and validates the ID token: signature
      // (JWKS), iss, aud, exp, and our nonce.
      const tokens = await oidc.authorizationCodeGrant(cfg, callback, {
        pkceCodeVerifier: login.codeVerifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      user = await signedInFrom(cfg, tokens);
    } catch (err) {
      return c.html(errorPage("Sign-in failed", describeError(err)), 400);
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
    const cfg = await config();
    try {
      const tokens = await oidc.refreshTokenGrant(cfg, user.refreshToken);
      session.user = await signedInFrom(cfg, tokens, user);
      session.flash =
        "Tokens refreshed: a new access token and a new refresh token (the old one no longer works).";
    } catch (err) {
      // invalid_grant: the refresh token expired or was revoked.
      session.user = undefined;
      session.flash = `Could not refresh (${
        describeError(err)
      }). Please log in again.`;
    }
    return c.redirect("/", 303);
  });

  app.post("/todos", async (c) => {
    const session = sessions.get(c);
    const user = session?.user;
    if (!session || !user) return c.redirect("/", 303);
    const form = await c.req.parseBody();
    const title = typeof form.title === "string" ? form.title : "";
    const res = await callTodoAPI(api, user.accessToken, {
      method: "POST",
      body: { title },
    });
    if (res.status === 201) session.flash = `Added "${title.trim()}".`;
    else if (res.status === 403) {
      session.flash =
        `The todo API refused: adding a todo needs the ${ADD_TODO_SCOPE} scope, which this sign-in did not grant. Log out and log in with full access.`;
    } else {
      session.flash = `The todo API answered ${res.status}: ${
        String(res.body.error_description ?? res.body.error)
      }`;
    }
    return c.redirect("/", 303);
  });

  app.post("/logout", async (c) => {
    const session = sessions.get(c);
    const user = session?.user;
    if (!session || !user) return c.redirect("/", 303);
    const cfg = await config();
    // RFC 7009: revoke the long-lived token first; the AS also ends the
    // access tokens issued with it. Signing out goes on even if this fails.
    if (user.refreshToken) {
      try {
        await oidc.tokenRevocation(cfg, user.refreshToken, {
          token_type_hint: "refresh_token",
        });
      } catch (err) {
        console.warn(`revocation failed: ${describeError(err)}`);
      }
    }
    const state = oidc.randomState();
    session.user = undefined;
    session.logoutState = state;
    // RP-Initiated Logout 1.0: end the session at the AS as well; it sends
    // the browser back to our registered post-logout URI with our state.
    const url = oidc.buildEndSessionUrl(cfg, {
      id_token_hint: user.idToken,
      post_logout_redirect_uri: postLogoutRedirectURI,
      state,
    });
    return c.redirect(url.href, 303);
  });

  return app;
}

if (import.meta.main) {
  const port = Number(Deno.env.get("PORT") ?? "3000");
  const asURL = Deno.env.get("AS_URL") ?? DEFAULT_AS_URL;
  const app = createDemoApp({
    asURL,
    baseURL: `http://localhost:${port}`,
    clientID: Deno.env.get("CLIENT_ID") || undefined,
  });
  Deno.serve({
    hostname: "127.0.0.1",
    port,
    onListen: () =>
      console.log(
        `Todo demo on http://localhost:${port} (authorization server: ${asURL})`,
      ),
  }, app.fetch);
}
