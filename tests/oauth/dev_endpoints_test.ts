import assert from "node:assert/strict";
import { s256 } from "../../lib/oauth/pkce.ts";
import { completeSetupFor, startTestApp } from "../helpers/test_app.ts";

const BOOTSTRAP = "bootstrap-admin-token-123456";

Deno.test("dev: disabled endpoints answer 404 as if they did not exist", async () => {
  const t = await startTestApp({ env: { ADMIN_TOKEN: BOOTSTRAP } });
  try {
    for (const path of ["/dev/seed", "/dev/pkce"]) {
      const res = await t.fetch(path, {
        headers: { "X-Admin-Token": BOOTSTRAP },
      });
      assert.equal(res.status, 404, path);
      await res.body?.cancel();
    }
  } finally {
    await t.close();
  }
});

Deno.test("dev: enabled endpoints still need the admin token (401)", async () => {
  const t = await startTestApp({
    env: { ENABLE_DEV_ENDPOINTS: "true", ADMIN_TOKEN: BOOTSTRAP },
  });
  try {
    const none = await t.fetch("/dev/pkce");
    assert.equal(none.status, 401);
    await none.body?.cancel();
    const wrong = await t.fetch("/dev/pkce", {
      headers: { "X-Admin-Token": "wrong-token-xxxxxxxx" },
    });
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("dev: the bootstrap ADMIN_TOKEN works before setup and not after", async () => {
  const t = await startTestApp({
    env: { ENABLE_DEV_ENDPOINTS: "true", ADMIN_TOKEN: BOOTSTRAP },
  });
  try {
    const before = await t.fetch("/dev/pkce", {
      headers: { "X-Admin-Token": BOOTSTRAP },
    });
    assert.equal(before.status, 200);
    await before.body?.cancel();
    const token = await completeSetupFor(t);
    const after = await t.fetch("/dev/pkce", {
      headers: { "X-Admin-Token": BOOTSTRAP },
    });
    assert.equal(after.status, 401);
    await after.body?.cancel();
    const withSetupToken = await t.fetch("/dev/pkce", {
      headers: { "X-Admin-Token": token },
    });
    assert.equal(withSetupToken.status, 200);
    await withSetupToken.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("dev: /dev/pkce answers a verifier, its S256 challenge and the method", async () => {
  const t = await startTestApp({
    env: { ENABLE_DEV_ENDPOINTS: "true", ADMIN_TOKEN: BOOTSTRAP },
  });
  try {
    const res = await t.fetch("/dev/pkce", {
      headers: { "X-Admin-Token": BOOTSTRAP },
    });
    const body = await res.json();
    assert.equal(body.method, "S256");
    assert.match(body.code_verifier, /^[A-Za-z0-9_-]{43,128}$/);
    assert.equal(body.code_challenge, s256(body.code_verifier));
  } finally {
    await t.close();
  }
});

Deno.test("dev: /dev/seed creates alice, bob and demo-web, and is idempotent", async () => {
  const t = await startTestApp({
    env: { ENABLE_DEV_ENDPOINTS: "true", ADMIN_TOKEN: BOOTSTRAP },
  });
  try {
    const headers = { "X-Admin-Token": BOOTSTRAP };
    const first = await (await t.fetch("/dev/seed", { headers })).json();
    assert.deepEqual(first.users.map((u: { created: boolean }) => u.created), [
      true,
      true,
    ]);
    assert.equal(first.clients[0].client_id, "demo-web");
    const second = await (await t.fetch("/dev/seed", { headers })).json();
    assert.deepEqual(
      second.users.map((u: { created: boolean }) => u.created),
      [false, false],
    );
    assert.equal(second.clients[0].created, false);
    const policy = await t.deps.db.selectFrom("client_policies").selectAll()
      .where("client_id", "=", "demo-web").executeTakeFirstOrThrow();
    assert.equal(policy.consent_policy, "once");
    assert.equal(policy.require_pkce, 1);
    assert.equal(policy.token_format, "opaque");
    assert.deepEqual(JSON.parse(policy.post_logout_redirect_uris), [
      "http://localhost:3000/",
    ]);
    const users = await t.deps.db.selectFrom("users").select(["username"])
      .orderBy("username").execute();
    assert.deepEqual(users.map((u) => u.username), ["alice", "bob"]);
  } finally {
    await t.close();
  }
});

Deno.test("dev: /dev/create_client returns the secret once and stores only its hash", async () => {
  const t = await startTestApp({
    env: { ENABLE_DEV_ENDPOINTS: "true", ADMIN_TOKEN: BOOTSTRAP },
  });
  try {
    const res = await t.fetch("/dev/create_client", {
      method: "POST",
      headers: {
        "X-Admin-Token": BOOTSTRAP,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({
        client_id: "camera",
        redirect_uris: ["http://localhost:3001/callback"],
        token_endpoint_auth_method: "client_secret_post",
        scope: "openid files.read",
      }),
    });
    assert.equal(res.status, 201);
    const body = await res.json();
    assert.equal(body.client_id, "camera");
    assert.match(body.client_secret, /^[\w-]{43}$/);
    const row = await t.deps.db.selectFrom("clients").selectAll()
      .where("client_id", "=", "camera").executeTakeFirstOrThrow();
    assert.notEqual(row.client_secret_hash, body.client_secret);
    assert.ok(!JSON.stringify(row).includes(body.client_secret));
    const again = await t.fetch("/dev/create_client", {
      method: "POST",
      headers: {
        "X-Admin-Token": BOOTSTRAP,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({
        client_id: "camera",
        redirect_uris: ["http://localhost:3001/callback"],
      }),
    });
    assert.equal(again.status, 409);
    await again.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("dev: /dev/create_client names the bad field (wildcard, http non-loopback, fragment)", async () => {
  const t = await startTestApp({
    env: { ENABLE_DEV_ENDPOINTS: "true", ADMIN_TOKEN: BOOTSTRAP },
  });
  try {
    for (
      const uri of [
        "https://*.example.com/cb",
        "http://app.example.com/cb",
        "https://app.example.com/cb#x",
        "not a url",
      ]
    ) {
      const res = await t.fetch("/dev/create_client", {
        method: "POST",
        headers: {
          "X-Admin-Token": BOOTSTRAP,
          "Content-Type": "application/json",
        },
        body: JSON.stringify({ redirect_uris: [uri] }),
      });
      assert.equal(res.status, 400, uri);
      const body = await res.json();
      assert.equal(body.error, "invalid_request");
      assert.equal(body.issues[0].path, "redirect_uris");
    }
    // A misspelt field is refused by name, not silently dropped.
    const typo = await t.fetch("/dev/create_client", {
      method: "POST",
      headers: {
        "X-Admin-Token": BOOTSTRAP,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({
        client_nam: "Typo",
        redirect_uris: ["https://a.example/cb"],
      }),
    });
    assert.equal(typo.status, 400);
    assert.deepEqual((await typo.json()).issues, [
      { path: "client_nam", message: "is not a known field" },
    ]);
    const notJSON = await t.fetch("/dev/create_client", {
      method: "POST",
      headers: { "X-Admin-Token": BOOTSTRAP, "Content-Type": "text/plain" },
      body: "hello",
    });
    assert.equal(notJSON.status, 415);
    await notJSON.body?.cancel();
  } finally {
    await t.close();
  }
});
