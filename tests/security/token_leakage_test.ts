/**
 * Token leakage into logs and the audit trail (RFC 6819 §5.1.4.1, §4.6.7;
 * RFC 9700 §4.2 on credentials in URLs and logs): after every flow the
 * server has - setup, admin sign-in (and a failed one), admin creation of a
 * user and a confidential client, secret regeneration, sign-in with a wrong
 * and then the right password, consent, code exchange, refresh, a replayed
 * code and a reused refresh token, userinfo, introspection, revocation,
 * client credentials with a wrong and the right secret, logout with an
 * id_token_hint - no access token, refresh token, ID token, code, PKCE
 * verifier, client secret, admin token, password, session cookie value or
 * CSRF token appears in any log line, in any audit_events row, or in clear
 * anywhere in the database.
 * @module
 */
import assert from "node:assert/strict";
import { dumpDatabase } from "../helpers/db_dump.ts";
import {
  DEMO_REDIRECT,
  demoParams,
  readPage,
  tokenRequest,
} from "../helpers/oauth.ts";
import { basic } from "../helpers/clients.ts";
import {
  CookieJar,
  openForm,
  postForm,
  setupProofFor,
  startTestApp,
  type TestApp,
} from "../helpers/test_app.ts";

/** Collected secrets, each with what it is (for the failure message). */
class Secrets {
  readonly all = new Map<string, string>();
  add(what: string, value: unknown): void {
    assert.equal(typeof value, "string", `${what} is a string`);
    const s = value as string;
    assert.ok(s.length >= 8, `${what} is long enough to search for`);
    this.all.set(s, what);
    // A session cookie's secret half, and a JWT's signature, alone.
    const dot = s.lastIndexOf(".");
    if (dot > 0 && s.length - dot > 20) {
      this.all.set(s.slice(dot + 1), `${what} (tail)`);
    }
  }
  /** Which secrets `text` contains. */
  foundIn(text: string): string[] {
    return [...this.all].filter(([s]) => text.includes(s)).map(([, w]) => w);
  }
}

async function json(t: TestApp, path: string, init: RequestInit) {
  const res = await t.fetch(path, init);
  return { status: res.status, body: await res.json() };
}

Deno.test("leakage: no token, code, secret, password, cookie or CSRF token reaches the logs, the audit trail or the database in clear", async () => {
  const t = await startTestApp({ env: { ENABLE_DEV_ENDPOINTS: "true" } });
  const secrets = new Secrets();
  try {
    // Setup: the admin token, shown once.
    const setupJar = new CookieJar();
    const setupCSRF = await openForm(t, "/setup", setupJar);
    secrets.add("setup CSRF token", setupCSRF);
    const setupCode = await setupProofFor(t);
    secrets.add("setup code", setupCode);
    const setup = await postForm(
      t,
      "/setup",
      { csrf_token: setupCSRF, setup_code: setupCode },
      setupJar,
    );
    const adminToken =
      (await setup.text()).match(/id="admin-token">([^<]+)</)![1];
    secrets.add("admin token", adminToken);
    const admin = { "X-Admin-Token": adminToken };

    // Admin sign-in: a failed one (a token-like guess), then the real one.
    const adminJar = new CookieJar();
    const loginCSRF = await openForm(t, "/admin/login", adminJar);
    secrets.add("admin login CSRF token", loginCSRF);
    const guess = `guess-${crypto.randomUUID()}`;
    secrets.add("wrong admin token", guess);
    await (await postForm(t, "/admin/login", {
      csrf_token: loginCSRF,
      token: guess,
    }, adminJar)).body?.cancel();
    await (await postForm(t, "/admin/login", {
      csrf_token: adminJar.get("csrf")!,
      token: adminToken,
    }, adminJar)).body?.cancel();
    secrets.add("admin session cookie", adminJar.get("admin_sid"));
    const wrongAdminHeader = `hdr-${crypto.randomUUID()}`;
    secrets.add("wrong X-Admin-Token", wrongAdminHeader);
    await (await t.fetch("/admin/scopes", {
      headers: { "X-Admin-Token": wrongAdminHeader },
    })).body?.cancel();

    // Admin creates a user and a confidential client; regenerates its secret.
    await (await t.fetch("/dev/seed", { headers: admin })).body?.cancel();
    const password = `Pw-${crypto.randomUUID()}`;
    secrets.add("user password", password);
    const user = await json(t, "/admin/users", {
      method: "POST",
      headers: { ...admin, "Content-Type": "application/json" },
      body: JSON.stringify({
        username: "carol",
        password,
        email: "c@example.com",
      }),
    });
    assert.equal(user.status, 201);
    const created = await json(t, "/admin/clients", {
      method: "POST",
      headers: {
        Cookie: adminJar.header(),
        "X-CSRF-Token": adminJar.get("csrf")!,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({
        client_id: "svc",
        redirect_uris: ["https://svc.example.com/cb"],
        grant_types: [
          "authorization_code",
          "refresh_token",
          "client_credentials",
        ],
        token_endpoint_auth_method: "client_secret_basic",
        scope: "openid profile offline_access",
      }),
    });
    assert.equal(created.status, 201);
    secrets.add("first client secret", created.body.client_secret);
    const regenerated = await json(t, "/admin/clients/svc/secret", {
      method: "POST",
      headers: admin,
    });
    const clientSecret = regenerated.body.client_secret;
    secrets.add("client secret", clientSecret);
    const reset = `Pw2-${crypto.randomUUID()}`;
    secrets.add("reset password", reset);
    await json(t, `/admin/users/${user.body.id}/password`, {
      method: "POST",
      headers: { ...admin, "Content-Type": "application/json" },
      body: JSON.stringify({ password: reset }),
    });

    // A user signs in (wrong password first), consents, gets a code.
    const { params, verifier } = demoParams();
    secrets.add("PKCE verifier", verifier);
    const jar = new CookieJar();
    const first = await t.fetch(
      `/authorize?${new URLSearchParams(params as Record<string, string>)}`,
      { headers: { Accept: "text/html" } },
    );
    jar.capture(first);
    const login = readPage(await first.text());
    secrets.add("sign-in CSRF token", login.fields.csrf_token);
    const wrongPassword = `Wrong-${crypto.randomUUID()}`;
    secrets.add("wrong password", wrongPassword);
    await (await postForm(t, "/authorize", {
      ...login.fields,
      username: "carol",
      password: wrongPassword,
    }, jar)).body?.cancel();
    const consent = await postForm(t, "/authorize", {
      ...login.fields,
      username: "carol",
      password: reset,
    }, jar);
    secrets.add("user session cookie", jar.get("sid"));
    const consentPage = readPage(await consent.text());
    const back = await postForm(t, "/authorize", {
      ...consentPage.fields,
      decision: "allow",
    }, jar);
    const code = new URL(back.headers.get("Location")!).searchParams.get(
      "code",
    );
    secrets.add("authorization code", code);

    // Code exchange and refresh.
    const exchange = {
      grant_type: "authorization_code",
      client_id: "demo-web",
      code: code!,
      code_verifier: verifier,
      redirect_uri: DEMO_REDIRECT,
    };
    const tokens = (await tokenRequest(t, exchange)).body;
    secrets.add("access token", tokens.access_token);
    secrets.add("refresh token", tokens.refresh_token);
    secrets.add("ID token", tokens.id_token);
    const refreshed = (await tokenRequest(t, {
      grant_type: "refresh_token",
      client_id: "demo-web",
      refresh_token: tokens.refresh_token as string,
    })).body;
    secrets.add("refreshed access token", refreshed.access_token);
    secrets.add("refreshed refresh token", refreshed.refresh_token);

    // Resource calls: userinfo (header, and refused in the query string),
    // introspection, revocation.
    const second = (await tokenRequest(t, {
      grant_type: "client_credentials",
      scope: "profile",
    }, { Authorization: basic("svc", clientSecret) })).body;
    secrets.add("client credentials token", second.access_token);
    await (await t.fetch("/userinfo", {
      headers: { Authorization: `Bearer ${refreshed.access_token}` },
    })).body?.cancel();
    await (await t.fetch(`/userinfo?access_token=${refreshed.access_token}`))
      .body?.cancel();
    const form = (fields: Record<string, string>, auth?: string) => ({
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        ...(auth ? { Authorization: auth } : {}),
      },
      body: new URLSearchParams(fields),
    });
    await (await t.fetch(
      "/introspect",
      form(
        { token: second.access_token as string },
        basic("svc", clientSecret),
      ),
    )).body?.cancel();
    const wrongSecret = `Sec-${crypto.randomUUID()}`;
    secrets.add("wrong client secret", wrongSecret);
    await (await t.fetch(
      "/introspect",
      form(
        { token: second.access_token as string },
        basic("svc", wrongSecret),
      ),
    )).body?.cancel();
    await (await t.fetch(
      "/revoke",
      form({
        client_id: "demo-web",
        token: refreshed.refresh_token as string,
      }),
    )).body?.cancel();

    // A replayed code and a reused refresh token (both revoke their grant).
    await tokenRequest(t, exchange);
    await tokenRequest(t, {
      grant_type: "refresh_token",
      client_id: "demo-web",
      refresh_token: tokens.refresh_token as string,
    });

    // Logout with the ID token as hint.
    await (await t.fetch(
      `/end_session?id_token_hint=${tokens.id_token}&post_logout_redirect_uri=${
        encodeURIComponent("http://localhost:3000/")
      }`,
      { headers: { Cookie: jar.header() }, redirect: "manual" },
    )).body?.cancel();

    // The checks.
    assert.ok(t.logs.length > 25, `${t.logs.length} log lines were written`);
    assert.ok(
      t.logs.some((l) => l.includes("replayed")),
      "a replay was logged",
    );
    const leaks: string[] = [];
    for (const line of t.logs) {
      for (const what of secrets.foundIn(line)) {
        leaks.push(`log: ${what} in ${line.slice(0, 200)}`);
      }
    }
    const audit = await t.deps.db.selectFrom("audit_events").selectAll()
      .execute();
    assert.ok(audit.some((a) => a.action === "admin.login_failed"));
    assert.ok(audit.some((a) => a.action === "client.secret_regenerated"));
    for (const row of audit) {
      for (const what of secrets.foundIn(JSON.stringify(row))) {
        leaks.push(`audit_events: ${what} in ${row.action}`);
      }
    }
    const dump = await dumpDatabase(t.deps.db);
    for (const what of secrets.foundIn(dump)) {
      leaks.push(`database: ${what} stored in clear`);
    }
    assert.deepEqual(leaks, []);
  } finally {
    await t.close();
  }
});
