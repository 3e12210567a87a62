/**
 * RFC 7591 / RFC 7592 at /register, in-process: the policy per kind of
 * client (default open for public, initial-access-token for confidential,
 * off), the per-address budget under 50 concurrent requests, the shared
 * metadata rules (application_type decides the redirect URIs), hashed
 * tokens, management with the registration access token, and that such
 * clients are marked unverified and never skip consent.
 */
import assert from "node:assert/strict";
import { startAdminApp } from "../admin/admin_fixture.ts";
import { sha256 } from "../../lib/security/crypto.ts";
import { BUDGETS } from "../../lib/security/rate_limit.ts";
import { generatePKCE } from "../../lib/oauth/pkce.ts";
import { runAuthorize } from "../helpers/oauth.ts";
import { startTestApp, type TestApp } from "../helpers/test_app.ts";
import { fetchFrom } from "../security/fixture.ts";

function register(
  t: { fetch(path: string, init?: RequestInit): Promise<Response> },
  body: unknown,
  headers: Record<string, string> = {},
) {
  return t.fetch("/register", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Forwarded-For": "198.51.100.7",
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

const NATIVE = {
  client_name: "Desktop MCP client",
  redirect_uris: ["http://127.0.0.1/callback"],
  grant_types: ["authorization_code", "refresh_token"],
  token_endpoint_auth_method: "none",
  application_type: "native",
};

Deno.test("DCR: a public client registers openly; the answer is RFC 7591 §3.2.1; tokens are stored hashed; RFC 7592 reads, updates and deletes it", async () => {
  const { t, api } = await startAdminApp();
  try {
    const res = await register(t, { ...NATIVE, unknown_member: "ignored" });
    const body = await res.json();
    assert.equal(res.status, 201, JSON.stringify(body));
    assert.equal(res.headers.get("Cache-Control"), "no-store");
    assert.match(body.client_id, /^dcr-/);
    assert.equal(body.client_secret, undefined);
    assert.equal(body.token_endpoint_auth_method, "none");
    assert.equal(body.application_type, "native");
    assert.equal(typeof body.client_id_issued_at, "number");
    assert.equal(
      body.registration_client_uri,
      `${t.base}/register/${body.client_id}`,
    );
    const row = await t.deps.db.selectFrom("clients").selectAll()
      .where("client_id", "=", body.client_id).executeTakeFirstOrThrow();
    assert.equal(row.registration_type, "dynamic");
    assert.equal(
      row.registration_access_token_hash,
      sha256(body.registration_access_token),
    );
    // The admin API shows it as a dynamic (unverified) client.
    const listed = await api("GET", `/admin/clients/${body.client_id}`);
    assert.equal(listed.body.registration_type, "dynamic");
    // RFC 7592 §2.1: read with the registration access token.
    const auth = { Authorization: `Bearer ${body.registration_access_token}` };
    const path = `/register/${body.client_id}`;
    let r = await t.fetch(path, { headers: auth });
    assert.equal(r.status, 200);
    assert.equal((await r.json()).client_name, "Desktop MCP client");
    r = await t.fetch(path, { headers: { Authorization: "Bearer wrong" } });
    assert.equal(r.status, 401);
    assert.match(r.headers.get("WWW-Authenticate") ?? "", /invalid_token/);
    await r.body?.cancel();
    // §2.2: update (all fields again).
    r = await t.fetch(path, {
      method: "PUT",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({
        ...NATIVE,
        client_id: body.client_id,
        client_name: "Renamed",
      }),
    });
    assert.equal(r.status, 200, await r.clone().text());
    assert.equal((await r.json()).client_name, "Renamed");
    // §2.3: delete; then the token no longer works.
    r = await t.fetch(path, { method: "DELETE", headers: auth });
    assert.equal(r.status, 204);
    r = await t.fetch(path, { headers: auth });
    assert.equal(r.status, 401);
    await r.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("DCR: application_type decides the redirect URIs; bad metadata is invalid_redirect_uri / invalid_client_metadata naming the field", async () => {
  const { t } = await startAdminApp();
  try {
    const cases: [unknown, string, RegExp][] = [
      [
        { ...NATIVE, redirect_uris: ["https://app.example/cb"] },
        "invalid_redirect_uri",
        /native clients redirect to loopback/,
      ],
      [
        {
          ...NATIVE,
          application_type: "web",
          redirect_uris: ["com.example.app:/cb"],
        },
        "invalid_redirect_uri",
        /web clients redirect to https/,
      ],
      [
        { ...NATIVE, redirect_uris: ["javascript:alert(1)"] },
        "invalid_redirect_uri",
        /not allowed/,
      ],
      [
        { ...NATIVE, redirect_uris: [] },
        "invalid_redirect_uri",
        /at least one redirect URI/,
      ],
      [
        { ...NATIVE, grant_types: ["client_credentials"] },
        "invalid_client_metadata",
        /public clients cannot use client_credentials/,
      ],
      [
        { ...NATIVE, scope: "no-such-scope" },
        "invalid_client_metadata",
        /unknown scope/,
      ],
    ];
    for (const [body, error, text] of cases) {
      const res = await register(t, body);
      const answer = await res.json();
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(answer.error, error, JSON.stringify(answer));
      assert.match(answer.error_description, text);
    }
    // Native: a private-use scheme is fine.
    const ok = await register(t, {
      ...NATIVE,
      redirect_uris: ["com.example.desktop:/oauth"],
    });
    assert.equal(ok.status, 201, await ok.clone().text());
    await ok.body?.cancel();
    const notJSON = await t.fetch("/register", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "client_name=x",
    });
    assert.equal(notJSON.status, 400);
    assert.equal((await notJSON.json()).error, "invalid_request");
  } finally {
    await t.close();
  }
});

Deno.test("DCR: confidential clients need an initial access token by default; off refuses; the environment pins the policy", async () => {
  const { t, api } = await startAdminApp();
  try {
    const confidential = {
      redirect_uris: ["https://svc.example/cb"],
      token_endpoint_auth_method: "client_secret_basic",
    };
    let res = await register(t, confidential);
    assert.equal(res.status, 401);
    assert.equal((await res.json()).error, "invalid_token");
    const issued = await api("POST", "/admin/registration/tokens", {
      description: "partner",
      uses: 2,
      expires_in: 3600,
    });
    assert.equal(issued.status, 201, JSON.stringify(issued.body));
    const stored = await t.deps.db.selectFrom("initial_access_tokens")
      .selectAll().executeTakeFirstOrThrow();
    assert.equal(stored.token_hash, sha256(issued.body.token));
    const bearer = { Authorization: `Bearer ${issued.body.token}` };
    res = await register(t, confidential, bearer);
    const body = await res.json();
    assert.equal(res.status, 201, JSON.stringify(body));
    assert.equal(typeof body.client_secret, "string");
    assert.equal(body.client_secret_expires_at, 0);
    // What it registered with cannot be widened later (RFC 7592 §2.2).
    const widened = await t.fetch(`/register/${body.client_id}`, {
      method: "PUT",
      headers: {
        Authorization: `Bearer ${body.registration_access_token}`,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({
        ...confidential,
        client_id: body.client_id,
        grant_types: [
          "authorization_code",
          "refresh_token",
          "client_credentials",
        ],
      }),
    });
    assert.equal(widened.status, 400);
    assert.match(
      (await widened.json()).error_description,
      /client_credentials cannot be added/,
    );
    // Expired tokens stop working.
    t.advance(3601);
    res = await register(t, confidential, bearer);
    assert.equal(res.status, 401);
    await res.body?.cancel();
    // Open confidential registration still needs the token for
    // client_credentials: no user consents to those tokens.
    await api("POST", "/admin/registration", { confidential_clients: "open" });
    res = await register(t, {
      ...confidential,
      grant_types: ["client_credentials"],
    });
    assert.equal(res.status, 400);
    assert.match(
      (await res.json()).error_description,
      /client_credentials needs an initial access token/,
    );
    res = await register(t, confidential);
    assert.equal(res.status, 201, "authorization_code clients register openly");
    await res.body?.cancel();
    // Public registration off.
    const off = await api("POST", "/admin/registration", {
      public_clients: "off",
    });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    res = await register(t, NATIVE);
    assert.equal(res.status, 403);
    assert.match((await res.json()).error_description, /public clients is off/);
    // With both off the metadata no longer lists the endpoint.
    await api("POST", "/admin/registration", { confidential_clients: "off" });
    const meta = await (await t.fetch(
      "/.well-known/oauth-authorization-server",
    )).json();
    assert.equal(meta.registration_endpoint, undefined);
    const audit = await api("GET", "/admin/audit");
    const actions = audit.body.events.map((e: { action: string }) => e.action);
    assert.ok(actions.includes("registration.settings_updated"));
    assert.ok(actions.includes("initial_access_token.created"));
  } finally {
    await t.close();
  }
  const pinned = await startTestApp({
    env: { REGISTRATION_PUBLIC_CLIENTS: "off" },
  });
  try {
    const res = await register(pinned, NATIVE);
    assert.equal(res.status, 403);
    await res.body?.cancel();
  } finally {
    await pinned.close();
  }
});

Deno.test("DCR: the per-address budget holds under 50 concurrent registrations", async () => {
  const t = await startTestApp();
  try {
    const from = (ip: string) =>
      fetchFrom(t as TestApp, ip, "/register", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(NATIVE),
      });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => from("198.51.100.7")),
    );
    const statuses = results.map((r) => r.status);
    await Promise.all(results.map((r) => r.body?.cancel()));
    const created = statuses.filter((s) => s === 201).length;
    const limited = statuses.filter((s) => s === 429).length;
    assert.equal(created + limited, 50, String(statuses));
    assert.ok(
      created <= BUDGETS.registrationPerIP.limit,
      `${created} registered`,
    );
    assert.ok(created >= BUDGETS.registrationPerIP.limit - 1);
    const rows = await t.deps.db.selectFrom("clients").select("client_id")
      .where("registration_type", "=", "dynamic").execute();
    assert.equal(rows.length, created);
    // Another address has its own budget.
    const other = await from("203.0.113.9");
    assert.equal(other.status, 201);
    await other.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("DCR: a registered client is marked unverified on the consent page, is asked even with a skip policy, and is refused once disabled", async () => {
  const { t, api } = await startAdminApp();
  try {
    const res = await register(t, NATIVE);
    const { client_id } = await res.json();
    await api("POST", `/admin/clients/${client_id}/policy`, {
      consent_policy: "skip",
    });
    const pkce = generatePKCE();
    const params = {
      client_id,
      response_type: "code",
      redirect_uri: "http://127.0.0.1:49152/callback",
      scope: "openid",
      code_challenge: pkce.code_challenge,
      code_challenge_method: "S256",
    };
    const jar = (await runAuthorize(t, params)).jar;
    // Consent was asked, and is asked... once per new scope for DCR clients.
    const first = await runAuthorize(t, { ...params, prompt: "consent" }, {
      jar,
    });
    assert.ok(first.pages.includes("Allow access?"), String(first.pages));
    const page = await t.fetch(
      `/authorize?${new URLSearchParams({ ...params, prompt: "consent" })}`,
      { headers: { Cookie: jar.header(), Accept: "text/html" } },
    );
    const html = await page.text();
    assert.match(html, /data-testid="client-unverified"/);
    assert.match(html, /Unverified app/);
    const disabled = await api("PATCH", `/admin/clients/${client_id}`, {
      disabled: true,
    });
    assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
    const refused = await t.fetch(`/authorize?${new URLSearchParams(params)}`, {
      headers: { Accept: "text/html" },
    });
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /client_id is disabled/);
  } finally {
    await t.close();
  }
});
