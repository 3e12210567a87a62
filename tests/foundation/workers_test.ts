/**
 * `deno task start` with several server threads (WORKERS) behaves as one
 * server: every thread answers on the one port, state lives in the shared
 * database, and SIGTERM stops them all.
 */
import assert from "node:assert/strict";
import { freePort, waitUntilHealthy } from "../helpers/server_process.ts";
import { freshDatabaseURL, TEST_APP_SECRET } from "../helpers/test_app.ts";

const ROOT = new URL("../../", import.meta.url);

Deno.test("workers: three server threads share the port and the database, and stop on SIGTERM", async () => {
  const database = await freshDatabaseURL();
  const dir = await Deno.makeTempDir();
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const admin = "bootstrap-token-for-workers-test";
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd: ROOT,
    env: {
      PORT: String(port),
      WORKERS: "3",
      DATABASE_URL: database.url,
      APP_SECRET: TEST_APP_SECRET,
      DENO_KV_PATH: `${dir}/kv.sqlite`,
      ENABLE_DEV_ENDPOINTS: "true",
      ADMIN_TOKEN: admin,
      LOG_REQUESTS: "false",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    await waitUntilHealthy(base);
    // Many connections, so the kernel spreads them over the threads.
    const created = await fetch(`${base}/dev/create_client`, {
      method: "POST",
      headers: { "X-Admin-Token": admin, "Content-Type": "application/json" },
      body: JSON.stringify({
        client_id: "svc",
        grant_types: ["client_credentials"],
        scope: "files.read",
      }),
    });
    const { client_secret } = await created.json();
    const basic = `Basic ${btoa(`svc:${client_secret}`)}`;
    const tokens = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const res = await fetch(`${base}/token`, {
          method: "POST",
          headers: {
            Authorization: basic,
            "Content-Type": "application/x-www-form-urlencoded",
            Connection: "close",
          },
          body: "grant_type=client_credentials",
        });
        assert.equal(res.status, 200);
        return (await res.json()).access_token as string;
      }),
    );
    assert.equal(new Set(tokens).size, 30);
    // Every token is known to whichever thread answers.
    for (const token of tokens) {
      const res = await fetch(`${base}/introspect`, {
        method: "POST",
        headers: {
          Authorization: basic,
          "Content-Type": "application/x-www-form-urlencoded",
          Connection: "close",
        },
        body: new URLSearchParams({ token }),
      });
      assert.equal((await res.json()).active, true);
    }
    // One signing key: the main thread created it before the threads began.
    const jwks = await (await fetch(`${base}/.well-known/jwks.json`)).json();
    assert.equal(jwks.keys.length, 1);
    child.kill("SIGTERM");
    const status = await child.status;
    assert.equal(status.code, 0);
    const out = new TextDecoder().decode(
      (await child.stdout.getReader().read()).value ?? new Uint8Array(),
    );
    assert.match(out, /"workers":3/);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await child.stdout.cancel().catch(() => {});
    await child.stderr.cancel().catch(() => {});
    await database.drop();
    await Deno.remove(dir, { recursive: true });
  }
});
