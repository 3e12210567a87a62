/**
 * What an operator reads: every line `deno task start` writes, on stdout or
 * stderr, is one JSON object with a level and a message, from start to
 * SIGTERM (no runtime notices, no stray text), and the generated-APP_SECRET
 * warning appears once however many server threads start.
 * @module
 */
import assert from "node:assert/strict";
import { startServer } from "../helpers/server_process.ts";
import { testEngine } from "../helpers/test_app.ts";

Deno.test({
  name:
    "logs: a default start (two threads), requests and a stop write only JSON lines; the APP_SECRET warning once",
  // PostgreSQL requires APP_SECRET, so nothing is generated there.
  ignore: testEngine() === "postgres",
  async fn() {
    const server = await startServer({ env: { LOG_REQUESTS: "true" } });
    try {
      assert.ok(server.workers >= 2, "the default starts several threads");
      // API routes, pages, static files and the admin API, on both threads.
      for (
        const [path, accept] of [
          ["/.well-known/jwks.json", "application/json"],
          ["/.well-known/openid-configuration", "application/json"],
          ["/setup", "text/html"],
          ["/authorize?client_id=nobody", "text/html"],
          ["/static/app.css", "text/css"],
          ["/admin/scopes", "application/json"],
        ]
      ) {
        for (let i = 0; i < 2; i++) {
          const res = await fetch(`${server.base}${path}`, {
            headers: {
              Accept: accept,
              Connection: "close",
              "X-Admin-Token": server.adminToken,
            },
          });
          await res.body?.cancel();
        }
      }
      const bad = await fetch(`${server.base}/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "grant_type=client_credentials&client_id=nobody&client_secret=x",
      });
      await bad.body?.cancel();
      const status = await server.stop();
      assert.equal(status.code, 0);
      const lines = server.lines.filter((l) => l.trim() !== "");
      assert.ok(lines.length > 5, "the server said something");
      for (const line of lines) {
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(line);
        } catch {
          throw new Error(`not a JSON log line: ${line}`);
        }
        assert.equal(typeof parsed.level, "string", line);
        assert.equal(typeof parsed.msg, "string", line);
      }
      const warnings = lines.filter((l) => l.includes("APP_SECRET is not set"));
      assert.equal(warnings.length, 1, warnings.join("\n"));
    } finally {
      await server.close();
    }
  },
});
