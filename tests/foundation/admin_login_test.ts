import assert from "node:assert/strict";
import { listAuditEvents } from "../../lib/db/audit_events.ts";
import { findSession } from "../../lib/db/sessions.ts";
import { sha256 } from "../../lib/security/crypto.ts";
import { dumpDatabase } from "../helpers/db_dump.ts";
import {
  completeSetupFor,
  CookieJar,
  openForm,
  postForm,
  signInAdmin,
  startTestApp,
  TEST_APP_SECRET,
  type TestApp,
} from "../helpers/test_app.ts";

const HTML = { Accept: "text/html" };
const ROOT = new URL("../../", import.meta.url);

/** Tries to sign in with `token`; returns the response. */
async function attemptLogin(t: TestApp, token: string): Promise<Response> {
  const jar = new CookieJar();
  const csrf = await openForm(t, "/admin/login", jar);
  return await postForm(t, "/admin/login", { csrf_token: csrf, token }, jar);
}

/** GET /admin/ui as a browser with the jar's cookies. */
async function dashboard(t: TestApp, jar: CookieJar): Promise<Response> {
  return await t.fetch("/admin/ui", {
    headers: { ...HTML, Cookie: jar.header() },
  });
}

/** GET /admin/ui as an API client presenting `token`. */
async function adminStatus(t: TestApp, token: string): Promise<number> {
  const res = await t.fetch("/admin/ui", {
    headers: { "X-Admin-Token": token, Accept: "application/json" },
  });
  await res.body?.cancel();
  return res.status;
}

function setCookieLine(res: Response, name: string): string {
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`));
  assert.ok(line, `Set-Cookie ${name}`);
  return line;
}

Deno.test("admin login: the right token redirects 303 to /admin/ui with an HttpOnly, SameSite=Lax admin_sid", async () => {
  const t = await startTestApp();
  try {
    const token = await completeSetupFor(t);
    const res = await attemptLogin(t, token);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("Location"), "/admin/ui");
    const cookie = setCookieLine(res, "admin_sid");
    assert.match(cookie, /;\s*HttpOnly/i);
    assert.match(cookie, /;\s*SameSite=Lax/i);
    assert.match(cookie, /;\s*Path=\/(;|$)/);
    assert.doesNotMatch(cookie, /;\s*Secure/i, "no Secure over plain http");
  } finally {
    await t.close();
  }
});

Deno.test("admin login: behind an https ISSUER the admin_sid cookie is Secure", async () => {
  const t = await startTestApp({
    env: { ISSUER: "https://id.example.test" },
  });
  try {
    const token = await completeSetupFor(t);
    const res = await attemptLogin(t, token);
    assert.equal(res.status, 303);
    const cookie = setCookieLine(res, "admin_sid");
    assert.match(cookie, /;\s*Secure/i);
    assert.match(cookie, /;\s*HttpOnly/i);
    assert.match(cookie, /;\s*SameSite=Lax/i);
  } finally {
    await t.close();
  }
});

Deno.test("admin login: after signing in the dashboard renders", async () => {
  const t = await startTestApp();
  try {
    const jar = await signInAdmin(t, await completeSetupFor(t));
    const res = await dashboard(t, jar);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<h1>Dashboard<\/h1>/);
    assert.match(html, /Signing keys/);
    assert.match(html, /action="\/admin\/logout"/);
  } finally {
    await t.close();
  }
});

Deno.test("admin login: a wrong token answers 401 with a page saying so, and no session", async () => {
  const t = await startTestApp();
  try {
    await completeSetupFor(t);
    const res = await attemptLogin(t, "wrong-token");
    assert.equal(res.status, 401);
    assert.match(res.headers.get("Content-Type") ?? "", /text\/html/);
    assert.match(await res.text(), /That admin token is not valid/);
    assert.equal(
      res.headers.getSetCookie().some((l) => l.startsWith("admin_sid=")),
      false,
    );
  } finally {
    await t.close();
  }
});

Deno.test("admin login: /admin/ui without a session sends browsers to /admin/login and API clients a 401 JSON", async () => {
  const t = await startTestApp();
  try {
    await completeSetupFor(t);
    const browser = await t.fetch("/admin/ui", { headers: HTML });
    await browser.body?.cancel();
    assert.equal(browser.status, 303);
    assert.equal(browser.headers.get("Location"), "/admin/login");

    const api = await t.fetch("/admin/ui", {
      headers: { Accept: "application/json" },
    });
    assert.equal(api.status, 401);
    assert.match(api.headers.get("Content-Type") ?? "", /application\/json/);
    assert.equal((await api.json()).error, "unauthorized");

    const withBadCookie = await t.fetch("/admin/ui", {
      headers: { ...HTML, Cookie: "admin_sid=abc.def" },
    });
    await withBadCookie.body?.cancel();
    assert.equal(withBadCookie.status, 303);
  } finally {
    await t.close();
  }
});

Deno.test("admin login: logging out ends the session on the server, so the old cookie stops working", async () => {
  const t = await startTestApp();
  try {
    const jar = await signInAdmin(t, await completeSetupFor(t));
    const oldCookie = jar.header();
    const page = await dashboard(t, jar);
    const csrf = (await page.text()).match(
      /name="csrf_token" value="([^"]+)"/,
    )?.[1];
    assert.ok(csrf);

    // Without the CSRF token the logout is refused and the session lives on.
    const refused = await postForm(t, "/admin/logout", {}, jar);
    await refused.body?.cancel();
    assert.equal(refused.status, 403);
    const stillIn = await dashboard(t, jar);
    await stillIn.body?.cancel();
    assert.equal(stillIn.status, 200);

    const res = await postForm(t, "/admin/logout", { csrf_token: csrf }, jar);
    await res.body?.cancel();
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("Location"), "/admin/login");
    assert.equal(jar.get("admin_sid"), undefined, "the cookie is cleared");

    // Replaying the old cookie no longer works: the row is gone.
    const replay = await t.fetch("/admin/ui", {
      headers: { ...HTML, Cookie: oldCookie },
    });
    await replay.body?.cancel();
    assert.equal(replay.status, 303);
    assert.equal(replay.headers.get("Location"), "/admin/login");
  } finally {
    await t.close();
  }
});

Deno.test("admin login: an admin session ends 12 hours after sign-in", async () => {
  const t = await startTestApp();
  try {
    const jar = await signInAdmin(t, await completeSetupFor(t));
    t.advance(12 * 3600 - 1);
    const stillIn = await dashboard(t, jar);
    await stillIn.body?.cancel();
    assert.equal(stillIn.status, 200);
    t.advance(1);
    const expired = await dashboard(t, jar);
    await expired.body?.cancel();
    assert.equal(expired.status, 303);
    assert.equal(expired.headers.get("Location"), "/admin/login");
  } finally {
    await t.close();
  }
});

Deno.test("admin login: the session row stores only a hash of the cookie's secret", async () => {
  const t = await startTestApp();
  try {
    const jar = await signInAdmin(t, await completeSetupFor(t));
    const cookie = jar.get("admin_sid")!;
    const [id, secret] = cookie.split(".");
    assert.ok(id && secret && secret.length >= 43);
    const row = await findSession(t.deps.db, id);
    assert.equal(row?.kind, "admin");
    assert.equal(row?.secret_hash, sha256(secret));
    const dump = await dumpDatabase(t.deps.db);
    assert.equal(dump.includes(secret), false);
    assert.equal(t.logs.join("\n").includes(secret), false);
  } finally {
    await t.close();
  }
});

Deno.test("admin login: the 11th failed attempt from one IP answers 429 with Retry-After, until the window passes", async () => {
  const t = await startTestApp();
  try {
    const token = await completeSetupFor(t);
    for (let i = 1; i <= 10; i++) {
      const res = await attemptLogin(t, `wrong-${i}`);
      await res.body?.cancel();
      assert.equal(res.status, 401, `attempt ${i}`);
    }
    const limited = await attemptLogin(t, "wrong-11");
    assert.equal(limited.status, 429);
    const retryAfter = Number(limited.headers.get("Retry-After"));
    assert.ok(
      retryAfter >= 1 && retryAfter <= 300,
      `Retry-After ${retryAfter}`,
    );
    assert.match(await limited.text(), /Too many failed attempts/);

    // Even the right token is refused while the IP is over its budget, and
    // the X-Admin-Token header shares that budget.
    const right = await attemptLogin(t, token);
    await right.body?.cancel();
    assert.equal(right.status, 429);
    assert.equal(await adminStatus(t, token), 429);

    t.advance(retryAfter);
    const later = await attemptLogin(t, token);
    await later.body?.cancel();
    assert.equal(later.status, 303);
  } finally {
    await t.close();
  }
});

Deno.test("admin login: sign-ins and failed sign-ins are written to audit_events", async () => {
  const t = await startTestApp();
  try {
    const token = await completeSetupFor(t);
    const failed = await attemptLogin(t, "wrong-token");
    await failed.body?.cancel();
    const jar = await signInAdmin(t, token);
    const sessionID = jar.get("admin_sid")!.split(".")[0];

    const events = await listAuditEvents(t.deps.db);
    const failure = events.find((e) => e.action === "admin.login_failed");
    assert.ok(failure, "failed login audited");
    assert.equal(failure.target_type, "admin_session");
    const login = events.find((e) => e.action === "admin.login");
    assert.ok(login, "login audited");
    assert.equal(login.target_id, sessionID);
    assert.equal(login.created_at, t.deps.now());
    // The audit trail never holds the token itself.
    assert.equal(JSON.stringify(events).includes(token), false);
  } finally {
    await t.close();
  }
});

Deno.test("admin login: deno task admin:reset-token prints a new token that works and retires the old one", async () => {
  const t = await startTestApp();
  try {
    const oldToken = await completeSetupFor(t);
    const jar = await signInAdmin(t, oldToken);

    const run = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--quiet", "admin:reset-token"],
      cwd: ROOT.pathname,
      env: {
        DATABASE_URL: t.databaseURL,
        APP_SECRET: TEST_APP_SECRET,
        NO_COLOR: "1",
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(run.stderr);
    assert.equal(run.code, 0, stderr);
    const lines = new TextDecoder().decode(run.stdout).trim().split("\n");
    const newToken = lines.at(-1)!.trim();
    assert.match(newToken, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(newToken, oldToken);

    assert.equal(await adminStatus(t, newToken), 200);
    assert.equal(await adminStatus(t, oldToken), 401);
    const signedOut = await dashboard(t, jar);
    await signedOut.body?.cancel();
    assert.equal(signedOut.status, 303, "admin sessions were signed out");
    const login = await attemptLogin(t, newToken);
    await login.body?.cancel();
    assert.equal(login.status, 303);
  } finally {
    await t.close();
  }
});
