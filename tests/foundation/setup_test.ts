import assert from "node:assert/strict";
import { findSetting } from "../../lib/db/settings.ts";
import { sha256 } from "../../lib/security/crypto.ts";
import { dumpDatabase } from "../helpers/db_dump.ts";
import {
  completeSetupFor,
  CookieJar,
  openForm,
  postForm,
  startTestApp,
  type TestApp,
} from "../helpers/test_app.ts";

const BOOTSTRAP_TOKEN = "bootstrap-admin-token-0123456789";
const HTML = { Accept: "text/html" };

async function isSetUp(t: TestApp): Promise<boolean> {
  return (await findSetting(t.deps.db, "admin_token_hash")) !== null;
}

/** GET /admin/ui as an API client presenting `token`. */
async function adminStatus(t: TestApp, token: string): Promise<number> {
  const res = await t.fetch("/admin/ui", {
    headers: { "X-Admin-Token": token, Accept: "application/json" },
  });
  await res.body?.cancel();
  return res.status;
}

Deno.test("setup: before setup every page a browser asks for redirects 303 to /setup", async () => {
  const t = await startTestApp();
  try {
    for (const path of ["/", "/admin/ui", "/admin/login", "/no-such-page"]) {
      const res = await t.fetch(path, { headers: HTML });
      await res.body?.cancel();
      assert.equal(res.status, 303, path);
      assert.equal(res.headers.get("Location"), "/setup", path);
    }
    const setup = await t.fetch("/setup", { headers: HTML });
    assert.equal(setup.status, 200);
    assert.match(await setup.text(), /First-time setup/);
  } finally {
    await t.close();
  }
});

Deno.test("setup: before setup /healthz, discovery and JWKS are served", async () => {
  const t = await startTestApp();
  try {
    const health = await t.fetch("/healthz", { headers: HTML });
    assert.equal(health.status, 200);
    assert.equal((await health.json()).status, "ok");
    const discovery = await t.fetch("/.well-known/openid-configuration", {
      headers: HTML,
    });
    assert.equal(discovery.status, 200);
    assert.equal((await discovery.json()).issuer, t.base);
    const jwks = await t.fetch("/.well-known/jwks.json", { headers: HTML });
    assert.equal(jwks.status, 200);
    assert.ok((await jwks.json()).keys.length >= 1);
  } finally {
    await t.close();
  }
});

Deno.test("setup: POST /setup without the CSRF token is refused 403 and setup stays undone", async () => {
  const t = await startTestApp();
  try {
    const jar = new CookieJar();
    await openForm(t, "/setup", jar);
    const res = await postForm(t, "/setup", {}, jar);
    assert.equal(res.status, 403);
    assert.doesNotMatch(await res.text(), /id="admin-token"/);
    assert.equal(await isSetUp(t), false);
  } finally {
    await t.close();
  }
});

Deno.test("setup: POST /setup from a foreign Origin is refused 403 and setup stays undone", async () => {
  const t = await startTestApp();
  try {
    const jar = new CookieJar();
    const csrf = await openForm(t, "/setup", jar);
    const res = await postForm(t, "/setup", { csrf_token: csrf }, jar, {
      headers: { Origin: "https://evil.example" },
    });
    assert.equal(res.status, 403);
    assert.doesNotMatch(await res.text(), /id="admin-token"/);
    const crossSite = await postForm(t, "/setup", { csrf_token: csrf }, jar, {
      headers: { "Sec-Fetch-Site": "cross-site" },
    });
    assert.equal(crossSite.status, 403);
    await crossSite.body?.cancel();
    assert.equal(await isSetUp(t), false);
  } finally {
    await t.close();
  }
});

Deno.test("setup: the admin token is shown once and only its SHA-256 is stored", async () => {
  const t = await startTestApp();
  try {
    const jar = new CookieJar();
    const csrf = await openForm(t, "/setup", jar);
    const res = await postForm(t, "/setup", { csrf_token: csrf }, jar);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("Cache-Control"), "no-store");
    const token = (await res.text()).match(/id="admin-token">([^<]+)</)?.[1];
    assert.ok(token && token.length >= 43, "a 256-bit token is shown");

    assert.equal(
      await findSetting(t.deps.db, "admin_token_hash"),
      sha256(token),
    );
    assert.equal((await dumpDatabase(t.deps.db)).includes(token), false);
    assert.equal(t.logs.join("\n").includes(token), false);

    // Afterwards /setup says it is done and never shows the token again.
    const again = await t.fetch("/setup", { headers: HTML });
    assert.equal(again.status, 200);
    const html = await again.text();
    assert.match(html, /Setup is complete/);
    assert.equal(html.includes(token), false);
    assert.doesNotMatch(html, /id="admin-token"/);
  } finally {
    await t.close();
  }
});

Deno.test("setup: a second POST /setup answers 409 and issues no new token", async () => {
  const t = await startTestApp();
  try {
    // A second browser tab opened the form before setup was completed.
    const jar = new CookieJar();
    const csrf = await openForm(t, "/setup", jar);
    const token = await completeSetupFor(t);
    const storedHash = await findSetting(t.deps.db, "admin_token_hash");
    const res = await postForm(t, "/setup", { csrf_token: csrf }, jar);
    assert.equal(res.status, 409);
    assert.doesNotMatch(await res.text(), /id="admin-token"/);
    assert.equal(await findSetting(t.deps.db, "admin_token_hash"), storedHash);
    assert.equal(
      await adminStatus(t, token),
      200,
      "the first token still works",
    );
  } finally {
    await t.close();
  }
});

Deno.test("setup: the bootstrap ADMIN_TOKEN opens admin routes until setup, then only the setup token does", async () => {
  const t = await startTestApp({ env: { ADMIN_TOKEN: BOOTSTRAP_TOKEN } });
  try {
    assert.equal(await adminStatus(t, BOOTSTRAP_TOKEN), 200);
    assert.equal(await adminStatus(t, "not-the-bootstrap-token"), 401);

    const token = await completeSetupFor(t);
    assert.notEqual(token, BOOTSTRAP_TOKEN);
    assert.equal(await adminStatus(t, BOOTSTRAP_TOKEN), 401);
    assert.equal(await adminStatus(t, token), 200);
  } finally {
    await t.close();
  }
});

Deno.test("setup: an admin session opened with the bootstrap ADMIN_TOKEN ends when setup completes", async () => {
  const t = await startTestApp({ env: { ADMIN_TOKEN: BOOTSTRAP_TOKEN } });
  try {
    // Before setup the login form is not shown to browsers, but a direct
    // POST with the bootstrap token opens a session.
    const jar = new CookieJar();
    const csrf = await openForm(t, "/setup", jar);
    const login = await postForm(t, "/admin/login", {
      csrf_token: csrf,
      token: BOOTSTRAP_TOKEN,
    }, jar);
    await login.body?.cancel();
    assert.equal(login.status, 303);
    assert.ok(jar.get("admin_sid"));

    await completeSetupFor(t);
    const res = await t.fetch("/admin/ui", {
      headers: { ...HTML, Cookie: jar.header() },
    });
    await res.body?.cancel();
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("Location"), "/admin/login");
  } finally {
    await t.close();
  }
});
