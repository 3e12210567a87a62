/**
 * The demo apps in examples/, driven as a person would use them: each demo
 * on a free port in front of a real server (also on a free port), a
 * browser with cookies clicking through the demo, the server's sign-in and
 * consent pages and back. Each demo gets a client registered for its own
 * port, so no test depends on ports 3000/3001 being free.
 */
import assert from "node:assert/strict";
import type { Hono } from "hono";
import { createDemoApp as createCameraApp } from "../../examples/camera.ts";
import { createDemoApp as createTodoApp } from "../../examples/todo.ts";
import {
  completeSetupFor,
  startTestApp,
  type TestApp,
} from "../helpers/test_app.ts";
import { Browser, type Page, textOf } from "./browser.ts";

const BOOTSTRAP_TOKEN = "bootstrap-admin-token-0123456789";

interface Server {
  t: TestApp;
  /** The admin token from setup. */
  admin: string;
}

/** A server with setup done and the demo data seeded. */
async function withServer(fn: (s: Server) => Promise<void>): Promise<void> {
  const t = await startTestApp({
    listen: true,
    env: { ENABLE_DEV_ENDPOINTS: "true", ADMIN_TOKEN: BOOTSTRAP_TOKEN },
  });
  try {
    const admin = await completeSetupFor(t);
    const seeded = await t.fetch("/dev/seed", {
      headers: { "X-Admin-Token": admin },
    });
    assert.equal(seeded.status, 200, await seeded.text());
    await fn({ t, admin });
  } finally {
    await t.close();
  }
}

interface Demo {
  base: string;
  close(): Promise<void>;
}

/**
 * Serves a demo on a free loopback port. The app is built once the port
 * is known, since its redirect URIs hang off its own URL.
 */
async function serveDemo(
  build: (base: string) => Hono | Promise<Hono>,
): Promise<Demo> {
  let app: Hono | null = null;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => app ? app.fetch(req) : new Response("starting", { status: 503 }),
  );
  const base = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
  try {
    app = await build(base);
  } catch (err) {
    await server.shutdown();
    throw err;
  }
  return { base, close: () => server.shutdown() };
}

/** POST /dev/create_client, as the README shows; the answer has the secret. */
async function registerClient(
  { t, admin }: Server,
  metadata: Record<string, unknown>,
): Promise<{ client_id: string; client_secret?: string }> {
  const res = await t.fetch("/dev/create_client", {
    method: "POST",
    headers: { "X-Admin-Token": admin, "Content-Type": "application/json" },
    body: JSON.stringify(metadata),
  });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return body;
}

/** Calls a demo API the way curl would. */
async function callAPI(
  url: string,
  token: string | null,
  init: RequestInit = {},
): Promise<{ status: number; challenge: string | null; body: unknown }> {
  const headers = new Headers(init.headers);
  if (token !== null) headers.set("Authorization", `Bearer ${token}`);
  const res = await fetch(url, { ...init, headers });
  return {
    status: res.status,
    challenge: res.headers.get("WWW-Authenticate"),
    body: await res.json(),
  };
}

function accessTokenOn(page: Page): string {
  const token = textOf(page.html, "access-token");
  assert.ok(token, "the page shows the access token");
  return token;
}

/** The server signs this user in again only after a logout. */
function assertSignedInAs(page: Page, name: string, email: string): void {
  assert.equal(page.status, 200, page.html);
  assert.equal(textOf(page.html, "user-name"), name);
  assert.equal(textOf(page.html, "user-email"), email);
}

Deno.test("todo demo: log in with PKCE, see your claims, refresh, add todos with the right scope only, log out", async () => {
  await withServer(async (server) => {
    const { t } = server;
    const demo = await serveDemo(async (base) => {
      // A public client like demo-web, registered for this port.
      const client = await registerClient(server, {
        client_name: "Todo demo (test)",
        redirect_uris: [`${base}/callback`],
        post_logout_redirect_uris: [`${base}/`],
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code", "refresh_token"],
        scope: "openid profile email offline_access",
      });
      assert.equal(client.client_secret, undefined);
      return createTodoApp({
        asURL: t.base,
        baseURL: base,
        clientID: client.client_id,
      });
    });
    try {
      const api = `${demo.base}/api/todos`;
      const browser = new Browser();
      const start = await browser.go(`${demo.base}/`);
      assert.match(start.html, /Log in/);

      // Saying no on the consent page: the demo says sign-in failed.
      const denied = await browser.signIn(`${demo.base}/login`, {
        decision: "deny",
      });
      assert.equal(denied.url.origin, demo.base);
      assert.equal(denied.status, 400);
      assert.match(textOf(denied.html, "error")!, /^access_denied/);

      // The demo refuses a callback whose iss is not the server (RFC 9207)
      // or whose state is not the one it sent.
      const isCallback = (u: URL) => u.href.startsWith(`${demo.base}/callback`);
      const first = await browser.signIn(`${demo.base}/login`, {
        stopBefore: isCallback,
      });
      assert.ok(isCallback(first.url), first.url.href);
      assert.ok(
        first.visited.some((u) => u.href.startsWith(`${t.base}/authorize`)),
      );
      assert.equal(first.url.searchParams.get("iss"), t.base);
      const forged = new URL(first.url);
      forged.searchParams.set("iss", "https://evil.example");
      const refused = await browser.go(forged);
      assert.equal(refused.status, 400);
      assert.match(textOf(refused.html, "error")!, /iss/);
      // The login was used up by that attempt: the real callback is too late.
      const replay = await browser.go(first.url);
      assert.equal(replay.status, 400);
      assert.match(textOf(replay.html, "error")!, /No sign-in is in progress/);

      const second = await browser.signIn(`${demo.base}/login`, {
        stopBefore: isCallback,
      });
      const wrongState = new URL(second.url);
      wrongState.searchParams.set("state", "not-the-state");
      assert.equal((await browser.go(wrongState)).status, 400);

      // A real login: the user sees who they are.
      let home = await browser.signIn(`${demo.base}/login`);
      assert.equal(home.url.href, `${demo.base}/`);
      assertSignedInAs(home, "Alice Liddell", "alice@example.com");
      const claims = JSON.parse(textOf(home.html, "id-token-claims")!);
      assert.equal(claims.iss, t.base);
      assert.equal(claims.email, "alice@example.com");
      const userinfo = JSON.parse(textOf(home.html, "userinfo")!);
      assert.equal(userinfo.preferred_username, "alice");
      assert.equal(userinfo.sub, claims.sub);

      // Adding a todo goes through the API; what is printed is escaped.
      home = await browser.post(`${demo.base}/todos`, { title: "Buy <milk>" });
      assert.match(textOf(home.html, "flash")!, /Added "Buy <milk>"/);
      assert.match(
        home.html,
        /<li>Buy &lt;milk&gt; <span class="muted">by Alice Liddell<\/span><\/li>/,
      );

      // The API itself: the token works, no token or a bad one does not.
      const token = accessTokenOn(home);
      const listed = await callAPI(api, token);
      assert.equal(listed.status, 200);
      assert.deepEqual(
        (listed.body as { todos: { title: string }[] }).todos.map((t) =>
          t.title
        ),
        ["Buy <milk>"],
      );
      const anonymous = await callAPI(api, null);
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.challenge, 'Bearer realm="todo"');
      const bad = await callAPI(api, "not-a-real-token");
      assert.equal(bad.status, 401);
      assert.match(bad.challenge!, /error="invalid_token"/);

      // Refresh: new tokens, and the new access token works.
      home = await browser.post(`${demo.base}/refresh`, {});
      assert.match(textOf(home.html, "flash")!, /Tokens refreshed/);
      assertSignedInAs(home, "Alice Liddell", "alice@example.com");
      const refreshed = accessTokenOn(home);
      assert.notEqual(refreshed, token);
      assert.equal((await callAPI(api, refreshed)).status, 200);

      // Log out: via the server's end_session, back to the demo with the
      // state it sent; the revoked tokens no longer open the API.
      const out = await browser.post(`${demo.base}/logout`, {});
      const endSession = out.visited.find((u) =>
        u.href.startsWith(`${t.base}/end_session?`)
      );
      assert.ok(endSession, out.visited.join(" "));
      assert.equal(
        endSession.searchParams.get("post_logout_redirect_uri"),
        `${demo.base}/`,
      );
      const state = endSession.searchParams.get("state")!;
      assert.equal(out.url.href, `${demo.base}/?state=${state}`);
      assert.match(
        textOf(out.html, "flash")!,
        /signed out, here and at the authorization server/,
      );
      assert.match(out.html, /Log in/);
      assert.equal((await callAPI(api, refreshed)).status, 401);
      assert.equal((await callAPI(api, token)).status, 401);

      // Read-only: the server asks for the password again (its session
      // ended); listing works, adding is refused for want of `profile`.
      home = await browser.signIn(`${demo.base}/login?access=read`);
      // Without profile the demo learns no name: it greets the email.
      assertSignedInAs(home, "alice@example.com", "alice@example.com");
      assert.equal(
        textOf(home.html, "granted-scope"),
        "openid email offline_access",
      );
      assert.match(home.html, /Buy &lt;milk&gt;/);
      home = await browser.post(`${demo.base}/todos`, { title: "Sneaky" });
      assert.match(textOf(home.html, "flash")!, /refused.*profile/);
      assert.doesNotMatch(home.html, /<li>Sneaky/);
      const readOnly = accessTokenOn(home);
      const add = await callAPI(api, readOnly, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ title: "Sneaky" }),
      });
      assert.equal(add.status, 403);
      assert.match(add.challenge!, /error="insufficient_scope"/);
      assert.match(add.challenge!, /scope="profile"/);
      assert.equal((await callAPI(api, readOnly)).status, 200);
    } finally {
      await demo.close();
    }
  });
});

/** Logs in to the camera demo asking for these file scopes. */
function cameraLogin(
  browser: Browser,
  base: string,
  scopes: string[],
): Promise<Page> {
  const query = new URLSearchParams(scopes.map((s) => ["scope", s]));
  return browser.signIn(`${base}/login?${query}`);
}

Deno.test("camera demo: registers itself, JWT access tokens checked with JWKS, files.read/files.write enforced, logout via /logout", async () => {
  await withServer(async (server) => {
    const { t, admin } = server;
    const setupLog: string[] = [];
    const demo = await serveDemo((base) =>
      createCameraApp({
        asURL: t.base,
        baseURL: base,
        adminToken: admin,
        tokenFormat: "jwt",
        log: (line) => setupLog.push(line),
      })
    );
    try {
      // It created its scopes with the admin API and registered itself.
      assert.deepEqual(setupLog.slice(0, 2), [
        "created scope files.read",
        "created scope files.write",
      ]);
      const scopes = await t.fetch("/admin/scopes", {
        headers: { "X-Admin-Token": admin },
      });
      const scopeList = await scopes.json() as {
        name: string;
        description: string;
      }[];
      assert.ok(
        scopeList.some((s) =>
          s.name === "files.read" && s.description === "See your photos"
        ),
        JSON.stringify(scopeList),
      );
      const registered = setupLog[2]?.match(/^registered client (\S+);/)?.[1];
      assert.ok(registered, setupLog.join("\n"));

      const api = `${demo.base}/api/photos`;
      const browser = new Browser();

      // Without files.read the photos API refuses.
      let home = await cameraLogin(browser, demo.base, []);
      assertSignedInAs(home, "Alice Liddell", "alice@example.com");
      assert.match(textOf(home.html, "photos-refused")!, /files\.read/);
      const noFiles = accessTokenOn(home);
      const refused = await callAPI(api, noFiles);
      assert.equal(refused.status, 403);
      assert.match(refused.challenge!, /scope="files\.read"/);

      // With files.read: the photos show, but uploading is refused.
      home = await cameraLogin(browser, demo.base, ["files.read"]);
      assert.match(textOf(home.html, "photos")!, /Harbour at dawn/);
      home = await browser.post(`${demo.base}/photos`, { title: "Beach" });
      assert.match(textOf(home.html, "flash")!, /refused.*files\.write/);
      assert.doesNotMatch(textOf(home.html, "photos")!, /Beach/);

      // With both: uploading works.
      home = await cameraLogin(browser, demo.base, [
        "files.read",
        "files.write",
      ]);
      assert.equal(
        textOf(home.html, "granted-scope"),
        "openid profile email offline_access files.read files.write",
      );
      home = await browser.post(`${demo.base}/photos`, { title: "Beach" });
      assert.match(textOf(home.html, "flash")!, /Uploaded "Beach"/);
      assert.match(textOf(home.html, "photos")!, /Beach/);

      // The access token is an RFC 9068 JWT, verified by the API with JWKS.
      const token = accessTokenOn(home);
      const [header] = token.split(".");
      assert.equal(
        JSON.parse(new TextDecoder().decode(decodeBase64URL(header))).typ,
        "at+jwt",
      );
      const listed = await callAPI(api, token);
      assert.equal(listed.status, 200);
      const tampered = token.slice(0, -4) +
        (token.endsWith("AAAA") ? "BBBB" : "AAAA");
      const bad = await callAPI(api, tampered);
      assert.equal(bad.status, 401);
      assert.match(bad.challenge!, /error="invalid_token"/);

      // Refresh keeps the user signed in with a new token.
      home = await browser.post(`${demo.base}/refresh`, {});
      assert.match(textOf(home.html, "flash")!, /Tokens refreshed/);
      const refreshed = accessTokenOn(home);
      assert.notEqual(refreshed, token);
      assert.equal((await callAPI(api, refreshed)).status, 200);

      // Log out with the seed's /logout, back with our state.
      const out = await browser.post(`${demo.base}/logout`, {});
      const logout = out.visited.find((u) =>
        u.href.startsWith(`${t.base}/logout?`)
      );
      assert.ok(logout, out.visited.join(" "));
      assert.equal(logout.searchParams.get("client_id"), registered);
      const state = logout.searchParams.get("state")!;
      assert.equal(out.url.href, `${demo.base}/?state=${state}`);
      assert.match(textOf(out.html, "flash")!, /signed out/);
      assert.doesNotMatch(out.html, /access-token/);
    } finally {
      await demo.close();
    }
  });
});

Deno.test("camera demo: with an opaque-token client the photos API asks /introspect, and logout revokes the token", async () => {
  await withServer(async (server) => {
    const { t, admin } = server;
    const demo = await serveDemo(async (base) => {
      const client = await registerClient(server, {
        client_name: "Camera demo (opaque)",
        redirect_uris: [`${base}/callback`],
        post_logout_redirect_uris: [`${base}/`],
        token_endpoint_auth_method: "client_secret_basic",
        scope: "openid profile email offline_access files.read files.write",
        token_format: "opaque",
      });
      return createCameraApp({
        asURL: t.base,
        baseURL: base,
        clientID: client.client_id,
        clientSecret: client.client_secret,
        adminToken: admin,
        log: () => {},
      });
    });
    try {
      const api = `${demo.base}/api/photos`;
      const browser = new Browser();
      const home = await cameraLogin(browser, demo.base, ["files.read"]);
      assertSignedInAs(home, "Alice Liddell", "alice@example.com");
      const token = accessTokenOn(home);
      assert.ok(!token.includes("."), "an opaque token");
      assert.equal((await callAPI(api, token)).status, 200);
      const add = await callAPI(api, token, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ title: "Nope" }),
      });
      assert.equal(add.status, 403);

      const out = await browser.post(`${demo.base}/logout`, {});
      assert.match(out.url.href, new RegExp(`^${demo.base}/\\?state=`));
      // /logout revoked the user's tokens for this client.
      assert.equal((await callAPI(api, token)).status, 401);
    } finally {
      await demo.close();
    }
  });
});

function decodeBase64URL(s: string): Uint8Array {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(
    atob(b64 + "=".repeat((4 - b64.length % 4) % 4)),
    (c) => c.charCodeAt(0),
  );
}
