/**
 * oauth4webapi 3 — the strict, low-level library under openid-client —
 * against every endpoint over a real port, each response through its
 * process* function: processDiscoveryResponse, validateAuthResponse (with
 * the RFC 9207 iss check), processAuthorizationCodeResponse,
 * validateApplicationLevelSignature, processUserInfoResponse,
 * processRefreshTokenResponse, processIntrospectionResponse and
 * processRevocationResponse, for public, client_secret_basic and
 * client_secret_post clients, and form_post responses.
 * @module
 */
import assert from "node:assert/strict";
import * as oauth from "oauth4webapi";
import type { TestApp } from "../helpers/test_app.ts";
import {
  atHash,
  browse,
  type Browsed,
  formPostRequest,
  registerRP,
  type RP,
  RP_CALLBACK,
  startServer,
} from "./rp_fixture.ts";

Deno.test.sanitizer({ ops: false, resources: false });

const INSECURE = { [oauth.allowInsecureRequests]: true } as const;

let t: TestApp;
let as: oauth.AuthorizationServer;
let publicRP: RP;
let basicRP: RP;
let postRP: RP;

Deno.test.beforeAll(async () => {
  t = await startServer();
  const issuer = new URL(t.base);
  as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, INSECURE),
  );
  publicRP = await registerRP(t, {
    client_id: "o4w-public",
    token_endpoint_auth_method: "none",
  });
  basicRP = await registerRP(t, {
    client_id: "o4w-basic",
    token_endpoint_auth_method: "client_secret_basic",
  });
  postRP = await registerRP(t, {
    client_id: "o4w-post",
    token_endpoint_auth_method: "client_secret_post",
  });
});

Deno.test.afterAll(async () => {
  await t.close();
});

type Method = "none" | "basic" | "post";

function clientAuth(rp: RP, method: Method): oauth.ClientAuth {
  switch (method) {
    case "none":
      return oauth.None();
    case "basic":
      return oauth.ClientSecretBasic(rp.secret!);
    case "post":
      return oauth.ClientSecretPost(rp.secret!);
  }
}

interface Flow {
  result: oauth.TokenEndpointResponse;
  claims: oauth.IDToken;
  browsed: Browsed;
}

/** Authorization code + PKCE, every response processed strictly. */
async function codeFlow(
  rp: RP,
  method: Method,
  options: { scope?: string; responseMode?: "form_post"; maxAge?: number } = {},
): Promise<Flow> {
  const client: oauth.Client = { client_id: rp.clientID };
  const verifier = oauth.generateRandomCodeVerifier();
  const nonce = oauth.generateRandomNonce();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint!);
  url.searchParams.set("client_id", rp.clientID);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("redirect_uri", RP_CALLBACK);
  url.searchParams.set(
    "scope",
    options.scope ?? "openid profile email offline_access",
  );
  url.searchParams.set(
    "code_challenge",
    await oauth.calculatePKCECodeChallenge(verifier),
  );
  url.searchParams.set("code_challenge_method", "S256");
  url.searchParams.set("nonce", nonce);
  url.searchParams.set("state", state);
  if (options.maxAge !== undefined) {
    url.searchParams.set("max_age", String(options.maxAge));
  }
  if (options.responseMode) {
    url.searchParams.set("response_mode", options.responseMode);
  }
  const browsed = await browse(t, url);
  // form_post: the POSTed body's parameters are the response.
  const parameters = options.responseMode === "form_post"
    ? new URLSearchParams(
      await (await formPostRequest(browsed.response)).text(),
    )
    : browsed.callback!;
  // Throws unless state matches and iss is the issuer (RFC 9207 §2.4).
  const callback = oauth.validateAuthResponse(as, client, parameters, state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    clientAuth(rp, method),
    callback,
    RP_CALLBACK,
    verifier,
    INSECURE,
  );
  const result = await oauth.processAuthorizationCodeResponse(
    as,
    client,
    response,
    {
      expectedNonce: nonce,
      requireIdToken: true,
      maxAge: options.maxAge,
    },
  );
  // The ID Token's JWS signature against jwks_uri.
  await oauth.validateApplicationLevelSignature(as, response, INSECURE);
  const claims = oauth.getValidatedIdTokenClaims(result)!;
  assert.equal(claims.at_hash, atHash(result.access_token));
  return { result, claims, browsed };
}

function rejectsWith(code: string): (err: unknown) => boolean {
  return (err: unknown): boolean => {
    assert.ok(err instanceof oauth.ResponseBodyError, String(err));
    assert.equal(err.error, code);
    return true;
  };
}

Deno.test("oauth4webapi: processDiscoveryResponse accepts our metadata and refuses another issuer", async () => {
  assert.equal(as.issuer, t.base);
  assert.deepEqual(as.code_challenge_methods_supported, ["S256"]);
  await assert.rejects(() =>
    oauth.processDiscoveryResponse(
      new URL("https://other.example"),
      // Same document, expected under another issuer: a mix-up.
      new Response(JSON.stringify(as), {
        headers: { "Content-Type": "application/json" },
      }),
    )
  );
});

Deno.test("oauth4webapi: public client, code + PKCE, signed ID token with nonce, at_hash and max_age", async () => {
  const { result, claims, browsed } = await codeFlow(publicRP, "none", {
    maxAge: 300,
  });
  assert.deepEqual(browsed.pages, ["Sign in", "Allow access?"]);
  assert.equal(result.token_type, "bearer");
  assert.equal(claims.iss, t.base);
  assert.equal(claims.aud, publicRP.clientID);
  assert.equal(typeof claims.auth_time, "number");
});

Deno.test("oauth4webapi: validateAuthResponse enforces iss (RFC 9207): forged or missing is refused", async () => {
  const client: oauth.Client = { client_id: publicRP.clientID };
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: publicRP.clientID,
    response_type: "code",
    redirect_uri: RP_CALLBACK,
    scope: "openid",
    code_challenge: await oauth.calculatePKCECodeChallenge(
      oauth.generateRandomCodeVerifier(),
    ),
    code_challenge_method: "S256",
    state,
  }).toString();
  const { callback } = await browse(t, url);
  assert.ok(oauth.validateAuthResponse(as, client, callback!, state));
  const forged = new URL(callback!);
  forged.searchParams.set("iss", "https://evil.example");
  assert.throws(() => oauth.validateAuthResponse(as, client, forged, state));
  const missing = new URL(callback!);
  missing.searchParams.delete("iss");
  assert.throws(() => oauth.validateAuthResponse(as, client, missing, state));
  assert.throws(() => oauth.validateAuthResponse(as, client, callback!, "x"));
});

Deno.test("oauth4webapi: an error response (prompt=none, not signed in) is an AuthorizationResponseError with iss checked", async () => {
  const client: oauth.Client = { client_id: publicRP.clientID };
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: publicRP.clientID,
    response_type: "code",
    redirect_uri: RP_CALLBACK,
    scope: "openid",
    prompt: "none",
    code_challenge: await oauth.calculatePKCECodeChallenge(
      oauth.generateRandomCodeVerifier(),
    ),
    code_challenge_method: "S256",
    state,
  }).toString();
  const { callback, pages } = await browse(t, url);
  assert.deepEqual(pages, []);
  assert.throws(
    () => oauth.validateAuthResponse(as, client, callback!, state),
    (err: unknown) =>
      err instanceof oauth.AuthorizationResponseError &&
      err.error === "login_required",
  );
});

Deno.test("oauth4webapi: UserInfo by GET and POST through processUserInfoResponse", async () => {
  const client: oauth.Client = { client_id: publicRP.clientID };
  const { result, claims } = await codeFlow(publicRP, "none");
  const viaGet = await oauth.processUserInfoResponse(
    as,
    client,
    claims.sub,
    await oauth.userInfoRequest(as, client, result.access_token, INSECURE),
  );
  assert.equal(viaGet.sub, claims.sub);
  assert.equal(viaGet.email, "alice@example.com");
  assert.equal(viaGet.name, "Alice Liddell");
  // OIDC Core §5.3.1: POST, token in the Authorization header.
  const viaPost = await oauth.processUserInfoResponse(
    as,
    client,
    claims.sub,
    await oauth.protectedResourceRequest(
      result.access_token,
      "POST",
      new URL(as.userinfo_endpoint!),
      undefined,
      undefined,
      INSECURE,
    ),
  );
  assert.deepEqual(viaPost, viaGet);
  // A response about another subject is refused (OIDC Core §5.3.4).
  await assert.rejects(async () =>
    oauth.processUserInfoResponse(
      as,
      client,
      "someone-else",
      await oauth.userInfoRequest(as, client, result.access_token, INSECURE),
    )
  );
});

Deno.test("oauth4webapi: processRefreshTokenResponse; the rotated token is then invalid_grant", async () => {
  const client: oauth.Client = { client_id: publicRP.clientID };
  const { result, claims } = await codeFlow(publicRP, "none");
  const refresh = () =>
    oauth.refreshTokenGrantRequest(
      as,
      client,
      oauth.None(),
      result.refresh_token!,
      INSECURE,
    );
  const response = await refresh();
  const refreshed = await oauth.processRefreshTokenResponse(
    as,
    client,
    response,
  );
  await oauth.validateApplicationLevelSignature(as, response, INSECURE);
  const again = oauth.getValidatedIdTokenClaims(refreshed)!;
  assert.equal(again.sub, claims.sub);
  assert.equal(again.auth_time, claims.auth_time);
  assert.equal(again.at_hash, atHash(refreshed.access_token));
  assert.notEqual(refreshed.refresh_token, result.refresh_token);
  await assert.rejects(
    async () => oauth.processRefreshTokenResponse(as, client, await refresh()),
    rejectsWith("invalid_grant"),
  );
});

for (const method of ["basic", "post"] as const) {
  Deno.test(`oauth4webapi: client_secret_${method}: code flow, introspection, revocation`, async () => {
    const rp = method === "basic" ? basicRP : postRP;
    const client: oauth.Client = { client_id: rp.clientID };
    const auth = clientAuth(rp, method);
    const { result, claims } = await codeFlow(rp, method, {
      scope: "openid email offline_access",
    });
    const introspect = async (token: string) =>
      await oauth.processIntrospectionResponse(
        as,
        client,
        await oauth.introspectionRequest(as, client, auth, token, INSECURE),
      );
    const active = await introspect(result.access_token);
    assert.equal(active.active, true);
    assert.equal(active.client_id, rp.clientID);
    assert.equal(active.sub, claims.sub);
    assert.equal(active.scope, "openid email offline_access");
    assert.equal(active.iss, t.base);

    const revoke = async (token: string) =>
      await oauth.processRevocationResponse(
        await oauth.revocationRequest(as, client, auth, token, INSECURE),
      );
    assert.equal(await revoke(result.access_token), undefined);
    assert.deepEqual(await introspect(result.access_token), { active: false });
    assert.equal((await introspect(result.refresh_token!)).active, true);
    await revoke(result.refresh_token!);
    assert.deepEqual(await introspect(result.refresh_token!), {
      active: false,
    });
    // RFC 7009 §2.2: an unknown token is still a 200.
    assert.equal(await revoke("not-a-token"), undefined);
  });
}

Deno.test("oauth4webapi: a wrong secret is refused (401 invalid_client)", async () => {
  const client: oauth.Client = { client_id: basicRP.clientID };
  const response = await oauth.introspectionRequest(
    as,
    client,
    oauth.ClientSecretBasic("not-the-secret"),
    "whatever",
    INSECURE,
  );
  await assert.rejects(
    () => oauth.processIntrospectionResponse(as, client, response),
    (err: unknown) =>
      err instanceof oauth.WWWAuthenticateChallengeError &&
      err.status === 401,
  );
  const post = await oauth.introspectionRequest(
    as,
    { client_id: postRP.clientID },
    oauth.ClientSecretPost("not-the-secret"),
    "whatever",
    INSECURE,
  );
  await assert.rejects(
    () =>
      oauth.processIntrospectionResponse(
        as,
        { client_id: postRP.clientID },
        post,
      ),
    rejectsWith("invalid_client"),
  );
});

Deno.test("oauth4webapi: response_mode=form_post parameters pass validateAuthResponse", async () => {
  const { claims, result } = await codeFlow(basicRP, "basic", {
    responseMode: "form_post",
    scope: "openid",
  });
  assert.equal(result.scope, "openid");
  assert.equal(claims.aud, basicRP.clientID);
});
