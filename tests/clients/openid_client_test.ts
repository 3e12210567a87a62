/**
 * openid-client 6 — a certified relying-party library — driving every flow
 * the server offers over a real port: discovery, code + PKCE, ID Token
 * validation (signature by JWKS with non-repudiation checks on, iss, aud,
 * nonce, auth_time against max_age; at_hash checked here), refresh
 * rotation, UserInfo by GET and POST, revocation and introspection for
 * confidential clients (client_secret_basic and client_secret_post),
 * form_post responses, client credentials, and RP-initiated logout with
 * id_token_hint. If the library accepts our answers, apps built on it will.
 * @module
 */
import assert from "node:assert/strict";
import * as client from "openid-client";
import type { TestApp } from "../helpers/test_app.ts";
import { addClient } from "../helpers/clients.ts";
import {
  atHash,
  browse,
  formPostRequest,
  registerRP,
  type RP,
  RP_CALLBACK,
  RP_POST_LOGOUT,
  startServer,
} from "./rp_fixture.ts";

Deno.test.sanitizer({ ops: false, resources: false });

let t: TestApp;
let publicRP: RP;
let basicRP: RP;
let postRP: RP;

Deno.test.beforeAll(async () => {
  t = await startServer();
  publicRP = await registerRP(t, {
    client_id: "oc-public",
    token_endpoint_auth_method: "none",
  });
  basicRP = await registerRP(t, {
    client_id: "oc-basic",
    token_endpoint_auth_method: "client_secret_basic",
  });
  postRP = await registerRP(t, {
    client_id: "oc-post",
    token_endpoint_auth_method: "client_secret_post",
  });
});

Deno.test.afterAll(async () => {
  await t.close();
});

function authFor(rp: RP, method: "none" | "basic" | "post"): client.ClientAuth {
  switch (method) {
    case "none":
      return client.None();
    case "basic":
      return client.ClientSecretBasic(rp.secret!);
    case "post":
      return client.ClientSecretPost(rp.secret!);
  }
}

/** Discovery as an app does it, with ID Token signatures verified. */
async function configure(
  rp: RP,
  method: "none" | "basic" | "post",
): Promise<client.Configuration> {
  const config = await client.discovery(
    new URL(t.base),
    rp.clientID,
    undefined,
    authFor(rp, method),
    { execute: [client.allowInsecureRequests] },
  );
  // Check ID Token signatures against jwks_uri, not only TLS (OIDC Core
  // §3.1.3.7 step 6 makes that optional; we want it).
  client.enableNonRepudiationChecks(config);
  return config;
}

interface SignIn {
  tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  claims: client.IDToken;
  jar: Awaited<ReturnType<typeof browse>>["jar"];
  pages: string[];
}

/** One authorization code + PKCE flow, validated by the library. */
async function signIn(
  config: client.Configuration,
  options: {
    scope?: string;
    maxAge?: number;
    responseMode?: "form_post";
    username?: string;
  } = {},
): Promise<SignIn> {
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const state = client.randomState();
  const params: Record<string, string> = {
    redirect_uri: RP_CALLBACK,
    scope: options.scope ?? "openid profile email offline_access",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    nonce,
    state,
  };
  if (options.maxAge !== undefined) params.max_age = String(options.maxAge);
  if (options.responseMode) params.response_mode = options.responseMode;
  const url = client.buildAuthorizationUrl(config, params);
  const browsed = await browse(t, url, { username: options.username });
  const current = options.responseMode === "form_post"
    ? await formPostRequest(browsed.response)
    : browsed.callback!;
  const tokens = await client.authorizationCodeGrant(config, current, {
    pkceCodeVerifier: verifier,
    expectedNonce: nonce,
    expectedState: state,
    idTokenExpected: true,
    maxAge: options.maxAge,
  });
  const claims = tokens.claims()!;
  // openid-client leaves at_hash to the app for the code flow.
  assert.equal(claims.at_hash, atHash(tokens.access_token));
  return { tokens, claims, jar: browsed.jar, pages: browsed.pages };
}

function isResponseBodyError(code: string): (err: unknown) => boolean {
  return (err: unknown): boolean => {
    assert.ok(err instanceof client.ResponseBodyError, String(err));
    assert.equal(err.error, code);
    return true;
  };
}

Deno.test("openid-client: discovery reads the metadata an RP needs", async () => {
  const config = await configure(publicRP, "none");
  const meta = config.serverMetadata();
  assert.equal(meta.issuer, t.base);
  assert.equal(meta.authorization_endpoint, `${t.base}/authorize`);
  assert.equal(meta.token_endpoint, `${t.base}/token`);
  assert.equal(meta.userinfo_endpoint, `${t.base}/userinfo`);
  assert.equal(meta.end_session_endpoint, `${t.base}/end_session`);
  assert.equal(meta.introspection_endpoint, `${t.base}/introspect`);
  assert.equal(meta.revocation_endpoint, `${t.base}/revoke`);
  assert.equal(meta.authorization_response_iss_parameter_supported, true);
  assert.ok(meta.supportsPKCE("S256"));
  assert.ok(!meta.supportsPKCE("plain"));
});

Deno.test("openid-client: public client, code + PKCE, ID token (signature, iss, aud, nonce, at_hash, max_age), UserInfo GET and POST", async () => {
  const config = await configure(publicRP, "none");
  const { tokens, claims, pages } = await signIn(config, { maxAge: 600 });
  assert.deepEqual(pages, ["Sign in", "Allow access?"]);
  assert.equal(claims.iss, t.base);
  assert.equal(claims.aud, publicRP.clientID);
  assert.equal(typeof claims.auth_time, "number");
  assert.equal(claims.email, "alice@example.com");
  assert.equal(tokens.token_type, "bearer");
  assert.ok(tokens.expiresIn()! > 0);

  const viaGet = await client.fetchUserInfo(
    config,
    tokens.access_token,
    claims.sub,
  );
  assert.equal(viaGet.sub, claims.sub);
  assert.equal(viaGet.preferred_username, "alice");
  assert.equal(viaGet.email_verified, true);
  // OIDC Core §5.3.1: UserInfo MUST support POST as well.
  const viaPost = await client.fetchProtectedResource(
    config,
    tokens.access_token,
    new URL(config.serverMetadata().userinfo_endpoint!),
    "POST",
  );
  assert.equal(viaPost.status, 200);
  assert.deepEqual(await viaPost.json(), viaGet);
  // The library refuses claims about another subject (OIDC Core §5.3.4).
  await assert.rejects(() =>
    client.fetchUserInfo(config, tokens.access_token, "someone-else")
  );
});

Deno.test("openid-client: refresh rotates the token; the old one is invalid_grant and ends the family", async () => {
  const config = await configure(publicRP, "none");
  const { tokens, claims } = await signIn(config);
  const refreshed = await client.refreshTokenGrant(
    config,
    tokens.refresh_token!,
  );
  assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
  assert.notEqual(refreshed.access_token, tokens.access_token);
  const again = refreshed.claims()!;
  // OIDC Core §12.2: same iss, sub, aud and auth_time.
  assert.equal(again.sub, claims.sub);
  assert.equal(again.iss, claims.iss);
  assert.equal(again.auth_time, claims.auth_time);
  assert.equal(again.at_hash, atHash(refreshed.access_token));
  const info = await client.fetchUserInfo(
    config,
    refreshed.access_token,
    claims.sub,
  );
  assert.equal(info.sub, claims.sub);

  // RFC 9700 §4.14.2: the rotated token presented again revokes the family.
  await assert.rejects(
    () => client.refreshTokenGrant(config, tokens.refresh_token!),
    isResponseBodyError("invalid_grant"),
  );
  await assert.rejects(
    () => client.refreshTokenGrant(config, refreshed.refresh_token!),
    isResponseBodyError("invalid_grant"),
  );
});

Deno.test("openid-client: a replayed authorization code is invalid_grant", async () => {
  const config = await configure(publicRP, "none");
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: RP_CALLBACK,
    scope: "openid",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
  });
  const { callback } = await browse(t, url);
  await client.authorizationCodeGrant(config, callback!, {
    pkceCodeVerifier: verifier,
  });
  await assert.rejects(
    () =>
      client.authorizationCodeGrant(config, callback!, {
        pkceCodeVerifier: verifier,
      }),
    isResponseBodyError("invalid_grant"),
  );
});

for (const method of ["basic", "post"] as const) {
  Deno.test(`openid-client: confidential client (client_secret_${method}): introspection and revocation`, async () => {
    const rp = method === "basic" ? basicRP : postRP;
    const config = await configure(rp, method);
    const { tokens, claims } = await signIn(config);

    const access = await client.tokenIntrospection(config, tokens.access_token);
    assert.equal(access.active, true);
    assert.equal(access.client_id, rp.clientID);
    assert.equal(access.sub, claims.sub);
    assert.equal(access.username, "alice");
    assert.equal(access.token_type, "Bearer");
    assert.equal(access.iss, t.base);
    assert.deepEqual(
      access.scope!.split(" ").sort(),
      ["email", "offline_access", "openid", "profile"],
    );
    assert.ok(access.exp! > access.iat!);
    const refresh = await client.tokenIntrospection(
      config,
      tokens.refresh_token!,
      { token_type_hint: "refresh_token" },
    );
    assert.equal(refresh.active, true);

    // RFC 7009: revoking the access token ends it alone ...
    await client.tokenRevocation(config, tokens.access_token, {
      token_type_hint: "access_token",
    });
    assert.deepEqual(
      await client.tokenIntrospection(config, tokens.access_token),
      { active: false },
    );
    await assert.rejects(
      () => client.fetchUserInfo(config, tokens.access_token, claims.sub),
      (err: unknown) =>
        err instanceof client.WWWAuthenticateChallengeError &&
        err.cause[0].parameters.error === "invalid_token",
    );
    // ... revoking the refresh token ends the grant (§2.1).
    await client.tokenRevocation(config, tokens.refresh_token!);
    await assert.rejects(
      () => client.refreshTokenGrant(config, tokens.refresh_token!),
      isResponseBodyError("invalid_grant"),
    );
    // RFC 7662 §4: another client learns nothing about these tokens.
    const other = await configure(
      method === "basic" ? postRP : basicRP,
      method === "basic" ? "post" : "basic",
    );
    const fresh = await signIn(config);
    assert.deepEqual(
      await client.tokenIntrospection(other, fresh.tokens.access_token),
      { active: false },
    );
  });
}

Deno.test("openid-client: a wrong client secret is refused with a Basic challenge", async () => {
  const config = await client.discovery(
    new URL(t.base),
    basicRP.clientID,
    undefined,
    client.ClientSecretBasic("not-the-secret"),
    { execute: [client.allowInsecureRequests] },
  );
  await assert.rejects(
    () => client.tokenIntrospection(config, "whatever"),
    (err: unknown) =>
      err instanceof client.WWWAuthenticateChallengeError &&
      err.status === 401,
  );
});

Deno.test("openid-client: response_mode=form_post, read from the POSTed Request", async () => {
  const config = await configure(basicRP, "basic");
  const { claims, tokens } = await signIn(config, {
    responseMode: "form_post",
    scope: "openid email",
  });
  assert.equal(claims.email, "alice@example.com");
  assert.equal(tokens.scope, "openid email");
});

Deno.test("openid-client: RP-initiated logout with id_token_hint signs out at once; prompt=none then answers login_required", async () => {
  const config = await configure(publicRP, "none");
  const { tokens, jar } = await signIn(config, { scope: "openid" });
  const endSession = client.buildEndSessionUrl(config, {
    id_token_hint: tokens.id_token!,
    post_logout_redirect_uri: RP_POST_LOGOUT,
    state: "bye",
  });
  const res = await t.fetch(`${endSession.pathname}${endSession.search}`, {
    headers: { Accept: "text/html", Cookie: jar.header() },
    redirect: "manual",
  });
  jar.capture(res);
  await res.body?.cancel();
  // The hint belongs to this browser's session: no confirmation needed.
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("Location"), `${RP_POST_LOGOUT}?state=bye`);

  const state = client.randomState();
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: RP_CALLBACK,
    scope: "openid",
    prompt: "none",
    state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
  });
  const { callback, pages } = await browse(t, url, { jar });
  assert.deepEqual(pages, []);
  await assert.rejects(
    () =>
      client.authorizationCodeGrant(config, callback!, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      }),
    (err: unknown) =>
      err instanceof client.AuthorizationResponseError &&
      err.error === "login_required",
  );
});

Deno.test("openid-client: client_credentials with client_secret_basic", async () => {
  const svc = await addClient(t, {
    client_id: "oc-service",
    grant_types: ["client_credentials"],
    scope: "profile",
    token_endpoint_auth_method: "client_secret_basic",
  });
  const config = await client.discovery(
    new URL(t.base),
    svc.client_id,
    undefined,
    client.ClientSecretBasic(svc.client_secret!),
    { execute: [client.allowInsecureRequests] },
  );
  const tokens = await client.clientCredentialsGrant(config, {
    scope: "profile",
  });
  assert.equal(tokens.token_type, "bearer");
  assert.equal(tokens.scope, "profile");
  assert.equal(tokens.refresh_token, undefined, "RFC 6749 §4.4.3");
  const info = await client.tokenIntrospection(config, tokens.access_token);
  assert.equal(info.active, true);
  assert.equal(info.sub, "oc-service");
});
