import assert from "node:assert/strict";
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  type JSONWebKeySet,
  jwtVerify,
  SignJWT,
} from "jose";
import { DEFAULT_JWKS_MAX_AGE, parseDatabaseURL } from "../../lib/config.ts";
import { connectDatabase } from "../../lib/db/connect.ts";
import { Generation } from "../../lib/db/invalidation.ts";
import { activationDelay, KEY_RELOAD_SECONDS } from "../../lib/key_schedule.ts";
import { KeyStore, UndecryptableKeysError } from "../../lib/keys.ts";
import { deriveKey, fromBase64url } from "../../lib/security/crypto.ts";
import { dumpDatabase } from "../helpers/db_dump.ts";
import {
  startTestApp,
  TEST_APP_SECRET,
  type TestApp,
} from "../helpers/test_app.ts";

const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"];

async function fetchJWKS(t: TestApp): Promise<JSONWebKeySet> {
  const res = await t.fetch("/.well-known/jwks.json");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("Content-Type") ?? "", /json/);
  return await res.json();
}

/** Signs a small JWT with the store's active key for RS256. */
async function signWith(keys: KeyStore, issuer: string): Promise<string> {
  const key = await keys.signingKey("RS256");
  return await new SignJWT({ sub: "alice" })
    .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT" })
    .setIssuer(issuer)
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(key.privateKey);
}

/** Decrypts a stored private JWK the way an attacker holding APP_SECRET could. */
async function decryptPrivateJWK(
  stored: string,
): Promise<Record<string, string>> {
  const [, iv, ct] = stored.split(".");
  const key = await deriveKey(
    TEST_APP_SECRET,
    "signing-key-encryption",
    { name: "AES-GCM", length: 256 },
    ["decrypt"],
  );
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64url(iv) },
    key,
    fromBase64url(ct),
  );
  return JSON.parse(new TextDecoder().decode(plain));
}

Deno.test("keys: the JWKS serves RS256 public keys with no private members", async () => {
  const t = await startTestApp();
  try {
    const jwks = await fetchJWKS(t);
    assert.equal(jwks.keys.length, 1);
    for (const jwk of jwks.keys) {
      assert.equal(jwk.kty, "RSA");
      assert.equal(jwk.alg, "RS256");
      assert.equal(jwk.use, "sig");
      assert.ok(jwk.n && jwk.e);
      for (const member of PRIVATE_MEMBERS) {
        assert.equal(member in jwk, false, `JWKS exposes "${member}"`);
      }
    }
  } finally {
    await t.close();
  }
});

Deno.test("keys: each kid is the RFC 7638 SHA-256 thumbprint of its key", async () => {
  const t = await startTestApp();
  try {
    await t.deps.keys.rotate("RS256");
    const jwks = await fetchJWKS(t);
    assert.equal(jwks.keys.length, 2);
    for (const jwk of jwks.keys) {
      assert.equal(jwk.kid, await calculateJwkThumbprint(jwk, "sha256"));
    }
  } finally {
    await t.close();
  }
});

Deno.test("keys: signing_keys keeps the private JWK only encrypted", async () => {
  const t = await startTestApp();
  try {
    const rows = await t.deps.db.selectFrom("signing_keys").selectAll()
      .execute();
    assert.equal(rows.length, 1);
    const stored = rows[0].private_jwk_enc;
    assert.match(stored, /^v1\.[\w-]+\.[\w-]+$/);
    assert.equal(stored.includes('"d"'), false);

    // With APP_SECRET the column opens to the private key; without it,
    // none of the key's private values appear anywhere in the database.
    const privateJWK = await decryptPrivateJWK(stored);
    assert.equal(privateJWK.kty, "RSA");
    const dump = await dumpDatabase(t.deps.db);
    for (const member of ["d", "p", "q", "dp", "dq", "qi"]) {
      assert.ok(privateJWK[member], `private JWK has ${member}`);
      assert.equal(dump.includes(privateJWK[member]), false, member);
    }
    assert.equal(dump.includes(TEST_APP_SECRET), false);
  } finally {
    await t.close();
  }
});

Deno.test("keys: rotation publishes the new key at once, signs with it only after the JWKS max-age, and keeps the old one in the JWKS as retired", async () => {
  const t = await startTestApp();
  try {
    const keys = t.deps.keys;
    const oldKid = (await keys.signingKey("RS256")).kid;
    const oldToken = await signWith(keys, t.base);

    t.advance(60);
    const rotatedAt = t.deps.now();
    const rotated = await keys.rotate("RS256");
    assert.notEqual(rotated.kid, oldKid);
    // Published before anyone signs with it: a relying party holding a
    // JWKS fetched a moment ago (cached for max-age) would not know it.
    assert.ok((await fetchJWKS(t)).keys.some((k) => k.kid === rotated.kid));
    const delay = activationDelay(DEFAULT_JWKS_MAX_AGE);
    assert.ok(delay > DEFAULT_JWKS_MAX_AGE);
    t.advance(delay - 1);
    assert.equal((await keys.signingKey("RS256")).kid, oldKid);
    t.advance(1);
    const newKey = await keys.signingKey("RS256");
    assert.equal(newKey.kid, rotated.kid);
    const newToken = await signWith(keys, t.base);

    const jwks = await fetchJWKS(t);
    assert.deepEqual(
      jwks.keys.map((k) => k.kid).sort(),
      [oldKid, rotated.kid].sort(),
    );
    const rows = await t.deps.db.selectFrom("signing_keys")
      .select(["kid", "status", "activates_at", "retired_at"]).execute();
    const byKid = new Map(rows.map((r) => [r.kid, r]));
    assert.equal(byKid.get(oldKid)?.status, "retired");
    assert.equal(byKid.get(oldKid)?.retired_at, t.deps.now());
    assert.equal(byKid.get(rotated.kid)?.status, "active");
    assert.equal(byKid.get(rotated.kid)?.activates_at, rotatedAt + delay);

    // An independent verifier (jose over our JWKS) accepts both tokens.
    const verifier = createLocalJWKSet(jwks);
    const fresh = await jwtVerify(newToken, verifier, { issuer: t.base });
    assert.equal(fresh.protectedHeader.kid, rotated.kid);
    const older = await jwtVerify(oldToken, verifier, { issuer: t.base });
    assert.equal(older.protectedHeader.kid, oldKid);
  } finally {
    await t.close();
  }
});

Deno.test("keys: a rotation on one instance reaches another instance within the reload interval", async () => {
  const t = await startTestApp();
  // Another instance: its own connection to the same database.
  const handle = connectDatabase(parseDatabaseURL(t.databaseURL));
  try {
    const other = await KeyStore.open(handle.db, TEST_APP_SECRET, t.deps.now);
    const before = (await t.deps.keys.signingKey("RS256")).kid;
    const rotated = await other.rotate("RS256");
    // This instance still serves its cached view for a moment...
    const cached = (await t.deps.keys.jwks()).keys.map((k) => k.kid);
    assert.equal(cached.includes(rotated.kid), false);
    // ...and publishes the rotation once the interval has passed, long
    // before the new key signs anywhere.
    t.advance(KEY_RELOAD_SECONDS);
    const after = await fetchJWKS(t);
    assert.ok(after.keys.some((k) => k.kid === rotated.kid));
    assert.equal((await t.deps.keys.signingKey("RS256")).kid, before);
    t.advance(activationDelay(DEFAULT_JWKS_MAX_AGE));
    assert.equal((await t.deps.keys.signingKey("RS256")).kid, rotated.kid);
  } finally {
    await handle.close();
    await t.close();
  }
});

Deno.test("keys: a key rotated in one app is published and used by another app of the same process at once", async () => {
  // Two apps sharing one cache counter, as the server threads of one
  // process do (lib/db/invalidation.ts); the injected clock never moves,
  // so only the counter can tell the second app.
  const generation = new Generation();
  const t = await startTestApp({ generation });
  const handle = connectDatabase(parseDatabaseURL(t.databaseURL), {
    generation,
  });
  try {
    const other = await KeyStore.open(handle.db, TEST_APP_SECRET, t.deps.now);
    await t.deps.keys.jwks();
    const rotated = await other.rotate("RS256", { immediately: true });
    const kids = (await fetchJWKS(t)).keys.map((k) => k.kid);
    assert.ok(kids.includes(rotated.kid));
    assert.equal((await t.deps.keys.signingKey("RS256")).kid, rotated.kid);
  } finally {
    await handle.close();
    await t.close();
  }
});

Deno.test("keys: opening the key store with a different APP_SECRET fails with a clear error", async () => {
  const t = await startTestApp();
  try {
    await assert.rejects(
      KeyStore.open(
        t.deps.db,
        "a-different-secret-0123456789-abcdefghijkl",
        t.deps.now,
      ),
      /cannot be decrypted: APP_SECRET differs/,
    );
    // The error names every key the secret cannot open (main.ts turns it
    // into one line for the operator).
    const [row] = await t.deps.db.selectFrom("signing_keys").select("kid")
      .execute();
    await assert.rejects(
      KeyStore.open(
        t.deps.db,
        "another-secret-0123456789-abcdefghijkl",
        t.deps.now,
      ),
      (err: unknown) =>
        err instanceof UndecryptableKeysError &&
        err.kids.length === 1 && err.kids[0] === row.kid,
    );
    // The store is untouched: no replacement key was written.
    const rows = await t.deps.db.selectFrom("signing_keys").select("kid")
      .execute();
    assert.equal(rows.length, 1);
  } finally {
    await t.close();
  }
});
