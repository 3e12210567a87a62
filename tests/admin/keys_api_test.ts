import assert from "node:assert/strict";
import { decodeProtectedHeader } from "jose";
import { DEFAULT_JWKS_MAX_AGE } from "../../lib/config.ts";
import { activationDelay } from "../../lib/key_schedule.ts";
import { demoTokens } from "../helpers/oauth.ts";
import type { TestApp } from "../helpers/test_app.ts";
import { issuePaths, startAdminApp } from "./admin_fixture.ts";

const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"];

async function jwksKids(t: TestApp): Promise<string[]> {
  const res = await t.fetch("/.well-known/jwks.json");
  return (await res.json()).keys.map((k: { kid: string }) => k.kid);
}

function assertPublicOnly(jwk: Record<string, unknown>): void {
  for (const m of PRIVATE_MEMBERS) {
    assert.equal(jwk[m], undefined, `private member ${m}`);
  }
}

/** Seconds from a rotation until the new key signs (default JWKS max-age). */
const DELAY = activationDelay(DEFAULT_JWKS_MAX_AGE);

Deno.test("admin keys: the seed README's rotate_jwk curl (no body) answers the new RS256 public JWK and when it signs; the old key signs until then and stays published as retired", async () => {
  const { t, api, token } = await startAdminApp({ seed: false });
  try {
    const [first] = (await api("GET", "/admin/keys")).body;
    assert.equal(first.status, "active");
    // curl -X POST "$BASE/admin/rotate_jwk" -H "X-Admin-Token: <ADMIN_TOKEN>"
    const raw = await t.fetch("/admin/rotate_jwk", {
      method: "POST",
      headers: { "X-Admin-Token": token },
    });
    assert.equal(raw.status, 200);
    assert.equal(raw.headers.get("Cache-Control"), "no-store");
    const jwk = await raw.json();
    assert.equal(jwk.alg, "RS256");
    assert.equal(jwk.kty, "RSA");
    assert.equal(jwk.use, "sig");
    assert.match(jwk.kid, /^[\w-]{43}$/);
    assert.notEqual(jwk.kid, first.kid);
    assertPublicOnly(jwk);
    // Published now, signing after the JWKS max-age the server advertises.
    assert.equal(jwk.status, "pending");
    assert.equal(jwk.activates_at, t.deps.now() + DELAY);
    const maxAge = (await t.fetch("/.well-known/jwks.json")).headers
      .get("Cache-Control");
    assert.match(
      maxAge ?? "",
      new RegExp(`max-age=${DEFAULT_JWKS_MAX_AGE}\\b`),
    );
    assert.deepEqual((await jwksKids(t)).sort(), [jwk.kid, first.kid].sort());
    const waiting = (await api("GET", "/admin/keys")).body;
    assert.deepEqual(
      waiting.map((k: { kid: string; status: string }) => [k.kid, k.status]),
      [[first.kid, "active"], [jwk.kid, "pending"]],
    );
    assert.equal(waiting[0].retired_at, jwk.activates_at, "retires then");
    t.advance(DELAY);
    const keys = (await api("GET", "/admin/keys")).body;
    assert.deepEqual(
      keys.map((k: { kid: string; status: string }) => [k.kid, k.status]),
      [[jwk.kid, "active"], [first.kid, "retired"]],
    );
    assert.equal(keys[1].retired_at, t.deps.now());
    assert.deepEqual((await jwksKids(t)).sort(), [jwk.kid, first.kid].sort());
  } finally {
    await t.close();
  }
});

Deno.test("admin keys: GET /admin/keys lists kid, alg, status, dates and the public JWK only", async () => {
  const { t, api } = await startAdminApp({ seed: false });
  try {
    await api("POST", "/admin/keys/rotate", { alg: "EdDSA" });
    const res = await api("GET", "/admin/keys");
    assert.equal(res.status, 200);
    for (const key of res.body) {
      assert.deepEqual(Object.keys(key).sort(), [
        "activates_at",
        "alg",
        "created_at",
        "kid",
        "public_jwk",
        "retired_at",
        "status",
      ]);
      assert.equal(key.public_jwk.kid, key.kid);
      assertPublicOnly(key.public_jwk);
    }
    assert.deepEqual(
      res.body.map((k: { alg: string }) => k.alg).sort(),
      ["EdDSA", "RS256"],
    );
    const row = await t.deps.db.selectFrom("signing_keys")
      .select("private_jwk_enc").executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(res.body).includes(row.private_jwk_enc));
  } finally {
    await t.close();
  }
});

Deno.test("admin keys: rotation takes an optional alg (ES256, EdDSA); anything else is 400", async () => {
  const { t, api } = await startAdminApp({ seed: false });
  try {
    const es = await api("POST", "/admin/keys/rotate", { alg: "ES256" });
    assert.equal(es.status, 200);
    assert.equal(es.body.alg, "ES256");
    assert.equal(es.body.crv, "P-256");
    const ed = await api("POST", "/admin/rotate_jwk", '{"alg":"EdDSA"}');
    assert.equal(ed.status, 200);
    assert.equal(ed.body.alg, "EdDSA");
    assert.equal(ed.body.crv, "Ed25519");
    const rs = await api("POST", "/admin/keys/rotate", {});
    assert.equal(rs.body.alg, "RS256");
    const bad = await api("POST", "/admin/keys/rotate", { alg: "HS256" });
    assert.equal(bad.status, 400);
    assert.deepEqual(issuePaths(bad.body), ["alg"]);
    const text = await api("POST", "/admin/rotate_jwk", "alg=ES256", {
      "Content-Type": "text/plain",
    });
    assert.equal(text.status, 415);
    const keys = (await api("GET", "/admin/keys")).body;
    assert.equal(keys.length, 4, "the bad requests created no key");
  } finally {
    await t.close();
  }
});

Deno.test("admin keys: after rotation ID tokens are signed with the old key until the new one activates, then with the new key", async () => {
  const { t, api } = await startAdminApp();
  try {
    const before = await demoTokens(t);
    const oldKid = decodeProtectedHeader(String(before.id_token)).kid;
    const rotated = await api("POST", "/admin/rotate_jwk");
    assert.notEqual(rotated.body.kid, oldKid);
    const meanwhile = await demoTokens(t);
    assert.equal(decodeProtectedHeader(String(meanwhile.id_token)).kid, oldKid);
    t.advance(DELAY);
    const after = await demoTokens(t);
    assert.equal(
      decodeProtectedHeader(String(after.id_token)).kid,
      rotated.body.kid,
    );
  } finally {
    await t.close();
  }
});

Deno.test("admin keys: retire moves an active key to retired; the last active RS256 key is refused with 409", async () => {
  const { t, api } = await startAdminApp({ seed: false });
  try {
    const [rs] = (await api("GET", "/admin/keys")).body;
    const last = await api("POST", `/admin/keys/${rs.kid}/retire`);
    assert.equal(last.status, 409);
    assert.match(last.body.error_description, /last active RS256/);
    const es = await api("POST", "/admin/keys/rotate", { alg: "ES256" });
    t.advance(30);
    const retired = await api("POST", `/admin/keys/${es.body.kid}/retire`);
    assert.equal(retired.status, 200);
    assert.equal(retired.body.status, "retired");
    assert.equal(retired.body.retired_at, t.deps.now());
    assert.ok((await jwksKids(t)).includes(es.body.kid), "still published");
    const twice = await api("POST", `/admin/keys/${es.body.kid}/retire`);
    assert.equal(twice.status, 409);
    const unknown = await api("POST", "/admin/keys/nope/retire");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error, "not_found");
  } finally {
    await t.close();
  }
});

Deno.test("admin keys: a retired key can be deleted after the grace period (or with force); an active key never", async () => {
  const { t, api } = await startAdminApp({ seed: false });
  try {
    const [original] = (await api("GET", "/admin/keys")).body;
    const rotated = await api("POST", "/admin/rotate_jwk");
    const pending = await api("DELETE", `/admin/keys/${rotated.body.kid}`);
    assert.equal(pending.status, 409);
    assert.match(pending.body.error_description, /pending/);
    const stillSigning = await api("DELETE", `/admin/keys/${original.kid}`);
    assert.equal(stillSigning.status, 409, "the old key signs until then");
    t.advance(DELAY);
    const active = await api("DELETE", `/admin/keys/${rotated.body.kid}`);
    assert.equal(active.status, 409);
    assert.match(active.body.error_description, /active/);
    const early = await api("DELETE", `/admin/keys/${original.kid}`);
    assert.equal(early.status, 409);
    assert.equal(early.body.deletable_at, t.deps.now() + 86400);
    t.advance(86400);
    const deleted = await api("DELETE", `/admin/keys/${original.kid}`);
    assert.equal(deleted.status, 204);
    assert.deepEqual(await jwksKids(t), [rotated.body.kid]);
    const gone = await api("DELETE", `/admin/keys/${original.kid}`);
    assert.equal(gone.status, 404);

    const second = await api("POST", "/admin/rotate_jwk");
    t.advance(DELAY);
    const badForce = await api(
      "DELETE",
      `/admin/keys/${rotated.body.kid}?force=yes`,
    );
    assert.equal(badForce.status, 400);
    assert.deepEqual(issuePaths(badForce.body), ["force"]);
    const forced = await api(
      "DELETE",
      `/admin/keys/${rotated.body.kid}?force=true`,
    );
    assert.equal(forced.status, 204);
    assert.deepEqual(await jwksKids(t), [second.body.kid]);
  } finally {
    await t.close();
  }
});

Deno.test("admin keys: rotate, retire and delete each leave an audit event", async () => {
  const { t, api } = await startAdminApp({ seed: false });
  try {
    const es = await api("POST", "/admin/keys/rotate", { alg: "ES256" });
    await api("POST", `/admin/keys/${es.body.kid}/retire`);
    await api("DELETE", `/admin/keys/${es.body.kid}?force=true`);
    const audit = await api(
      "GET",
      `/admin/audit?target_type=signing_key&target_id=${es.body.kid}`,
    );
    assert.deepEqual(
      audit.body.events.map((e: { action: string }) => e.action),
      ["key.deleted", "key.retired", "key.rotated"],
    );
    assert.equal(audit.body.events[2].detail.alg, "ES256");
  } finally {
    await t.close();
  }
});

Deno.test("admin keys: retiring a waiting key keeps the old key signing; retiring the signing key while its successor waits makes the successor sign at once", async () => {
  const { t, api } = await startAdminApp();
  try {
    const kidOf = async () =>
      decodeProtectedHeader(String((await demoTokens(t)).id_token)).kid;
    const first = await kidOf();
    // A rotation changed one's mind about: the waiting key never signs,
    // and the old key goes on past the time it was to retire.
    const cancelled = await api("POST", "/admin/rotate_jwk");
    const retired = await api(
      "POST",
      `/admin/keys/${cancelled.body.kid}/retire`,
    );
    assert.equal(retired.status, 200);
    t.advance(DELAY);
    assert.equal(await kidOf(), first);
    const keys = (await api("GET", "/admin/keys")).body;
    const status = Object.fromEntries(
      keys.map((k: { kid: string; status: string }) => [k.kid, k.status]),
    );
    assert.deepEqual(status, {
      [first!]: "active",
      [cancelled.body.kid]: "retired",
    });
    assert.ok((await jwksKids(t)).includes(cancelled.body.kid));

    // A key that leaked: rotate, then retire it; the new key signs now.
    const next = await api("POST", "/admin/rotate_jwk");
    assert.equal(await kidOf(), first);
    const leaked = await api("POST", `/admin/keys/${first}/retire`);
    assert.equal(leaked.status, 200);
    assert.equal(await kidOf(), next.body.kid);
    const after = (await api("GET", "/admin/keys")).body;
    assert.equal(
      after.find((k: { kid: string }) => k.kid === next.body.kid).status,
      "active",
    );
    // And the new key is now the one that cannot be retired.
    const last = await api("POST", `/admin/keys/${next.body.kid}/retire`);
    assert.equal(last.status, 409);
  } finally {
    await t.close();
  }
});
