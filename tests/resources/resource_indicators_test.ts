/**
 * RFC 8707 resource indicators end to end, in-process: API resources made
 * through the admin API, /authorize and /token (code, refresh narrowing,
 * client_credentials) answering invalid_target, the token's aud (JWT per
 * RFC 9068 §3, introspection for opaque tokens), scopes narrowed to the
 * audience, and the resource server introspecting with its own
 * credentials (RFC 7662 §2.1).
 */
import assert from "node:assert/strict";
import { decodeJwt } from "jose";
import { startAdminApp } from "../admin/admin_fixture.ts";
import { addClient, clientPost } from "../helpers/clients.ts";
import { demoParams, runAuthorize, tokenRequest } from "../helpers/oauth.ts";

const API = "https://api.example.test/mcp";
const OTHER = "https://other.example.test/";

async function world() {
  const f = await startAdminApp();
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await f.api(method, path, body);
    return r;
  };
  const rs = await addClient(f.t, {
    client_id: "rs-mcp",
    grant_types: ["client_credentials"],
    scope: [],
    redirect_uris: [],
  });
  let r = await api("POST", "/admin/resources", {
    identifier: API,
    name: "Files MCP",
    scopes: ["files:read", "files:write"],
    server_client_id: "rs-mcp",
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await api("POST", "/admin/resources", {
    identifier: OTHER,
    name: "Other API",
    scopes: ["other:read"],
    token_format: "jwt",
    access_token_lifetime: 120,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  // demo-web may ask for the new scopes.
  r = await api("POST", "/admin/clients/demo-web/policy", {
    allowed_scopes:
      "openid profile email offline_access files:read files:write other:read",
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return { f, t: f.t, rs, api };
}

async function codeFor(
  t: Awaited<ReturnType<typeof world>>["t"],
  extra: Record<string, string>,
) {
  const { params, verifier } = demoParams(extra);
  const flow = await runAuthorize(t, params);
  return { flow, verifier, code: flow.location?.searchParams.get("code") };
}

Deno.test("resource at /authorize and /token: aud is the resource, scopes narrowed to what it defines, the resource server introspects", async () => {
  const { t, rs, api } = await world();
  try {
    const { flow, code, verifier } = await codeFor(t, {
      scope: "openid files:read offline_access",
      resource: API,
    });
    assert.ok(code, `no code: ${flow.location} ${flow.pages}`);
    const tok = await tokenRequest(t, {
      grant_type: "authorization_code",
      client_id: "demo-web",
      code: code!,
      code_verifier: verifier,
      redirect_uri: "http://localhost:3000/callback",
      resource: API,
    });
    assert.equal(tok.status, 200, JSON.stringify(tok.body));
    assert.equal(tok.body.scope, "openid files:read offline_access");
    // The resource server, with its own credentials, sees the token.
    let res = await t.fetch(
      "/introspect",
      clientPost(rs, { token: tok.body.access_token as string }),
    );
    let body = await res.json();
    assert.equal(body.active, true);
    assert.equal(body.aud, API);
    assert.equal(body.client_id, "demo-web");
    // It learns nothing of the refresh token (not for its audience).
    res = await t.fetch(
      "/introspect",
      clientPost(rs, { token: tok.body.refresh_token as string }),
    );
    assert.deepEqual(await res.json(), { active: false });
    // Once the resource names another server, rs-mcp learns nothing.
    const other = await addClient(t, {
      client_id: "rs-other",
      grant_types: ["client_credentials"],
      scope: [],
      redirect_uris: [],
    });
    const patched = await api(
      "PATCH",
      `/admin/resources/${encodeURIComponent(API)}`,
      { server_client_id: "rs-other" },
    );
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    res = await t.fetch(
      "/introspect",
      clientPost(rs, { token: tok.body.access_token as string }),
    );
    assert.deepEqual(await res.json(), { active: false });
    res = await t.fetch(
      "/introspect",
      clientPost(other, { token: tok.body.access_token as string }),
    );
    body = await res.json();
    assert.equal(body.active, true);
  } finally {
    await t.close();
  }
});

Deno.test("several resources at /authorize; the token request narrows to one, refresh to another; a JWT's aud is the resource (RFC 9068 §3) and carries only its scopes", async () => {
  const { t } = await world();
  try {
    // Two resources (RFC 8707 §2: "Multiple resource parameters MAY be
    // used"); our forms carry them on as one space-separated value.
    const pkce = demoParams({
      scope: "openid files:read other:read offline_access",
    });
    const flow = await runAuthorize(t, {
      ...pkce.params,
      resource: `${API} ${OTHER}`,
    });
    const got = flow.location?.searchParams.get("code");
    assert.ok(got, `no code: ${flow.location}`);
    // Narrow to OTHER at the token endpoint: a JWT (OTHER's format), 120 s.
    const tok = await tokenRequest(t, {
      grant_type: "authorization_code",
      client_id: "demo-web",
      code: got!,
      code_verifier: pkce.verifier,
      redirect_uri: "http://localhost:3000/callback",
      resource: OTHER,
    });
    assert.equal(tok.status, 200, JSON.stringify(tok.body));
    assert.equal(tok.body.expires_in, 120);
    const claims = decodeJwt(tok.body.access_token as string);
    assert.equal(claims.aud, OTHER);
    assert.equal(claims.scope, "openid other:read offline_access");
    // Refresh narrows to API: opaque, files:read only.
    const refreshed = await tokenRequest(t, {
      grant_type: "refresh_token",
      client_id: "demo-web",
      refresh_token: tok.body.refresh_token as string,
      resource: API,
    });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal(refreshed.body.scope, "openid files:read offline_access");
    assert.equal(
      (refreshed.body.access_token as string).split(".").length,
      1,
      "API's tokens follow the client's opaque format",
    );
    // A resource outside the grant is invalid_target (RFC 8707 §2.2).
    const bad = await tokenRequest(t, {
      grant_type: "refresh_token",
      client_id: "demo-web",
      refresh_token: refreshed.body.refresh_token as string,
      resource: "https://not-granted.example/",
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, "invalid_target");
    // Omitted: the whole grant again, both audiences.
    const whole = await tokenRequest(t, {
      grant_type: "refresh_token",
      client_id: "demo-web",
      refresh_token: refreshed.body.refresh_token as string,
    });
    assert.equal(whole.status, 200, JSON.stringify(whole.body));
    assert.deepEqual(decodeJwt(whole.body.access_token as string).aud, [
      API,
      OTHER,
    ]);
  } finally {
    await t.close();
  }
});

Deno.test("invalid_target at /authorize: relative, fragment, unknown, not allowed for the client; a scope of an API not named is invalid_scope", async () => {
  const { t, api } = await world();
  try {
    const cases: [string, string, string][] = [
      ["/relative", "invalid_target", "absolute URI"],
      [`${API}#frag`, "invalid_target", "fragment"],
      ["https://unknown.example/", "invalid_target", "not a registered"],
    ];
    for (const [resource, error, text] of cases) {
      const flow = await runAuthorize(
        t,
        demoParams({ scope: "openid files:read", resource }).params,
      );
      assert.equal(flow.location?.searchParams.get("error"), error, resource);
      assert.match(
        flow.location?.searchParams.get("error_description") ?? "",
        new RegExp(text),
      );
    }
    const foreign = await runAuthorize(
      t,
      demoParams({ scope: "openid other:read", resource: API }).params,
    );
    assert.equal(foreign.location?.searchParams.get("error"), "invalid_scope");
    const r = await api("POST", "/admin/clients/demo-web/policy", {
      allowed_resources: [OTHER],
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const refused = await runAuthorize(
      t,
      demoParams({ scope: "openid files:read", resource: API }).params,
    );
    assert.equal(refused.location?.searchParams.get("error"), "invalid_target");
    assert.match(
      refused.location?.searchParams.get("error_description") ?? "",
      /may not use resource/,
    );
  } finally {
    await t.close();
  }
});

Deno.test("a client's default resource is the audience when the request names none; client_credentials takes resource too", async () => {
  const { t, api } = await world();
  try {
    let r = await api("POST", "/admin/clients/demo-web/policy", {
      default_resource: API,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const { code, verifier } = await codeFor(t, {
      scope: "openid files:read",
    });
    const tok = await tokenRequest(t, {
      grant_type: "authorization_code",
      client_id: "demo-web",
      code: code!,
      code_verifier: verifier,
      redirect_uri: "http://localhost:3000/callback",
    });
    assert.equal(tok.status, 200, JSON.stringify(tok.body));
    const own = await t.fetch("/introspect", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: "demo-web",
        token: tok.body.access_token as string,
      }),
    });
    assert.equal((await own.json()).aud, API, "the default resource");
    const rsClient = await addClient(t, {
      client_id: "svc",
      grant_types: ["client_credentials"],
      scope: ["other:read", "files:read"],
      redirect_uris: [],
    });
    const cc = await t.fetch(
      "/token",
      clientPost(rsClient, {
        grant_type: "client_credentials",
        resource: OTHER,
      }),
    );
    const ccBody = await cc.json();
    assert.equal(cc.status, 200, JSON.stringify(ccBody));
    assert.equal(decodeJwt(ccBody.access_token).aud, OTHER);
    assert.equal(ccBody.scope, "other:read");
    const wrong = await t.fetch(
      "/token",
      clientPost(rsClient, {
        grant_type: "client_credentials",
        resource: "https://nope.example/",
      }),
    );
    assert.equal(wrong.status, 400);
    assert.equal((await wrong.json()).error, "invalid_target");
    // Opaque tokens: introspection by the issuing client answers aud.
    const intro = await t.fetch(
      "/introspect",
      clientPost(rsClient, { token: ccBody.access_token }),
    );
    assert.equal((await intro.json()).aud, OTHER);
    r = await api("GET", `/admin/resources/${encodeURIComponent(OTHER)}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.token_format, "jwt");
  } finally {
    await t.close();
  }
});
