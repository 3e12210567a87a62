import assert from "node:assert/strict";
import { startTestApp } from "../../../tests/helpers/test_app.ts";
import { loadClient } from "./registry.ts";

Deno.test("loadClient: an id with a NUL is unknown, on PostgreSQL too (no 500 at /token)", async () => {
  const t = await startTestApp();
  try {
    assert.equal(await loadClient(t.deps, "demo\0web"), null);
    const res = await t.fetch("/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&client_id=x%00&client_secret=y",
    });
    assert.equal(res.status, 401);
    assert.equal((await res.json()).error, "invalid_client");
  } finally {
    await t.close();
  }
});
