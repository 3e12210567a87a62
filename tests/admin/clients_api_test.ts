import assert from "node:assert/strict";
import { findToken, isTokenActive } from "../../lib/oauth/tokens/lookup.ts";
import {
  demoParams,
  demoTokens,
  runAuthorize,
  tokenRequest,
} from "../helpers/oauth.ts";
import { basic } from "../helpers/clients.ts";
import type { TestApp } from "../helpers/test_app.ts";
import { issuePaths, startAdminApp } from "./admin_fixture.ts";

const CLIENT_KEYS = [
  "application_type",
  "client_id",
  "client_name",
  "client_type",
  "created_at",
  "disabled",
  "grant_types",
  "metadata_expires_at",
  "redirect_uris",
  "registration_type",
  "require_consent",
  "response_types",
  "scope",
  "token_endpoint_auth_method",
  "updated_at",
];

/** A client_credentials token request: 200 with the right secret. */
async function clientCredentials(
  t: TestApp,
  clientID: string,
  secret: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const { status, body } = await tokenRequest(
    t,
    { grant_type: "client_credentials" },
    { Authorization: basic(clientID, secret) },
  );
  return { status, body };
}

/**
 * Whether `secret` authenticates `clientID` (client_secret_post): a bogus
 * refresh token is refused as invalid_grant only after client auth passed.
 */
async function secretAccepted(
  t: TestApp,
  clientID: string,
  secret: string,
): Promise<boolean> {
  const { status, body } = await tokenRequest(t, {
    grant_type: "refresh_token",
    refresh_token: "not-a-token",
    client_id: clientID,
    client_secret: secret,
  });
  if (status === 401) return false;
  assert.equal(body.error, "invalid_grant");
  return true;
}

const SERVICE = {
  client_id: "reports",
  client_name: "Nightly reports",
  grant_types: ["client_credentials"],
  scope: "profile",
  token_endpoint_auth_method: "client_secret_basic",
};

Deno.test("admin clients: the list shows every client without secrets or hashes", async () => {
  const { t, api } = await startAdminApp();
  try {
    await api("POST", "/admin/clients", SERVICE);
    const res = await api("GET", "/admin/clients");
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.map((c: { client_id: string }) => c.client_id), [
      "demo-web",
      "reports",
    ]);
    for (const c of res.body) {
      assert.deepEqual(Object.keys(c).sort(), CLIENT_KEYS);
    }
    const demo = res.body[0];
    assert.equal(demo.client_type, "public");
    assert.deepEqual(demo.redirect_uris, ["http://localhost:3000/callback"]);
    assert.deepEqual(demo.grant_types, ["authorization_code", "refresh_token"]);
    assert.equal(demo.scope, "openid profile email offline_access");
    assert.equal(res.body[1].client_type, "confidential");
  } finally {
    await t.close();
  }
});

Deno.test("admin clients: creating a confidential client answers 201 with its secret once, and the secret works", async () => {
  const { t, api } = await startAdminApp();
  try {
    const res = await api("POST", "/admin/clients", SERVICE);
    assert.equal(res.status, 201);
    assert.equal(res.body.client_id, "reports");
    assert.match(res.body.client_secret, /^[\w-]{43}$/);
    assert.equal(res.body.client_type, "confidential");
    assert.equal(res.body.policy.allowed_scopes, "profile");
    const token = await clientCredentials(t, "reports", res.body.client_secret);
    assert.equal(token.status, 200);
    const detail = await api("GET", "/admin/clients/reports");
    assert.equal(detail.status, 200);
    assert.equal(detail.body.client_secret, undefined);
    assert.ok(!JSON.stringify(detail.body).includes(res.body.client_secret));
    assert.deepEqual(
      Object.keys(detail.body).sort(),
      [
        ...CLIENT_KEYS,
        "policy",
      ].sort(),
    );
  } finally {
    await t.close();
  }
});

Deno.test("admin clients: a public client has no secret; an omitted or empty client_id is generated", async () => {
  const { t, api } = await startAdminApp();
  try {
    const res = await api("POST", "/admin/clients", {
      client_id: "",
      client_name: "SPA",
      redirect_uris: "https://spa.example.com/cb http://127.0.0.1:5173/cb",
      token_endpoint_auth_method: "none",
      consent_policy: "skip",
    });
    assert.equal(res.status, 201);
    assert.match(res.body.client_id, /^client-[\w-]+$/);
    assert.equal(res.body.client_secret, undefined);
    assert.equal(res.body.client_type, "public");
    assert.deepEqual(res.body.redirect_uris, [
      "https://spa.example.com/cb",
      "http://127.0.0.1:5173/cb",
    ]);
    assert.equal(res.body.policy.consent_policy, "skip");
    assert.equal(res.body.policy.require_pkce, true);
  } finally {
    await t.close();
  }
});

Deno.test("admin clients: a taken client_id is 409; bad metadata is 400 naming the field", async () => {
  const { t, api } = await startAdminApp();
  try {
    const taken = await api("POST", "/admin/clients", {
      client_id: "demo-web",
      redirect_uris: ["https://x.example.com/cb"],
    });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.client_id, "demo-web");
    const cases: [Record<string, unknown>, string][] = [
      [{ redirect_uris: ["http://evil.example.com/cb"] }, "redirect_uris"],
      [{ redirect_uris: [] }, "redirect_uris"],
      [{ redirect_uris: ["vbscript:msgbox(1)"] }, "redirect_uris"],
      [{ redirect_uris: ["file:///etc/passwd"] }, "redirect_uris"],
      [{ redirect_uris: ["myapp:/cb"] }, "redirect_uris"],
      [{
        redirect_uris: ["https://a.b/c"],
        post_logout_redirect_uris: ["javascript:alert(1)"],
      }, "post_logout_redirect_uris"],
      [
        { client_id: "has space", redirect_uris: ["https://a.b/c"] },
        "client_id",
      ],
      [{
        token_endpoint_auth_method: "none",
        grant_types: ["client_credentials"],
      }, "grant_types"],
      [
        { redirect_uris: ["https://a.b/c"], scope: "openid files.read" },
        "scope",
      ],
      [
        { redirect_uris: ["https://a.b/c"], grant_types: ["implicit"] },
        "grant_types",
      ],
      [{
        redirect_uris: ["https://a.b/c"],
        token_endpoint_auth_method: "private_key_jwt",
      }, "token_endpoint_auth_method"],
    ];
    for (const [body, field] of cases) {
      const res = await api("POST", "/admin/clients", body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(
        issuePaths(res.body).some((p) => p.startsWith(field)),
        `${JSON.stringify(body)}: ${JSON.stringify(res.body.issues)}`,
      );
    }
    const list = await api("GET", "/admin/clients");
    assert.equal(list.body.length, 1, "nothing was written");
  } finally {
    await t.close();
  }
});

Deno.test("admin clients: unknown keys are refused with a 400 naming each; zod's own wording never reaches the client", async () => {
  const { t, api } = await startAdminApp();
  try {
    const res = await api("POST", "/admin/clients", {
      client_id: "typo-app",
      client_nam: "Typo",
      allowed_scopes: "openid",
      redirect_uris: ["https://a.example/cb"],
    });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.issues, [
      { path: "client_nam", message: "is not a known field" },
      { path: "allowed_scopes", message: "is not a known field" },
    ]);
    assert.equal(
      res.body.error_description,
      "client_nam: is not a known field",
    );
    const typed = await api("POST", "/admin/clients", {
      client_name: 42,
      redirect_uris: ["https://a.example/cb"],
      require_consent: "yes",
      access_token_lifetime: 30,
      token_format: "paseto",
    });
    assert.equal(typed.status, 400);
    const messages = Object.fromEntries(
      (typed.body.issues as { path: string; message: string }[]).map((
        i,
      ) => [i.path, i.message]),
    );
    assert.deepEqual(messages, {
      client_name: "must be a string",
      require_consent: "must be a boolean",
      access_token_lifetime: "must be at least 60",
      token_format: "must be one of opaque, jwt",
    });
    for (const issue of typed.body.issues) {
      assert.doesNotMatch(issue.message, /Invalid|expected|received/);
    }
    const list = await api("GET", "/admin/clients");
    assert.ok(
      !list.body.some((c: { client_id: string }) => c.client_id === "typo-app"),
      "nothing was written",
    );
  } finally {
    await t.close();
  }
});

Deno.test("admin clients: GET, PATCH, PUT and DELETE of an unknown client are 404", async () => {
  const { t, api } = await startAdminApp();
  try {
    for (const method of ["GET", "PATCH", "PUT", "DELETE"]) {
      const res = await api(
        method,
        "/admin/clients/nope",
        method === "PATCH" || method === "PUT"
          ? { client_name: "x" }
          : undefined,
      );
      assert.equal(res.status, 404, method);
      assert.equal(res.body.error, "not_found");
    }
    const secret = await api("POST", "/admin/clients/nope/secret");
    assert.equal(secret.status, 404);
  } finally {
    await t.close();
  }
});

Deno.test("admin clients: PATCH and PUT update the fields given and keep the rest", async () => {
  const { t, api } = await startAdminApp();
  try {
    const before = await api("GET", "/admin/clients/demo-web");
    t.advance(10);
    const patched = await api("PATCH", "/admin/clients/demo-web", {
      client_name: "Demo (renamed)",
      redirect_uris: [
        "http://localhost:3000/callback",
        "http://localhost:3000/other",
      ],
      require_consent: false,
    });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body, {
      ...before.body,
      client_name: "Demo (renamed)",
      redirect_uris: [
        "http://localhost:3000/callback",
        "http://localhost:3000/other",
      ],
      require_consent: false,
      updated_at: before.body.updated_at + 10,
    });
    const put = await api("PUT", "/admin/clients/demo-web", {
      client_id: "demo-web",
      scope: "openid profile",
      response_types: "code",
    });
    assert.equal(put.status, 200);
    assert.equal(put.body.scope, "openid profile");
    assert.equal(put.body.client_name, "Demo (renamed)");
    // The new redirect URI is usable at once.
    const flow = await runAuthorize(
      t,
      demoParams({ redirect_uri: "http://localhost:3000/other" }).params,
    );
    assert.equal(
      `${flow.location?.origin}${flow.location?.pathname}`,
      "http://localhost:3000/other",
    );
    assert.ok(flow.location?.searchParams.get("code"));
    assert.deepEqual(flow.pages, ["Sign in"], "require_consent off");
  } finally {
    await t.close();
  }
});

Deno.test("admin clients: an update that breaks a rule is 400 and changes nothing", async () => {
  const { t, api } = await startAdminApp();
  try {
    const cases: [Record<string, unknown>, string][] = [
      [{ client_id: "renamed" }, "client_id"],
      [{ redirect_uris: [] }, "redirect_uris"],
      [{ redirect_uris: ["https://a.example/cb#x"] }, "redirect_uris"],
      [{ grant_types: "client_credentials" }, "grant_types"],
      [{ grant_types: [] }, "grant_types"],
      [{ scope: "openid nope" }, "scope"],
      [{ client_name: "" }, "client_name"],
      [{ require_consent: "no" }, "require_consent"],
      [{ token_endpoint_auth_method: "tls" }, "token_endpoint_auth_method"],
      [{ client_secret: "mine" }, "client_secret"],
    ];
    const before = await api("GET", "/admin/clients/demo-web");
    for (const [body, field] of cases) {
      const res = await api("PATCH", "/admin/clients/demo-web", body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(
        issuePaths(res.body).some((p) => p.startsWith(field)),
        `${JSON.stringify(body)}: ${JSON.stringify(res.body.issues)}`,
      );
    }
    const after = await api("GET", "/admin/clients/demo-web");
    assert.deepEqual(after.body, before.body);
  } finally {
    await t.close();
  }
});

Deno.test("admin clients: switching a public client to a confidential method generates a secret, shown once", async () => {
  const { t, api } = await startAdminApp();
  try {
    const res = await api("PATCH", "/admin/clients/demo-web", {
      token_endpoint_auth_method: "client_secret_post",
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.client_type, "confidential");
    assert.match(res.body.client_secret, /^[\w-]{43}$/);
    assert.equal(
      await secretAccepted(t, "demo-web", res.body.client_secret),
      true,
    );
    assert.equal(await secretAccepted(t, "demo-web", "wrong-secret"), false);
    const detail = await api("GET", "/admin/clients/demo-web");
    assert.equal(detail.body.client_secret, undefined);
    // Between confidential methods the secret stays.
    const switched = await api("PATCH", "/admin/clients/demo-web", {
      token_endpoint_auth_method: "client_secret_basic",
    });
    assert.equal(switched.body.client_secret, undefined);
    const { status } = await tokenRequest(
      t,
      { grant_type: "refresh_token", refresh_token: "x" },
      { Authorization: basic("demo-web", res.body.client_secret) },
    );
    assert.equal(status, 400, "old secret still authenticates (basic)");
  } finally {
    await t.close();
  }
});

Deno.test("admin clients: switching to public drops the secret and turns PKCE on", async () => {
  const { t, api } = await startAdminApp();
  try {
    const created = await api("POST", "/admin/clients", {
      client_id: "web",
      redirect_uris: ["https://web.example.com/cb"],
      token_endpoint_auth_method: "client_secret_post",
      require_pkce: false,
    });
    assert.equal(created.body.policy.require_pkce, false);
    const res = await api("PATCH", "/admin/clients/web", {
      token_endpoint_auth_method: "none",
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.client_type, "public");
    assert.equal(res.body.client_secret, undefined);
    assert.equal(res.body.policy.require_pkce, true);
    const row = await t.deps.db.selectFrom("clients").selectAll()
      .where("client_id", "=", "web").executeTakeFirstOrThrow();
    assert.equal(row.client_secret_hash, null);
    assert.equal(
      await secretAccepted(t, "web", created.body.client_secret),
      false,
    );
  } finally {
    await t.close();
  }
});

Deno.test("admin clients: regenerating a secret shows the new one once; the old one fails at /token at once", async () => {
  const { t, api } = await startAdminApp();
  try {
    const created = await api("POST", "/admin/clients", SERVICE);
    const old = created.body.client_secret;
    assert.equal((await clientCredentials(t, "reports", old)).status, 200);
    const res = await api("POST", "/admin/clients/reports/secret");
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), [
      "client_id",
      "client_secret",
    ]);
    assert.equal(res.body.client_id, "reports");
    assert.notEqual(res.body.client_secret, old);
    const refused = await clientCredentials(t, "reports", old);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error, "invalid_client");
    const accepted = await clientCredentials(
      t,
      "reports",
      res.body.client_secret,
    );
    assert.equal(accepted.status, 200);
    const detail = await api("GET", "/admin/clients/reports");
    assert.ok(!JSON.stringify(detail.body).includes(res.body.client_secret));
  } finally {
    await t.close();
  }
});

Deno.test("admin clients: a public client has no secret to regenerate (400)", async () => {
  const { t, api } = await startAdminApp();
  try {
    const res = await api("POST", "/admin/clients/demo-web/secret");
    assert.equal(res.status, 400);
    assert.equal(res.body.error, "invalid_request");
    assert.match(res.body.error_description, /public/);
  } finally {
    await t.close();
  }
});

Deno.test("admin clients: DELETE answers 204 and takes the client's tokens, codes and consents with it", async () => {
  const { t, api } = await startAdminApp();
  try {
    const tokens = await demoTokens(t);
    const pending = await runAuthorize(t, demoParams().params, {
      username: "bob",
      password: "bob",
    });
    assert.ok(pending.location?.searchParams.get("code"));
    const count = async (
      table:
        | "access_tokens"
        | "refresh_tokens"
        | "authorization_codes"
        | "consents",
    ): Promise<number> => {
      const rows = await t.deps.db.selectFrom(table).select("client_id")
        .where("client_id", "=", "demo-web").execute();
      return rows.length;
    };
    assert.ok(await count("access_tokens") > 0);
    assert.ok(await count("consents") > 0);
    const res = await api("DELETE", "/admin/clients/demo-web");
    assert.equal(res.status, 204);
    for (
      const table of [
        "access_tokens",
        "refresh_tokens",
        "authorization_codes",
        "consents",
      ] as const
    ) {
      assert.equal(await count(table), 0, table);
    }
    const policy = await t.deps.db.selectFrom("client_policies").selectAll()
      .where("client_id", "=", "demo-web").execute();
    assert.equal(policy.length, 0);
    const found = await findToken(
      t.deps.db,
      String(tokens.access_token),
      null,
    );
    assert.ok(found === null || !isTokenActive(found, t.deps.now()));
    assert.equal((await api("GET", "/admin/clients/demo-web")).status, 404);
    assert.equal((await api("DELETE", "/admin/clients/demo-web")).status, 404);
    const users = await t.deps.db.selectFrom("users").select("id").execute();
    assert.equal(users.length, 2, "users are untouched");
  } finally {
    await t.close();
  }
});

Deno.test("admin clients: create, update, secret and delete each leave an audit event", async () => {
  const { t, api } = await startAdminApp();
  try {
    const created = await api("POST", "/admin/clients", SERVICE);
    await api("PATCH", "/admin/clients/reports", { client_name: "Reports" });
    await api("POST", "/admin/clients/reports/secret");
    await api("DELETE", "/admin/clients/reports");
    const audit = await api(
      "GET",
      "/admin/audit?target_type=client&target_id=reports",
    );
    assert.deepEqual(
      audit.body.events.map((e: { action: string }) => e.action),
      [
        "client.deleted",
        "client.secret_regenerated",
        "client.updated",
        "client.created",
      ],
    );
    assert.ok(!JSON.stringify(audit.body).includes(created.body.client_secret));
  } finally {
    await t.close();
  }
});
