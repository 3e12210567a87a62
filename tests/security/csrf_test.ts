/**
 * CSRF (RFC 9700 §4.7, RFC 6819 §4.4.1.8, OIDC Core §3.1.2.1 for the
 * consent step): every cookie-authenticated form - sign-in, consent, setup,
 * admin sign-in and sign-out, admin API calls and admin UI forms, logout
 * confirmation - is refused with 403 when its token is missing, wrong or
 * another browser's, or when it comes from another site (`Origin`,
 * `Sec-Fetch-Site`), and nothing in the database changes. Each form is also
 * submitted correctly once, so the 403s are the CSRF check's and not some
 * other failure's.
 * @module
 */
import assert from "node:assert/strict";
import { demoParams, readPage } from "../helpers/oauth.ts";
import {
  CookieJar,
  openForm,
  setupProofFor,
  signInAdmin,
  startTestApp,
  type TestApp,
} from "../helpers/test_app.ts";
import {
  dbLines,
  fetchFrom,
  openAuthorize,
  startSecurityApp,
} from "./fixture.ts";

const IP = "192.0.2.50";

interface Submission {
  /** Form fields (without csrf_token) or a JSON body. */
  fields?: Record<string, string>;
  json?: unknown;
  path: string;
  jar: CookieJar;
  /** The token this browser holds. */
  csrf: string;
  /** Send the token in X-CSRF-Token instead of the form. */
  viaHeader?: boolean;
}

interface Variant {
  name: string;
  /** The token to present, or null for none. */
  token: (good: string) => string | null;
  headers: Record<string, string>;
  dropCookie?: boolean;
}

const OTHER_BROWSER_TOKEN = "A".repeat(43);

const VARIANTS: Variant[] = [
  { name: "no token", token: () => null, headers: {} },
  { name: "wrong token", token: () => "x".repeat(43), headers: {} },
  {
    name: "another browser's token",
    token: () => OTHER_BROWSER_TOKEN,
    headers: {},
  },
  {
    name: "token without its cookie",
    token: (good) => good,
    headers: {},
    dropCookie: true,
  },
  {
    name: "foreign Origin",
    token: (good) => good,
    headers: { Origin: "https://evil.example" },
  },
  {
    name: "Origin null",
    token: (good) => good,
    headers: { Origin: "null" },
  },
  {
    name: "Sec-Fetch-Site cross-site",
    token: (good) => good,
    headers: { "Sec-Fetch-Site": "cross-site" },
  },
  {
    name: "Sec-Fetch-Site same-site (a sibling subdomain)",
    token: (good) => good,
    headers: { "Sec-Fetch-Site": "same-site" },
  },
];

function cookieHeader(jar: CookieJar, dropCSRF: boolean): string {
  return jar.header().split("; ").filter((c) =>
    !(dropCSRF && c.startsWith("csrf="))
  ).join("; ");
}

async function submit(
  t: TestApp,
  s: Submission,
  variant: Variant | null,
): Promise<Response> {
  const token = variant ? variant.token(s.csrf) : s.csrf;
  const headers: Record<string, string> = {
    Accept: "text/html",
    Cookie: cookieHeader(s.jar, variant?.dropCookie ?? false),
    Origin: new URL(t.base).origin,
    ...(variant?.headers ?? {}),
  };
  let body: string;
  if (s.json !== undefined) {
    headers["Content-Type"] = "application/json";
    headers.Accept = "application/json";
    if (token !== null) headers["X-CSRF-Token"] = token;
    body = JSON.stringify(s.json);
  } else {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    const fields = { ...s.fields };
    if (token !== null && !s.viaHeader) fields.csrf_token = token;
    if (token !== null && s.viaHeader) headers["X-CSRF-Token"] = token;
    body = new URLSearchParams(fields).toString();
  }
  return await fetchFrom(t, IP, s.path, {
    method: "POST",
    headers,
    body,
  });
}

/** Every variant: 403, no cookie set, the database as it was. */
async function assertAllRefused(
  t: TestApp,
  what: string,
  s: Submission,
): Promise<void> {
  for (const variant of VARIANTS) {
    const before = await dbLines(t);
    const res = await submit(t, s, variant);
    const label = `${what}: ${variant.name}`;
    assert.equal(res.status, 403, label);
    const text = await res.text();
    if (s.json !== undefined) assert.equal(JSON.parse(text).error, "csrf");
    const sessions = res.headers.getSetCookie().filter((c) =>
      /^(admin_)?sid=/.test(c)
    );
    assert.deepEqual(sessions, [], `${label}: no session cookie`);
    assert.deepEqual(await dbLines(t), before, `${label}: database unchanged`);
  }
}

Deno.test("csrf: the sign-in form refuses every forged post and signs nobody in", async () => {
  const { t } = await startSecurityApp();
  try {
    const jar = new CookieJar();
    const { params } = demoParams();
    const page = await openAuthorize(
      t,
      IP,
      new URLSearchParams(params as Record<string, string>),
      jar,
    );
    const { csrf_token: csrf, ...fields } = page.fields;
    const form = {
      path: "/authorize",
      fields: { ...fields, username: "alice", password: "alice" },
      jar,
      csrf,
    };
    await assertAllRefused(t, "sign-in", form);
    const ok = await submit(t, form, null);
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /Allow access\?/);
  } finally {
    await t.close();
  }
});

Deno.test("csrf: the consent form refuses every forged post; no consent, no code", async () => {
  const { t } = await startSecurityApp();
  try {
    const jar = new CookieJar();
    const { params } = demoParams();
    const login = await openAuthorize(
      t,
      IP,
      new URLSearchParams(params as Record<string, string>),
      jar,
    );
    const signedIn = await submit(t, {
      path: "/authorize",
      fields: { ...login.fields, username: "bob", password: "bob" },
      jar,
      csrf: login.fields.csrf_token,
    }, null);
    jar.capture(signedIn);
    const consent = readPage(await signedIn.text());
    assert.equal(consent.fields._action, "consent");
    const { csrf_token: csrf, ...fields } = consent.fields;
    const form = {
      path: "/authorize",
      fields: { ...fields, decision: "allow" },
      jar,
      csrf,
    };
    await assertAllRefused(t, "consent", form);
    const ok = await submit(t, form, null);
    assert.equal(ok.status, 303);
    assert.ok(new URL(ok.headers.get("Location")!).searchParams.get("code"));
  } finally {
    await t.close();
  }
});

Deno.test("csrf: the setup form refuses every forged post; setup stays open", async () => {
  const t = await startTestApp();
  try {
    const jar = new CookieJar();
    const csrf = await openForm(t, "/setup", jar);
    // Each forged post carries the right setup code: only CSRF stops it.
    const form = {
      path: "/setup",
      fields: { setup_code: await setupProofFor(t) },
      jar,
      csrf,
    };
    await assertAllRefused(t, "setup", form);
    assert.equal(await t.deps.setup.isComplete(t.deps.db), false);
    const ok = await submit(t, form, null);
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /id="admin-token"/);
  } finally {
    await t.close();
  }
});

Deno.test("csrf: admin sign-in refuses every forged post, even with the right token", async () => {
  const { t, adminToken } = await startSecurityApp();
  try {
    const jar = new CookieJar();
    const csrf = await openForm(t, "/admin/login", jar);
    const form = {
      path: "/admin/login",
      fields: { token: adminToken },
      jar,
      csrf,
    };
    await assertAllRefused(t, "admin sign-in", form);
    const ok = await submit(t, form, null);
    assert.equal(ok.status, 303);
    assert.ok(
      ok.headers.getSetCookie().some((c) => c.startsWith("admin_sid=")),
    );
  } finally {
    await t.close();
  }
});

Deno.test("csrf: admin sign-out, the admin API and admin UI forms refuse every forged request from a signed-in admin's browser", async () => {
  const { t, adminToken } = await startSecurityApp();
  try {
    const jar = await signInAdmin(t, adminToken);
    const csrf = jar.get("csrf")!;

    const api = { path: "/admin/scopes", json: { name: "forged" }, jar, csrf };
    await assertAllRefused(t, "admin API", api);
    const created = await submit(t, api, null);
    assert.equal(created.status, 201, "the admin API with the header");
    await created.body?.cancel();

    const ui = {
      path: "/admin/ui/scopes",
      fields: { _action: "save", name: "forged-ui", description: "x" },
      jar,
      csrf,
    };
    await assertAllRefused(t, "admin UI form", ui);
    const saved = await submit(t, ui, null);
    assert.equal(saved.status, 303, "the admin UI form with its token");
    await saved.body?.cancel();

    const logout = { path: "/admin/logout", fields: {}, jar, csrf };
    await assertAllRefused(t, "admin sign-out", logout);
    const still = await t.fetch("/admin/scopes", {
      headers: { Cookie: jar.header() },
    });
    assert.equal(still.status, 200, "the admin is still signed in");
    await still.body?.cancel();
    const out = await submit(t, logout, null);
    assert.equal(out.status, 303);
    const after = await t.fetch("/admin/scopes", {
      headers: { Cookie: jar.header() },
    });
    assert.equal(after.status, 401, "signed out for real");
    await after.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("csrf: the logout confirmation refuses every forged post; the user stays signed in", async () => {
  const { t } = await startSecurityApp();
  try {
    const jar = new CookieJar();
    const { params } = demoParams();
    const login = await openAuthorize(
      t,
      IP,
      new URLSearchParams(params as Record<string, string>),
      jar,
    );
    const signedIn = await submit(t, {
      path: "/authorize",
      fields: { ...login.fields, username: "alice", password: "alice" },
      jar,
      csrf: login.fields.csrf_token,
    }, null);
    jar.capture(signedIn);
    await signedIn.body?.cancel();
    for (const path of ["/end_session", "/logout"]) {
      const confirm = await fetchFrom(t, IP, `${path}?client_id=demo-web`, {
        headers: { Accept: "text/html", Cookie: jar.header() },
      });
      const page = readPage(await confirm.text());
      assert.equal(page.fields.confirm, "yes", `${path}: a confirmation page`);
      const { csrf_token: csrf, ...fields } = page.fields;
      await assertAllRefused(t, path, { path, fields, jar, csrf });
    }
    const { csrf_token: csrf, ...fields } = readPage(
      await (await fetchFrom(t, IP, "/end_session", {
        headers: { Accept: "text/html", Cookie: jar.header() },
      })).text(),
    ).fields;
    const out = await submit(
      t,
      { path: "/end_session", fields, jar, csrf },
      null,
    );
    assert.equal(out.status, 200);
    assert.match(await out.text(), /You are signed out/);
  } finally {
    await t.close();
  }
});
