/**
 * Cookie flags (RFC 6819 §5.1.4.1.2, RFC 9700 §4.7; DESIGN "cookies are
 * HttpOnly, SameSite=Lax, Secure behind https"): the user session `sid`,
 * the admin session `admin_sid` and the double-submit `csrf` cookie carry
 * HttpOnly, SameSite (Lax for sessions so a client's redirect back still
 * finds the session, Strict for the CSRF token), Path=/, a bounded Max-Age
 * for sessions, and Secure exactly when ISSUER is https; clearing them at
 * logout uses the same Path.
 * @module
 */
import assert from "node:assert/strict";
import { SESSION_LIFETIME } from "../../lib/security/session.ts";
import { demoParams } from "../helpers/oauth.ts";
import {
  completeSetupFor,
  CookieJar,
  openForm,
  type TestApp,
} from "../helpers/test_app.ts";
import {
  fetchFrom,
  openAuthorize,
  postFrom,
  startSecurityApp,
} from "./fixture.ts";
import { seedDemo } from "../helpers/oauth.ts";
import { startTestApp } from "../helpers/test_app.ts";

const IP = "192.0.2.80";

interface CookieAttrs {
  name: string;
  value: string;
  attrs: Map<string, string>;
}

function parseSetCookie(line: string): CookieAttrs {
  const [pair, ...rest] = line.split(";").map((s) => s.trim());
  const eq = pair.indexOf("=");
  const attrs = new Map<string, string>();
  for (const a of rest) {
    const i = a.indexOf("=");
    attrs.set(
      (i < 0 ? a : a.slice(0, i)).toLowerCase(),
      i < 0 ? "" : a.slice(i + 1),
    );
  }
  return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attrs };
}

function cookiesOf(res: Response): Map<string, CookieAttrs> {
  return new Map(
    res.headers.getSetCookie().map(parseSetCookie).map((c) => [c.name, c]),
  );
}

function assertFlags(
  c: CookieAttrs | undefined,
  expected: { sameSite: string; secure: boolean; maxAge?: number },
  what: string,
): void {
  assert.ok(c, `${what}: cookie set`);
  assert.ok(c.attrs.has("httponly"), `${what}: HttpOnly`);
  assert.equal(c.attrs.get("samesite"), expected.sameSite, `${what}: SameSite`);
  assert.equal(c.attrs.get("path"), "/", `${what}: Path=/`);
  assert.equal(c.attrs.has("secure"), expected.secure, `${what}: Secure`);
  assert.equal(c.attrs.has("domain"), false, `${what}: host-only`);
  if (expected.maxAge !== undefined) {
    assert.equal(
      Number(c.attrs.get("max-age")),
      expected.maxAge,
      `${what}: Max-Age`,
    );
  }
}

/** Runs the flows that set and clear each cookie; checks every Set-Cookie. */
async function checkCookies(t: TestApp, adminToken: string, secure: boolean) {
  const jar = new CookieJar();
  const { params } = demoParams();
  const query = new URLSearchParams(params as Record<string, string>);
  const first = await fetchFrom(t, IP, `/authorize?${query}`, {
    headers: { Accept: "text/html" },
  });
  await first.body?.cancel();
  assertFlags(
    cookiesOf(first).get("csrf"),
    { sameSite: "Strict", secure },
    "csrf",
  );
  jar.capture(first);

  const page = await openAuthorize(t, IP, query, jar);
  const signedIn = await postFrom(t, IP, "/authorize", {
    ...page.fields,
    username: "alice",
    password: "alice",
  }, jar);
  await signedIn.body?.cancel();
  assertFlags(cookiesOf(signedIn).get("sid"), {
    sameSite: "Lax",
    secure,
    maxAge: SESSION_LIFETIME.user,
  }, "sid");

  // Logout (no hint: confirm, then post) clears sid with the same Path.
  const confirmPage = await fetchFrom(t, IP, "/end_session", {
    headers: { Accept: "text/html", Cookie: jar.header() },
  });
  const csrf = (await confirmPage.text()).match(
    /name="csrf_token" value="([^"]+)"/,
  )![1];
  const out = await postFrom(t, IP, "/end_session", {
    csrf_token: csrf,
    confirm: "yes",
  }, jar);
  await out.body?.cancel();
  const cleared = cookiesOf(out).get("sid");
  assert.ok(cleared, "sid cleared at logout");
  assert.equal(cleared.value, "");
  assert.equal(cleared.attrs.get("path"), "/");
  assert.ok(
    cleared.attrs.get("max-age") === "0" || cleared.attrs.has("expires"),
    "expired",
  );
  assert.equal(cleared.attrs.has("secure"), secure, "cleared sid: Secure");

  const adminJar = new CookieJar();
  const adminCSRF = await openForm(t, "/admin/login", adminJar);
  const admin = await postFrom(t, IP, "/admin/login", {
    csrf_token: adminCSRF,
    token: adminToken,
  }, adminJar);
  await admin.body?.cancel();
  assertFlags(cookiesOf(admin).get("admin_sid"), {
    sameSite: "Lax",
    secure,
    maxAge: SESSION_LIFETIME.admin,
  }, "admin_sid");
  const adminOut = await postFrom(t, IP, "/admin/logout", {
    csrf_token: adminJar.get("csrf")!,
  }, adminJar);
  await adminOut.body?.cancel();
  const adminCleared = cookiesOf(adminOut).get("admin_sid");
  assert.ok(adminCleared, "admin_sid cleared at sign-out");
  assert.equal(adminCleared.value, "");
  assert.equal(adminCleared.attrs.get("path"), "/");
  assert.equal(
    adminCleared.attrs.has("secure"),
    secure,
    "cleared admin_sid: Secure",
  );
}

Deno.test("cookies: over http, HttpOnly, SameSite, Path=/ and Max-Age, without Secure", async () => {
  const { t, adminToken } = await startSecurityApp();
  try {
    await checkCookies(t, adminToken, false);
  } finally {
    await t.close();
  }
});

Deno.test("cookies: with an https ISSUER, every cookie is also Secure, and HSTS is sent", async () => {
  const t = await startTestApp({ env: { ISSUER: "https://id.example.com" } });
  try {
    assert.equal(t.base, "https://id.example.com");
    const adminToken = await completeSetupFor(t);
    await seedDemo(t);
    await checkCookies(t, adminToken, true);
    const res = await t.fetch("/.well-known/openid-configuration");
    await res.body?.cancel();
    assert.match(
      res.headers.get("Strict-Transport-Security") ?? "",
      /max-age=\d{7,}/,
    );
  } finally {
    await t.close();
  }
});

Deno.test("cookies: no cookie value ever appears in a page or a response body", async () => {
  const { t } = await startSecurityApp();
  try {
    const jar = new CookieJar();
    const { params } = demoParams();
    const query = new URLSearchParams(params as Record<string, string>);
    const page = await openAuthorize(t, IP, query, jar);
    const consent = await postFrom(t, IP, "/authorize", {
      ...page.fields,
      username: "alice",
      password: "alice",
    }, jar);
    const html = await consent.text();
    const sid = jar.get("sid")!;
    assert.ok(!html.includes(sid), "sid not in the page");
    assert.ok(
      !html.includes(sid.split(".")[1]),
      "session secret not in the page",
    );
    // The CSRF token is in the form on purpose (double submit); it is not
    // the session.
    assert.ok(html.includes(jar.get("csrf")!));
  } finally {
    await t.close();
  }
});
