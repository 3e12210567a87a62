import assert from "node:assert/strict";
import { demoTokens } from "../helpers/oauth.ts";
import { signInAdmin } from "../helpers/test_app.ts";
import { startAdminApp } from "./admin_fixture.ts";

/** Every admin API route, with a path that exists after seeding. */
const ROUTES: [string, string][] = [
  ["GET", "/admin/scopes"],
  ["POST", "/admin/scopes"],
  ["GET", "/admin/scopes/openid"],
  ["DELETE", "/admin/scopes/openid"],
  ["GET", "/admin/clients"],
  ["POST", "/admin/clients"],
  ["GET", "/admin/clients/demo-web"],
  ["PUT", "/admin/clients/demo-web"],
  ["PATCH", "/admin/clients/demo-web"],
  ["DELETE", "/admin/clients/demo-web"],
  ["GET", "/admin/clients/demo-web/policy"],
  ["POST", "/admin/clients/demo-web/policy"],
  ["POST", "/admin/clients/demo-web/secret"],
  ["POST", "/admin/rotate_jwk"],
  ["GET", "/admin/keys"],
  ["POST", "/admin/keys/rotate"],
  ["POST", "/admin/keys/some-kid/retire"],
  ["DELETE", "/admin/keys/some-kid"],
  ["GET", "/admin/users"],
  ["POST", "/admin/users"],
  ["GET", "/admin/users/some-id"],
  ["PATCH", "/admin/users/some-id"],
  ["DELETE", "/admin/users/some-id"],
  ["POST", "/admin/users/some-id/password"],
  ["GET", "/admin/users/some-id/consents"],
  ["DELETE", "/admin/users/some-id/consents/demo-web"],
  ["GET", "/admin/sessions"],
  ["DELETE", "/admin/sessions/some-id"],
  ["GET", "/admin/audit"],
];

Deno.test("admin API: every route answers 401 JSON without the admin token, and changes nothing", async () => {
  const { t, api } = await startAdminApp();
  try {
    const before = (await api("GET", "/admin/keys")).body.length;
    for (const [method, path] of ROUTES) {
      const variants: Record<string, string>[] = [
        {},
        { "X-Admin-Token": "wrong-token" },
      ];
      for (const headers of variants) {
        // Wrong tokens are counted per IP (10 per 5 minutes): move past the
        // window so every route is seen answering 401, not 429.
        if (headers["X-Admin-Token"]) t.advance(301);
        const res = await t.fetch(path, {
          method,
          headers: {
            ...headers,
            Accept: "application/json",
            "Content-Type": "application/json",
          },
          body: method === "GET" ? undefined : "{}",
        });
        assert.equal(res.status, 401, `${method} ${path}`);
        assert.equal((await res.json()).error, "unauthorized");
      }
    }
    assert.equal((await api("GET", "/admin/keys")).body.length, before);
    assert.equal((await api("GET", "/admin/clients")).body.length, 1);
  } finally {
    await t.close();
  }
});

Deno.test("admin API: a method a route does not serve is 405 JSON with Allow", async () => {
  const { t, api } = await startAdminApp();
  try {
    const res = await api("PUT", "/admin/scopes", {});
    assert.equal(res.status, 405);
    assert.equal(res.body.error, "method_not_allowed");
    assert.equal(res.headers.get("Allow"), "GET, POST");
    const del = await api("DELETE", "/admin/clients/demo-web/policy");
    assert.equal(del.status, 405);
  } finally {
    await t.close();
  }
});

Deno.test("admin API: the admin session cookie works with X-CSRF-Token; without it a write is 403", async () => {
  const { t, token, api } = await startAdminApp();
  try {
    const jar = await signInAdmin(t, token);
    const csrf = jar.get("csrf")!;
    assert.ok(csrf);
    const session = (body: unknown, headers: Record<string, string>) =>
      t.fetch("/admin/scopes", {
        method: "POST",
        headers: {
          Cookie: jar.header(),
          Origin: t.base,
          "Content-Type": "application/json",
          ...headers,
        },
        body: JSON.stringify(body),
      });
    const list = await t.fetch("/admin/scopes", {
      headers: { Cookie: jar.header(), Accept: "application/json" },
    });
    assert.equal(list.status, 200);
    assert.equal((await list.json()).length, 4);

    const ok = await session({ name: "via.session" }, {
      "X-CSRF-Token": csrf,
    });
    assert.equal(ok.status, 201);
    assert.equal((await ok.json()).name, "via.session");

    const missing = await session({ name: "no.csrf" }, {});
    assert.equal(missing.status, 403);
    assert.equal((await missing.json()).error, "csrf");
    const wrong = await session({ name: "bad.csrf" }, {
      "X-CSRF-Token": "x".repeat(43),
    });
    assert.equal(wrong.status, 403);
    await wrong.body?.cancel();
    const crossSite = await session({ name: "cross.site" }, {
      "X-CSRF-Token": csrf,
      Origin: "https://evil.example",
    });
    assert.equal(crossSite.status, 403);
    await crossSite.body?.cancel();

    const names = (await api("GET", "/admin/scopes")).body.map((
      s: { name: string },
    ) => s.name);
    assert.ok(names.includes("via.session"));
    assert.ok(!names.includes("no.csrf"));
    assert.ok(!names.includes("bad.csrf"));
    assert.ok(!names.includes("cross.site"));
    const audit = await api("GET", "/admin/audit?action=scope.created");
    assert.equal(audit.body.events[0].actor, "admin-session");
  } finally {
    await t.close();
  }
});

Deno.test("admin API: no answer ever carries a password hash, client secret hash, session secret hash or private key", async () => {
  const { t, api, seen } = await startAdminApp();
  try {
    await demoTokens(t);
    const user = await api("POST", "/admin/users", {
      username: "carol",
      password: "carol-password",
    });
    const created = await api("POST", "/admin/clients", {
      client_id: "server-app",
      redirect_uris: ["https://server.example.com/cb"],
      token_endpoint_auth_method: "client_secret_basic",
    });
    await api("PATCH", "/admin/clients/server-app", { client_name: "Server" });
    await api("POST", "/admin/clients/server-app/secret");
    await api("PATCH", "/admin/clients/demo-web", {
      token_endpoint_auth_method: "client_secret_post",
    });
    await api("POST", "/admin/users/" + user.body.id + "/password", {
      password: "another-password",
    });
    await api("POST", "/admin/rotate_jwk");
    const alice = (await api("GET", "/admin/users")).body.find((
      u: { username: string },
    ) => u.username === "alice");
    const reads = [
      "/admin/scopes",
      "/admin/clients",
      "/admin/clients/server-app",
      "/admin/clients/demo-web",
      "/admin/clients/demo-web/policy",
      "/admin/users",
      `/admin/users/${alice.id}`,
      `/admin/users/${user.body.id}`,
      `/admin/users/${alice.id}/consents`,
      "/admin/keys",
      "/admin/sessions",
      "/admin/audit?limit=500",
    ];
    for (const path of reads) {
      assert.equal((await api("GET", path)).status, 200, path);
    }
    const db = t.deps.db;
    const secrets = [
      ...(await db.selectFrom("users").select("password_hash").execute())
        .map((r) => r.password_hash),
      ...(await db.selectFrom("clients").select("client_secret_hash")
        .execute()).map((r) => r.client_secret_hash),
      ...(await db.selectFrom("sessions").select("secret_hash").execute())
        .map((r) => r.secret_hash),
      ...(await db.selectFrom("signing_keys").select("private_jwk_enc")
        .execute()).map((r) => r.private_jwk_enc),
      ...(await db.selectFrom("access_tokens").select("token_hash").execute())
        .map((r) => r.token_hash),
      ...(await db.selectFrom("refresh_tokens").select("token_hash")
        .execute()).map((r) => r.token_hash),
    ].filter((s): s is string => s !== null);
    assert.ok(secrets.length >= 8);
    assert.ok(created.body.client_secret, "the secret itself is shown once");
    for (const body of seen) {
      for (const secret of secrets) {
        assert.ok(!body.includes(secret), `a stored secret leaked: ${body}`);
      }
      assert.doesNotMatch(body, /\$argon2/);
      assert.doesNotMatch(body, /_hash"|private_jwk|"d":/);
    }
  } finally {
    await t.close();
  }
});
