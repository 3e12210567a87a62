import assert from "node:assert/strict";
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
