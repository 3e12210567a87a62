import assert from "node:assert/strict";
import { upsertScope } from "../../lib/db/scopes.ts";
import { startTestApp } from "../helpers/test_app.ts";

Deno.test("discovery: issuer equals the configured ISSUER, endpoints under it", async () => {
  const t = await startTestApp({ env: { ISSUER: "https://id.example.test/" } });
  try {
    const res = await t.fetch("/.well-known/openid-configuration");
    assert.equal(res.status, 200);
    const doc = await res.json();
    assert.equal(doc.issuer, "https://id.example.test");
    assert.equal(doc.jwks_uri, "https://id.example.test/.well-known/jwks.json");
    assert.equal(doc.authorization_response_iss_parameter_supported, true);
    assert.deepEqual(doc.code_challenge_methods_supported, ["S256"]);
    for (const s of ["openid", "profile", "email", "offline_access"]) {
      assert.ok(doc.scopes_supported.includes(s), s);
    }
  } finally {
    await t.close();
  }
});

Deno.test("discovery: issuer is never taken from the Host header", async () => {
  const t = await startTestApp({ env: { ISSUER: "https://id.example.test" } });
  try {
    const res = await t.app.fetch(
      new Request("http://evil.example/.well-known/openid-configuration", {
        headers: { Host: "evil.example" },
      }),
    );
    const doc = await res.json();
    assert.equal(doc.issuer, "https://id.example.test");
  } finally {
    await t.close();
  }
});

for (
  const path of ["/.well-known/openid-configuration", "/.well-known/jwks.json"]
) {
  Deno.test(`${path}: an ETag on every answer, 304 without a body when the client holds it, a new tag after a change`, async () => {
    const t = await startTestApp();
    try {
      const first = await t.fetch(path);
      assert.equal(first.status, 200);
      const body = await first.text();
      const etag = first.headers.get("ETag");
      assert.match(etag ?? "", /^"[\w-]+"$/);
      const again = await t.fetch(path, {
        headers: { "If-None-Match": etag! },
      });
      assert.equal(again.status, 304);
      assert.equal(await again.text(), "");
      assert.equal(again.headers.get("ETag"), etag);
      assert.equal(
        again.headers.get("Cache-Control"),
        first.headers.get("Cache-Control"),
      );
      assert.equal(again.headers.get("Access-Control-Allow-Origin"), "*");
      // Weak comparison, lists and `*` (RFC 9110 §13.1.2).
      for (const match of [`W/${etag}`, `"other", ${etag}`, "*"]) {
        const res = await t.fetch(path, {
          headers: { "If-None-Match": match },
        });
        assert.equal(res.status, 304, match);
        await res.body?.cancel();
      }
      const other = await t.fetch(path, {
        headers: { "If-None-Match": '"something-else"' },
      });
      assert.equal(other.status, 200);
      assert.equal(await other.text(), body);
      // A new scope (discovery) or key (JWKS) is a new version.
      if (path.includes("jwks")) await t.deps.keys.rotate("ES256");
      else {
        await upsertScope(t.deps.db, {
          name: "files.read",
          description: "",
          claims: ["files"],
        }, t.deps.now());
      }
      const changed = await t.fetch(path, {
        headers: { "If-None-Match": etag! },
      });
      assert.equal(changed.status, 200);
      assert.notEqual(changed.headers.get("ETag"), etag);
      assert.notEqual(await changed.text(), body);
    } finally {
      await t.close();
    }
  });

  Deno.test(`${path}: answers a CORS preflight from any origin`, async () => {
    const t = await startTestApp();
    try {
      const res = await t.fetch(path, {
        method: "OPTIONS",
        headers: {
          Origin: "https://spa.example",
          "Access-Control-Request-Method": "GET",
          "Access-Control-Request-Headers": "if-none-match",
        },
      });
      assert.equal(res.status, 204);
      assert.equal(res.headers.get("Access-Control-Allow-Origin"), "*");
      assert.match(
        res.headers.get("Access-Control-Allow-Methods") ?? "",
        /GET/,
      );
      assert.match(
        res.headers.get("Access-Control-Allow-Headers") ?? "",
        /If-None-Match/i,
      );
      const get = await t.fetch(path, {
        headers: { Origin: "https://spa.example" },
      });
      assert.equal(get.headers.get("Access-Control-Allow-Origin"), "*");
      assert.match(
        get.headers.get("Access-Control-Expose-Headers") ?? "",
        /ETag/i,
      );
      await get.body?.cancel();
    } finally {
      await t.close();
    }
  });
}
