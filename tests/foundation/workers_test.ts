/**
 * `deno task start` with several server threads (WORKERS) behaves as one
 * server: every thread answers on the one port, state lives in the shared
 * database, and SIGTERM stops them all - at any moment, during start too.
 */
import assert from "node:assert/strict";
import { startServer } from "../helpers/server_process.ts";

Deno.test("workers: three server threads share the port and the database, and stop on SIGTERM", async () => {
  const server = await startServer({
    env: { WORKERS: "3", ENABLE_DEV_ENDPOINTS: "true" },
  });
  const { base, adminToken: admin } = server;
  try {
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
    const status = await server.stop();
    assert.equal(status.code, 0);
    assert.ok(server.lines.some((l) => /"workers":3/.test(l)));
  } finally {
    await server.close();
  }
});

Deno.test("workers: SIGTERM while the threads are still starting is a graceful stop (exit 0), never the default 143", async () => {
  // The signal listeners used to be installed only once every thread
  // listened, so a SIGTERM after the first thread answered /healthz (a
  // supervisor's health check passing, then a deploy) killed the process.
  for (let run = 0; run < 3; run++) {
    const server = await startServer({
      env: { WORKERS: "3" },
      waitUntilListening: false,
    });
    try {
      // As soon as the main thread runs, at a different point each run.
      await server.waitForLine(/"msg":"(migrations applied|crypto)"/);
      await new Promise((r) => setTimeout(r, run * 150));
      const status = await server.stop();
      assert.equal(status.code, 0, server.lines.join("\n"));
      assert.equal(status.signal, null);
    } finally {
      await server.close();
    }
  }
});
