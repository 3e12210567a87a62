/**
 * Code and token injection across clients (RFC 6749 §4.1.3, §6, §10.5,
 * §10.6; RFC 9700 §4.5; RFC 6819 §4.4.1.7, §5.2.2.2).
 *
 * Decision (RFC 6749 §4.1.3: the server MUST "ensure that the authorization
 * code was issued to the authenticated confidential client, or if the client
 * is public, ensure that the code was issued to client_id in the request"):
 * a code presented by another client is refused *and left as it was*. The
 * presenter is not the code's client, so this is not a use of the code (the
 * §4.1.2 single-use and replay rules are about its own client); burning it
 * would let any registered client that saw a code - in a log, a Referer -
 * deny the rightful client its sign-in. The same holds for refresh tokens
 * (§6: "validate the refresh token ... was issued to the authenticated
 * client"): another client's attempt neither rotates nor revokes the family.
 * Within one client, PKCE and the exact redirect_uri stop a code injected
 * into another session (RFC 9700 §4.5.3).
 * @module
 */
import assert from "node:assert/strict";
import {
  DEMO_REDIRECT,
  demoParams,
  demoTokens,
  runAuthorize,
  tokenRequest,
} from "../helpers/oauth.ts";
import { addClient, basic } from "../helpers/clients.ts";
import type { TestApp } from "../helpers/test_app.ts";
import { dbLines, startSecurityApp } from "./fixture.ts";

/** Another public client sharing demo-web's redirect URI, and a confidential one. */
async function addOtherClients(t: TestApp): Promise<string> {
  await addClient(t, {
    client_id: "other-spa",
    redirect_uris: [DEMO_REDIRECT],
    token_endpoint_auth_method: "none",
  });
  const conf = await addClient(t, {
    client_id: "other-conf",
    redirect_uris: [DEMO_REDIRECT],
    token_endpoint_auth_method: "client_secret_basic",
  });
  return basic("other-conf", conf.client_secret!);
}

async function demoCode(
  t: TestApp,
): Promise<{ code: string; verifier: string }> {
  const { params, verifier } = demoParams();
  const flow = await runAuthorize(t, params);
  const code = flow.location?.searchParams.get("code");
  assert.ok(code);
  return { code, verifier };
}

Deno.test("code injection: another client cannot redeem a code, and the code's own client still can", async () => {
  const { t } = await startSecurityApp();
  try {
    const confAuth = await addOtherClients(t);
    const { code, verifier } = await demoCode(t);
    const before = await dbLines(t);
    for (
      const [what, fields, headers] of [
        ["another public client", { client_id: "other-spa" }, {}],
        ["a confidential client", {}, { Authorization: confAuth }],
      ] as [string, Record<string, string>, Record<string, string>][]
    ) {
      const res = await tokenRequest(t, {
        grant_type: "authorization_code",
        code,
        code_verifier: verifier,
        redirect_uri: DEMO_REDIRECT,
        ...fields,
      }, headers);
      assert.equal(res.status, 400, what);
      assert.equal(res.body.error, "invalid_grant", what);
      // The answer does not confirm that the code exists elsewhere.
      assert.doesNotMatch(String(res.body.error_description), /another client/);
    }
    assert.deepEqual(await dbLines(t), before, "the code was not burned");
    const own = await tokenRequest(t, {
      grant_type: "authorization_code",
      client_id: "demo-web",
      code,
      code_verifier: verifier,
      redirect_uri: DEMO_REDIRECT,
    });
    assert.equal(own.status, 200, JSON.stringify(own.body));
  } finally {
    await t.close();
  }
});

Deno.test("code injection: a code injected into another session of the same client fails on PKCE", async () => {
  const { t } = await startSecurityApp();
  try {
    // The victim's code, redeemed with the verifier of the attacker's own
    // authorization request (RFC 9700 §4.5: the attacker's session).
    const victim = await demoCode(t);
    const attacker = demoParams();
    const res = await tokenRequest(t, {
      grant_type: "authorization_code",
      client_id: "demo-web",
      code: victim.code,
      code_verifier: attacker.verifier,
      redirect_uri: DEMO_REDIRECT,
    });
    assert.equal(res.body.error, "invalid_grant");
    assert.equal(
      (await t.deps.db.selectFrom("access_tokens").selectAll().execute())
        .length,
      0,
    );
  } finally {
    await t.close();
  }
});

Deno.test("code injection: a code redeemed with another registered redirect_uri is refused", async () => {
  const { t } = await startSecurityApp();
  try {
    const reg = await addClient(t, {
      client_id: "two-uris",
      redirect_uris: ["https://a.example.com/cb", "https://b.example.com/cb"],
      token_endpoint_auth_method: "client_secret_post",
    });
    const { params, verifier } = demoParams({
      client_id: "two-uris",
      redirect_uri: "https://a.example.com/cb",
    });
    const flow = await runAuthorize(t, params);
    const code = flow.location!.searchParams.get("code")!;
    const res = await tokenRequest(t, {
      grant_type: "authorization_code",
      client_id: "two-uris",
      client_secret: reg.client_secret!,
      code,
      code_verifier: verifier,
      redirect_uri: "https://b.example.com/cb",
    });
    assert.equal(res.body.error, "invalid_grant");
    assert.match(String(res.body.error_description), /redirect_uri/);
  } finally {
    await t.close();
  }
});

Deno.test("refresh injection: another client's refresh token is refused, and the owner's token still rotates", async () => {
  const { t } = await startSecurityApp();
  try {
    const confAuth = await addOtherClients(t);
    const tokens = await demoTokens(t);
    const refresh = tokens.refresh_token as string;
    const before = await dbLines(t);
    for (
      const [what, fields, headers] of [
        ["another public client", { client_id: "other-spa" }, {}],
        ["a confidential client", {}, { Authorization: confAuth }],
      ] as [string, Record<string, string>, Record<string, string>][]
    ) {
      const res = await tokenRequest(t, {
        grant_type: "refresh_token",
        refresh_token: refresh,
        ...fields,
      }, headers);
      assert.equal(res.status, 400, what);
      assert.equal(res.body.error, "invalid_grant", what);
    }
    assert.deepEqual(
      await dbLines(t),
      before,
      "neither rotated nor revoked the family",
    );
    const own = await tokenRequest(t, {
      grant_type: "refresh_token",
      client_id: "demo-web",
      refresh_token: refresh,
    });
    assert.equal(own.status, 200, JSON.stringify(own.body));
    // And the access token issued before is still good (no family revocation).
    const info = await t.fetch("/userinfo", {
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(info.status, 200);
    await info.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("token injection: another client can neither introspect nor revoke a token", async () => {
  const { t } = await startSecurityApp();
  try {
    const confAuth = await addOtherClients(t);
    const tokens = await demoTokens(t);
    for (
      const token of [tokens.access_token, tokens.refresh_token] as string[]
    ) {
      const look = await t.fetch("/introspect", {
        method: "POST",
        headers: {
          Authorization: confAuth,
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ token }),
      });
      assert.deepEqual(await look.json(), { active: false });
      const revoke = await t.fetch("/revoke", {
        method: "POST",
        headers: {
          Authorization: confAuth,
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ token }),
      });
      assert.equal(revoke.status, 200, "RFC 7009: answered as if revoked");
      await revoke.body?.cancel();
    }
    const own = await t.fetch("/introspect", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: "demo-web",
        token: tokens.access_token as string,
      }),
    });
    assert.equal(
      (await own.json()).active,
      true,
      "still active for its client",
    );
  } finally {
    await t.close();
  }
});
