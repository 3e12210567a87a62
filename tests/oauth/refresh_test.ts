/**
 * grant_type=refresh_token against the client's current policy: the scope
 * follows the grant (RFC 6749 §6) less what the client may no longer have,
 * and the per-client reuse grace window answers a just-rotated token's
 * successor again instead of revoking the family.
 * @module
 */
import assert from "node:assert/strict";
import {
  clientPost,
  grant,
  resourceWorld,
  type TestClient,
} from "../helpers/clients.ts";
import { startTestApp, type TestApp } from "../helpers/test_app.ts";

async function refresh(
  t: TestApp,
  client: TestClient,
  refreshToken: string,
  extra: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, string> }> {
  const res = await t.fetch(
    "/token",
    clientPost(client, {
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      ...extra,
    }),
  );
  return { status: res.status, body: await res.json() };
}

async function active(
  t: TestApp,
  client: TestClient,
  token: string,
): Promise<boolean> {
  const res = await t.fetch("/introspect", clientPost(client, { token }));
  return (await res.json()).active;
}

/** Changes demo-web's policy through the admin API, as an operator would. */
async function setPolicy(
  t: TestApp,
  adminToken: string,
  body: Record<string, unknown>,
): Promise<void> {
  const res = await t.fetch("/admin/clients/demo-web/policy", {
    method: "POST",
    headers: {
      "X-Admin-Token": adminToken,
      "Content-Type": "application/json",
    },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, await res.text());
}

const ADMIN = "bootstrap-admin-token-for-refresh-tests";

async function start(): Promise<TestApp> {
  return await startTestApp({ env: { ADMIN_TOKEN: ADMIN } });
}

Deno.test("refresh: an omitted scope is the grant's scope again, after a narrowing refresh (RFC 6749 §6)", async () => {
  const t = await start();
  try {
    const { web, alice } = await resourceWorld(t);
    const first = await grant(t, web, alice, [
      "openid",
      "profile",
      "offline_access",
    ]);
    const narrow = await refresh(t, web, first.refresh_token!, {
      scope: "openid offline_access",
    });
    assert.equal(narrow.status, 200);
    assert.equal(narrow.body.scope, "openid offline_access");
    const back = await refresh(t, web, narrow.body.refresh_token);
    assert.equal(back.status, 200);
    assert.equal(back.body.scope, "openid profile offline_access");
    // Still nothing beyond the grant.
    const wider = await refresh(t, web, back.body.refresh_token, {
      scope: "openid email",
    });
    assert.equal(wider.status, 400);
    assert.equal(wider.body.error, "invalid_scope");
  } finally {
    await t.close();
  }
});

Deno.test("refresh: scopes the client's policy no longer allows are dropped, and refused when asked for", async () => {
  const t = await start();
  try {
    const { web, alice } = await resourceWorld(t);
    const first = await grant(t, web, alice, [
      "openid",
      "profile",
      "offline_access",
    ]);
    await setPolicy(t, ADMIN, {
      allowed_scopes: "openid offline_access",
      default_scopes: "openid",
    });
    const dropped = await refresh(t, web, first.refresh_token!);
    assert.equal(dropped.status, 200);
    assert.equal(dropped.body.scope, "openid offline_access");
    const asked = await refresh(t, web, dropped.body.refresh_token, {
      scope: "openid profile",
    });
    assert.equal(asked.status, 400);
    assert.equal(asked.body.error, "invalid_scope");
    assert.match(asked.body.error_description, /not allowed.*profile/);
  } finally {
    await t.close();
  }
});

Deno.test("refresh: within the grace window a just-rotated token answers the same successor; after it, reuse revokes the family", async () => {
  const t = await start();
  try {
    const { web, alice } = await resourceWorld(t);
    await setPolicy(t, ADMIN, { refresh_reuse_grace_seconds: 30 });
    const first = await grant(t, web, alice, ["openid", "offline_access"]);
    const rotated = await refresh(t, web, first.refresh_token!);
    assert.equal(rotated.status, 200);
    // The app lost that response and retries with the old token.
    t.advance(10);
    const retried = await refresh(t, web, first.refresh_token!);
    assert.equal(retried.status, 200);
    assert.deepEqual(retried.body, rotated.body);
    assert.equal(await active(t, web, rotated.body.refresh_token), true);
    // Past the window the old token is reuse: the whole family goes.
    t.advance(25);
    const late = await refresh(t, web, first.refresh_token!);
    assert.equal(late.status, 400);
    assert.equal(late.body.error, "invalid_grant");
    assert.equal(await active(t, web, rotated.body.refresh_token), false);
    assert.equal(await active(t, web, rotated.body.access_token), false);
  } finally {
    await t.close();
  }
});

Deno.test("refresh: once the successor is itself rotated, the old token is reuse even inside the window", async () => {
  const t = await start();
  try {
    const { web, alice } = await resourceWorld(t);
    await setPolicy(t, ADMIN, { refresh_reuse_grace_seconds: 60 });
    const first = await grant(t, web, alice, ["openid", "offline_access"]);
    const second = await refresh(t, web, first.refresh_token!);
    const third = await refresh(t, web, second.body.refresh_token);
    assert.equal(third.status, 200);
    const old = await refresh(t, web, first.refresh_token!);
    assert.equal(old.body.error, "invalid_grant");
    assert.equal(await active(t, web, third.body.refresh_token), false);
  } finally {
    await t.close();
  }
});

Deno.test("refresh: 20 concurrent presentations inside the grace window all get the one successor", async () => {
  const t = await start();
  try {
    const { web, alice } = await resourceWorld(t);
    await setPolicy(t, ADMIN, { refresh_reuse_grace_seconds: 30 });
    const first = await grant(t, web, alice, ["openid", "offline_access"]);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => refresh(t, web, first.refresh_token!)),
    );
    assert.deepEqual(answers.map((a) => a.status), Array(20).fill(200));
    const successors = new Set(answers.map((a) => a.body.refresh_token));
    assert.equal(successors.size, 1);
    assert.equal(await active(t, web, [...successors][0]), true);
  } finally {
    await t.close();
  }
});

Deno.test("refresh: without a grace window (the default) concurrent presentation is reuse and revokes the family", async () => {
  const t = await start();
  try {
    const { web, alice } = await resourceWorld(t);
    const first = await grant(t, web, alice, ["openid", "offline_access"]);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => refresh(t, web, first.refresh_token!)),
    );
    const won = answers.filter((a) => a.status === 200);
    assert.ok(won.length <= 1);
    for (const a of won) {
      assert.equal(await active(t, web, a.body.refresh_token), false);
    }
  } finally {
    await t.close();
  }
});
