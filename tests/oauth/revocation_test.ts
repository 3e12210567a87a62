import assert from "node:assert/strict";
import { startTestApp, type TestApp } from "../helpers/test_app.ts";
import {
  addClient,
  basic,
  clientPost,
  formPost,
  grant,
  resourceWorld,
  type TestClient,
} from "../helpers/clients.ts";

/** The three client shapes of the seed's curls, and one user. */

/** Whether the client that owns `token` still sees it active. */
async function isActive(
  t: TestApp,
  owner: TestClient,
  token: string,
): Promise<boolean> {
  const res = await t.fetch("/introspect", clientPost(owner, { token }));
  assert.equal(res.status, 200);
  return (await res.json()).active;
}

Deno.test("revoke: client_secret_basic revokes an access token; 200, empty body, no-store", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const tokens = await grant(t, web, alice, ["openid"]);
    // curl -X POST "$BASE/revoke" -u 'CLIENT_ID:CLIENT_SECRET'
    //      -d 'token=…' -d 'token_type_hint=access_token'
    const res = await t.fetch(
      "/revoke",
      formPost({
        token: tokens.access_token,
        token_type_hint: "access_token",
      }, { Authorization: basic("demo-web", web.secret!) }),
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("Cache-Control"), "no-store");
    assert.equal(await res.text(), "");
    assert.equal(await isActive(t, web, tokens.access_token), false);
    const userinfo = await t.fetch("/userinfo", {
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(userinfo.status, 401);
    await userinfo.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("revoke: revoking an access token leaves its refresh token usable", async () => {
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
    assert.equal(await isActive(t, web, tokens.access_token), false);
    assert.equal(await isActive(t, web, tokens.refresh_token!), true);
  } finally {
    await t.close();
  }
});

Deno.test("revoke: client_secret_post revoking a refresh token revokes its whole grant", async () => {
  const t = await startTestApp();
  try {
    const { post, alice } = await resourceWorld(t);
    const first = await grant(t, post, alice, ["openid", "offline_access"]);
    // Rotate once through /token: the grant now has a second access token
    // and a fresh refresh token, both to be revoked with the first.
    const rotated = await t.fetch(
      "/token",
      formPost({
        grant_type: "refresh_token",
        refresh_token: first.refresh_token!,
        client_id: "demo-post",
        client_secret: post.secret!,
      }),
    );
    assert.equal(rotated.status, 200);
    const second = await rotated.json();
    const other = await grant(t, post, alice, ["openid"]);

    // curl -X POST "$BASE/revoke" -d 'client_id=CLIENT_ID'
    //      -d 'client_secret=CLIENT_SECRET' -d 'token=…'
    //      -d 'token_type_hint=refresh_token'
    const res = await t.fetch(
      "/revoke",
      formPost({
        client_id: "demo-post",
        client_secret: post.secret!,
        token: second.refresh_token,
        token_type_hint: "refresh_token",
      }),
    );
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "");

    const activeOf = (token: string) =>
      t.fetch(
        "/introspect",
        formPost({
          client_id: "demo-post",
          client_secret: post.secret!,
          token,
        }),
      ).then((r) => r.json()).then((b) => b.active);
    assert.equal(await activeOf(first.access_token), false);
    assert.equal(await activeOf(second.access_token), false);
    assert.equal(await activeOf(second.refresh_token), false);
    // Another grant of the same user and client is untouched.
    assert.equal(await activeOf(other.access_token), true);
    assert.equal(await activeOf(other.refresh_token!), true);
    // The revoked refresh token no longer refreshes.
    const refresh = await t.fetch(
      "/token",
      formPost({
        grant_type: "refresh_token",
        refresh_token: second.refresh_token,
        client_id: "demo-post",
        client_secret: post.secret!,
      }),
    );
    assert.equal(refresh.status, 400);
    assert.equal((await refresh.json()).error, "invalid_grant");
  } finally {
    await t.close();
  }
});

Deno.test("revoke: a public client revokes with its client_id alone", async () => {
  const t = await startTestApp();
  try {
    const { spa, alice } = await resourceWorld(t);
    const tokens = await grant(t, spa, alice, ["openid"]);
    // curl -X POST "$BASE/revoke" -d 'client_id=PUBLIC_CLIENT_ID' -d 'token=…'
    const res = await t.fetch(
      "/revoke",
      formPost({ client_id: "demo-spa", token: tokens.refresh_token! }),
    );
    assert.equal(res.status, 200);
    await res.body?.cancel();
    const check = await t.fetch(
      "/introspect",
      formPost({ client_id: "demo-spa", token: tokens.access_token }),
    );
    assert.deepEqual(await check.json(), { active: false });
  } finally {
    await t.close();
  }
});

Deno.test("revoke: an unknown token answers 200", async () => {
  const t = await startTestApp();
  try {
    const { web } = await resourceWorld(t);
    const res = await t.fetch(
      "/revoke",
      formPost({ token: "never-issued" }, {
        Authorization: basic("demo-web", web.secret!),
      }),
    );
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "");
  } finally {
    await t.close();
  }
});

Deno.test("revoke: another client's token is left alone and answered 200", async () => {
  const t = await startTestApp();
  try {
    const { web, post, alice } = await resourceWorld(t);
    const tokens = await grant(t, web, alice, ["openid"]);
    for (const token of [tokens.access_token, tokens.refresh_token!]) {
      const res = await t.fetch(
        "/revoke",
        formPost({
          client_id: "demo-post",
          client_secret: post.secret!,
          token,
        }),
      );
      assert.equal(res.status, 200);
      assert.equal(await res.text(), "");
    }
    assert.equal(await isActive(t, web, tokens.access_token), true);
    assert.equal(await isActive(t, web, tokens.refresh_token!), true);
  } finally {
    await t.close();
  }
});

Deno.test("revoke: a wrong or unknown hint still finds the token", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const a = await grant(t, web, alice, ["openid"]);
    const b = await grant(t, web, alice, ["openid"]);
    for (
      const [token, hint] of [
        [a.access_token, "refresh_token"],
        [b.refresh_token!, "not_a_type"],
      ]
    ) {
      const res = await t.fetch(
        "/revoke",
        formPost({ token, token_type_hint: hint }, {
          Authorization: basic("demo-web", web.secret!),
        }),
      );
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    assert.equal(await isActive(t, web, a.access_token), false);
    assert.equal(await isActive(t, web, b.access_token), false);
  } finally {
    await t.close();
  }
});

Deno.test("revoke: a client_credentials token (no grant family) is revoked", async () => {
  const t = await startTestApp();
  try {
    const service = await addClient(t, {
      client_id: "service",
      grant_types: ["client_credentials"],
      redirect_uris: [],
    });
    const tokens = await grant(t, service, null, ["files"]);
    const res = await t.fetch(
      "/revoke",
      formPost({ token: tokens.access_token }, {
        Authorization: basic("service", service.secret!),
      }),
    );
    assert.equal(res.status, 200);
    await res.body?.cancel();
    assert.equal(await isActive(t, service, tokens.access_token), false);
  } finally {
    await t.close();
  }
});

Deno.test("revoke: revoking the same token twice answers 200 both times", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const tokens = await grant(t, web, alice, ["openid"]);
    for (let i = 0; i < 2; i++) {
      const res = await t.fetch(
        "/revoke",
        formPost({ token: tokens.refresh_token! }, {
          Authorization: basic("demo-web", web.secret!),
        }),
      );
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
  } finally {
    await t.close();
  }
});

Deno.test("revoke: a missing token is 400 invalid_request", async () => {
  const t = await startTestApp();
  try {
    const { web } = await resourceWorld(t);
    const res = await t.fetch(
      "/revoke",
      formPost({ token_type_hint: "access_token" }, {
        Authorization: basic("demo-web", web.secret!),
      }),
    );
    assert.equal(res.status, 400);
    assert.equal(res.headers.get("Cache-Control"), "no-store");
    assert.equal((await res.json()).error, "invalid_request");
  } finally {
    await t.close();
  }
});

Deno.test("revoke: a body that is not form-encoded is 400 invalid_request", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const tokens = await grant(t, web, alice, ["openid"]);
    const res = await t.fetch("/revoke", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Authorization: basic("demo-web", web.secret!),
      },
      body: JSON.stringify({ token: tokens.access_token }),
    });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error, "invalid_request");
    assert.equal(await isActive(t, web, tokens.access_token), true);
  } finally {
    await t.close();
  }
});

Deno.test("revoke: a repeated parameter is 400 invalid_request", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const tokens = await grant(t, web, alice, ["openid"]);
    const body = new URLSearchParams([
      ["token", tokens.access_token],
      ["token", "other"],
    ]);
    const res = await t.fetch("/revoke", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Authorization: basic("demo-web", web.secret!),
      },
      body,
    });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error, "invalid_request");
  } finally {
    await t.close();
  }
});

Deno.test("revoke: a wrong secret is 401 invalid_client with a Basic challenge, and nothing is revoked", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const tokens = await grant(t, web, alice, ["openid"]);
    const res = await t.fetch(
      "/revoke",
      formPost({ token: tokens.access_token }, {
        Authorization: basic("demo-web", "wrong-secret"),
      }),
    );
    assert.equal(res.status, 401);
    assert.match(res.headers.get("WWW-Authenticate")!, /^Basic /);
    assert.equal((await res.json()).error, "invalid_client");
    assert.equal(await isActive(t, web, tokens.access_token), true);
  } finally {
    await t.close();
  }
});

Deno.test("revoke: a confidential client without its secret is 401 invalid_client", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const tokens = await grant(t, web, alice, ["openid"]);
    const res = await t.fetch(
      "/revoke",
      formPost({ client_id: "demo-web", token: tokens.access_token }),
    );
    assert.equal(res.status, 401);
    assert.equal((await res.json()).error, "invalid_client");
    assert.equal(await isActive(t, web, tokens.access_token), true);
  } finally {
    await t.close();
  }
});

Deno.test("revoke: no client identification at all is 401 invalid_client", async () => {
  const t = await startTestApp();
  try {
    const res = await t.fetch("/revoke", formPost({ token: "anything" }));
    assert.equal(res.status, 401);
    assert.equal((await res.json()).error, "invalid_client");
  } finally {
    await t.close();
  }
});

Deno.test("revoke: GET is 405", async () => {
  const t = await startTestApp();
  try {
    const res = await t.fetch("/revoke?token=x");
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("Allow"), "POST");
    await res.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("revoke: CORS lets a browser app revoke its own tokens (preflight and answer)", async () => {
  const t = await startTestApp();
  try {
    const { spa, alice } = await resourceWorld(t);
    const pre = await t.fetch("/revoke", {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:3000",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
      },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("Access-Control-Allow-Origin"), "*");
    assert.match(pre.headers.get("Access-Control-Allow-Methods")!, /POST/);
    const tokens = await grant(t, spa, alice, ["openid"]);
    const res = await t.fetch(
      "/revoke",
      formPost({ client_id: "demo-spa", token: tokens.access_token }, {
        Origin: "http://localhost:3000",
      }),
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("Access-Control-Allow-Origin"), "*");
    assert.equal(await isActive(t, spa, tokens.access_token), false);
  } finally {
    await t.close();
  }
});

Deno.test("revoke and introspect: a confidential client may send its secret either way; /token keeps its registered method", async () => {
  const t = await startTestApp();
  try {
    const { web, post, alice } = await resourceWorld(t);
    // demo-web registered client_secret_basic, sends it in the body.
    const webTokens = await grant(t, web, alice, ["openid"]);
    const asPost = await t.fetch(
      "/introspect",
      formPost({
        client_id: "demo-web",
        client_secret: web.secret!,
        token: webTokens.access_token,
      }),
    );
    assert.equal(asPost.status, 200);
    assert.equal((await asPost.json()).active, true);
    // demo-post registered client_secret_post, sends Basic.
    const postTokens = await grant(t, post, alice, ["openid"]);
    const revoked = await t.fetch(
      "/revoke",
      formPost({ token: postTokens.access_token }, {
        Authorization: basic("demo-post", post.secret!),
      }),
    );
    assert.equal(revoked.status, 200);
    await revoked.body?.cancel();
    assert.equal(await isActive(t, post, postTokens.access_token), false);
    // A wrong secret is still wrong, whichever way it is sent.
    const wrong = await t.fetch(
      "/introspect",
      formPost({
        client_id: "demo-web",
        client_secret: "not-it",
        token: webTokens.access_token,
      }),
    );
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
    // The token endpoint keeps to the registered method.
    const token = await t.fetch(
      "/token",
      formPost({
        grant_type: "refresh_token",
        client_id: "demo-web",
        client_secret: web.secret!,
        refresh_token: webTokens.refresh_token!,
      }),
    );
    assert.equal(token.status, 401);
    assert.equal(
      (await token.json()).error_description,
      "client must authenticate with client_secret_basic",
    );
  } finally {
    await t.close();
  }
});
