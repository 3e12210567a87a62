/**
 * The API routes answered without Hono's context (lib/http/direct.ts) keep
 * what the Hono path guarantees for odd requests: the body limit however
 * the length is declared; and no method reaches a 500, not even one that
 * happens to name an Object.prototype member, which Hono's router throws on.
 */
import assert from "node:assert/strict";
import { startTestApp } from "../helpers/test_app.ts";

const TWO_MIB = 2 * 1024 * 1024;

Deno.test("api dispatch: a body over 1 MiB is 413 also when Content-Length understates it next to Transfer-Encoding", async () => {
  const t = await startTestApp();
  try {
    for (const path of ["/token", "/introspect", "/revoke", "/userinfo"]) {
      const res = await t.fetch(path, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": "10",
          "Transfer-Encoding": "chunked",
        },
        body: "a=" + "x".repeat(TWO_MIB),
      });
      assert.equal(res.status, 413, path);
      assert.equal(res.headers.get("X-Content-Type-Options"), "nosniff");
      await res.body?.cancel();
    }
  } finally {
    await t.close();
  }
});

Deno.test("api dispatch: other methods, also ones named like Object.prototype members, answer 405 with Allow (or 404), never a 500", async () => {
  const t = await startTestApp();
  try {
    const methods = [
      "constructor",
      "toString",
      "hasOwnProperty",
      "valueOf",
      "__proto__",
      "PROPFIND",
    ];
    for (const method of methods) {
      for (
        const [path, allow] of [
          ["/token", "POST"],
          ["/userinfo", "GET, POST"],
          ["/.well-known/jwks.json", "GET"],
        ]
      ) {
        const res = await t.fetch(path, { method });
        assert.equal(res.status, 405, `${method} ${path}`);
        assert.equal(res.headers.get("Allow"), allow);
        assert.equal(res.headers.get("X-Frame-Options"), "DENY");
        assert.equal((await res.json()).error, "method_not_allowed");
      }
      const missing = await t.fetch("/no-such-path", { method });
      assert.equal(missing.status, 404, method);
      await missing.body?.cancel();
    }
    // Known methods a route lacks go through Hono: still 405 with Allow.
    const put = await t.fetch("/token", { method: "PUT" });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("Allow"), "POST");
    await put.body?.cancel();
  } finally {
    await t.close();
  }
});
