/**
 * PKCE downgrade (RFC 9700 §2.1.1 and §4.8; RFC 7636 §4.6): a code issued
 * with a challenge is refused without its verifier or with another's; a
 * code issued without a challenge is refused when a verifier appears (the
 * sign of an attacker who stripped the challenge from the front channel);
 * `plain` is refused at /authorize, whether named or implied by a missing
 * method; public clients, and clients whose policy requires it, cannot get
 * a code without a challenge, and the admin API cannot switch PKCE off for
 * a public client.
 * @module
 */
import assert from "node:assert/strict";
import { generatePKCE, s256 } from "../../lib/oauth/pkce.ts";
import {
  DEMO_REDIRECT,
  demoParams,
  runAuthorize,
  tokenRequest,
} from "../helpers/oauth.ts";
import { addClient, basic } from "../helpers/clients.ts";
import type { TestApp } from "../helpers/test_app.ts";
import { startSecurityApp } from "./fixture.ts";

const LEGACY_REDIRECT = "https://legacy.example.com/cb";

/** A code for demo-web (PKCE S256) and the verifier that goes with it. */
async function pkceCode(
  t: TestApp,
): Promise<{ code: string; verifier: string }> {
  const { params, verifier } = demoParams();
  const flow = await runAuthorize(t, params);
  const code = flow.location?.searchParams.get("code");
  assert.ok(code, `a code: ${flow.response.status} ${flow.location}`);
  return { code, verifier };
}

/** Registers a confidential client allowed to skip PKCE; its Basic header. */
async function addLegacyClient(t: TestApp): Promise<string> {
  const registered = await addClient(t, {
    client_id: "legacy",
    redirect_uris: [LEGACY_REDIRECT],
    token_endpoint_auth_method: "client_secret_basic",
    require_pkce: false,
  });
  return basic("legacy", registered.client_secret!);
}

/** A code for the legacy client, asked for without a challenge. */
async function codeWithoutChallenge(t: TestApp): Promise<string> {
  const flow = await runAuthorize(t, {
    client_id: "legacy",
    response_type: "code",
    redirect_uri: LEGACY_REDIRECT,
    scope: "openid",
    state: "s",
  });
  const code = flow.location?.searchParams.get("code");
  assert.ok(code, `a code without PKCE: ${flow.location}`);
  return code;
}

function exchange(
  t: TestApp,
  code: string,
  extra: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return tokenRequest(t, {
    grant_type: "authorization_code",
    code,
    ...extra,
  }, headers);
}

Deno.test("pkce: a code issued with a challenge is refused without a verifier, and issues nothing", async () => {
  const { t } = await startSecurityApp();
  try {
    const { code } = await pkceCode(t);
    const res = await exchange(t, code, {
      client_id: "demo-web",
      redirect_uri: DEMO_REDIRECT,
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, "invalid_grant");
    assert.equal(res.body.access_token, undefined);
    const issued = await t.deps.db.selectFrom("access_tokens").selectAll()
      .execute();
    assert.equal(issued.length, 0);
  } finally {
    await t.close();
  }
});

Deno.test("pkce: a wrong verifier - another request's, malformed, or the challenge itself - is refused", async () => {
  const { t } = await startSecurityApp();
  try {
    const other = generatePKCE();
    for (
      const [what, verifier] of [
        ["another request's verifier", other.code_verifier],
        ["the challenge sent as verifier (plain)", null],
        ["too short", "a".repeat(42)],
        ["too long", "a".repeat(129)],
        ["outside the charset", "a".repeat(42) + "+"],
      ] as const
    ) {
      const { code, verifier: right } = await pkceCode(t);
      const sent = verifier ?? s256(right);
      const res = await exchange(t, code, {
        client_id: "demo-web",
        redirect_uri: DEMO_REDIRECT,
        code_verifier: sent,
      });
      assert.equal(res.body.error, "invalid_grant", what);
    }
  } finally {
    await t.close();
  }
});

Deno.test("pkce: a code issued without a challenge is refused when a verifier is sent (downgrade)", async () => {
  const { t } = await startSecurityApp();
  try {
    const auth = await addLegacyClient(t);
    const code = await codeWithoutChallenge(t);
    const res = await exchange(t, code, {
      redirect_uri: LEGACY_REDIRECT,
      code_verifier: generatePKCE().code_verifier,
    }, { Authorization: auth });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, "invalid_grant");
    assert.match(String(res.body.error_description), /issued without PKCE/);
    // Without a verifier the same kind of code works for this client.
    const ok = await exchange(t, await codeWithoutChallenge(t), {
      redirect_uri: LEGACY_REDIRECT,
    }, { Authorization: auth });
    assert.equal(ok.status, 200);
  } finally {
    await t.close();
  }
});

Deno.test("pkce: plain is refused at /authorize, named or implied by a missing method", async () => {
  const { t } = await startSecurityApp();
  try {
    const { code_verifier } = generatePKCE();
    for (
      const extra of [
        { code_challenge_method: "plain", code_challenge: code_verifier },
        { code_challenge: code_verifier },
        { code_challenge_method: "s256", code_challenge: s256(code_verifier) },
        { code_challenge_method: "S512", code_challenge: s256(code_verifier) },
      ] as Record<string, string>[]
    ) {
      const { params } = demoParams();
      delete params.code_challenge_method;
      const res = await t.fetch(
        `/authorize?${new URLSearchParams(
          { ...params, ...extra } as Record<string, string>,
        )}`,
        { redirect: "manual" },
      );
      assert.equal(res.status, 302, JSON.stringify(extra));
      const location = new URL(res.headers.get("Location")!);
      assert.equal(location.searchParams.get("error"), "invalid_request");
      assert.equal(location.searchParams.get("code"), null);
    }
    const discovery = await (await t.fetch("/.well-known/openid-configuration"))
      .json();
    assert.deepEqual(discovery.code_challenge_methods_supported, ["S256"]);
  } finally {
    await t.close();
  }
});

Deno.test("pkce: a public client, or one whose policy requires PKCE, gets no code without a challenge", async () => {
  const { t } = await startSecurityApp();
  try {
    await addClient(t, {
      client_id: "strict-conf",
      redirect_uris: ["https://strict.example.com/cb"],
      token_endpoint_auth_method: "client_secret_basic",
      require_pkce: true,
    });
    for (
      const [client, redirect] of [
        ["demo-web", DEMO_REDIRECT],
        ["strict-conf", "https://strict.example.com/cb"],
      ]
    ) {
      const res = await t.fetch(
        `/authorize?${new URLSearchParams({
          client_id: client,
          response_type: "code",
          redirect_uri: redirect,
          scope: "openid",
        })}`,
        { redirect: "manual" },
      );
      assert.equal(res.status, 302, client);
      const location = new URL(res.headers.get("Location")!);
      assert.equal(location.searchParams.get("error"), "invalid_request");
      assert.match(
        location.searchParams.get("error_description")!,
        /code_challenge/,
      );
    }
  } finally {
    await t.close();
  }
});

Deno.test("pkce: the admin API cannot turn PKCE off for a public client", async () => {
  const { t, adminToken } = await startSecurityApp();
  try {
    const res = await t.fetch("/admin/clients/demo-web/policy", {
      method: "POST",
      headers: {
        "X-Admin-Token": adminToken,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({ require_pkce: false }),
    });
    assert.equal(res.status, 400);
    await res.body?.cancel();
    const policy = await (await t.fetch("/admin/clients/demo-web/policy", {
      headers: { "X-Admin-Token": adminToken },
    })).json();
    assert.equal(policy.require_pkce, true);
  } finally {
    await t.close();
  }
});
