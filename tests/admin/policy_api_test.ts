import assert from "node:assert/strict";
import { demoParams, demoTokens, runAuthorize } from "../helpers/oauth.ts";
import { addClient } from "../helpers/clients.ts";
import { issuePaths, startAdminApp } from "./admin_fixture.ts";

/** The body of the seed README's policy curl, byte for byte. */
const SEED_POLICY_BODY = `{
             "allowed_scopes":"openid profile email offline_access",
             "default_scopes":"openid profile email",
             "post_logout_redirect_uris":"http://localhost:3000/",
             "require_pkce": true,
             "consent_policy":"once",
             "access_token_lifetime":3600,
             "refresh_token_ttl_days":30,
             "token_format":"opaque"
           }`;

const POLICY_KEYS = [
  "access_token_lifetime",
  "allowed_resources",
  "allowed_scopes",
  "consent_policy",
  "default_resource",
  "default_scopes",
  "id_token_signed_response_alg",
  "post_logout_redirect_uris",
  "refresh_reuse_grace_seconds",
  "refresh_token_ttl_days",
  "require_pkce",
  "require_second_factor",
  "token_format",
];

Deno.test("admin policy: the seed README's GET curl answers the policy with space-separated lists", async () => {
  const { t, api } = await startAdminApp();
  try {
    // curl "$BASE/admin/clients/demo-web/policy" -H "X-Admin-Token: …"
    const res = await api("GET", "/admin/clients/demo-web/policy");
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), POLICY_KEYS);
    assert.deepEqual(res.body, {
      allowed_scopes: "openid profile email offline_access",
      default_scopes: "openid profile email offline_access",
      post_logout_redirect_uris: "http://localhost:3000/",
      require_pkce: true,
      consent_policy: "once",
      access_token_lifetime: 3600,
      refresh_token_ttl_days: 30,
      token_format: "opaque",
      id_token_signed_response_alg: "RS256",
      refresh_reuse_grace_seconds: 0,
      require_second_factor: false,
      default_resource: null,
      allowed_resources: null,
    });
  } finally {
    await t.close();
  }
});

Deno.test("admin policy: the seed README's POST curl updates the policy and answers it", async () => {
  const { t, api } = await startAdminApp();
  try {
    const res = await api(
      "POST",
      "/admin/clients/demo-web/policy",
      SEED_POLICY_BODY,
    );
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      allowed_scopes: "openid profile email offline_access",
      default_scopes: "openid profile email",
      post_logout_redirect_uris: "http://localhost:3000/",
      require_pkce: true,
      consent_policy: "once",
      access_token_lifetime: 3600,
      refresh_token_ttl_days: 30,
      token_format: "opaque",
      id_token_signed_response_alg: "RS256",
      refresh_reuse_grace_seconds: 0,
      require_second_factor: false,
      default_resource: null,
      allowed_resources: null,
    });
    const again = await api("GET", "/admin/clients/demo-web/policy");
    assert.deepEqual(again.body, res.body);
    const detail = await api("GET", "/admin/clients/demo-web");
    assert.deepEqual(detail.body.policy, res.body);
  } finally {
    await t.close();
  }
});

Deno.test("admin policy: a partial update changes only the fields given; lists may be arrays", async () => {
  const { t, api } = await startAdminApp();
  try {
    const before = await api("GET", "/admin/clients/demo-web/policy");
    const res = await api("POST", "/admin/clients/demo-web/policy", {
      consent_policy: "always",
      default_scopes: ["openid", "email"],
      post_logout_redirect_uris: [
        "http://localhost:3000/",
        "https://app.example.com/bye",
      ],
      id_token_signed_response_alg: "ES256",
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      ...before.body,
      consent_policy: "always",
      default_scopes: "openid email",
      post_logout_redirect_uris:
        "http://localhost:3000/ https://app.example.com/bye",
      id_token_signed_response_alg: "ES256",
    });
    const empty = await api("POST", "/admin/clients/demo-web/policy", {});
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.body, res.body);
  } finally {
    await t.close();
  }
});

Deno.test("admin policy: every scope must exist and default_scopes must stay within allowed_scopes", async () => {
  const { t, api } = await startAdminApp();
  try {
    const unknown = await api("POST", "/admin/clients/demo-web/policy", {
      allowed_scopes: "openid files.read",
    });
    assert.equal(unknown.status, 400);
    assert.ok(issuePaths(unknown.body).includes("allowed_scopes"));
    assert.match(unknown.body.error_description, /files\.read/);
    const outside = await api("POST", "/admin/clients/demo-web/policy", {
      allowed_scopes: "openid profile",
      default_scopes: "openid email",
    });
    assert.equal(outside.status, 400);
    assert.deepEqual(issuePaths(outside.body), ["default_scopes"]);
    assert.match(outside.body.error_description, /email/);
    // Narrowing allowed_scopes alone below the stored defaults is refused too.
    const narrowed = await api("POST", "/admin/clients/demo-web/policy", {
      allowed_scopes: "openid",
    });
    assert.equal(narrowed.status, 400);
    assert.deepEqual(issuePaths(narrowed.body), ["default_scopes"]);
    const badToken = await api("POST", "/admin/clients/demo-web/policy", {
      allowed_scopes: ['openid"'],
    });
    assert.equal(badToken.status, 400);
    assert.ok(issuePaths(badToken.body)[0].startsWith("allowed_scopes"));
    const policy = await api("GET", "/admin/clients/demo-web/policy");
    assert.equal(
      policy.body.allowed_scopes,
      "openid profile email offline_access",
      "nothing was written",
    );
  } finally {
    await t.close();
  }
});

Deno.test("admin policy: post-logout redirect URIs are checked like redirect URIs", async () => {
  const { t, api } = await startAdminApp();
  try {
    for (
      const uri of [
        "http://app.example.com/bye",
        "https://app.example.com/bye#frag",
        "/relative",
        "https://*.example.com/",
      ]
    ) {
      const res = await api("POST", "/admin/clients/demo-web/policy", {
        post_logout_redirect_uris: `http://localhost:3000/ ${uri}`,
      });
      assert.equal(res.status, 400, uri);
      assert.deepEqual(issuePaths(res.body), ["post_logout_redirect_uris.1"]);
    }
  } finally {
    await t.close();
  }
});

Deno.test("admin policy: a public client cannot turn require_pkce off; a confidential one can", async () => {
  const { t, api } = await startAdminApp();
  try {
    const publicOff = await api("POST", "/admin/clients/demo-web/policy", {
      require_pkce: false,
    });
    assert.equal(publicOff.status, 400);
    assert.deepEqual(issuePaths(publicOff.body), ["require_pkce"]);
    await addClient(t, {
      client_id: "server-app",
      redirect_uris: ["https://server.example.com/cb"],
      token_endpoint_auth_method: "client_secret_basic",
    });
    const confidentialOff = await api(
      "POST",
      "/admin/clients/server-app/policy",
      { require_pkce: false },
    );
    assert.equal(confidentialOff.status, 200);
    assert.equal(confidentialOff.body.require_pkce, false);
  } finally {
    await t.close();
  }
});

Deno.test("admin policy: wrong types and out-of-range values answer 400 naming the field", async () => {
  const { t, api } = await startAdminApp();
  try {
    const cases: [Record<string, unknown>, string][] = [
      [{ access_token_lifetime: "3600" }, "access_token_lifetime"],
      [{ access_token_lifetime: 10 }, "access_token_lifetime"],
      [{ access_token_lifetime: 1.5 }, "access_token_lifetime"],
      [{ refresh_token_ttl_days: 0 }, "refresh_token_ttl_days"],
      [{ refresh_token_ttl_days: 366 }, "refresh_token_ttl_days"],
      [{ consent_policy: "sometimes" }, "consent_policy"],
      [{ token_format: "xml" }, "token_format"],
      [
        { id_token_signed_response_alg: "HS256" },
        "id_token_signed_response_alg",
      ],
      [{ require_pkce: "yes" }, "require_pkce"],
      [{ allowed_scopes: 42 }, "allowed_scopes"],
    ];
    for (const [body, field] of cases) {
      const res = await api("POST", "/admin/clients/demo-web/policy", body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.deepEqual(issuePaths(res.body), [field], JSON.stringify(body));
      assert.match(res.body.error_description, new RegExp(`^${field}: `));
    }
    const typo = await api("POST", "/admin/clients/demo-web/policy", {
      consent_polcy: "skip",
    });
    assert.equal(typo.status, 400);
    assert.match(typo.body.error_description, /consent_polcy/);
    const array = await api("POST", "/admin/clients/demo-web/policy", "[]");
    assert.equal(array.status, 400);
  } finally {
    await t.close();
  }
});

Deno.test("admin policy: an unknown client is 404 for GET and POST", async () => {
  const { t, api } = await startAdminApp();
  try {
    const get = await api("GET", "/admin/clients/nope/policy");
    assert.equal(get.status, 404);
    assert.equal(get.body.error, "not_found");
    const post = await api("POST", "/admin/clients/nope/policy", {
      consent_policy: "skip",
    });
    assert.equal(post.status, 404);
  } finally {
    await t.close();
  }
});

Deno.test("admin policy: consent_policy skip takes effect on the next /authorize (no consent page)", async () => {
  const { t, api } = await startAdminApp();
  try {
    const first = await runAuthorize(t, demoParams().params);
    assert.deepEqual(first.pages, ["Sign in", "Allow access?"]);
    const res = await api("POST", "/admin/clients/demo-web/policy", {
      consent_policy: "skip",
    });
    assert.equal(res.status, 200);
    const second = await runAuthorize(t, demoParams().params, {
      username: "bob",
      password: "bob",
    });
    assert.deepEqual(second.pages, ["Sign in"]);
    assert.ok(second.location?.searchParams.get("code"));
  } finally {
    await t.close();
  }
});

Deno.test("admin policy: consent_policy always asks again on the next /authorize", async () => {
  const { t, api } = await startAdminApp();
  try {
    const first = await runAuthorize(t, demoParams().params);
    assert.deepEqual(first.pages, ["Sign in", "Allow access?"]);
    const remembered = await runAuthorize(t, demoParams().params, {
      jar: first.jar,
    });
    assert.deepEqual(remembered.pages, [], "policy once: not asked again");
    await api("POST", "/admin/clients/demo-web/policy", {
      consent_policy: "always",
    });
    const asked = await runAuthorize(t, demoParams().params, {
      jar: first.jar,
    });
    assert.deepEqual(asked.pages, ["Allow access?"]);
  } finally {
    await t.close();
  }
});

Deno.test("admin policy: narrowing allowed_scopes makes the next /authorize answer invalid_scope", async () => {
  const { t, api } = await startAdminApp();
  try {
    const res = await api("POST", "/admin/clients/demo-web/policy", {
      allowed_scopes: "openid profile",
      default_scopes: "openid",
    });
    assert.equal(res.status, 200);
    const flow = await runAuthorize(t, demoParams().params);
    assert.equal(flow.location?.searchParams.get("error"), "invalid_scope");
    assert.match(
      flow.location?.searchParams.get("error_description") ?? "",
      /email/,
    );
    const narrow = await runAuthorize(
      t,
      demoParams({ scope: "openid profile" }).params,
    );
    assert.ok(narrow.location?.searchParams.get("code"));
  } finally {
    await t.close();
  }
});

Deno.test("admin policy: token lifetime and format take effect on the next token", async () => {
  const { t, api } = await startAdminApp();
  try {
    const opaque = await demoTokens(t);
    assert.equal(opaque.expires_in, 3600);
    assert.equal(String(opaque.access_token).split(".").length, 1);
    await api("POST", "/admin/clients/demo-web/policy", {
      access_token_lifetime: 600,
      token_format: "jwt",
    });
    const jwt = await demoTokens(t);
    assert.equal(jwt.expires_in, 600);
    assert.equal(String(jwt.access_token).split(".").length, 3);
  } finally {
    await t.close();
  }
});

Deno.test("admin policy: an update leaves a client.policy_updated audit event naming the changes", async () => {
  const { t, api } = await startAdminApp();
  try {
    await api("POST", "/admin/clients/demo-web/policy", SEED_POLICY_BODY);
    const audit = await api(
      "GET",
      "/admin/audit?action=client.policy_updated",
    );
    assert.equal(audit.body.events.length, 1);
    const [event] = audit.body.events;
    assert.equal(event.target_type, "client");
    assert.equal(event.target_id, "demo-web");
    assert.equal(event.actor, "admin-token");
    assert.equal(event.detail.changes.consent_policy, "once");
  } finally {
    await t.close();
  }
});
