import assert from "node:assert/strict";
import { findSetting } from "../../lib/db/settings.ts";
import { issueSetupCode } from "../../lib/admin/setup.ts";
import { sha256 } from "../../lib/security/crypto.ts";
import { BUDGETS } from "../../lib/security/rate_limit.ts";
import { freePort, waitUntilHealthy } from "../helpers/server_process.ts";
import { dumpDatabase } from "../helpers/db_dump.ts";
import {
  completeSetupFor,
  CookieJar,
  freshDatabaseURL,
  openForm,
  postForm,
  setupProofFor,
  startTestApp,
  TEST_APP_SECRET,
  type TestApp,
} from "../helpers/test_app.ts";
import { serverStartArgs } from "../../lib/v8_flags.ts";

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
    const res = await postForm(t, "/setup", {
      csrf_token: csrf,
      setup_code: await setupProofFor(t),
    }, jar);
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
    const res = await postForm(t, "/setup", {
      csrf_token: csrf,
      setup_code: "any-proof-at-all",
    }, jar);
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

/** POSTs the setup form with `code` from `ip`; returns the response. */
async function postSetup(
  t: TestApp,
  code: string,
  ip = "198.51.100.20",
): Promise<Response> {
  const jar = new CookieJar();
  const csrf = await openForm(t, "/setup", jar);
  return await t.app.fetch(
    new Request(`${t.base}/setup`, {
      method: "POST",
      headers: {
        Accept: "text/html",
        Cookie: jar.header(),
        Origin: t.base,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ csrf_token: csrf, setup_code: code }),
    }),
    { remoteAddr: { hostname: ip } },
  );
}

Deno.test("setup: without the setup code, or with a wrong one, POST /setup is 401 with a sentence, audited, and setup stays undone; the code (any case, with or without dashes) completes it", async () => {
  const t = await startTestApp();
  try {
    const code = await setupProofFor(t);
    for (const wrong of ["", "AAAA-BBBB-CCCC-DDDD", code.slice(0, -1)]) {
      const res = await postSetup(t, wrong);
      assert.equal(res.status, 401, wrong);
      const html = await res.text();
      assert.match(html, /That is not the setup code in this server's log/);
      assert.doesNotMatch(html, /id="admin-token"/);
    }
    assert.equal(await isSetUp(t), false);
    const failed = await t.deps.db.selectFrom("audit_events").selectAll()
      .where("action", "=", "setup.failed").execute();
    assert.equal(failed.length, 3);
    assert.equal(failed[0].ip, "198.51.100.20");
    // The page asks for the code by name.
    const form = await t.fetch("/setup", { headers: HTML });
    assert.match(await form.text(), /<label for="setup_code">Setup code</);

    const ok = await postSetup(t, code.toLowerCase().replaceAll("-", ""));
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /id="admin-token"/);
    // The code is gone with setup.
    assert.equal(await findSetting(t.deps.db, "setup_code_hash"), null);
  } finally {
    await t.close();
  }
});

Deno.test("setup: with ADMIN_TOKEN set the form asks for it; anything else is 401, the token completes setup", async () => {
  const t = await startTestApp({ env: { ADMIN_TOKEN: BOOTSTRAP_TOKEN } });
  try {
    const form = await t.fetch("/setup", { headers: HTML });
    assert.match(await form.text(), /<label for="setup_code">ADMIN_TOKEN</);
    // A setup code is no proof when ADMIN_TOKEN is set.
    const issued = await issueSetupCode(t.deps.db, t.deps.now());
    for (const wrong of ["", issued, BOOTSTRAP_TOKEN.toUpperCase()]) {
      const res = await postSetup(t, wrong);
      assert.equal(res.status, 401, wrong);
      assert.match(await res.text(), /not the ADMIN_TOKEN/);
    }
    assert.equal(await isSetUp(t), false);
    const ok = await postSetup(t, BOOTSTRAP_TOKEN);
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /id="admin-token"/);
  } finally {
    await t.close();
  }
});

Deno.test("setup: wrong codes count against the setup budget per address: past it 429 with Retry-After, even with the right code; another address and the next window may try", async () => {
  const t = await startTestApp();
  try {
    const code = await setupProofFor(t);
    const budget = BUDGETS.setupPerIP;
    for (let i = 0; i < budget.limit; i++) {
      const res = await postSetup(t, `wrong-${i}`);
      assert.equal(res.status, 401);
      await res.body?.cancel();
    }
    const limited = await postSetup(t, code);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get("Retry-After")) >= 1);
    assert.match(await limited.text(), /Too many wrong attempts/);
    assert.equal(await isSetUp(t), false);
    // The refused attempt is not audited one by one.
    const failed = await t.deps.db.selectFrom("audit_events").select("id")
      .where("action", "=", "setup.failed").execute();
    assert.equal(failed.length, budget.limit);
    // Another address has its own budget (a wrong code is still wrong).
    const elsewhere = await postSetup(t, "wrong-again", "203.0.113.77");
    assert.equal(elsewhere.status, 401);
    await elsewhere.body?.cancel();
    t.advance(budget.windowSeconds);
    const later = await postSetup(t, code);
    assert.equal(later.status, 200);
    await later.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("setup: a server started without ADMIN_TOKEN prints one setup code line at start; it works on every server thread, a wrong one does not", async () => {
  const database = await freshDatabaseURL();
  const dir = await Deno.makeTempDir();
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: serverStartArgs(),
    cwd: new URL("../../", import.meta.url),
    env: {
      PORT: String(port),
      WORKERS: "2",
      DATABASE_URL: database.url,
      APP_SECRET: TEST_APP_SECRET,
      DENO_KV_PATH: `${dir}/kv.sqlite`,
      LOG_REQUESTS: "false",
    },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines: string[] = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    let rest = "";
    for await (const chunk of child.stdout) {
      rest += decoder.decode(chunk);
      const parts = rest.split("\n");
      rest = parts.pop()!;
      lines.push(...parts);
    }
  })();
  try {
    await waitUntilHealthy(base);
    const announced = lines.map((l) => JSON.parse(l))
      .filter((l) => l.msg === "setup code");
    assert.equal(announced.length, 1, "one setup code line");
    const { code, url, hint } = announced[0];
    assert.match(code, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    assert.equal(url, `http://127.0.0.1:${port}/setup`);
    assert.match(hint, /enter this code/);
    const post = async (proof: string) => {
      const page = await fetch(`${base}/setup`, {
        headers: { ...HTML, Connection: "close" },
      });
      const jar = new CookieJar();
      jar.capture(page);
      const csrf =
        (await page.text()).match(/name="csrf_token" value="([^"]+)"/)![1];
      return await fetch(`${base}/setup`, {
        method: "POST",
        headers: {
          ...HTML,
          Cookie: jar.header(),
          Origin: base,
          "Content-Type": "application/x-www-form-urlencoded",
          Connection: "close",
        },
        body: new URLSearchParams({ csrf_token: csrf, setup_code: proof }),
      });
    };
    // Several wrong ones on separate connections (both threads answer):
    // the code with its last character replaced by another.
    const others = ["0", "1", "2", "3", "4"].filter((c) => c !== code.at(-1));
    for (let i = 0; i < 4; i++) {
      const wrong = await post(`${code.slice(0, -1)}${others[i]}`);
      assert.equal(wrong.status, 401);
      await wrong.body?.cancel();
    }
    const ok = await post(code);
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /id="admin-token"/);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await reading;
    await database.drop();
    await Deno.remove(dir, { recursive: true });
  }
});
