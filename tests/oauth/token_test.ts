import assert from "node:assert/strict";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { createHash } from "node:crypto";
import { findToken, isTokenActive } from "../../lib/oauth/tokens/lookup.ts";
import {
  DEMO_REDIRECT,
  demoParams,
  demoTokens,
  runAuthorize,
  seedDemo,
  tokenRequest,
} from "../helpers/oauth.ts";
import { addClient, basic } from "../helpers/clients.ts";
import { upsertPolicyForTest } from "../helpers/policy.ts";
import {
  completeSetupFor,
  startTestApp,
  type TestApp,
} from "../helpers/test_app.ts";

async function withApp(fn: (t: TestApp) => Promise<void>): Promise<void> {
  const t = await startTestApp();
  try {
    await completeSetupFor(t);
    await seedDemo(t);
    await fn(t);
  } finally {
    await t.close();
  }
}

async function codeFor(
  t: TestApp,
  extra: Record<string, string> = {},
): Promise<{ code: string; verifier: string }> {
  const { params, verifier } = demoParams(extra);
  const flow = await runAuthorize(t, params);
  return { code: flow.location!.searchParams.get("code")!, verifier };
}

async function active(t: TestApp, token: string): Promise<boolean> {
  const found = await findToken(t.deps.db, token, null);
  return found !== null && isTokenActive(found, t.deps.now());
}

async function jwks(t: TestApp) {
  const res = await t.fetch("/.well-known/jwks.json");
  return createLocalJWKSet(await res.json());
}

Deno.test("token: the seed's code exchange returns tokens with no-store", async () => {
  await withApp(async (t) => {
    const { code, verifier } = await codeFor(t);
    const { status, body, res } = await tokenRequest(t, {
      grant_type: "authorization_code",
      client_id: "demo-web",
      code_verifier: verifier,
      code,
      redirect_uri: DEMO_REDIRECT,
    });
    assert.equal(status, 200);
    assert.equal(res.headers.get("Cache-Control"), "no-store");
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.expires_in, 3600);
    assert.equal(body.scope, "openid profile email offline_access");
    assert.equal(typeof body.access_token, "string");
    assert.equal(typeof body.refresh_token, "string");
    assert.equal(typeof body.id_token, "string");
  });
});

Deno.test("token: the ID token verifies against JWKS with iss, aud, nonce, at_hash, auth_time, sid", async () => {
  await withApp(async (t) => {
    const body = await demoTokens(t);
    const { payload, protectedHeader } = await jwtVerify(
      body.id_token as string,
      await jwks(t),
      { issuer: t.base, audience: "demo-web", algorithms: ["RS256"] },
    );
    assert.equal(protectedHeader.alg, "RS256");
    assert.equal(payload.nonce, "nonce-456");
    assert.equal(typeof payload.auth_time, "number");
    assert.equal(typeof payload.sid, "string");
    const digest = createHash("sha256").update(body.access_token as string)
      .digest();
    assert.equal(payload.at_hash, digest.subarray(0, 16).toString("base64url"));
    assert.equal(payload.email, "alice@example.com");
    assert.equal(payload.email_verified, true);
    assert.equal(payload.name, "Alice Liddell");
  });
});

Deno.test("token: a replayed code is invalid_grant and revokes what the first exchange issued", async () => {
  await withApp(async (t) => {
    const { code, verifier } = await codeFor(t);
    const fields = {
      grant_type: "authorization_code",
      client_id: "demo-web",
      code_verifier: verifier,
      code,
      redirect_uri: DEMO_REDIRECT,
    };
    const first = await tokenRequest(t, fields);
    assert.equal(first.status, 200);
    assert.ok(await active(t, first.body.access_token as string));
    const replay = await tokenRequest(t, fields);
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, "invalid_grant");
    assert.equal(await active(t, first.body.access_token as string), false);
    assert.equal(await active(t, first.body.refresh_token as string), false);
  });
});

Deno.test("token: a replay arriving while the first exchange is still signing revokes the first exchange's tokens", async () => {
  await withApp(async (t) => {
    // Signing takes 100 ms here, so the replay lands mid-exchange.
    const keys = t.deps.keys;
    const signingKey = keys.signingKey.bind(keys);
    keys.signingKey = async (alg) => {
      const key = await signingKey(alg);
      return {
        ...key,
        sign: async (data) => {
          await new Promise((r) => setTimeout(r, 100));
          return await key.sign(data);
        },
      };
    };
    const { code, verifier } = await codeFor(t);
    const fields = {
      grant_type: "authorization_code",
      client_id: "demo-web",
      code_verifier: verifier,
      code,
      redirect_uri: DEMO_REDIRECT,
    };
    const first = tokenRequest(t, fields);
    await new Promise((r) => setTimeout(r, 30));
    const replay = await tokenRequest(t, fields);
    const won = await first;
    assert.equal(won.status, 200);
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, "invalid_grant");
    // RFC 6749 §4.1.2: a code used twice revokes what it issued, also when
    // the second use came before the first had stored its tokens.
    assert.equal(await active(t, won.body.access_token as string), false);
    assert.equal(await active(t, won.body.refresh_token as string), false);
  });
});

Deno.test("token: PKCE mismatch, wrong redirect_uri and an expired code are invalid_grant", async () => {
  await withApp(async (t) => {
    const a = await codeFor(t);
    const wrongVerifier = await tokenRequest(t, {
      grant_type: "authorization_code",
      client_id: "demo-web",
      code_verifier: demoParams().verifier,
      code: a.code,
      redirect_uri: DEMO_REDIRECT,
    });
    assert.equal(wrongVerifier.body.error, "invalid_grant");
    assert.match(String(wrongVerifier.body.error_description), /code_verifier/);
    // A failed attempt burns the code: the right verifier comes too late.
    const afterBurn = await tokenRequest(t, {
      grant_type: "authorization_code",
      client_id: "demo-web",
      code_verifier: a.verifier,
      code: a.code,
      redirect_uri: DEMO_REDIRECT,
    });
    assert.equal(afterBurn.body.error, "invalid_grant");

    const b = await codeFor(t);
    const wrongRedirect = await tokenRequest(t, {
      grant_type: "authorization_code",
      client_id: "demo-web",
      code_verifier: b.verifier,
      code: b.code,
      redirect_uri: "http://localhost:3000/other",
    });
    assert.equal(wrongRedirect.body.error, "invalid_grant");
    assert.match(String(wrongRedirect.body.error_description), /redirect_uri/);

    const c = await codeFor(t);
    t.advance(61);
    const expired = await tokenRequest(t, {
      grant_type: "authorization_code",
      client_id: "demo-web",
      code_verifier: c.verifier,
      code: c.code,
      redirect_uri: DEMO_REDIRECT,
    });
    assert.equal(expired.body.error, "invalid_grant");
  });
});

Deno.test("token: a code cannot be redeemed by another client", async () => {
  await withApp(async (t) => {
    const other = await addClient(t, {
      client_id: "other-spa",
      token_endpoint_auth_method: "none",
      redirect_uris: [DEMO_REDIRECT],
    });
    const { code, verifier } = await codeFor(t);
    const res = await tokenRequest(t, {
      grant_type: "authorization_code",
      client_id: other.client_id,
      code_verifier: verifier,
      code,
      redirect_uri: DEMO_REDIRECT,
    });
    assert.equal(res.body.error, "invalid_grant");
  });
});

Deno.test("token: refresh rotates; the old token is refused and its reuse revokes the family", async () => {
  await withApp(async (t) => {
    const first = await demoTokens(t);
    const r1 = await tokenRequest(t, {
      grant_type: "refresh_token",
      client_id: "demo-web",
      refresh_token: first.refresh_token as string,
    });
    assert.equal(r1.status, 200);
    assert.notEqual(r1.body.refresh_token, first.refresh_token);
    assert.ok(await active(t, r1.body.access_token as string));
    const reuse = await tokenRequest(t, {
      grant_type: "refresh_token",
      client_id: "demo-web",
      refresh_token: first.refresh_token as string,
    });
    assert.equal(reuse.body.error, "invalid_grant");
    // The whole family is gone, the newest tokens included.
    assert.equal(await active(t, r1.body.refresh_token as string), false);
    assert.equal(await active(t, r1.body.access_token as string), false);
  });
});

Deno.test("token: two concurrent refreshes with the same token, exactly one succeeds", async () => {
  await withApp(async (t) => {
    const first = await demoTokens(t);
    const fields = {
      grant_type: "refresh_token",
      client_id: "demo-web",
      refresh_token: first.refresh_token as string,
    };
    const results = await Promise.all([
      tokenRequest(t, fields),
      tokenRequest(t, fields),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 400]);
  });
});

Deno.test("token: refresh may narrow the scope but never widen it", async () => {
  await withApp(async (t) => {
    const first = await demoTokens(t, {
      scope: "openid profile offline_access",
    });
    const narrowed = await tokenRequest(t, {
      grant_type: "refresh_token",
      client_id: "demo-web",
      refresh_token: first.refresh_token as string,
      scope: "openid offline_access",
    });
    assert.equal(narrowed.status, 200);
    assert.equal(narrowed.body.scope, "openid offline_access");
    const widened = await tokenRequest(t, {
      grant_type: "refresh_token",
      client_id: "demo-web",
      refresh_token: narrowed.body.refresh_token as string,
      scope: "openid offline_access email",
    });
    assert.equal(widened.body.error, "invalid_scope");
  });
});

Deno.test("token: no refresh token under openid without offline_access", async () => {
  await withApp(async (t) => {
    const body = await demoTokens(t, { scope: "openid profile" });
    assert.equal(body.refresh_token, undefined);
    assert.ok(body.id_token);
  });
});

Deno.test("token: refresh tokens expire after the policy's TTL", async () => {
  await withApp(async (t) => {
    await upsertPolicyForTest(t, "demo-web", { refresh_token_ttl_days: 1 });
    const first = await demoTokens(t);
    t.advance(86401);
    const res = await tokenRequest(t, {
      grant_type: "refresh_token",
      client_id: "demo-web",
      refresh_token: first.refresh_token as string,
    });
    assert.equal(res.body.error, "invalid_grant");
  });
});

Deno.test("token: client_credentials with basic and post; no refresh or ID token", async () => {
  await withApp(async (t) => {
    const svc = await addClient(t, {
      client_id: "svc",
      grant_types: ["client_credentials"],
      scope: "files.read",
      token_endpoint_auth_method: "client_secret_basic",
    });
    const viaBasic = await tokenRequest(
      t,
      { grant_type: "client_credentials" },
      {
        Authorization: basic(svc.client_id, svc.client_secret!),
      },
    );
    assert.equal(viaBasic.status, 200);
    assert.equal(viaBasic.body.scope, "files.read");
    assert.equal(viaBasic.body.refresh_token, undefined);
    assert.equal(viaBasic.body.id_token, undefined);
    const post = await addClient(t, {
      client_id: "svc-post",
      grant_types: ["client_credentials"],
      scope: "files.read",
      token_endpoint_auth_method: "client_secret_post",
    });
    const viaPost = await tokenRequest(t, {
      grant_type: "client_credentials",
      client_id: post.client_id,
      client_secret: post.client_secret!,
      scope: "files.read",
    });
    assert.equal(viaPost.status, 200);
    const badScope = await tokenRequest(t, {
      grant_type: "client_credentials",
      client_id: post.client_id,
      client_secret: post.client_secret!,
      scope: "admin",
    });
    assert.equal(badScope.body.error, "invalid_scope");
  });
});

Deno.test("token: invalid_client for a wrong secret (401 + Basic challenge) and the wrong method", async () => {
  await withApp(async (t) => {
    const svc = await addClient(t, {
      client_id: "svc",
      grant_types: ["client_credentials"],
      scope: "files.read",
    });
    const wrong = await tokenRequest(t, { grant_type: "client_credentials" }, {
      Authorization: basic("svc", "not-the-secret"),
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, "invalid_client");
    assert.match(wrong.res.headers.get("WWW-Authenticate")!, /^Basic/);
    const method = await tokenRequest(t, {
      grant_type: "client_credentials",
      client_id: "svc",
      client_secret: svc.client_secret!,
    });
    assert.equal(method.status, 401);
    assert.equal(method.body.error, "invalid_client");
    const unknown = await tokenRequest(t, {
      grant_type: "client_credentials",
      client_id: "ghost",
      client_secret: "x",
    });
    assert.equal(unknown.status, 401);
  });
});

Deno.test("token: a grant the client is not registered for is unauthorized_client", async () => {
  await withApp(async (t) => {
    const res = await tokenRequest(t, {
      grant_type: "client_credentials",
      client_id: "demo-web",
    });
    assert.equal(res.body.error, "unauthorized_client");
  });
});

Deno.test("token: malformed requests are invalid_request / unsupported_grant_type, never 500", async () => {
  await withApp(async (t) => {
    const missing = await tokenRequest(t, { client_id: "demo-web" });
    assert.equal(missing.body.error, "invalid_request");
    const unknown = await tokenRequest(t, {
      grant_type: "password",
      client_id: "demo-web",
    });
    assert.equal(unknown.body.error, "unsupported_grant_type");
    const json = await t.fetch("/token", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials" }),
    });
    assert.equal(json.status, 400);
    assert.equal((await json.json()).error, "invalid_request");
    const dup = await t.fetch("/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body:
        "grant_type=refresh_token&grant_type=refresh_token&client_id=demo-web",
    });
    assert.equal((await dup.json()).error, "invalid_request");
    const noCode = await tokenRequest(t, {
      grant_type: "authorization_code",
      client_id: "demo-web",
    });
    assert.equal(noCode.body.error, "invalid_request");
  });
});

Deno.test("token: policy jwt issues RFC 9068 access tokens that verify against JWKS", async () => {
  await withApp(async (t) => {
    await upsertPolicyForTest(t, "demo-web", { token_format: "jwt" });
    const body = await demoTokens(t);
    const at = body.access_token as string;
    assert.equal(decodeProtectedHeader(at).typ, "at+jwt");
    const { payload } = await jwtVerify(at, await jwks(t), {
      issuer: t.base,
      typ: "at+jwt",
    });
    assert.equal(payload.client_id, "demo-web");
    assert.equal(payload.scope, "openid profile email offline_access");
    assert.equal(typeof payload.jti, "string");
    assert.ok(await active(t, at));
  });
});

Deno.test("token: ES256 and EdDSA ID tokens per client policy", async () => {
  await withApp(async (t) => {
    for (const alg of ["ES256", "EdDSA"]) {
      await upsertPolicyForTest(t, "demo-web", {
        id_token_signed_response_alg: alg,
      });
      const body = await demoTokens(t);
      const { protectedHeader } = await jwtVerify(
        body.id_token as string,
        await jwks(t),
        { issuer: t.base, audience: "demo-web" },
      );
      assert.equal(protectedHeader.alg, alg);
    }
  });
});

Deno.test("token: redirect_uri may be left out only where /authorize allowed leaving it out", async () => {
  await withApp(async (t) => {
    const { params, verifier } = demoParams({ scope: "profile" });
    delete params.redirect_uri;
    const flow = await runAuthorize(t, params);
    const code = flow.location!.searchParams.get("code")!;
    const res = await tokenRequest(t, {
      grant_type: "authorization_code",
      client_id: "demo-web",
      code_verifier: verifier,
      code,
    });
    assert.equal(res.status, 200);
    // Under openid the redirect_uri is required at both ends.
    const oidc = await codeFor(t);
    const missing = await tokenRequest(t, {
      grant_type: "authorization_code",
      client_id: "demo-web",
      code_verifier: oidc.verifier,
      code: oidc.code,
    });
    assert.equal(missing.body.error, "invalid_grant");
  });
});

Deno.test("token: CORS lets browser apps call the token endpoint", async () => {
  await withApp(async (t) => {
    const pre = await t.fetch("/token", {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:3000",
        "Access-Control-Request-Method": "POST",
      },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("Access-Control-Allow-Origin"), "*");
    const res = await tokenRequest(t, { client_id: "demo-web" }, {
      Origin: "http://localhost:3000",
    });
    assert.equal(res.res.headers.get("Access-Control-Allow-Origin"), "*");
  });
});
