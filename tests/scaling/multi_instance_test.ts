/**
 * Three server processes on one database and one Deno KV act as one server:
 * a token issued by one is accepted, rotated and revoked by the others,
 * failure budgets are shared, and a key rotated on one is used by the others
 * within seconds. Runs on SQLite (one file) and, with TEST_DATABASE_URL, on
 * PostgreSQL.
 */
import assert from "node:assert/strict";
import { decodeProtectedHeader } from "jose";
import { CHECK_EVERY_MS } from "../../lib/db/config_cache.ts";
import { Browser } from "../examples/browser.ts";
import { demoParams } from "../helpers/oauth.ts";
import {
  freePort,
  type ServerProcess,
  startServer,
} from "../helpers/server_process.ts";
import { freshDatabaseURL, TEST_APP_SECRET } from "../helpers/test_app.ts";

const BOOTSTRAP = "bootstrap-token-multi-instance";

async function start(
  databaseURL: string,
  kvPath: string,
  issuer?: string,
): Promise<ServerProcess> {
  const port = freePort();
  return await startServer({
    databaseURL,
    port,
    env: {
      // Every instance names the same public issuer, as behind a balancer
      // (here the first instance's address, where the browser signs in).
      ISSUER: issuer ?? `http://127.0.0.1:${port}`,
      WORKERS: "1",
      APP_SECRET: TEST_APP_SECRET,
      DENO_KV_PATH: kvPath,
      ENABLE_DEV_ENDPOINTS: "true",
      ADMIN_TOKEN: BOOTSTRAP,
      // Short, so a rotated key activates within the test.
      JWKS_MAX_AGE: "1",
    },
  });
}

/**
 * Runs `fn` with two instances on one fresh database and one KV; the second
 * names the first's address as its issuer, as behind a balancer.
 */
async function withTwoInstances(
  fn: (a: string, b: string) => Promise<void>,
): Promise<void> {
  const database = await freshDatabaseURL();
  const dir = await Deno.makeTempDir();
  const instances: ServerProcess[] = [];
  try {
    instances.push(await start(database.url, `${dir}/kv.sqlite`));
    instances.push(
      await start(database.url, `${dir}/kv.sqlite`, instances[0].base),
    );
    await fn(instances[0].base, instances[1].base);
  } finally {
    for (const i of instances) await i.close();
    await database.drop();
    await Deno.remove(dir, { recursive: true });
  }
}

function form(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      ...headers,
    },
    body: new URLSearchParams(fields),
  });
}

async function until<T>(
  fn: () => Promise<T | undefined>,
  seconds: number,
): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const value = await fn();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not within ${seconds} s`);
}

Deno.test("multi-instance: three processes share tokens, rotation, revocation, rate limits and keys", async () => {
  const database = await freshDatabaseURL();
  const dir = await Deno.makeTempDir();
  const kvPath = `${dir}/kv.sqlite`;
  const instances: ServerProcess[] = [];
  try {
    // The first instance prepares the storage; the others start together.
    instances.push(await start(database.url, kvPath));
    instances.push(
      ...await Promise.all([
        start(database.url, kvPath),
        start(database.url, kvPath),
      ]),
    );
    const [a, b, c] = instances.map((i) => i.base);

    // Setup on A; its token is the admin token on B and C too.
    const browser = new Browser();
    const setupPage = await browser.go(`${a}/setup`);
    const csrf = setupPage.html.match(/name="csrf_token" value="([^"]+)"/)![1];
    const done = await browser.post(`${a}/setup`, {
      csrf_token: csrf,
      setup_code: BOOTSTRAP,
    });
    const admin = done.html.match(/id="admin-token">([^<]+)</)![1];
    const seeded = await fetch(`${b}/dev/seed`, {
      headers: { "X-Admin-Token": admin },
    });
    assert.equal(seeded.status, 200);
    await seeded.body?.cancel();

    // Sign in on A, redeem the code on B, call userinfo on C.
    const { params, verifier } = demoParams();
    const page = await browser.signIn(
      `${a}/authorize?${new URLSearchParams(params as Record<string, string>)}`,
      { stopBefore: (url) => url.port === "3000" },
    );
    const code = page.url.searchParams.get("code");
    assert.ok(code, `no code: ${page.status} ${page.url}`);
    const exchanged = await form(`${b}/token`, {
      grant_type: "authorization_code",
      client_id: "demo-web",
      code,
      code_verifier: verifier,
      redirect_uri: params.redirect_uri!,
    });
    assert.equal(exchanged.status, 200);
    const first = await exchanged.json();
    const userinfo = await fetch(`${c}/userinfo`, {
      headers: { Authorization: `Bearer ${first.access_token}` },
    });
    assert.equal((await userinfo.json()).preferred_username, "alice");

    // Rotate on C; presenting the old refresh token on A revokes the family,
    // which B then reports as inactive.
    const rotated = await (await form(`${c}/token`, {
      grant_type: "refresh_token",
      client_id: "demo-web",
      refresh_token: first.refresh_token,
    })).json();
    assert.ok(rotated.refresh_token);
    const reuse = await form(`${a}/token`, {
      grant_type: "refresh_token",
      client_id: "demo-web",
      refresh_token: first.refresh_token,
    });
    assert.equal((await reuse.json()).error, "invalid_grant");
    const introspected = await (await form(`${b}/introspect`, {
      client_id: "demo-web",
      token: rotated.access_token,
    })).json();
    assert.deepEqual(introspected, { active: false });

    // Failure budgets are counted in the shared KV: 10 bad admin tokens
    // spread over the three instances use up the per-IP budget on all.
    for (const [base, n] of [[a, 4], [b, 4], [c, 2]] as const) {
      for (let i = 0; i < n; i++) {
        const res = await fetch(`${base}/admin/scopes`, {
          headers: { "X-Admin-Token": `wrong-token-${i}-xxxxxxxx` },
        });
        assert.equal(res.status, 401);
        await res.body?.cancel();
      }
    }
    // Each process trusts what it read from KV for up to a second.
    await new Promise((r) => setTimeout(r, 1100));
    for (const base of [a, b, c]) {
      const res = await fetch(`${base}/admin/scopes`, {
        headers: { "X-Admin-Token": "wrong-token-once-more-xx" },
      });
      assert.equal(res.status, 429, base);
      assert.ok(Number(res.headers.get("Retry-After")) > 0);
      await res.body?.cancel();
    }
  } finally {
    for (const i of instances) await i.close();
    await database.drop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("multi-instance: a key rotated on one instance signs the others' tokens within seconds", async () => {
  await withTwoInstances(async (a, b) => {
    const created = await (await fetch(`${a}/dev/create_client`, {
      method: "POST",
      headers: {
        "X-Admin-Token": BOOTSTRAP,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({
        client_id: "svc",
        grant_types: ["client_credentials"],
        scope: "files.read",
        token_format: "jwt",
      }),
    })).json();
    const basic = `Basic ${btoa(`svc:${created.client_secret}`)}`;
    const kidOn = async (base: string) => {
      const res = await form(`${base}/token`, {
        grant_type: "client_credentials",
      }, { Authorization: basic });
      return decodeProtectedHeader((await res.json()).access_token).kid;
    };
    const before = await kidOn(b);
    const rotated = await fetch(`${a}/admin/rotate_jwk`, {
      method: "POST",
      headers: { "X-Admin-Token": BOOTSTRAP },
    });
    assert.equal(rotated.status, 200);
    const { kid: newKid, activates_at } = await rotated.json();
    assert.notEqual(newKid, before);
    // B publishes it within its reload interval (a second), before any
    // instance signs with it (after JWKS_MAX_AGE + 2 s).
    await until(async () => {
      const jwks = await (await fetch(`${b}/.well-known/jwks.json`)).json();
      return jwks.keys.some((k: { kid: string }) => k.kid === newKid)
        ? true
        : undefined;
    }, 1.5);
    assert.ok(Date.now() / 1000 < activates_at, "published before it signs");
    assert.equal(await kidOn(b), before);
    await until(async () => (await kidOn(b)) === newKid ? true : undefined, 10);
    const jwks = await (await fetch(`${b}/.well-known/jwks.json`)).json();
    const kids = jwks.keys.map((k: { kid: string }) => k.kid);
    assert.ok(kids.includes(newKid) && kids.includes(before));
  });
});

Deno.test("multi-instance: a scope created on one instance is in the others' discovery within a second", async () => {
  await withTwoInstances(async (a, b) => {
    const scopesOn = async (base: string) =>
      (await (await fetch(`${base}/.well-known/openid-configuration`)).json())
        .scopes_supported as string[];
    // B has the document cached.
    assert.equal((await scopesOn(b)).includes("shared.read"), false);
    const created = await fetch(`${a}/admin/scopes`, {
      method: "POST",
      headers: {
        "X-Admin-Token": BOOTSTRAP,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({ name: "shared.read" }),
    });
    assert.equal(created.status, 201);
    await created.body?.cancel();
    const acknowledged = Date.now();
    while (!(await scopesOn(b)).includes("shared.read")) {
      assert.ok(Date.now() - acknowledged < 3000, "not within 3 s");
      await new Promise((r) => setTimeout(r, 20));
    }
    // The version row is checked once a second (CHECK_EVERY_MS); the rest
    // is this loop and the request itself.
    const seenAfter = Date.now() - acknowledged;
    assert.ok(seenAfter <= CHECK_EVERY_MS + 400, `seen after ${seenAfter} ms`);
  });
});
