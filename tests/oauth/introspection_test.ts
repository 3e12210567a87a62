import assert from "node:assert/strict";
import { decodeJwt } from "jose";
import { startTestApp, type TestApp } from "../helpers/test_app.ts";
import {
  addClient,
  addUser,
  basic,
  formPost,
  grant,
  resourceWorld,
  type TestClient,
} from "../helpers/clients.ts";

const START = 1_750_000_000;

/** Introspects `token` as `client` with client_secret_basic. */
async function introspectAs(
  t: TestApp,
  client: TestClient,
  token: string,
  extra: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const res = await t.fetch(
    "/introspect",
    formPost({ token, ...extra }, {
      Authorization: basic(client.client.id, client.secret!),
    }),
  );
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("Cache-Control"), "no-store");
  return await res.json();
}

Deno.test("introspect: client_secret_basic, an active access token answers every member", async () => {
  const t = await startTestApp({ startAt: START });
  try {
    const { web, alice } = await resourceWorld(t);
    const tokens = await grant(t, web, alice, ["openid", "profile", "email"]);
    // curl -X POST "$BASE/introspect" -u 'CLIENT_ID:CLIENT_SECRET' -d 'token=…'
    const res = await t.fetch(
      "/introspect",
      formPost({ token: tokens.access_token }, {
        Authorization: basic("demo-web", web.secret!),
      }),
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("Cache-Control"), "no-store");
    assert.match(res.headers.get("Content-Type")!, /^application\/json/);
    assert.deepEqual(await res.json(), {
      active: true,
      client_id: "demo-web",
      token_type: "Bearer",
      scope: "openid profile email",
      exp: START + 3600,
      iat: START,
      sub: alice.id,
      username: "alice",
      iss: t.base,
      aud: "demo-web",
    });
  } finally {
    await t.close();
  }
});

Deno.test("introspect: client_secret_post and a public client_id both introspect their own tokens", async () => {
  const t = await startTestApp({ startAt: START });
  try {
    const { post, spa, alice } = await resourceWorld(t);
    const postTokens = await grant(t, post, alice, ["openid"]);
    // curl -X POST "$BASE/introspect" -d 'client_id=CLIENT_ID'
    //      -d 'client_secret=CLIENT_SECRET' -d 'token=…'
    const a = await t.fetch(
      "/introspect",
      formPost({
        client_id: "demo-post",
        client_secret: post.secret!,
        token: postTokens.access_token,
      }),
    );
    assert.equal(a.status, 200);
    const bodyA = await a.json();
    assert.equal(bodyA.active, true);
    assert.equal(bodyA.client_id, "demo-post");

    const spaTokens = await grant(t, spa, alice, ["openid"]);
    // curl -X POST "$BASE/introspect" -d 'client_id=PUBLIC_CLIENT_ID' -d 'token=…'
    const b = await t.fetch(
      "/introspect",
      formPost({ client_id: "demo-spa", token: spaTokens.access_token }),
    );
    assert.equal(b.status, 200);
    const bodyB = await b.json();
    assert.equal(bodyB.active, true);
    assert.equal(bodyB.client_id, "demo-spa");
    assert.equal(bodyB.sub, alice.id);
  } finally {
    await t.close();
  }
});

Deno.test("introspect: a refresh token is active with token_type refresh_token", async () => {
  const t = await startTestApp({ startAt: START });
  try {
    const { web, alice } = await resourceWorld(t);
    const tokens = await grant(t, web, alice, ["openid", "offline_access"]);
    const body = await introspectAs(t, web, tokens.refresh_token!, {
      token_type_hint: "refresh_token",
    });
    assert.deepEqual(body, {
      active: true,
      client_id: "demo-web",
      token_type: "refresh_token",
      scope: "openid offline_access",
      exp: START + 30 * 86400,
      iat: START,
      sub: alice.id,
      username: "alice",
      iss: t.base,
      aud: "demo-web",
    });
  } finally {
    await t.close();
  }
});

Deno.test("introspect: a JWT access token answers its jti", async () => {
  const t = await startTestApp({ startAt: START });
  try {
    const jwt = await addClient(t, {
      client_id: "jwt-app",
      token_format: "jwt",
    });
    const alice = await addUser(t, "alice");
    const tokens = await grant(t, jwt, alice, ["openid"]);
    const body = await introspectAs(t, jwt, tokens.access_token);
    assert.equal(body.active, true);
    assert.equal(body.jti, decodeJwt(tokens.access_token).jti);
    assert.equal(body.sub, alice.id);
  } finally {
    await t.close();
  }
});

Deno.test("introspect: a client_credentials token has the client as sub and no username", async () => {
  const t = await startTestApp({ startAt: START });
  try {
    const service = await addClient(t, {
      client_id: "service",
      grant_types: ["client_credentials"],
      redirect_uris: [],
    });
    const tokens = await grant(t, service, null, ["profile"]);
    const body = await introspectAs(t, service, tokens.access_token);
    assert.equal(body.active, true);
    assert.equal(body.sub, "service");
    assert.equal("username" in body, false);
    assert.equal(body.token_type, "Bearer");
  } finally {
    await t.close();
  }
});

Deno.test("introspect: a wrong hint still finds the token", async () => {
  const t = await startTestApp({ startAt: START });
  try {
    const { web, alice } = await resourceWorld(t);
    const tokens = await grant(t, web, alice, ["openid"]);
    const a = await introspectAs(t, web, tokens.access_token, {
      token_type_hint: "refresh_token",
    });
    assert.equal(a.token_type, "Bearer");
    const r = await introspectAs(t, web, tokens.refresh_token!, {
      token_type_hint: "access_token",
    });
    assert.equal(r.token_type, "refresh_token");
  } finally {
    await t.close();
  }
});

Deno.test("introspect: an unknown token is exactly {active:false}", async () => {
  const t = await startTestApp();
  try {
    const { web } = await resourceWorld(t);
    assert.deepEqual(await introspectAs(t, web, "never-issued"), {
      active: false,
    });
  } finally {
    await t.close();
  }
});

Deno.test("introspect: an expired access token is exactly {active:false}, the refresh token lives on", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const tokens = await grant(t, web, alice, ["openid"]);
    t.advance(tokens.expires_in - 1);
    assert.equal(
      (await introspectAs(t, web, tokens.access_token)).active,
      true,
    );
    t.advance(1);
    assert.deepEqual(await introspectAs(t, web, tokens.access_token), {
      active: false,
    });
    assert.equal(
      (await introspectAs(t, web, tokens.refresh_token!)).active,
      true,
    );
  } finally {
    await t.close();
  }
});

Deno.test("introspect: an expired refresh token is exactly {active:false}", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const tokens = await grant(t, web, alice, ["openid"]);
    t.advance(30 * 86400);
    assert.deepEqual(await introspectAs(t, web, tokens.refresh_token!), {
      active: false,
    });
  } finally {
    await t.close();
  }
});

Deno.test("introspect: a revoked token is exactly {active:false}", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const tokens = await grant(t, web, alice, ["openid"]);
    const res = await t.fetch(
      "/revoke",
      formPost({ token: tokens.access_token }, {
        Authorization: basic("demo-web", web.secret!),
      }),
    );
    assert.equal(res.status, 200);
    await res.body?.cancel();
    assert.deepEqual(await introspectAs(t, web, tokens.access_token), {
      active: false,
    });
  } finally {
    await t.close();
  }
});

Deno.test("introspect: revoking a refresh token makes its access tokens inactive", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const tokens = await grant(t, web, alice, ["openid", "offline_access"]);
    const res = await t.fetch(
      "/revoke",
      formPost({
        token: tokens.refresh_token!,
        token_type_hint: "refresh_token",
      }, { Authorization: basic("demo-web", web.secret!) }),
    );
    assert.equal(res.status, 200);
    await res.body?.cancel();
    assert.deepEqual(await introspectAs(t, web, tokens.refresh_token!), {
      active: false,
    });
    assert.deepEqual(await introspectAs(t, web, tokens.access_token), {
      active: false,
    });
  } finally {
    await t.close();
  }
});

Deno.test("introspect: a rotated (consumed) refresh token is exactly {active:false}; its successor is active", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const tokens = await grant(t, web, alice, ["openid", "offline_access"]);
    const res = await t.fetch(
      "/token",
      formPost({
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token!,
      }, { Authorization: basic("demo-web", web.secret!) }),
    );
    assert.equal(res.status, 200);
    const next = await res.json();
    assert.deepEqual(await introspectAs(t, web, tokens.refresh_token!), {
      active: false,
    });
    assert.equal((await introspectAs(t, web, next.refresh_token)).active, true);
    assert.equal((await introspectAs(t, web, next.access_token)).active, true);
  } finally {
    await t.close();
  }
});

Deno.test("introspect: another client's token is exactly {active:false}", async () => {
  const t = await startTestApp();
  try {
    const { web, post, spa, alice } = await resourceWorld(t);
    const tokens = await grant(t, web, alice, ["openid"]);
    for (const token of [tokens.access_token, tokens.refresh_token!]) {
      const asPost = await t.fetch(
        "/introspect",
        formPost({
          client_id: "demo-post",
          client_secret: post.secret!,
          token,
        }),
      );
      assert.deepEqual(await asPost.json(), { active: false });
      const asSpa = await t.fetch(
        "/introspect",
        formPost({ client_id: spa.client.id, token }),
      );
      assert.deepEqual(await asSpa.json(), { active: false });
    }
    // Still active for its owner.
    assert.equal(
      (await introspectAs(t, web, tokens.access_token)).active,
      true,
    );
  } finally {
    await t.close();
  }
});

Deno.test("introspect: a disabled user's tokens are exactly {active:false}", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const tokens = await grant(t, web, alice, ["openid"]);
    await t.deps.db.updateTable("users").set({ disabled: 1 })
      .where("id", "=", alice.id).execute();
    assert.deepEqual(await introspectAs(t, web, tokens.access_token), {
      active: false,
    });
    assert.deepEqual(await introspectAs(t, web, tokens.refresh_token!), {
      active: false,
    });
  } finally {
    await t.close();
  }
});

Deno.test("introspect: a deleted user's tokens are exactly {active:false}", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const tokens = await grant(t, web, alice, ["openid"]);
    await t.deps.db.deleteFrom("users").where("id", "=", alice.id).execute();
    assert.deepEqual(await introspectAs(t, web, tokens.access_token), {
      active: false,
    });
    assert.deepEqual(await introspectAs(t, web, tokens.refresh_token!), {
      active: false,
    });
  } finally {
    await t.close();
  }
});

Deno.test("introspect: a missing token is 400 invalid_request", async () => {
  const t = await startTestApp();
  try {
    const { web } = await resourceWorld(t);
    const res = await t.fetch(
      "/introspect",
      formPost({}, { Authorization: basic("demo-web", web.secret!) }),
    );
    assert.equal(res.status, 400);
    assert.equal(res.headers.get("Cache-Control"), "no-store");
    assert.equal((await res.json()).error, "invalid_request");
  } finally {
    await t.close();
  }
});

Deno.test("introspect: a body that is not form-encoded is 400 invalid_request", async () => {
  const t = await startTestApp();
  try {
    const { web } = await resourceWorld(t);
    const res = await t.fetch("/introspect", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Authorization: basic("demo-web", web.secret!),
      },
      body: JSON.stringify({ token: "x" }),
    });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error, "invalid_request");
  } finally {
    await t.close();
  }
});

Deno.test("introspect: without client authentication it is 401 invalid_client, never an answer", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const tokens = await grant(t, web, alice, ["openid"]);
    const none = await t.fetch(
      "/introspect",
      formPost({ token: tokens.access_token }),
    );
    assert.equal(none.status, 401);
    const body = await none.json();
    assert.equal(body.error, "invalid_client");
    assert.equal("active" in body, false);

    const wrong = await t.fetch(
      "/introspect",
      formPost({ token: tokens.access_token }, {
        Authorization: basic("demo-web", "wrong-secret"),
      }),
    );
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get("WWW-Authenticate")!, /^Basic /);
    assert.equal((await wrong.json()).error, "invalid_client");

    const idOnly = await t.fetch(
      "/introspect",
      formPost({ client_id: "demo-web", token: tokens.access_token }),
    );
    assert.equal(idOnly.status, 401);
    assert.equal((await idOnly.json()).error, "invalid_client");
  } finally {
    await t.close();
  }
});

Deno.test("introspect: a bearer token is not client authentication", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const tokens = await grant(t, web, alice, ["openid"]);
    const res = await t.fetch(
      "/introspect",
      formPost({ token: tokens.access_token }, {
        Authorization: `Bearer ${tokens.access_token}`,
      }),
    );
    assert.equal(res.status, 401);
    assert.equal((await res.json()).error, "invalid_client");
  } finally {
    await t.close();
  }
});

Deno.test("discovery: the userinfo, revocation, introspection and end_session endpoints it advertises are served with the auth methods it lists", async () => {
  const t = await startTestApp();
  try {
    const { web, post, spa, alice } = await resourceWorld(t);
    const doc = await (await t.fetch("/.well-known/openid-configuration"))
      .json();
    assert.equal(doc.userinfo_endpoint, `${t.base}/userinfo`);
    assert.equal(doc.revocation_endpoint, `${t.base}/revoke`);
    assert.equal(doc.introspection_endpoint, `${t.base}/introspect`);
    assert.equal(doc.end_session_endpoint, `${t.base}/end_session`);
    const auth: Record<string, (token: string) => RequestInit> = {
      client_secret_basic: (token) =>
        formPost({ token }, { Authorization: basic("demo-web", web.secret!) }),
      client_secret_post: (token) =>
        formPost({
          client_id: "demo-post",
          client_secret: post.secret!,
          token,
        }),
      none: (token) => formPost({ client_id: spa.client.id, token }),
    };
    const owners: Record<string, TestClient> = {
      client_secret_basic: web,
      client_secret_post: post,
      none: spa,
    };
    for (
      const key of [
        "introspection_endpoint_auth_methods_supported",
        "revocation_endpoint_auth_methods_supported",
      ]
    ) {
      for (const method of doc[key] as string[]) {
        const tokens = await grant(t, owners[method], alice, ["openid"]);
        const res = await t.app.fetch(
          new Request(
            key.startsWith("introspection")
              ? doc.introspection_endpoint
              : doc.revocation_endpoint,
            auth[method](tokens.access_token),
          ),
        );
        assert.equal(res.status, 200, `${key} ${method}`);
        await res.body?.cancel();
      }
    }
    const { access_token } = await grant(t, web, alice, ["openid"]);
    const userinfo = await t.app.fetch(
      new Request(doc.userinfo_endpoint, {
        headers: { Authorization: `Bearer ${access_token}` },
      }),
    );
    assert.equal(userinfo.status, 200);
    await userinfo.body?.cancel();
    const endSession = await t.app.fetch(new Request(doc.end_session_endpoint));
    assert.equal(endSession.status, 200);
    await endSession.body?.cancel();
  } finally {
    await t.close();
  }
});
