/**
 * Clickjacking (RFC 6819 §4.4.1.9, RFC 9700 §4.16): every HTML page the
 * server renders - found by walking the route manifest, not by a list that
 * could fall behind - forbids framing with both CSP `frame-ancestors 'none'`
 * and `X-Frame-Options: DENY`, and sends `nosniff` and `Referrer-Policy:
 * no-referrer` (RFC 9700 §4.2). So do the pages in
 * between: sign-in, consent, errors, logout confirmation, the form_post
 * answer, setup before and after, admin pages.
 * @module
 */
import assert from "node:assert/strict";
import { routePath } from "../../lib/http/router.tsx";
import { manifest } from "../../routes.gen.ts";
import { demoParams, readPage } from "../helpers/oauth.ts";
import {
  CookieJar,
  setupProofFor,
  signInAdmin,
  startTestApp,
  type TestApp,
} from "../helpers/test_app.ts";
import {
  fetchFrom,
  openAuthorize,
  postFrom,
  startSecurityApp,
} from "./fixture.ts";

const IP = "192.0.2.60";

function assertNoFraming(res: Response, what: string): void {
  const csp = res.headers.get("Content-Security-Policy") ?? "";
  assert.match(csp, /(^|;)\s*frame-ancestors 'none'\s*(;|$)/, `${what}: CSP`);
  // One policy only: a second, laxer header would be combined by browsers,
  // but no page should need one.
  assert.ok(!csp.includes(","), `${what}: a single CSP`);
  assert.equal(res.headers.get("X-Frame-Options"), "DENY", what);
  assert.equal(res.headers.get("X-Content-Type-Options"), "nosniff", what);
  // RFC 9700 §4.2.4: no page leaks its URL (an authorization request) in a
  // Referer to the sites it links to.
  assert.equal(res.headers.get("Referrer-Policy"), "no-referrer", what);
}

async function assertPage(
  t: TestApp,
  path: string,
  init: RequestInit,
  what: string,
): Promise<string> {
  const res = await fetchFrom(t, IP, path, init);
  const type = res.headers.get("Content-Type") ?? "";
  const body = await res.text();
  if (type.startsWith("text/html")) {
    assertNoFraming(res, `${what} (${res.status})`);
  }
  return type.startsWith("text/html") ? body : "";
}

/** GET routes of the manifest with their parameters filled in. */
function getRoutes(ids: Record<string, string>): string[] {
  const paths = new Set<string>();
  for (const [file, mod] of Object.entries(manifest.routes)) {
    if (file.includes("_middleware")) continue;
    const handler = mod.handler as Record<string, unknown> | undefined;
    const hasGET = typeof handler === "object" && handler !== null &&
      "GET" in handler;
    if (!hasGET && !mod.default) continue;
    paths.add(
      routePath(file).replace(/:([a-z_]+)/g, (_, name) => ids[name] ?? "x"),
    );
  }
  return [...paths];
}

Deno.test("clickjacking: every GET page of the manifest, anonymous and as admin, forbids framing", async () => {
  const { t, adminToken } = await startSecurityApp({
    env: { ENABLE_DEV_ENDPOINTS: "true" },
  });
  try {
    const users = await t.deps.db.selectFrom("users").select(["id"]).execute();
    const keys = await t.deps.db.selectFrom("signing_keys").select(["kid"])
      .execute();
    const ids = {
      client_id: "demo-web",
      user_id: users[0].id,
      name: "openid",
      kid: keys[0].kid,
      session_id: "x",
    };
    const admin = await signInAdmin(t, adminToken);
    let pages = 0;
    for (const path of getRoutes(ids)) {
      for (
        const [who, cookie] of [
          ["anonymous", ""],
          ["admin", admin.header()],
        ]
      ) {
        const html = await assertPage(t, path, {
          headers: { Accept: "text/html", Cookie: cookie },
        }, `${who} GET ${path}`);
        if (html) pages++;
      }
    }
    assert.ok(pages >= 15, `found ${pages} HTML pages`);
  } finally {
    await t.close();
  }
});

Deno.test("clickjacking: the pages of a sign-in, their errors and the form_post answer forbid framing", async () => {
  const { t } = await startSecurityApp();
  try {
    const jar = new CookieJar();
    const { params } = demoParams({ response_mode: "form_post" });
    const query = new URLSearchParams(params as Record<string, string>);
    const login = await openAuthorize(t, IP, query, jar);
    assert.equal(login.fields._action, "login");
    // The sign-in page itself, with its widened form-action.
    await assertPage(t, `/authorize?${query}`, {
      headers: { Accept: "text/html", Cookie: jar.header() },
    }, "sign-in page");
    const wrong = await postFrom(t, IP, "/authorize", {
      ...login.fields,
      username: "alice",
      password: "nope",
    }, jar);
    assert.equal(wrong.status, 401);
    assertNoFraming(wrong, "sign-in error");
    await wrong.body?.cancel();
    const consent = await postFrom(t, IP, "/authorize", {
      ...login.fields,
      username: "alice",
      password: "alice",
    }, jar);
    assertNoFraming(consent, "consent page");
    const consentPage = readPage(await consent.text());
    const answer = await postFrom(t, IP, "/authorize", {
      ...consentPage.fields,
      decision: "allow",
    }, jar);
    assert.equal(answer.status, 200, "the form_post answer");
    assert.match(answer.headers.get("Content-Type") ?? "", /text\/html/);
    assertNoFraming(answer, "form_post answer");
    await answer.body?.cancel();

    for (
      const [what, path] of [
        ["unknown client", "/authorize?client_id=nope&response_type=code"],
        ["404", "/no/such/page"],
        ["logout confirmation", "/end_session?client_id=demo-web"],
        [
          "bad logout",
          "/logout?post_logout_redirect_uri=https://evil.example/",
        ],
        ["admin sign-in", "/admin/login"],
      ]
    ) {
      const html = await assertPage(t, path, {
        headers: { Accept: "text/html", Cookie: jar.header() },
      }, what);
      assert.ok(html, `${what} is a page`);
    }
  } finally {
    await t.close();
  }
});

Deno.test("clickjacking: the setup wizard forbids framing before and after setup", async () => {
  const t = await startTestApp();
  try {
    const jar = new CookieJar();
    const res = await fetchFrom(t, IP, "/setup", {
      headers: { Accept: "text/html" },
    });
    jar.capture(res);
    assertNoFraming(res, "setup form");
    const html = await res.text();
    const csrf = html.match(/name="csrf_token" value="([^"]+)"/)![1];
    const done = await postFrom(t, IP, "/setup", {
      csrf_token: csrf,
      setup_code: await setupProofFor(t),
    }, jar);
    assert.equal(done.status, 200);
    assertNoFraming(done, "the page showing the admin token");
    await done.body?.cancel();
    // Before setup every page redirects; the redirect is framing-proof too.
    const again = await fetchFrom(t, IP, "/setup", {
      headers: { Accept: "text/html" },
    });
    assertNoFraming(again, "setup done");
    await again.body?.cancel();
  } finally {
    await t.close();
  }
});
