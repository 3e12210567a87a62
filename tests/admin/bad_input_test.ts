import assert from "node:assert/strict";
import { startAdminApp } from "./admin_fixture.ts";

/** Every admin write that takes a JSON body. */
const WRITES: [string, string][] = [
  ["POST", "/admin/scopes"],
  ["POST", "/admin/clients"],
  ["PUT", "/admin/clients/demo-web"],
  ["PATCH", "/admin/clients/demo-web"],
  ["POST", "/admin/clients/demo-web/policy"],
  ["POST", "/admin/rotate_jwk"],
  ["POST", "/admin/keys/rotate"],
  ["POST", "/admin/users"],
  ["PATCH", "/admin/users/USER"],
  ["POST", "/admin/users/USER/password"],
];

/** Field names any of those bodies knows, each given values of every type. */
const FIELDS = [
  "name",
  "description",
  "claims",
  "client_id",
  "client_name",
  "redirect_uris",
  "grant_types",
  "response_types",
  "scope",
  "token_endpoint_auth_method",
  "require_consent",
  "allowed_scopes",
  "default_scopes",
  "post_logout_redirect_uris",
  "require_pkce",
  "consent_policy",
  "access_token_lifetime",
  "refresh_token_ttl_days",
  "token_format",
  "id_token_signed_response_alg",
  "alg",
  "username",
  "password",
  "email",
  "email_verified",
  "disabled",
];

const VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  "",
  " ",
  "\u0000",
  "x".repeat(5000),
  [],
  [null],
  [1, "a"],
  {},
  { nested: { deeper: [1] } },
];

const RAW_BODIES = [
  "null",
  "[]",
  '"text"',
  "123",
  "{}",
  '{"__proto__":{"admin":true}}',
  "[".repeat(2000) + "]".repeat(2000),
  "{not json",
];

Deno.test("admin API: malformed bodies and wrongly typed fields never answer 5xx", async () => {
  const { t, api } = await startAdminApp();
  try {
    const users = await api("GET", "/admin/users");
    const userID = users.body[0].id;
    const allowed = new Set([200, 201, 400, 404, 409, 415]);
    for (const [method, template] of WRITES) {
      const path = template.replace("USER", userID);
      for (const raw of RAW_BODIES) {
        const res = await api(method, path, raw);
        assert.ok(
          allowed.has(res.status),
          `${method} ${path} ${raw.slice(0, 20)}: ${res.status}`,
        );
      }
      for (const field of FIELDS) {
        for (const value of VALUES) {
          const res = await api(method, path, { [field]: value });
          assert.ok(
            allowed.has(res.status),
            `${method} ${path} ${field}=${
              JSON.stringify(value)?.slice(0, 30)
            }: ${res.status} ${JSON.stringify(res.body)}`,
          );
        }
      }
    }
    const logs = t.logs.filter((l) => l.includes('"unhandled error"'));
    assert.deepEqual(logs, []);
  } finally {
    await t.close();
  }
});

Deno.test("admin API: odd path and query values answer 4xx, never 5xx", async () => {
  const { t, api } = await startAdminApp();
  try {
    const paths: [string, string][] = [
      ["GET", "/admin/clients/%00"],
      ["GET", `/admin/clients/${"x".repeat(3000)}`],
      ["GET", "/admin/scopes/%E2%80%AE"],
      ["DELETE", "/admin/scopes/%25"],
      ["GET", "/admin/users/%22%27"],
      ["DELETE", "/admin/keys/..%2F..%2Fetc"],
      ["GET", "/admin/audit?limit=-5"],
      ["GET", "/admin/audit?limit=1e400"],
      ["GET", "/admin/audit?before=99999999999999999999"],
      ["GET", "/admin/audit?target_id=" + "x".repeat(300)],
      ["GET", "/admin/sessions?user_id=" + "x".repeat(300)],
      ["DELETE", "/admin/keys/k?force=TRUE"],
    ];
    for (const [method, path] of paths) {
      const res = await api(method, path);
      assert.ok(
        res.status >= 400 && res.status < 500,
        `${method} ${path.slice(0, 60)}: ${res.status}`,
      );
    }
  } finally {
    await t.close();
  }
});

Deno.test("admin API: a NUL character in stored text is a 400 naming the field (PostgreSQL text cannot hold it)", async () => {
  const { t, api } = await startAdminApp();
  try {
    const cases: [string, string, Record<string, unknown>, string][] = [
      [
        "POST",
        "/admin/scopes",
        { name: "ok", description: "a\0b" },
        "description",
      ],
      ["POST", "/admin/clients", {
        client_name: "a\0b",
        redirect_uris: ["https://a.example/cb"],
      }, "client_name"],
      [
        "PATCH",
        "/admin/clients/demo-web",
        { client_name: "a\0b" },
        "client_name",
      ],
      ["POST", "/admin/users", {
        username: "a\0b",
        password: "long-enough",
      }, "username"],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await api(method, path, body);
      assert.equal(res.status, 400, `${method} ${path}`);
      assert.deepEqual(
        [...new Set(res.body.issues.map((i: { path: string }) => i.path))],
        [field],
      );
    }
    const claims = await api("POST", "/admin/users", {
      username: "nul",
      password: "long-enough",
      claims: { nickname: "a\0b" },
    });
    assert.equal(claims.status, 201, "JSON claims store NUL escaped");
    assert.equal(claims.body.claims.nickname, "a\0b");
  } finally {
    await t.close();
  }
});
